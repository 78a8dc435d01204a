"""A chat's history stays exactly as it was when a turn fails, is cut off or is abandoned.

Each case runs against the emulator's fault script. The emulator's reply says how many turns it
was sent (``I saw 3 turns.``), so the request after a failure shows that the failed user turn
did not stay in the history.
"""

from __future__ import annotations

from typing import Any

import pytest

import gemwire as genai
from gemwire import errors
from gemwire.emulator import Emulator

MODEL = "gemini-2.5-flash"


@pytest.fixture
def chat(client: genai.Client) -> genai.Chat:
    """A chat with one completed exchange in its history."""
    session = client.chats.create(model=MODEL)
    assert (
        session.send_message("first question").text == 'You said: "first question". I saw 1 turn.'
    )
    return session


def dump(chat: genai.Chat) -> list[dict[str, Any]]:
    return [turn.to_dict() for turn in chat.get_history()]


def assert_next_turn_sees_only_the_history(emu: Emulator, chat: genai.Chat) -> None:
    """The next message goes out with the recorded turns and itself, nothing of the failure."""
    before = dump(chat)
    reply = chat.send_message("next question")
    assert reply.text == f'You said: "next question". I saw {len(before) + 1} turns.'
    assert emu.requests[-1]["body"]["contents"][:-1] == before
    assert dump(chat) == [
        *before,
        {"role": "user", "parts": [{"text": "next question"}]},
        {"role": "model", "parts": [{"text": reply.text}]},
    ]


FAILURES = [
    pytest.param({"status": 400}, errors.ClientError, id="400"),
    pytest.param({"status": 403}, errors.ClientError, id="403"),
    pytest.param({"status": 503, "times": 3}, errors.ServerError, id="503-retries-exhausted"),
    pytest.param({"html": True, "times": 3}, errors.ServerError, id="proxy-html-502"),
    pytest.param({"drop": True, "times": 3}, errors.APIConnectionError, id="dropped"),
]


@pytest.mark.parametrize(("fault", "error"), FAILURES)
def test_a_failed_send_message_leaves_the_history_unchanged(
    emu: Emulator, chat: genai.Chat, fault: dict[str, Any], error: type[Exception]
) -> None:
    before = dump(chat)
    emu.push(fault)
    with pytest.raises(error):
        chat.send_message("this turn fails")
    assert dump(chat) == before
    assert_next_turn_sees_only_the_history(emu, chat)


def test_a_timed_out_send_message_leaves_the_history_unchanged(
    emu: Emulator, chat: genai.Chat
) -> None:
    before = dump(chat)
    emu.push({"delay": 10})
    with pytest.raises(errors.APITimeoutError):
        chat.send_message("too slow", config={"http_options": {"timeout": 200}})
    assert dump(chat) == before
    assert_next_turn_sees_only_the_history(emu, chat)


def test_a_send_message_that_succeeds_on_retry_is_recorded_once(
    emu: Emulator, chat: genai.Chat
) -> None:
    emu.push({"status": 503}, {"status": 503})
    reply = chat.send_message("second question")
    assert reply.text == 'You said: "second question". I saw 3 turns.'
    assert [turn["parts"][0]["text"] for turn in dump(chat)] == [
        "first question",
        'You said: "first question". I saw 1 turn.',
        "second question",
        reply.text,
    ]


def test_a_blocked_prompt_is_not_recorded(emu: Emulator, chat: genai.Chat) -> None:
    before = dump(chat)
    emu.push({"body": {"promptFeedback": {"blockReason": "SAFETY"}}, "kind": "generateContent"})
    response = chat.send_message("something blocked")
    assert response.prompt_feedback is not None
    assert dump(chat) == before
    assert_next_turn_sees_only_the_history(emu, chat)


STREAM_FAILURES = [
    pytest.param({"stream_error_after": 2}, errors.ServerError, id="error-event-mid-stream"),
    pytest.param({"truncate_after": 2}, errors.IncompleteStreamError, id="truncated"),
    pytest.param(
        {"stream_error_after": 0, "times": 3}, errors.ServerError, id="error-before-first-chunk"
    ),
    pytest.param(
        {"status": 429, "kind": "streamGenerateContent", "times": 3},
        errors.ClientError,
        id="429-retries-exhausted",
    ),
]


