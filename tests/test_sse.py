"""Server-sent events parsing: framing edge cases, errors, truncation."""

from __future__ import annotations

import json

import pytest

from gemwire._sse import iter_sse_json
from gemwire.errors import APIError, ClientError, IncompleteStreamError


def events(*payloads: object, newline: str = "\r\n") -> bytes:
    return "".join(f"data: {json.dumps(p)}{newline}{newline}" for p in payloads).encode()


def split_every(data: bytes, size: int) -> list[bytes]:
    return [data[i : i + size] for i in range(0, len(data), size)]


@pytest.mark.parametrize("newline", ["\r\n", "\n", "\r"])
@pytest.mark.parametrize("piece", [1, 2, 3, 7, 1000])
def test_events_split_anywhere_with_any_line_ending(newline: str, piece: int) -> None:
    payloads = [{"n": i, "text": "a\nb"} for i in range(5)]
    stream = split_every(events(*payloads, newline=newline), piece)
    assert list(iter_sse_json(stream)) == payloads


def test_multi_line_data_is_joined_with_newlines() -> None:
    stream = [b'data: {"a":\ndata: 1}\n\n']
    assert list(iter_sse_json(stream)) == [{"a": 1}]


def test_comments_and_other_fields_are_ignored() -> None:
    stream = [b': keep-alive\n\nevent: chunk\nid: 7\nretry: 10\ndata:{"a":1}\n\n']
    assert list(iter_sse_json(stream)) == [{"a": 1}]


def test_an_error_object_in_place_of_a_chunk_raises_after_the_chunks_before_it() -> None:
    error = {"error": {"code": 429, "message": "quota", "status": "RESOURCE_EXHAUSTED"}}
    received = []
    with pytest.raises(ClientError) as caught:
        for payload in iter_sse_json([events({"a": 1}, {"a": 2}, error)]):
            received.append(payload)
    assert received == [{"a": 1}, {"a": 2}]
    assert caught.value.code == 429
    assert caught.value.status == "RESOURCE_EXHAUSTED"
    assert caught.value.message == "quota"


def test_a_stream_cut_off_mid_event_raises() -> None:
    whole = events({"a": 1}, {"a": 2})
    with pytest.raises(IncompleteStreamError):
        list(iter_sse_json([whole[:-10]]))


def test_the_last_event_without_its_blank_line_counts_as_cut_off() -> None:
    with pytest.raises(IncompleteStreamError):
        list(iter_sse_json([b'data: {"a": 1}\n']))


def test_invalid_json_in_an_event_is_a_gemwire_error() -> None:
    with pytest.raises(IncompleteStreamError):
        list(iter_sse_json([b"data: {not json\n\n"]))


def test_trailing_blank_lines_and_empty_reads_are_fine() -> None:
    assert list(iter_sse_json([b"", events({"a": 1}), b"\r\n", b""])) == [{"a": 1}]


def test_errors_are_api_errors() -> None:
    assert issubclass(ClientError, APIError)
