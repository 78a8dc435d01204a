"""Chat history: streamed turns merge into one model Content (unit level; the end-to-end
behaviour against the emulator lives in test_client.py)."""

from __future__ import annotations

from typing import Any

from gemwire import types
from gemwire.chats import _merge_chunks


def chunk(*parts: dict[str, Any], finish: str | None = None) -> types.GenerateContentResponse:
    candidate: dict[str, Any] = {"content": {"role": "model", "parts": list(parts)}}
    if finish:
        candidate["finishReason"] = finish
    return types.GenerateContentResponse.from_dict({"candidates": [candidate]})


def test_streamed_text_merges_into_one_part_per_kind_keeping_the_signature() -> None:
    merged = _merge_chunks(
        [
            chunk({"text": "Let me ", "thought": True}),
            chunk({"text": "think.", "thought": True}),
            chunk({"text": "Four ", "thoughtSignature": "c2lnbmF0dXJl"}),
            chunk({"text": "paws."}, finish="STOP"),
        ]
    )
    assert merged is not None
    assert merged.to_dict() == {
        "role": "model",
        "parts": [
            {"text": "Let me think.", "thought": True},
            {"text": "Four paws.", "thoughtSignature": "c2lnbmF0dXJl"},
        ],
    }


def test_function_calls_and_signed_parts_stay_separate() -> None:
    merged = _merge_chunks(
        [
            chunk({"text": "a", "thoughtSignature": "AA=="}),
            chunk({"text": "b", "thoughtSignature": "AQ=="}),
            chunk({"functionCall": {"name": "f", "args": {}}}, finish="STOP"),
        ]
    )
    assert merged is not None
    assert [p.to_dict() for p in merged.parts or ()] == [
        {"text": "a", "thoughtSignature": "AA=="},
        {"text": "b", "thoughtSignature": "AQ=="},
        {"functionCall": {"name": "f", "args": {}}},
    ]


def test_a_stream_without_content_records_nothing() -> None:
    blocked = types.GenerateContentResponse.from_dict({"promptFeedback": {"blockReason": "SAFETY"}})
    assert _merge_chunks([blocked]) is None
