"""Server-sent events: bytes as they arrive -> the JSON object of each ``data:`` event.

Follows the WHATWG event-stream rules that matter here: lines end in ``\\r\\n``, ``\\n`` or
``\\r`` (possibly split across reads), an event ends at a blank line, several ``data:`` lines
join with ``\\n``, lines starting with ``:`` are comments, other fields (``event``, ``id``,
``retry``) are ignored. An ``{"error": {...}}`` object in place of a chunk raises
:class:`~gemwire.errors.APIError`; bytes left over when the stream ends mean it was cut off
mid-event and raise :class:`~gemwire.errors.IncompleteStreamError`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from gemwire.errors import APIError, IncompleteStreamError

__all__ = ["iter_sse_json"]


def iter_sse_json(chunks: Iterable[bytes]) -> Iterator[Any]:
    """Yield the decoded JSON of every event in a stream of byte chunks."""
    buffer = b""
    for chunk in chunks:
        if not chunk:
            continue
        if (  # fast path: one single-line event in a chunk of its own, as the API sends them
            not buffer
            and chunk.startswith(b"data: ")
            and chunk.endswith(b"\r\n\r\n")
            and chunk.count(b"\n") == 2
            and chunk.count(b"\r") == 2
        ):
            yield _decode(chunk[6:-4])
            continue
        buffer += chunk
        if b"\r" in buffer:
            # Normalise line endings; a final lone \r may be the first half of \r\n.
            pending_cr = buffer.endswith(b"\r")
            buffer = buffer[:-1] if pending_cr else buffer
            buffer = buffer.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
            buffer += b"\r" if pending_cr else b""
        if b"\n\n" in buffer:
            *events, buffer = buffer.split(b"\n\n")
            yield from _decode_events(events)
    if buffer.endswith(b"\r"):  # at the end, a lone \r is a line ending after all
        *events, buffer = (buffer[:-1] + b"\n").split(b"\n\n")
        yield from _decode_events(events)
    buffer = buffer.rstrip(b"\n")
    if buffer:
        data = _event_data(buffer)
        if data is not None:
            raise IncompleteStreamError(
                f"the stream was cut off in the middle of an event ({len(buffer)} bytes received)"
            )


def _decode_events(events: list[bytes]) -> Iterator[Any]:
    for event in events:
        data = _event_data(event)
        if data is not None:
            yield _decode(data)


def _event_data(event: bytes) -> bytes | None:
    """The joined ``data:`` lines of one event, or ``None`` if it has none."""
    if event.startswith(b"data: ") and b"\n" not in event:  # the common case: one data line
        return event[6:]
    data: list[bytes] = []
    for line in event.split(b"\n"):
        if line.startswith(b"data:"):
            value = line[5:]
            data.append(value[1:] if value.startswith(b" ") else value)
        elif line == b"data":
            data.append(b"")
    return b"\n".join(data) if data else None


def _decode(data: bytes) -> Any:
    try:
        payload = json.loads(data)
    except (ValueError, RecursionError) as error:  # RecursionError: nested too deep to decode
        raise IncompleteStreamError(f"a stream event is not valid JSON: {error}") from error
    if isinstance(payload, dict) and "error" in payload and len(payload) == 1:
        raise APIError.from_payload(500, payload)
    return payload
