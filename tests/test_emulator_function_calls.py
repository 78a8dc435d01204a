"""The emulator's function-calling answers, as a client sees them over HTTP: calls of the
declared functions the prompt names (or any, with mode ANY), a text answer once their results
come back, and calls a script names."""

from __future__ import annotations

import json
from typing import Any

import pytest

from gemwire.emulator import Emulator
from tests.emulator_http import GENERATE, STREAM, Client, ask, reply_text, user

WEATHER = {
    "name": "get_weather",
    "description": "Get the current weather in a city.",
    "parameters": {
        "type": "OBJECT",
        "properties": {
            "city": {"type": "STRING"},
            "unit": {"type": "STRING", "enum": ["celsius", "fahrenheit"]},
        },
        "required": ["city"],
    },
}
TIME = {"name": "get_time"}
TOOLS = [{"functionDeclarations": [WEATHER, TIME]}]


def parts_of(answer: dict[str, Any]) -> list[dict[str, Any]]:
    parts: list[dict[str, Any]] = answer["candidates"][0]["content"]["parts"]
    return parts


def calls_in(answer: dict[str, Any]) -> list[dict[str, Any]]:
    return [part["functionCall"] for part in parts_of(answer) if "functionCall" in part]


def test_a_declared_function_the_prompt_names_is_called(api: Client) -> None:
    answer = api.generate(ask("What does get_weather say about Paris?", tools=TOOLS))
    (part,) = parts_of(answer)
    assert part["functionCall"] == {
        "name": "get_weather",
        "args": {"city": "example city", "unit": "celsius"},  # an instance of `parameters`
    }
    assert "id" not in part["functionCall"]  # as most recorded calls of the Gemini API
    assert part["thoughtSignature"]  # thinking models sign their calls (recorded)
    (candidate,) = answer["candidates"]
    assert candidate["finishReason"] == "STOP"
    assert candidate["finishMessage"] == "Model generated function call(s)."
    usage = answer["usageMetadata"]
    assert usage["totalTokenCount"] == usage["promptTokenCount"] + usage["candidatesTokenCount"]
    again = api.generate(ask("What does get_weather say about Paris?", tools=TOOLS))
    assert again == answer  # same request, same answer


def test_names_are_whole_words_in_any_case_and_several_make_parallel_calls(
    api: Client,
) -> None:
    answer = api.generate(ask("GET_TIME, then Get_Weather.", tools=TOOLS))
    assert [call["name"] for call in calls_in(answer)] == ["get_weather", "get_time"]
    signed = ["thoughtSignature" in part for part in parts_of(answer)]
    assert signed == [True, False]  # only the first call, as recorded for parallel calls
    assert calls_in(api.generate(ask("get_weathers or my_get_time?", tools=TOOLS))) == []


def test_without_a_name_in_the_prompt_the_answer_is_text(api: Client) -> None:
    answer = api.generate(ask("What's the weather in Paris?", tools=TOOLS))
    assert reply_text(answer) == 'You said: "What\'s the weather in Paris?". I saw 1 turn.'
    assert "finishMessage" not in answer["candidates"][0]


def test_mode_none_never_calls_and_mode_any_always_does(api: Client) -> None:
    off = {"functionCallingConfig": {"mode": "NONE"}}
    assert calls_in(api.generate(ask("get_weather?", tools=TOOLS, toolConfig=off))) == []
    anything = {"functionCallingConfig": {"mode": "any"}}  # enums in any case, as the service
    (call,) = calls_in(api.generate(ask("Hello", tools=TOOLS, toolConfig=anything)))
    assert call["name"] == "get_weather"
    allowed = {"functionCallingConfig": {"mode": "ANY", "allowedFunctionNames": ["get_time"]}}
    answer = api.generate(ask("Hello get_weather", tools=TOOLS, toolConfig=allowed))
    assert calls_in(answer) == [{"name": "get_time", "args": {}}]


