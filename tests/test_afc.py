"""Automatic function calling, as google-genai users write it: Python functions in
``config.tools``, run by the client until the model answers; sync, chats and ``client.aio``."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

import gemwire as genai
from gemwire import errors, types
from gemwire.emulator import Emulator

MODEL = "gemini-2.0-flash"


def calls(*named: tuple[str, dict[str, Any]]) -> dict[str, Any]:
    """A script entry: the model answers with these function calls (one turn)."""
    parts = [{"functionCall": {"name": name, "args": args}} for name, args in named]
    return {
        "kind": "generateContent",
        "body": {
            "candidates": [{"content": {"role": "model", "parts": parts}, "finishReason": "STOP"}]
        },
    }


def answer(text: str) -> dict[str, Any]:
    return {"kind": "generateContent", "text": text}


def get_weather(city: str) -> str:
    """Get the current weather in a city."""
    return f"sunny in {city}"


def get_time(city: str) -> str:
    """Get the local time in a city."""
    return f"noon in {city}"


def broken(city: str) -> str:
    """Always fails."""
    raise RuntimeError(f"no data for {city}")


def sent(emu: Emulator) -> list[dict[str, Any]]:
    return [r["body"] for r in emu.requests if r["path"].endswith(":generateContent")]


def test_a_function_is_declared_called_and_its_result_sent_back(
    emu: Emulator, client: genai.Client
) -> None:
    emu.push(calls(("get_weather", {"city": "Paris"})), answer("It is sunny in Paris."))
    response = client.models.generate_content(
        model=MODEL,
        contents="What's the weather in Paris?",
        config=types.GenerateContentConfig(tools=[get_weather]),
    )
    assert response.text == "It is sunny in Paris."
    first, second = sent(emu)
    declarations = first["tools"][0]["functionDeclarations"]
    assert declarations[0]["name"] == "get_weather"
    assert declarations[0]["description"] == "Get the current weather in a city."
    assert second["contents"][1]["parts"][0]["functionCall"]["name"] == "get_weather"
    assert second["contents"][2] == {
        "role": "user",
        "parts": [
            {"functionResponse": {"name": "get_weather", "response": {"result": "sunny in Paris"}}}
        ],
    }
    history = response.automatic_function_calling_history
    assert history is not None
    assert [turn.role for turn in history] == ["user", "model", "user"]
    assert history[0].parts is not None and history[0].parts[0].text == (
        "What's the weather in Paris?"
    )


def test_every_call_of_a_turn_runs_and_a_raising_function_sends_its_error(
    emu: Emulator, client: genai.Client
) -> None:
    emu.push(
        calls(
            ("get_weather", {"city": "Rome"}),
            ("get_time", {"city": "Rome"}),
            ("broken", {"city": "Rome"}),
        ),
        answer("done"),
    )
    response = client.models.generate_content(
        model=MODEL, contents="Rome?", config={"tools": [get_weather, get_time, broken]}
    )
    assert response.text == "done"
    results = [p["functionResponse"] for p in sent(emu)[1]["contents"][2]["parts"]]
    assert results == [
        {"name": "get_weather", "response": {"result": "sunny in Rome"}},
        {"name": "get_time", "response": {"result": "noon in Rome"}},
        {"name": "broken", "response": {"error": "no data for Rome"}},
    ]


def test_the_loop_stops_at_maximum_remote_calls_and_returns_the_last_calls(
    emu: Emulator, client: genai.Client
) -> None:
    emu.push({**calls(("get_weather", {"city": "Oslo"})), "times": 5})
    config = types.GenerateContentConfig(
        tools=[get_weather],
        automatic_function_calling=types.AutomaticFunctionCallingConfig(maximum_remote_calls=3),
    )
    response = client.models.generate_content(model=MODEL, contents="Oslo?", config=config)
    assert len(sent(emu)) == 3
    assert response.function_calls is not None
    assert response.function_calls[0].name == "get_weather"
    history = response.automatic_function_calling_history
    assert history is not None and len(history) == 5  # the input, then 2 rounds


def test_the_default_maximum_is_ten_requests(emu: Emulator, client: genai.Client) -> None:
    emu.push({**calls(("get_weather", {"city": "Oslo"})), "times": 20})
    client.models.generate_content(model=MODEL, contents="Oslo?", config={"tools": [get_weather]})
    assert len(sent(emu)) == 10


def test_disable_leaves_the_calls_to_the_caller(emu: Emulator, client: genai.Client) -> None:
    emu.push(calls(("get_weather", {"city": "Lima"})))
    config = types.GenerateContentConfig(
        tools=[get_weather],
        automatic_function_calling=types.AutomaticFunctionCallingConfig(disable=True),
    )
    response = client.models.generate_content(model=MODEL, contents="Lima?", config=config)
    assert len(sent(emu)) == 1
    assert sent(emu)[0]["tools"][0]["functionDeclarations"][0]["name"] == "get_weather"
    assert response.function_calls is not None
    assert response.automatic_function_calling_history is None


def test_ignore_call_history_leaves_the_history_unset(emu: Emulator, client: genai.Client) -> None:
    emu.push(calls(("get_weather", {"city": "Lima"})), answer("ok"))
    config = types.GenerateContentConfig(
        tools=[get_weather],
        automatic_function_calling=types.AutomaticFunctionCallingConfig(ignore_call_history=True),
    )
    response = client.models.generate_content(model=MODEL, contents="Lima?", config=config)
    assert response.text == "ok"
    assert response.automatic_function_calling_history is None


def test_manual_function_calling_with_declarations_still_works(
    emu: Emulator, client: genai.Client
) -> None:
    declaration = types.FunctionDeclaration.from_callable(client=client, callable=get_weather)
    emu.push(calls(("get_weather", {"city": "Kyiv"})), answer("Sunny."))
    config = types.GenerateContentConfig(tools=[types.Tool(function_declarations=[declaration])])
    response = client.models.generate_content(model=MODEL, contents="Kyiv?", config=config)
    assert response.function_calls is not None
    call = response.function_calls[0]
    assert len(sent(emu)) == 1
    result = types.Part.from_function_response(
        name=call.name or "", response={"result": get_weather(**(call.args or {}))}
    )
    final = client.models.generate_content(
        model=MODEL,
        contents=[
            types.Content(role="user", parts=[types.Part.from_text(text="Kyiv?")]),
            response.candidates[0].content if response.candidates else types.Content(),
            types.Content(role="user", parts=[result]),
        ],
        config=config,
    )
    assert final.text == "Sunny."


def test_a_call_of_a_declared_only_function_comes_back_to_the_caller(
    emu: Emulator, client: genai.Client
) -> None:
    manual = types.FunctionDeclaration(name="book_flight", description="Book a flight.")
    emu.push(calls(("book_flight", {})))
    response = client.models.generate_content(
        model=MODEL,
        contents="Fly me",
        config={"tools": [get_weather, types.Tool(function_declarations=[manual])]},
    )
    names = [d["name"] for t in sent(emu)[0]["tools"] for d in t["functionDeclarations"]]
    assert sorted(names) == ["book_flight", "get_weather"]
    assert response.function_calls is not None
    assert response.function_calls[0].name == "book_flight"


def test_from_callable_with_api_option_declares_the_signature() -> None:
    declaration = types.FunctionDeclaration.from_callable_with_api_option(callable=get_weather)
    assert declaration.to_dict() == {
        "name": "get_weather",
        "description": "Get the current weather in a city.",
        "parameters": {
            "type": "OBJECT",
            "properties": {"city": {"type": "STRING"}},
            "required": ["city"],
        },
    }
    with pytest.raises(errors.ArgumentError, match="api_option"):
        types.FunctionDeclaration.from_callable_with_api_option(
            callable=get_weather,
            api_option="VERTEX_AI",  # type: ignore[arg-type]
        )


def test_a_coroutine_function_is_refused_by_the_sync_client_before_sending(
    emu: Emulator, client: genai.Client
) -> None:
    async def lookup(city: str) -> str:
        """Look a city up."""
        return city

    with pytest.raises(errors.ArgumentTypeError, match=r"config\.tools: lookup .*client\.aio"):
        client.models.generate_content(model=MODEL, contents="x", config={"tools": [lookup]})
    assert emu.requests == []


def test_a_chat_records_every_turn_of_the_loop(emu: Emulator, client: genai.Client) -> None:
    emu.push(calls(("get_weather", {"city": "Paris"})), answer("Sunny in Paris."), answer("Yes."))
    chat = client.chats.create(model=MODEL, config={"tools": [get_weather]})
    assert chat.send_message("Weather in Paris?").text == "Sunny in Paris."
    history = chat.get_history()
    assert [turn.role for turn in history] == ["user", "model", "user", "model"]
    assert history[1].parts is not None and history[1].parts[0].function_call is not None
    assert history[2].parts is not None and history[2].parts[0].function_response is not None
    assert chat.send_message("Sure?").text == "Yes."
    assert len(sent(emu)[-1]["contents"]) == 5
    assert len(chat.get_history()) == 6


class Overlap:
    """An async function, ``slow_weather``, that notes how many of its calls ran at once."""

    def __init__(self) -> None:
        self.running = self.most = 0

    async def slow_weather(self, city: str) -> str:
        """Get the weather, slowly."""
        self.running += 1
        self.most = max(self.most, self.running)
        await asyncio.sleep(0.05)
        self.running -= 1
        return f"rain in {city}"


def test_async_functions_run_under_client_aio(emu: Emulator, client: genai.Client) -> None:
    overlap = Overlap()
    emu.push(
        calls(("slow_weather", {"city": "A"}), ("slow_weather", {"city": "B"})),
        answer("Rain in both."),
        calls(("get_weather", {"city": "C"})),
        answer("Sunny in C."),
    )

    async def main() -> tuple[types.GenerateContentResponse, list[types.Content]]:
        aio = client.aio
        response = await aio.models.generate_content(
            model=MODEL, contents="A and B?", config={"tools": [overlap.slow_weather]}
        )
        chat = aio.chats.create(model=MODEL, config={"tools": [get_weather]})
        await chat.send_message("C?")
        return response, chat.get_history()

    response, history = asyncio.run(main())
    assert response.text == "Rain in both."
    results = [p["functionResponse"]["response"] for p in sent(emu)[1]["contents"][2]["parts"]]
    assert results == [{"result": "rain in A"}, {"result": "rain in B"}]
    assert overlap.most == 2  # the calls of one turn ran at the same time
    assert [turn.role for turn in history] == ["user", "model", "user", "model"]


def test_changing_the_loops_history_changes_nothing_in_the_chat(
    emu: Emulator, client: genai.Client
) -> None:
    emu.push(calls(("get_weather", {"city": "Paris"})), answer("Sunny in Paris."))
    chat = client.chats.create(
        model=MODEL,
        config={"tools": [get_weather]},
        history=[{"role": "user", "parts": [{"text": "Hi"}]}],
    )
    response = chat.send_message("Weather in Paris?")
    recorded = [turn.to_dict() for turn in chat.get_history()]
    for turn in response.automatic_function_calling_history or []:
        turn.parts = [types.Part(text="changed")]
    assert [turn.to_dict() for turn in chat.get_history()] == recorded
    chat.send_message("Thanks.", config={})
    assert sent(emu)[-1]["contents"][:-1] == recorded
