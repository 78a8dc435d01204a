"""Server-sent events: bytes as they arrive -> the JSON object of each ``data:`` event.

Follows the WHATWG event-stream rules that matter here: an optional UTF-8 BOM starts the
stream, lines end in ``\\r\\n``, ``\\n`` or ``\\r`` (possibly split across reads), an event ends
at a blank line, several ``data:`` lines join with ``\\n``, lines starting with ``:`` are
comments, other fields (``event``, ``id``, ``retry``) are ignored. Each event is handed out as
soon as its blank line arrives, and the work is linear in the bytes received, however they
are split.

Errors: an error object in place of a chunk (``{"error": {...}}``, alone or beside other keys)
raises :class:`~gemwire.errors.APIError`, and so does one the server writes without the
``data:`` prefix, on one line or pretty-printed (the API does both): a line starting with
``{`` or ``[`` begins plain JSON that runs to the end of the stream. One event larger than
``max_event`` bytes raises :class:`~gemwire.errors.ResponseTooLargeError`; bytes left over when
the stream ends mean it was cut off mid-event and raise
:class:`~gemwire.errors.IncompleteStreamError`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from gemwire._limits import MAX_EVENT_BYTES
from gemwire.errors import (
    IncompleteStreamError,
    InvalidResponseError,
    ResponseTooLargeError,
    error_in,
)

__all__ = ["iter_sse_json"]

BOM = b"\xef\xbb\xbf"


def iter_sse_json(chunks: Iterable[bytes], *, max_event: int = MAX_EVENT_BYTES) -> Iterator[Any]:
    """Yield the decoded JSON of every event in a stream of byte chunks."""
    lines = _Lines()
    data: list[bytes] = []  # the data lines of the event being read
    size = 0  # their bytes
    plain: list[bytes] | None = None  # the lines of JSON written without ``data:``
    for chunk in chunks:
        if not chunk:
            continue
        if (  # fast path: one single-line event in a chunk of its own, as the API sends them
            not data
            and not lines.partial
            and plain is None
            and chunk.startswith(b"data: ")
            and chunk.endswith(b"\r\n\r\n")
            and chunk.count(b"\n") == 2
            and chunk.count(b"\r") == 2
            and len(chunk) <= max_event
        ):
            yield _decode(chunk[6:-4])
            continue
        for line in lines.feed(chunk):
            if plain is not None:
                plain.append(line)
                size += len(line) + 1
            elif not line:
                if data:
                    yield _decode(b"\n".join(data))
                    data, size = [], 0
            elif line.startswith(b"data:"):
                value = line[5:]
                data.append(value[1:] if value.startswith(b" ") else value)
                size += len(line)
            elif _is_json(line):
                plain, size = [line], len(line)
        if size + lines.size > max_event:
            raise ResponseTooLargeError(
                f"one event of the stream is larger than the limit of {max_event} bytes "
                "(max_event_bytes)"
            )
    tail = lines.end()
    if plain is None and _is_json(tail):
        plain = []
    if plain is not None:
        _raise_plain(b"\n".join([*plain, tail]))
    if data or tail.startswith(b"data"):
        raise IncompleteStreamError(
            f"the stream was cut off in the middle of an event "
            f"({size + len(tail)} bytes of it received)"
        )


class _Lines:
    """Splits chunks into lines, keeping the unfinished last line for the next chunk; a
    ``\\r\\n`` may arrive split in two. Each byte is looked at a constant number of times."""

    __slots__ = ("_cr", "_first", "partial", "size")

    def __init__(self) -> None:
        self.partial: list[bytes] = []  # pieces of a line whose end has not arrived
        self.size = 0  # their bytes
        self._cr = False  # the last chunk ended with \r: a \n starting the next one is its pair
        self._first = True

    def feed(self, chunk: bytes) -> list[bytes]:
        if self._cr and chunk.startswith(b"\n"):
            chunk = chunk[1:]
        self._cr = chunk.endswith(b"\r")
        if self._first:
            chunk = self._strip_bom(chunk)
        if not chunk:
            return []
        lines = chunk.splitlines()
        if not chunk.endswith((b"\n", b"\r")):  # the last line is unfinished
            tail = lines.pop() if lines else b""
            if not lines:
                self.partial.append(tail)
                self.size += len(tail)
                return []
        else:
            tail = b""
        if self.partial:
            lines[0] = b"".join([*self.partial, lines[0]])
        self.partial = [tail] if tail else []
        self.size = len(tail)
        return lines

    def end(self) -> bytes:
        """The unfinished last line, when the stream has ended."""
        return b"".join(self.partial)

    def _strip_bom(self, chunk: bytes) -> bytes:
        start = b"".join([*self.partial, chunk])
        if len(start) < len(BOM) and BOM.startswith(start):
            return chunk  # too early to tell
        self._first = False
        if start.startswith(BOM):
            self.partial, self.size = [], 0
            return start[len(BOM) :]
        return chunk


def _is_json(line: bytes) -> bool:
    """Whether a line starts JSON written without ``data:`` (no event field starts so)."""
    return line.lstrip()[:1] in (b"{", b"[")


def _decode(data: bytes) -> Any:
    try:
        payload = json.loads(data)
    except (ValueError, RecursionError) as error:  # RecursionError: nested too deep to decode
        problem = str(error)  # raised below with only the reason: the error holds the event
    else:
        carried = error_in(payload)
        if carried is not None:
            raise carried
        return payload
    raise IncompleteStreamError(f"a stream event is not valid JSON: {problem}") from ValueError(
        problem
    )


def _raise_plain(text: bytes) -> None:
    """Raise the error of JSON written into the stream without ``data:``."""
    try:
        payload = json.loads(text)
    except (ValueError, RecursionError):
        payload = None
    error = error_in(payload)
    if error is not None:
        raise error
    raise InvalidResponseError(
        f"the stream holds {len(text)} bytes that are neither events nor an error object"
    )
