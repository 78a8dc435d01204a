"""Automatic function calling in streams, as google-genai does it: the chunks of every answer
of the loop, the functions run once the answer calling them is complete; models and chats,
sync and ``client.aio``; and the loop against the emulator's own function-calling answers."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

import gemwire as genai
from gemwire import errors, types
from gemwire.emulator import Emulator
from tests.test_afc import Overlap

MODEL = "gemini-2.5-flash"
STREAMED = "streamGenerateContent"


def calls(*named: tuple[str, dict[str, Any]]) -> dict[str, Any]:
    """A script entry: the next streamed answer calls these functions."""
    return {
        "kind": STREAMED,
        "function_calls": [{"name": name, "args": args} for name, args in named],
    }


def answer(text: str) -> dict[str, Any]:
    return {"kind": STREAMED, "text": text}


def sent(emu: Emulator) -> list[dict[str, Any]]:
    return [r["body"] for r in emu.requests if STREAMED in r["path"]]


class Weather:
    """get_weather, which notes each call and how many requests the emulator had by then."""

    def __init__(self, emu: Emulator) -> None:
        self.emu = emu
        self.calls: list[tuple[str, int]] = []

    def get_weather(self, city: str) -> str:
        """Get the current weather in a city."""
        self.calls.append((city, len(self.emu.requests)))
        return f"sunny in {city}"


def kinds(chunks: list[types.GenerateContentResponse]) -> list[str]:
    return ["call" if chunk.function_calls else chunk.text or "" for chunk in chunks]


def config(*tools: Any, **extra: Any) -> types.GenerateContentConfig:
    return types.GenerateContentConfig(tools=list(tools), **extra)


def test_the_stream_goes_on_through_the_loop(emu: Emulator, client: genai.Client) -> None:
    weather = Weather(emu)
    emu.push(calls(("get_weather", {"city": "Paris"})), answer("It is sunny in Paris."))
    stream = client.models.generate_content_stream(
        model=MODEL, contents="Weather in Paris?", config=config(weather.get_weather)
    )
    seen: list[types.GenerateContentResponse] = []
    for chunk in stream:
        if chunk.function_calls:  # the function ran before its call was handed out
            assert weather.calls == [("Paris", 1)]
        seen.append(chunk)
    assert kinds(seen) == ["call", "It is sunny in ", "Paris."]
    assert stream.finished
    first, second = sent(emu)
    assert len(first["contents"]) == 1
    assert second["contents"][1]["parts"][0]["functionCall"] == {
        "name": "get_weather",
        "args": {"city": "Paris"},
    }
    assert "thoughtSignature" in second["contents"][1]["parts"][0]  # sent back unchanged
    assert second["contents"][2] == {
        "role": "user",
        "parts": [
            {"functionResponse": {"name": "get_weather", "response": {"result": "sunny in Paris"}}}
        ],
    }
    final = stream.get_final_response()
    assert final.text == "It is sunny in Paris."
    history = final.automatic_function_calling_history or []
    assert [turn.role for turn in history] == ["user", "model", "user"]
    # Every chunk carries the history so far: none yet in the first answer, then its turns.
    assert seen[0].automatic_function_calling_history == []
    assert seen[-1].automatic_function_calling_history == history


def test_the_emulator_calls_a_named_function_and_answers_its_result(
    emu: Emulator, client: genai.Client
) -> None:
    weather = Weather(emu)
    stream = client.models.generate_content_stream(
        model=MODEL, contents="Use get_weather for Oslo.", config=config(weather.get_weather)
    )
    final = stream.get_final_response()
    assert weather.calls == [("example city", 1)]  # arguments from the parameters' schema
    assert final.text == (
        'I saw 3 turns. The function get_weather returned {"result": "sunny in example city"}.'
    )
    response = client.models.generate_content(
        model=MODEL, contents="Use get_weather for Oslo.", config=config(weather.get_weather)
    )
    assert response.text == final.text  # the same loop, unstreamed


def test_parallel_calls_all_run_and_go_back_in_one_turn(
    emu: Emulator, client: genai.Client
) -> None:
    weather = Weather(emu)

    def get_time(city: str) -> str:
        """Get the local time in a city."""
        return f"noon in {city}"

    emu.push(
        calls(("get_weather", {"city": "Rome"}), ("get_time", {"city": "Rome"})), answer("done")
    )
    stream = client.models.generate_content_stream(
        model=MODEL, contents="Rome?", config=config(weather.get_weather, get_time)
    )
    assert stream.get_final_response().text == "done"
    results = [p["functionResponse"]["response"] for p in sent(emu)[1]["contents"][2]["parts"]]
    assert results == [{"result": "sunny in Rome"}, {"result": "noon in Rome"}]


def test_maximum_remote_calls_and_disable_leave_the_last_calls_to_the_caller(
    emu: Emulator, client: genai.Client
) -> None:
    weather = Weather(emu)
    emu.push({**calls(("get_weather", {"city": "Oslo"})), "times": 5})
    limited = config(
        weather.get_weather,
        automatic_function_calling=types.AutomaticFunctionCallingConfig(maximum_remote_calls=2),
    )
    stream = client.models.generate_content_stream(model=MODEL, contents="?", config=limited)
    assert kinds(list(stream)) == ["call", "call"]
    assert len(sent(emu)) == 2 and len(weather.calls) == 1
    final = stream.get_final_response()
    assert final.function_calls is not None
    assert len(final.automatic_function_calling_history or []) == 3
    emu.reset()
    emu.push(calls(("get_weather", {"city": "Oslo"})))
    off = config(
        weather.get_weather,
        automatic_function_calling=types.AutomaticFunctionCallingConfig(disable=True),
    )
    chunks = list(client.models.generate_content_stream(model=MODEL, contents="?", config=off))
    assert kinds(chunks) == ["call"]
    assert len(sent(emu)) == 1 and len(weather.calls) == 1


def test_a_call_of_a_declared_only_function_ends_the_stream(
    emu: Emulator, client: genai.Client
) -> None:
    weather = Weather(emu)
    manual = types.Tool(function_declarations=[types.FunctionDeclaration(name="book_flight")])
    emu.push(calls(("book_flight", {})))
    stream = client.models.generate_content_stream(
        model=MODEL, contents="Fly me", config=config(weather.get_weather, manual)
    )
    assert kinds(list(stream)) == ["call"]
    assert stream.finished and len(sent(emu)) == 1 and weather.calls == []


def test_leaving_the_stream_early_sends_no_further_request(
    emu: Emulator, client: genai.Client
) -> None:
    weather = Weather(emu)
    emu.push(calls(("get_weather", {"city": "Kyiv"})), answer("Sunny."))
    with client.models.generate_content_stream(
        model=MODEL, contents="Kyiv?", config=config(weather.get_weather)
    ) as stream:
        first = next(stream)
    assert first.function_calls and not stream.finished
    assert len(sent(emu)) == 1
    with pytest.raises(errors.IncompleteStreamError):
        stream.get_final_response()


def test_a_failing_next_request_raises_while_iterating(emu: Emulator, client: genai.Client) -> None:
    weather = Weather(emu)
    emu.push(
        calls(("get_weather", {"city": "Lima"})),
        {"kind": STREAMED, "status": 400, "message": "bad turn"},
    )
    stream = client.models.generate_content_stream(
        model=MODEL, contents="Lima?", config=config(weather.get_weather)
    )
    chunks = iter(stream)
    assert next(chunks).function_calls
    with pytest.raises(errors.ClientError, match="bad turn"):
        next(chunks)


def test_the_sync_stream_refuses_a_coroutine_function_before_sending(
    emu: Emulator, client: genai.Client
) -> None:
    async def lookup(city: str) -> str:
        """Look a city up."""
        return city

    with pytest.raises(errors.ArgumentTypeError, match=r"lookup .*client\.aio"):
        client.models.generate_content_stream(model=MODEL, contents="x", config=config(lookup))
    assert emu.requests == []


def test_a_streamed_chat_turn_records_every_turn_of_the_loop(
    emu: Emulator, client: genai.Client
) -> None:
    weather = Weather(emu)
    emu.push(calls(("get_weather", {"city": "Paris"})), answer("Sunny in Paris."), answer("Yes."))
    chat = client.chats.create(model=MODEL, config=config(weather.get_weather))
    chunks = list(chat.send_message_stream("Weather in Paris?"))
    assert kinds(chunks) == ["call", "Sunny ", "in Paris."]
    history = chat.get_history()
    assert [turn.role for turn in history] == ["user", "model", "user", "model"]
    assert history[1].parts is not None and history[1].parts[0].function_call is not None
    assert history[2].parts is not None and history[2].parts[0].function_response is not None
    assert history[3].parts is not None and history[3].parts[0].text == "Sunny in Paris."
    assert "".join(c.text or "" for c in chat.send_message_stream("Sure?")) == "Yes."
    assert len(sent(emu)[-1]["contents"]) == 5
    assert len(chat.get_history()) == 6


def test_a_chat_turn_left_during_the_loop_is_not_recorded(
    emu: Emulator, client: genai.Client
) -> None:
    weather = Weather(emu)
    emu.push(calls(("get_weather", {"city": "Paris"})), answer("Sunny."))
    chat = client.chats.create(model=MODEL, config=config(weather.get_weather))
    for chunk in chat.send_message_stream("Weather in Paris?"):
        assert chunk.function_calls
        break
    assert chat.get_history() == []


async def collect(stream: AsyncIterator[types.GenerateContentResponse]) -> list[str]:
    return kinds([chunk async for chunk in stream])


def test_client_aio_streams_await_coroutines_and_run_a_turn_at_once(
    emu: Emulator, client: genai.Client
) -> None:
    overlap = Overlap()
    emu.push(
        calls(("slow_weather", {"city": "A"}), ("slow_weather", {"city": "B"})),
        answer("Rain in both."),
    )

    async def main() -> tuple[list[str], types.GenerateContentResponse]:
        stream = await client.aio.models.generate_content_stream(
            model=MODEL, contents="A and B?", config=config(overlap.slow_weather)
        )
        return await collect(stream), await stream.get_final_response()

    chunks, final = asyncio.run(main())
    assert chunks == ["call", "Rain ", "in both."]
    assert final.text == "Rain in both."
    assert len(final.automatic_function_calling_history or []) == 3
    results = [p["functionResponse"]["response"] for p in sent(emu)[1]["contents"][2]["parts"]]
    assert results == [{"result": "rain in A"}, {"result": "rain in B"}]
    assert overlap.most == 2  # the calls of one turn ran at the same time


def test_client_aio_chat_streams_record_the_loop(emu: Emulator, client: genai.Client) -> None:
    weather = Weather(emu)

    async def get_time(city: str) -> str:
        """Get the local time in a city."""
        return f"noon in {city}"

    emu.push(
        calls(("get_weather", {"city": "C"}), ("get_time", {"city": "C"})), answer("Sunny, noon.")
    )

    async def main() -> tuple[list[str], list[types.Content]]:
        chat = client.aio.chats.create(model=MODEL, config=config(weather.get_weather, get_time))
        chunks = await collect(await chat.send_message_stream("C?"))
        return chunks, chat.get_history()

    chunks, history = asyncio.run(main())
    assert chunks == ["call", "Sunny, ", "noon."]
    assert [turn.role for turn in history] == ["user", "model", "user", "model"]
    assert history[2].parts is not None
    responses = [p.function_response.response for p in history[2].parts if p.function_response]
    assert responses == [{"result": "sunny in C"}, {"result": "noon in C"}]


def test_client_aio_against_the_emulators_own_calls(emu: Emulator, client: genai.Client) -> None:
    async def get_weather(city: str) -> dict[str, str]:
        """Get the current weather in a city."""
        return {"city": city, "sky": "clear"}

    async def main() -> tuple[types.GenerateContentResponse, types.GenerateContentResponse]:
        cfg = config(get_weather)
        stream = await client.aio.models.generate_content_stream(
            model=MODEL, contents="get_weather, please", config=cfg
        )
        unstreamed = await client.aio.models.generate_content(
            model=MODEL, contents="get_weather, please", config=cfg
        )
        return await stream.get_final_response(), unstreamed

    streamed, unstreamed = asyncio.run(main())
    expected = (
        "I saw 3 turns. The function get_weather returned "
        '{"result": {"city": "example city", "sky": "clear"}}.'
    )
    assert streamed.text == unstreamed.text == expected


def test_without_python_functions_a_stream_is_one_answer(
    emu: Emulator, client: genai.Client
) -> None:
    declared = types.Tool(function_declarations=[types.FunctionDeclaration(name="get_weather")])
    stream = client.models.generate_content_stream(
        model=MODEL, contents="get_weather", config=config(declared)
    )
    chunks: Iterator[types.GenerateContentResponse] = iter(stream)
    (chunk,) = list(chunks)
    assert chunk.function_calls and chunk.automatic_function_calling_history is None
    assert len(sent(emu)) == 1


class Opaque:
    """A result JSON cannot carry."""


def test_a_result_json_cannot_carry_stops_the_stream_before_sending(
    emu: Emulator, client: genai.Client
) -> None:
    def measure() -> object:
        """Measure something."""
        return Opaque()

    async def measure_later() -> object:
        """Measure something, later."""
        return Opaque()

    emu.push(calls(("measure", {})))
    stream = client.models.generate_content_stream(
        model=MODEL, contents="?", config=config(measure)
    )
    with pytest.raises(errors.EncodeError, match="the result of measure holds a value of type"):
        list(stream)

    async def main() -> None:
        emu.push(calls(("measure_later", {})))
        stream = await client.aio.models.generate_content_stream(
            model=MODEL, contents="?", config=config(measure_later)
        )
        with pytest.raises(errors.EncodeError, match="the result of measure_later holds"):
            await collect(stream)

    asyncio.run(main())
    assert len(sent(emu)) == 2  # the two calling answers; no request with a result
