"""HTTP bodies and headers as recorded: content encodings, text, JSON, header look-ups."""

from __future__ import annotations

import gzip
import json
import zlib
from collections.abc import Callable, Mapping
from typing import Any

from gemwire._sse import iter_sse_json

GZIP_MAGIC = b"\x1f\x8b"


def decompress(body: bytes, encoding: str = "") -> bytes:
    """``body`` without its gzip or deflate ``Content-Encoding``. A body without gzip's magic
    bytes, or one deflate cannot read, is taken as already decompressed (recorders such as
    vcrpy with requests keep the header of a body they stored decoded); gzip is recognised
    by its magic bytes even without the header. Raises ``OSError`` or ``EOFError`` for a
    gzip body that is cut off or corrupt."""
    if body.startswith(GZIP_MAGIC):
        return gzip.decompress(body)
    if encoding.strip().lower() == "deflate":
        for wbits in (zlib.MAX_WBITS, -zlib.MAX_WBITS):  # zlib-wrapped, or raw as some send
            try:
                return zlib.decompress(body, wbits)
            except zlib.error:
                pass
    return body


def edit_text(body: bytes, encoding: str, edit: Callable[[str], str]) -> bytes:
    """``body`` with ``edit`` applied to its text, through its content encoding; bytes that
    are not UTF-8 pass through untouched (``surrogateescape``). Unchanged bodies come back
    as they were, byte for byte."""
    try:
        plain = decompress(body, encoding)
    except (OSError, EOFError):  # a corrupt gzip body: edit it as it is
        plain = body
    text = plain.decode("utf-8", "surrogateescape")
    edited = edit(text)
    if edited == text:
        return body
    data = edited.encode("utf-8", "surrogateescape")
    if plain is body:
        return data
    if body.startswith(GZIP_MAGIC):
        return gzip.compress(data, mtime=0)
    return zlib.compress(data)


def text_of(body: bytes) -> str:
    """A decompressed body as text (bytes that are not UTF-8 as ``\\ufffd``)."""
    return body.decode("utf-8", "replace")


def json_objects(body: bytes, *, sse: bool) -> list[Any]:
    """The JSON values an answer carries: each ``data:`` event of a server-sent event stream,
    each element of a streamed JSON array (``sse=False`` with a list), or the one value.

    Raises ``ValueError`` for text that is not JSON, and gemwire's stream errors
    (:class:`~gemwire.errors.APIError` for an error event, ``IncompleteStreamError`` for a
    stream cut off mid-event)."""
    if sse:
        return list(iter_sse_json([body]))
    value = json.loads(body)
    return value if isinstance(value, list) else [value]


def header(headers: Mapping[str, Any], name: str) -> str:
    """The first value of a header by its lower-case ``name`` ("" if absent)."""
    for key, values in headers.items():
        if key.lower() == name:
            listed = header_values(values)
            return listed[0] if listed else ""
    return ""


def header_values(values: Any) -> list[str]:
    """A header's values, whether the recording keeps a list per name (vcrpy's responses)
    or one value (its requests)."""
    return [str(v) for v in values] if isinstance(values, (list, tuple)) else [str(values)]
