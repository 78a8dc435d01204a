"""Where credentials travel and how they are kept out of sight.

One set of rules for the client and the emulator: which headers and query parameters carry
credentials, how a URL or headers are shown with them redacted, and which hosts count as
loopback (plain ``http://`` carries the key only there; the emulator listens only there).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from urllib.parse import parse_qsl, urlencode, urlsplit

__all__ = ["REDACTED", "SECRET_HEADERS", "is_loopback", "redact_headers", "redact_url"]

SECRET_HEADERS = frozenset({"x-goog-api-key", "authorization", "proxy-authorization", "cookie"})
SECRET_QUERY = frozenset({"key", "api_key", "apikey", "access_token", "token"})
REDACTED = "<redacted>"


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


def redact_headers(headers: Mapping[str, str], secret: str | None = None) -> dict[str, str]:
    """``headers`` with credential headers replaced, and ``secret`` wherever else it appears."""
    return {
        name: REDACTED
        if name.lower() in SECRET_HEADERS
        else (value.replace(secret, REDACTED) if secret else value)
        for name, value in headers.items()
    }
