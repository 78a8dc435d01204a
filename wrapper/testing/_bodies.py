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
    """``body`` without its ``Content-Encoding`` (gzip or deflate; gzip is also recognised by
    its magic bytes, since recorders do not always keep the header). Raises ``OSError`` or
    ``zlib.error`` for a body that claims an encoding it does not have."""
    encoding = encoding.strip().lower()
    if encoding == "gzip" or body.startswith(GZIP_MAGIC):
        return gzip.decompress(body)
    if encoding == "deflate":
        try:
            return zlib.decompress(body)
        except zlib.error:
            return zlib.decompress(body, -zlib.MAX_WBITS)  # raw deflate, as some servers send
    return body


def edit_text(body: bytes, encoding: str, edit: Callable[[str], str]) -> bytes:
    """``body`` with ``edit`` applied to its text, through its content encoding; bytes that
    are not UTF-8 pass through untouched (``surrogateescape``). Unchanged bodies come back
    as they were, byte for byte."""
    try:
        plain = decompress(body, encoding)
    except (OSError, EOFError, zlib.error):  # not what its header says: edit it as it is
        plain, encoding = body, ""
    text = plain.decode("utf-8", "surrogateescape")
    edited = edit(text)
    if edited == text:
        return body
    data = edited.encode("utf-8", "surrogateescape")
    if plain is body:
        return data
    if encoding.strip().lower() == "deflate":
        return zlib.compress(data)
    return gzip.compress(data, mtime=0)


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
