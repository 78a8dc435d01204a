"""A chat keeps each recorded turn as the wire JSON it is sent as, and sends those as they are:
what goes out is what ``client.models.generate_content`` sends for the chat's history and the
message (the request bodies are compared as received, keys in order), sync and ``client.aio``,
unary and streamed, and the history's inline data counts towards the request's limit."""

from __future__ import annotations

import asyncio
import base64
import json
from typing import Any

import pytest

import gemwire as genai
from gemwire import errors, types
from gemwire.emulator import Emulator

MODEL = "gemini-2.5-flash"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256))
THINKING = {"thinking_config": {"include_thoughts": True}}

Message = Any  # what send_message takes
Exchange = tuple[list[types.Content], Message]  # the history before a message, the message


def bodies(emu: Emulator) -> list[str]:
    """Each request body the emulator received, as JSON text with its keys in their order."""
    return [json.dumps(request["body"]) for request in emu.requests]


def converse(
    chat: genai.Chat, messages: list[Message], *, streamed: tuple[int, ...] = ()
) -> list[Exchange]:
    """Send ``messages`` (those at the ``streamed`` indexes streamed); what each was sent after."""
    exchanges = []
    for index, message in enumerate(messages):
        exchanges.append((chat.get_history(), message))
        if index in streamed:
            chat.send_message_stream(message).get_final_response()
        else:
            chat.send_message(message)
    return exchanges


def assert_sent_as_generate_content_sends(
    emu: Emulator, client: genai.Client, exchanges: list[Exchange], config: Any = None
) -> None:
    """The chat's requests (all that the emulator has received) have the bodies that
    ``generate_content`` sends for the same history and message."""
    sent = bodies(emu)
    assert len(sent) == len(exchanges)
    for history, message in exchanges:
        turn = message if isinstance(message, list) else [message]  # a list is one user turn
        client.models.generate_content(model=MODEL, contents=[*history, turn], config=config)
    assert sent == bodies(emu)[len(sent) :]


def test_text_turns_and_the_config_go_out_as_generate_content_sends_them(
    emu: Emulator, client: genai.Client
) -> None:
    config = {
        "system_instruction": "Be brief.",
        "temperature": 0.5,
        "http_options": {"extra_body": {"generationConfig": {"topK": 3}}},
    }
    chat = client.chats.create(model=MODEL, config=config)
    exchanges = converse(chat, ["one", "two", "three", "four"])
    assert len(emu.requests[-1]["body"]["contents"]) == 7
    assert emu.requests[-1]["body"]["generationConfig"] == {"temperature": 0.5, "topK": 3}
    assert_sent_as_generate_content_sends(emu, client, exchanges, config)


def test_images_go_out_as_generate_content_sends_them(emu: Emulator, client: genai.Client) -> None:
    image = types.Part.from_bytes(data=PNG, mime_type="image/png")
    chat = client.chats.create(model=MODEL)
    exchanges = converse(chat, [["What is this?", image], "And this?", [image, "Again"]])
    inline = emu.requests[-1]["body"]["contents"][0]["parts"][1]["inlineData"]
    assert base64.b64decode(inline["data"]) == PNG
    assert_sent_as_generate_content_sends(emu, client, exchanges)


def test_thought_signatures_go_back_as_they_came(emu: Emulator, client: genai.Client) -> None:
    chat = client.chats.create(model=MODEL, config=THINKING)
    exchanges = converse(chat, ["Think first.", "Think again.", "Once more."], streamed=(1,))
    answered = chat.get_history()[1].parts or []
    signatures = [part.to_dict()["thoughtSignature"] for part in answered if part.thought_signature]
    assert signatures
    sent = emu.requests[-1]["body"]["contents"]
    assert [p["thoughtSignature"] for p in sent[1]["parts"] if "thoughtSignature" in p] == (
        signatures
    )
    assert any("thoughtSignature" in p for p in sent[3]["parts"])  # the streamed turn's
    assert_sent_as_generate_content_sends(emu, client, exchanges, THINKING)


def test_an_initial_history_goes_out_as_generate_content_sends_it(
    emu: Emulator, client: genai.Client
) -> None:
    signature = base64.b64encode(b"signature bytes").decode()
    history: list[Any] = [
        {
            "role": "user",
            "parts": [
                {"text": "Look"},
                {"inlineData": {"mimeType": "image/png", "data": base64.b64encode(PNG).decode()}},
            ],
        },
        types.Content(
            role="model",
            parts=[
                types.Part(text="I looked.", thought=True),
                types.Part(text="A picture.", thought_signature=b"signature bytes"),
            ],
        ),
        {"role": "user", "parts": [{"functionResponse": {"name": "f", "response": {"a": [1]}}}]},
        {"role": "model", "parts": [{"text": "Done.", "thoughtSignature": signature}]},
    ]
    chat = client.chats.create(model=MODEL, history=history)
    exchanges = converse(chat, ["Next.", "And next."], streamed=(0,))
    sent = emu.requests[0]["body"]["contents"]
    assert sent[1]["parts"][1]["thoughtSignature"] == signature
    assert sent[3] == history[3]
    assert_sent_as_generate_content_sends(emu, client, exchanges)


