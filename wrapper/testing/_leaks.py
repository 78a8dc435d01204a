"""Secrets left in a recording: credentials in headers and query strings, Google API keys
and OAuth tokens anywhere, and known keys in plain, compressed or base64 form.

A value never appears in what is reported: only where it was found and what it looked like.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from gemwire._secrets import REDACTED, SECRET_HEADERS, SECRET_QUERY, SHORT_SECRET, redactor
from gemwire.testing._bodies import header_values

# What Google's credentials look like: API keys (AIza + 35) and OAuth access tokens.
PATTERNS = {
    "a Google API key": re.compile(r"AIza[0-9A-Za-z_-]{35}"),
    "a Google OAuth token": re.compile(r"ya29\.[0-9A-Za-z_-]{20,}"),
}
# Values that recording filters put in place of a secret: not secrets themselves.
_PLACEHOLDER = re.compile(
    r"|[<{\[(].*[>}\])]|(.)\1*|(?i:redacted|filtered|removed|dummy|fake|test|masked|hidden|none|null)",
)


@dataclass(frozen=True)
class Secret:
    """A secret value to look for, and how to name it in a report."""

    value: str
    name: str


def is_placeholder(value: str) -> bool:
    """Whether a credential header's or parameter's value is a filter's stand-in
    (``<redacted>``, ``DUMMY``, ``XXXX``, ...) rather than a credential; an
    ``Authorization`` scheme (``Bearer``) is ignored."""
    value = value.strip()
    scheme, _, rest = value.partition(" ")
    if rest and scheme.isalpha():
        value = rest.strip()
    return _PLACEHOLDER.fullmatch(value) is not None


def credentials(uri: str, headers: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """``(where, value)`` for each credential a request carries that is not a placeholder
    (header values one or a list per name)."""
    for name, value in parse_qsl(urlsplit(uri).query, keep_blank_values=True):
        if name.lower() in SECRET_QUERY and not is_placeholder(value):
            yield f"query parameter {name}", value
    for name, values in headers.items():
        if name.lower() in SECRET_HEADERS:
            for value in header_values(values):
                if not is_placeholder(value):
                    yield f"header {name}", value


def secrets_in(text: str, secrets: Iterable[Secret]) -> list[str]:
    """What ``text`` holds: the names of the secrets found in it (as they are, or in
    base64 for a secret of at least eight characters), then of the credential patterns."""
    found = []
    for secret in secrets:
        if redactor(secret.value)(text) != text:
            found.append(secret.name)
        elif len(secret.value) >= SHORT_SECRET and any(
            form in text for form in _base64_forms(secret.value)
        ):
            found.append(f"{secret.name} in base64")
    found += [name for name, pattern in PATTERNS.items() if pattern.search(text)]
    return found


def redacting(values: Iterable[str], *, patterns: bool = False) -> Callable[[str], str]:
    """A function that replaces each of ``values`` in a text with ``<redacted>`` (longest
    first, so a key that contains another goes whole; a short one only where it stands
    alone), and with ``patterns`` anything shaped like a Google credential."""
    redacts = [redactor(value) for value in sorted(set(values) - {""}, key=len, reverse=True)]
    shapes = list(PATTERNS.values()) if patterns else []

    def redact(text: str) -> str:
        for one in redacts:
            text = one(text)
        for shape in shapes:
            text = shape.sub(REDACTED, text)
        return text

    return redact


def _base64_forms(secret: str) -> list[str]:
    """The text ``secret`` always leaves in base64, whatever bytes surround it: for each of
    the three alignments, the characters that only its own bits make (and their URL-safe
    spelling)."""
    forms = []
    data = secret.encode()
    for shift in range(3):
        encoded = base64.b64encode(b"\0" * shift + data).decode()
        start = -(-4 * shift // 3)  # the first character no byte before it touches
        end = 8 * (shift + len(data)) // 6  # past the last one no byte after it touches
        core = encoded[start:end]
        forms += [core, core.replace("+", "-").replace("/", "_")]
    return forms