@pytest.mark.parametrize(("fault", "error"), STREAM_FAILURES)
def test_a_failed_send_message_stream_leaves_the_history_unchanged(
    emu: Emulator, chat: genai.Chat, fault: dict[str, Any], error: type[Exception]
) -> None:
    before = dump(chat)
    emu.push(fault)
    with pytest.raises(error):
        for _ in chat.send_message_stream("one two three four five six seven eight nine"):
            pass
    assert dump(chat) == before
    assert_next_turn_sees_only_the_history(emu, chat)


def test_a_stream_without_a_finish_reason_is_not_recorded(emu: Emulator, chat: genai.Chat) -> None:
    before = dump(chat)
    partial = {"candidates": [{"content": {"role": "model", "parts": [{"text": "Hal"}]}}]}
    emu.push({"body": [partial], "kind": "streamGenerateContent"})
    with pytest.raises(errors.IncompleteStreamError):
        list(chat.send_message_stream("unfinished"))
    assert dump(chat) == before
    assert_next_turn_sees_only_the_history(emu, chat)


def test_an_abandoned_stream_leaves_the_history_unchanged(emu: Emulator, chat: genai.Chat) -> None:
    before = dump(chat)
    stream = chat.send_message_stream("one two three four five six seven eight nine")
    first = next(stream)
    assert first.text == 'You said: "one two '
    stream.close()
    assert dump(chat) == before
    with pytest.raises(StopIteration):
        next(stream)
    assert dump(chat) == before
    assert_next_turn_sees_only_the_history(emu, chat)


def test_a_stream_left_by_break_leaves_the_history_unchanged(
    emu: Emulator, chat: genai.Chat
) -> None:
    before = dump(chat)
    with chat.send_message_stream("one two three four five six seven eight nine") as stream:
        for _ in stream:
            break
    assert dump(chat) == before
    assert_next_turn_sees_only_the_history(emu, chat)


def test_a_stream_never_read_leaves_the_history_unchanged(emu: Emulator, chat: genai.Chat) -> None:
    before = dump(chat)
    chat.send_message_stream("never read").close()
    assert dump(chat) == before
    assert_next_turn_sees_only_the_history(emu, chat)


def test_a_stream_retried_before_its_first_chunk_is_recorded_once_and_whole(
    emu: Emulator, chat: genai.Chat
) -> None:
    emu.push({"stream_error_after": 0}, {"truncate_after": 0})
    chunks = list(chat.send_message_stream("one two three four five six seven eight nine"))
    text = "".join(chunk.text or "" for chunk in chunks)
    assert text == 'You said: "one two three four five six seven eight nine". I saw 3 turns.'
    assert len(emu.requests) == 4  # the first exchange, two failed attempts, the success
    assert dump(chat)[2:] == [
        {"role": "user", "parts": [{"text": "one two three four five six seven eight nine"}]},
        {"role": "model", "parts": [{"text": text}]},
    ]


def test_a_failed_stream_then_a_completed_one(emu: Emulator, chat: genai.Chat) -> None:
    before = dump(chat)
    emu.push({"stream_error_after": 1})
    with pytest.raises(errors.ServerError):
        list(chat.send_message_stream("cut"))
    assert dump(chat) == before
    text = "".join(chunk.text or "" for chunk in chat.send_message_stream("again"))
    assert text == 'You said: "again". I saw 3 turns.'
    assert dump(chat)[-2:] == [
        {"role": "user", "parts": [{"text": "again"}]},
        {"role": "model", "parts": [{"text": text}]},
    ]


def test_a_failure_after_an_earlier_stream_was_read_keeps_that_turn(
    emu: Emulator, chat: genai.Chat
) -> None:
    list(chat.send_message_stream("kept"))
    before = dump(chat)
    assert len(before) == 4
    emu.push({"status": 500, "times": 3})
    with pytest.raises(errors.ServerError):
        chat.send_message("lost")
    assert dump(chat) == before
