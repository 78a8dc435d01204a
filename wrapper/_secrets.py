"""Where credentials travel and how they are kept out of sight.

One set of rules for the client and the emulator: which headers and query parameters carry
credentials, how a URL or headers are shown with them redacted, and which hosts count as
loopback (plain ``http://`` carries the key only there; the emulator listens only there).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Mapping
from urllib.parse import parse_qsl, urlencode, urlsplit

__all__ = [
    "REDACTED",
    "SECRET_HEADERS",
    "is_loopback",
    "redact_headers",
    "redact_url",
    "redactor",
]

SECRET_HEADERS = frozenset({"x-goog-api-key", "authorization", "proxy-authorization", "cookie"})
SECRET_QUERY = frozenset({"key", "api_key", "apikey", "access_token", "token"})
REDACTED = "<redacted>"
# A secret this short (a test key) is replaced only where it stands alone: replacing every
# "k" of a message would leave it unreadable, and a short key is not found by chance in a
# longer word only.
SHORT_SECRET = 8


def is_loopback(host: str | None) -> bool:
    """Whether ``host`` is ``localhost`` or a loopback address, bracketed IPv6 included; no
    DNS lookup (a name that resolves to loopback today may not tomorrow)."""
    if not host:
        return False
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def redact_url(url: str) -> str:
    """``url`` with the values of query parameters that can carry secrets replaced."""
    parts = urlsplit(url)
    if not parts.query:
        return url
    query = [
        (name, REDACTED if name.lower() in SECRET_QUERY else value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
    ]
    return parts._replace(query=urlencode(query, safe="<>")).geturl()


def redactor(secret: str) -> Callable[[str], str]:
    """A function that replaces ``secret`` in a text with ``<redacted>``: everywhere, or, for
    a short secret, where no letter, digit, ``-`` or ``_`` touches it."""
    if len(secret) >= SHORT_SECRET:
        return lambda text: text.replace(secret, REDACTED)
    alone = re.compile(rf"(?<![\w-]){re.escape(secret)}(?![\w-])")
    return lambda text: alone.sub(REDACTED, text) if secret in text else text


def redact_headers(
    headers: Mapping[str, str], redact: Callable[[str], str] | None = None
) -> dict[str, str]:
    """``headers`` with credential headers replaced, and the other values passed through
    ``redact`` (a :func:`redactor`)."""
    return {
        name: REDACTED if name.lower() in SECRET_HEADERS else (redact(value) if redact else value)
        for name, value in headers.items()
    }