def test_function_responses_get_a_text_answer_that_reports_them(api: Client) -> None:
    called = api.generate(ask("get_weather in Paris", tools=TOOLS))
    result = {"functionResponse": {"name": "get_weather", "response": {"result": "sunny"}}}
    body = {
        "contents": [
            user("get_weather in Paris"),
            called["candidates"][0]["content"],
            user(result),
        ],
        "tools": TOOLS,
    }
    answer = api.generate(body)
    assert reply_text(answer) == (
        'I saw 3 turns. The function get_weather returned {"result": "sunny"}.'
    )
    assert calls_in(answer) == []


def test_the_json_schema_of_parameters_is_instantiated_too(api: Client) -> None:
    declaration = {
        "name": "book",
        "parametersJsonSchema": {
            "type": "object",
            "properties": {"seats": {"type": "integer", "minimum": 2}, "day": {"format": "date"}},
        },
    }
    tools = [{"functionDeclarations": [declaration, {"name": "nothing", "parameters": None}]}]
    answer = api.generate(ask("book and nothing", tools=tools))
    assert calls_in(answer) == [
        {"name": "book", "args": {"seats": 2, "day": "2025-01-01"}},
        {"name": "nothing", "args": {}},
    ]


def test_without_declarations_a_named_function_is_not_called(api: Client) -> None:
    answer = api.generate(ask("get_weather please"))
    assert calls_in(answer) == []
    search = [{"googleSearch": {}}]
    assert calls_in(api.generate(ask("get_weather please", tools=search))) == []


def test_a_streamed_call_arrives_in_one_chunk_after_the_thought(api: Client) -> None:
    body = ask("get_weather", tools=TOOLS)
    (chunk,) = api.sse(body)
    assert chunk == api.generate(body)
    thinking = {"thinkingConfig": {"includeThoughts": True}}
    thought, calls = api.sse({**body, "generationConfig": thinking})
    (part,) = parts_of(thought)
    assert part["thought"] is True and part["text"].endswith("I will call get_weather.\n\n")
    assert "finishReason" not in thought["candidates"][0]
    assert calls_in(calls) == calls_in(chunk)
    assert calls["candidates"][0]["finishReason"] == "STOP"
    assert calls["usageMetadata"]["thoughtsTokenCount"] > 0
    array = json.loads(api.post(STREAM, body).data)  # the JSON-array framing
    assert array == [chunk]


def test_a_script_names_the_calls_in_place_of_the_answer(api: Client) -> None:
    calls = [
        {"name": "lookup", "args": {"q": "x"}, "id": "call-1"},
        {"name": "other"},  # args default to {}
    ]
    api.emu.push({"function_calls": calls, "times": 2})
    answer = api.generate(ask("Hi"))  # no declarations needed
    assert calls_in(answer) == [
        {"name": "lookup", "args": {"q": "x"}, "id": "call-1"},
        {"name": "other", "args": {}},
    ]
    (chunk,) = api.sse(ask("Hi"))
    assert calls_in(chunk) == calls_in(answer)
    api.emu.push({"text": "No call."})
    assert reply_text(api.generate(ask("get_weather", tools=TOOLS))) == "No call."


@pytest.mark.parametrize(
    "entry",
    [
        {"function_calls": []},
        {"function_calls": {"name": "f"}},
        {"function_calls": [{"args": {}}]},
        {"function_calls": [{"name": "f", "args": [1]}]},
        {"function_calls": [{"name": "f", "extra": 1}]},
        {"function_calls": [{"name": "f"}], "text": "both"},
        {"function_calls": [{"name": "f"}], "kind": "countTokens"},
    ],
)
def test_bad_function_call_entries_are_refused(emu: Emulator, entry: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match=r"function_calls|kind"):
        emu.push(entry)


def test_a_script_call_answers_either_generate_method_only(api: Client) -> None:
    api.emu.push({"function_calls": [{"name": "f"}]})
    assert api.post(GENERATE.replace("generateContent", "countTokens"), ask()).status == 200
    assert api.emu.script == [{"function_calls": [{"name": "f"}]}]
