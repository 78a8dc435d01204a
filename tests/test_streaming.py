"""``Stream``: typed chunks from events, the answer they add up to, and who closes what (unit
level, on scripted events; the end-to-end behaviour against the emulator lives in
test_client.py and test_faults.py)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import pytest

import gemwire as genai
from gemwire import errors, types


class Events:
    """Scripted events, as the transport's EventStream hands them, recording ``close()``."""

    def __init__(self, *payloads: Any) -> None:
        self.headers = {"Content-Type": "text/event-stream"}
        self.payloads = payloads
        self.read = 0
        self.closed = False

    def __iter__(self) -> Iterator[Any]:
        for payload in self.payloads:
            self.read += 1
            yield payload

    def close(self) -> None:
        self.closed = True


def chunk(*parts: dict[str, Any], finish: str | None = None, **fields: Any) -> dict[str, Any]:
    candidate: dict[str, Any] = {"content": {"role": "model", "parts": list(parts)}}
    if finish:
        candidate["finishReason"] = finish
    return {"candidates": [candidate], **fields}


def final(*payloads: Any, **config: Any) -> types.GenerateContentResponse:
    stream = genai.Stream(Events(*payloads), config=types.GenerateContentConfig(**config))
    return stream.get_final_response()


def test_streamed_text_merges_into_one_part_per_kind_keeping_the_signature() -> None:
    merged = final(
        chunk({"text": "Let me ", "thought": True}),
        chunk({"text": "think.", "thought": True}),
        chunk({"text": "Four ", "thoughtSignature": "c2lnbmF0dXJl"}),
        chunk({"text": "paws."}, finish="STOP"),
    )
    assert merged.to_dict()["candidates"][0]["content"] == {
        "role": "model",
        "parts": [
            {"text": "Let me think.", "thought": True},
            {"text": "Four paws.", "thoughtSignature": "c2lnbmF0dXJl"},
        ],
    }
    assert merged.text == "Four paws."


def test_function_calls_and_signed_parts_stay_separate() -> None:
    merged = final(
        chunk({"text": "a", "thoughtSignature": "AA=="}),
        chunk({"text": "b", "thoughtSignature": "AQ=="}),
        chunk({"functionCall": {"name": "f", "args": {}}}, finish="STOP"),
    )
    assert merged.candidates is not None
    assert merged.candidates[0].content is not None
    assert [p.to_dict() for p in merged.candidates[0].content.parts or ()] == [
        {"text": "a", "thoughtSignature": "AA=="},
        {"text": "b", "thoughtSignature": "AQ=="},
        {"functionCall": {"name": "f", "args": {}}},
    ]


def test_the_other_fields_are_the_last_ones_sent_and_unknown_ones_are_kept() -> None:
    merged = final(
        chunk({"text": "Hi"}, modelVersion="m-1", usageMetadata={"promptTokenCount": 3}),
        chunk(
            {"text": " there"},
            finish="STOP",
            usageMetadata={"promptTokenCount": 3, "candidatesTokenCount": 2},
            futureField={"x": 1},
        ),
    )
    assert merged.to_dict() == {
        "candidates": [
            {
                "content": {"role": "model", "parts": [{"text": "Hi there"}]},
                "finishReason": "STOP",
            }
        ],
        "usageMetadata": {"promptTokenCount": 3, "candidatesTokenCount": 2},
        "modelVersion": "m-1",
        "futureField": {"x": 1},
    }


def test_candidates_are_merged_by_their_index() -> None:
    def two(first: str, second: str, **extra: Any) -> dict[str, Any]:
        return {
            "candidates": [
                {"index": 0, "content": {"parts": [{"text": first}]}, **extra},
                {"index": 1, "content": {"parts": [{"text": second}]}, **extra},
            ]
        }

    merged = final(two("a", "x"), two("b", "y", finishReason="STOP"))
    assert [
        c.content.parts[0].text for c in merged.candidates or () if c.content and c.content.parts
    ] == [
        "ab",
        "xy",
    ]


def test_a_blocked_prompt_finishes_the_stream_without_content() -> None:
    merged = final({"promptFeedback": {"blockReason": "SAFETY"}})
    assert merged.candidates is None
    assert merged.prompt_feedback is not None
    assert merged.prompt_feedback.block_reason == types.BlockedReason.SAFETY


@dataclasses.dataclass
class Point:
    x: int
    y: int


def test_the_final_response_is_parsed_when_a_schema_was_asked_for() -> None:
    merged = final(
        chunk({"text": '{"x": 1, '}),
        chunk({"text": '"y": 2}'}, finish="STOP"),
        response_schema=Point,
    )
    assert merged.parsed == Point(x=1, y=2)


def test_get_final_response_reads_the_rest_after_part_of_the_loop() -> None:
    events = Events(chunk({"text": "one "}), chunk({"text": "two"}, finish="STOP"))
    stream = genai.Stream(events)
    assert next(stream).text == "one "
    assert stream.current_response.text == "one "
    assert not stream.finished
    assert stream.get_final_response().text == "one two"
    assert stream.finished
    assert events.closed


def test_a_stream_that_ends_unfinished_raises_and_closes_its_events() -> None:
    events = Events(chunk({"text": "cut"}))
    stream = genai.Stream(events)
    with pytest.raises(errors.IncompleteStreamError, match="before the model finished"):
        list(stream)
    assert events.closed


def test_get_final_response_after_leaving_early_says_the_answer_is_incomplete() -> None:
    events = Events(chunk({"text": "one "}), chunk({"text": "two"}, finish="STOP"))
    with genai.Stream(events) as stream:
        for _ in stream:
            break
    assert events.closed
    assert events.read == 1
    with pytest.raises(errors.IncompleteStreamError, match="closed before the model finished"):
        stream.get_final_response()


def test_closing_a_stream_never_iterated_closes_its_events() -> None:
    events = Events(chunk({"text": "x"}, finish="STOP"))
    genai.Stream(events).close()
    assert events.closed
    assert events.read == 0


def test_an_answer_that_does_not_fit_the_types_is_an_invalid_response() -> None:
    stream = genai.Stream(Events({"candidates": [{"index": "first"}]}))
    with pytest.raises(errors.InvalidResponseError, match=r"candidates\[0\]\.index") as caught:
        next(stream)
    assert isinstance(caught.value.__cause__, errors.DecodeError)
