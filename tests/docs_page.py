"""The Python snippets of Google's "Text generation" docs page, with gemwire's imports.

The page (``../shared/seed/text-generation.md``) is plain text: each snippet follows the
language tabs line ``... Apps Script`` and runs until the prose starts again, which is the
longest run of lines that still compiles as Python.
"""

from __future__ import annotations

from tests.conftest import SHARED

DOCS_PAGE = SHARED / "seed" / "text-generation.md"
NAMES = (
    "generate_text",
    "system_instruction",
    "generation_config",
    "image_input",
    "streaming",
    "chat",
    "chat_streaming",
)
# The only edit a user makes to switch: the imports.
IMPORT_SWAPS = (
    ("from google import genai", "import gemwire as genai"),
    ("from google.genai import types", "from gemwire import types"),
)


def snippets() -> dict[str, str]:
    """The page's Python snippets by name, as the page writes them."""
    lines = DOCS_PAGE.read_text(encoding="utf-8").splitlines()
    found: list[str] = []
    index = 0
    while index < len(lines):
        if lines[index].strip() != "Apps Script":
            index += 1
            continue
        start = index + 1
        end = next(
            (i for i in range(start, len(lines)) if lines[i].strip() == "Apps Script"), len(lines)
        )
        longest = max(n for n in range(start, end + 1) if _compiles("\n".join(lines[start:n])))
        found.append("\n".join(lines[start:longest]).strip() + "\n")
        index = longest
    assert len(found) == len(NAMES), f"expected {len(NAMES)} snippets, found {len(found)}"
    return dict(zip(NAMES, found, strict=True))


def with_gemwire_imports(snippet: str) -> str:
    for google, gemwire in IMPORT_SWAPS:
        snippet = snippet.replace(google, gemwire)
    return snippet


def _compiles(source: str) -> bool:
    try:
        compile(source, "<snippet>", "exec")
    except SyntaxError:
        return False
    return True
