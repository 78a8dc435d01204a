"""google-genai's ``UserContent`` and ``ModelContent``: a ``Content`` with a fixed role."""

from __future__ import annotations

import gemwire as genai
from gemwire import types
from gemwire.emulator import Emulator


def test_a_turn_of_the_user_from_text_parts_or_a_list() -> None:
    assert types.UserContent("Why is the sky blue?").to_dict() == {
        "role": "user",
        "parts": [{"text": "Why is the sky blue?"}],
    }
    turn = types.UserContent([types.Part.from_text(text="a"), "b", {"text": "c"}])
    assert isinstance(turn, types.Content)
    assert turn.parts == [types.Part(text="a"), types.Part(text="b"), types.Part(text="c")]


def test_a_turn_of_the_model() -> None:
    turn = types.ModelContent(types.Part.from_function_call(name="f", args={}))
    assert turn.role == "model"
    assert turn.to_dict() == {
        "role": "model",
        "parts": [{"functionCall": {"name": "f", "args": {}}}],
    }


def test_a_conversation_of_fixed_role_turns_is_sent_as_written(
    client: genai.Client, emu: Emulator
) -> None:
    contents = [types.UserContent("Hi"), types.ModelContent("Hello!"), types.UserContent("Bye")]
    client.models.generate_content(model="gemini-2.0-flash", contents=contents)
    assert emu.requests[-1]["body"]["contents"] == [
        {"role": "user", "parts": [{"text": "Hi"}]},
        {"role": "model", "parts": [{"text": "Hello!"}]},
        {"role": "user", "parts": [{"text": "Bye"}]},
    ]
