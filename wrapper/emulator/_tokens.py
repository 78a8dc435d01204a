"""The emulator's token rule: every word and every punctuation mark is one token.

A word is a run of letters, digits and underscores (`\\w+`); every other non-space character
counts alone. "Hello, world!" is 4 tokens. Each media part (`inlineData` or `fileData`) costs a
fixed 258 tokens, like one image tile in the real API.
"""

from __future__ import annotations

import re

TOKEN = re.compile(r"\w+|[^\w\s]")
MEDIA_PART_TOKENS = 258


def count(text: str) -> int:
    """How many tokens `text` is under the emulator's rule."""
    return len(TOKEN.findall(text))


def truncate(text: str, limit: int) -> str | None:
    """`text` cut after its first `limit` tokens, or None when it is not longer than that."""
    for seen, match in enumerate(TOKEN.finditer(text)):
        if seen == limit:
            return text[: match.start()].rstrip()
    return None