def test_a_failed_turn_changes_nothing_that_is_sent_after_it(
    emu: Emulator, client: genai.Client
) -> None:
    chat = client.chats.create(model=MODEL)
    exchanges = converse(chat, ["one"])
    before = [turn.to_dict() for turn in chat.get_history()]
    emu.push({"status": 400})
    with pytest.raises(errors.ClientError):
        chat.send_message("refused")
    exchanges.append((chat.get_history(), "refused"))
    emu.push({"truncate_after": 1})
    with pytest.raises(errors.IncompleteStreamError):
        chat.send_message_stream("cut off one two three four").get_final_response()
    exchanges.append((chat.get_history(), "cut off one two three four"))
    assert [turn.to_dict() for turn in chat.get_history()] == before
    exchanges += converse(chat, ["two"])
    assert emu.requests[-1]["body"]["contents"][:-1] == before
    assert_sent_as_generate_content_sends(emu, client, exchanges)


def test_the_inline_limit_counts_the_history(emu: Emulator, client: genai.Client) -> None:
    eleven_mb = types.Part(inline_data=types.Blob(mime_type="image/png", data=b"\0" * 8_250_000))
    ten_mb = types.Part(inline_data=types.Blob(mime_type="image/png", data=b"\0" * 7_500_000))
    chat = client.chats.create(model=MODEL)
    chat.send_message(["An image of 11 MB in base64", eleven_mb])
    history = chat.get_history()
    with pytest.raises(errors.ArgumentError, match="over the 20 MB the API takes inline"):
        chat.send_message(["And one of 10 MB", ten_mb])
    with pytest.raises(errors.ArgumentError, match="over the 20 MB the API takes inline"):
        chat.send_message_stream(["And one of 10 MB", ten_mb])
    assert len(emu.requests) == 1
    assert chat.get_history() == history
    assert chat.send_message("Text only").text


def test_an_initial_history_over_the_inline_limit_is_refused_before_sending(
    emu: Emulator, client: genai.Client
) -> None:
    image = {"inlineData": {"mimeType": "image/png", "data": "AAAA" * 5_250_000}}  # 21 MB
    history = [{"role": "user", "parts": [image]}, {"role": "model", "parts": [{"text": "ok"}]}]
    chat = client.chats.create(model=MODEL, history=history)
    with pytest.raises(errors.ArgumentError) as refused:
        chat.send_message("hi")
    assert str(refused.value).startswith(
        "contents: 15.8 MB of inline data (images, files) is over the 20 MB the API takes inline"
    )
    assert emu.requests == []
    assert len(chat.get_history()) == 2


def test_validation_checks_the_history_a_chat_sends(emu: Emulator) -> None:
    bad = {"role": "user", "parts": [{"executableCode": {"language": "COBOL", "code": "x"}}]}
    history = [bad, {"role": "model", "parts": [{"text": "ok"}]}]
    client = genai.Client(api_key="test-key", base_url=emu.base_url, validate=True)
    chat = client.chats.create(model=MODEL, history=history)
    with pytest.raises(errors.RequestValidationError) as refused:
        chat.send_message("hi")
    assert refused.value.violations[0][0] == "contents[0].parts[0].executableCode.language"
    assert emu.requests == []
    client.close()


def get_weather(city: str) -> str:
    """Get the current weather in a city."""
    return f"sunny in {city}"


def test_a_chat_with_python_functions_records_every_turn_of_the_loop(
    emu: Emulator, client: genai.Client
) -> None:
    call = {"functionCall": {"name": "get_weather", "args": {"city": "Paris"}}}
    answer = {"candidates": [{"content": {"role": "model", "parts": [call]}}]}
    emu.push({"kind": "generateContent", "body": answer})
    chat = client.chats.create(model=MODEL, config={"tools": [get_weather]})
    chat.send_message("Weather in Paris?")
    assert [turn.role for turn in chat.get_history()] == ["user", "model", "user", "model"]
    assert len(emu.requests) == 2
    emu.reset()
    exchanges = converse(chat, ["Thanks."])  # the loop again: the answer calls nothing
    assert len(emu.requests) == 1 and "tools" in emu.requests[0]["body"]
    assert_sent_as_generate_content_sends(emu, client, exchanges, {"tools": [get_weather]})
    emu.reset()
    exchanges = [(chat.get_history(), "Plain.")]
    chat.send_message("Plain.", config={})  # no Python functions: the kept wire turns
    sent = emu.requests[0]["body"]
    assert "tools" not in sent and len(sent["contents"]) == 7
    assert sent["contents"][1]["parts"] == [call]
    results = sent["contents"][2]["parts"][0]["functionResponse"]["response"]
    assert results == {"result": "sunny in Paris"}
    assert_sent_as_generate_content_sends(emu, client, exchanges, {})
    assert len(chat.get_history()) == 8


def test_client_aio_chats_send_what_sync_chats_send(emu: Emulator, client: genai.Client) -> None:
    image = types.Part.from_bytes(data=PNG, mime_type="image/png")
    sync = client.chats.create(model=MODEL, config=THINKING)
    converse(sync, ["one", ["two", image], "three"], streamed=(1,))
    sent = bodies(emu)
    emu.reset()

    async def main() -> list[types.Content]:
        try:
            chat = client.aio.chats.create(model=MODEL, config=THINKING)
            await chat.send_message("one")
            await (await chat.send_message_stream(["two", image])).get_final_response()
            await chat.send_message("three")
            return chat.get_history()
        finally:
            await client.aio.aclose()

    history = asyncio.run(main())
    assert bodies(emu) == sent
    assert [turn.to_dict() for turn in history] == [turn.to_dict() for turn in sync.get_history()]
