"""Python functions as tools: declarations from signatures, and calls with converted arguments."""

from __future__ import annotations

import asyncio
import dataclasses
import enum
from typing import Literal

import pydantic
import pytest

from gemwire import errors, types
from gemwire._function_calling import Functions, declaration_of


class Unit(enum.Enum):
    CELSIUS = "c"
    FAHRENHEIT = "f"


@dataclasses.dataclass
class Place:
    city: str
    country: str | None = None


class Window(pydantic.BaseModel):
    days: int


def get_weather(
    place: Place,
    unit: Unit = Unit.CELSIUS,
    days: int = 1,
    detail: Literal["short", "long"] = "short",
    tags: list[str] | None = None,
    window: Window | None = None,
) -> dict[str, object]:
    """Get the weather for a place.

    Args:
      place: where.
    """
    return {
        "place": place,
        "unit": unit,
        "days": days,
        "detail": detail,
        "tags": tags,
        "window": window,
    }


def test_a_declaration_comes_from_the_signature_and_the_docstring() -> None:
    declaration = declaration_of(get_weather)
    assert declaration.to_dict() == {
        "name": "get_weather",
        "description": "Get the weather for a place.\n\nArgs:\n  place: where.",
        "parameters": {
            "type": "OBJECT",
            "properties": {
                "place": {
                    "type": "OBJECT",
                    "properties": {
                        "city": {"type": "STRING"},
                        "country": {"type": "STRING", "nullable": True},
                    },
                    "required": ["city"],
                    "propertyOrdering": ["city", "country"],
                },
                "unit": {"type": "STRING", "enum": ["c", "f"], "default": "c"},
                "days": {"type": "INTEGER", "default": 1},
                "detail": {"type": "STRING", "enum": ["short", "long"], "default": "short"},
                "tags": {"type": "ARRAY", "items": {"type": "STRING"}, "nullable": True},
                "window": {
                    "type": "OBJECT",
                    "properties": {"days": {"type": "INTEGER"}},
                    "required": ["days"],
                    "propertyOrdering": ["days"],
                    "nullable": True,
                },
            },
            "required": ["place"],
        },
    }


def test_a_function_without_parameters_declares_none_and_a_lambda_is_refused() -> None:
    def now() -> str:
        return "noon"

    assert declaration_of(now).to_dict() == {"name": "now"}
    with pytest.raises(errors.ArgumentTypeError, match="expected a named function"):
        declaration_of(lambda: 1)


def test_calls_convert_json_arguments_to_the_annotated_types() -> None:
    functions = Functions([get_weather])
    call = types.FunctionCall(
        name="get_weather",
        args={"place": {"city": "Oslo"}, "unit": "f", "days": 3.0, "window": {"days": 2}},
    )
    part = functions.call(call)
    assert part.function_response is not None
    result = (part.function_response.response or {})["result"]
    assert result["place"] == Place(city="Oslo")
    assert result["unit"] is Unit.FAHRENHEIT
    assert result["days"] == 3 and type(result["days"]) is int
    assert result["window"] == Window(days=2)


def test_an_exception_in_a_function_becomes_an_error_response() -> None:
    def divide(a: int, b: int) -> float:
        return a / b

    functions = Functions([divide])
    part = functions.call(types.FunctionCall(name="divide", args={"a": 1, "b": 0}))
    assert part.to_dict() == {
        "functionResponse": {"name": "divide", "response": {"error": "division by zero"}}
    }
    unknown = functions.call(types.FunctionCall(name="divide", args={"a": 1, "c": 2}))
    assert unknown.function_response is not None
    assert unknown.function_response.response == {"error": "divide has no parameter 'c'"}


def test_tools_keep_their_order_and_the_callables_become_one_tool() -> None:
    search = types.Tool(google_search_retrieval=types.GoogleSearchRetrieval())
    functions = Functions([search, get_weather])
    declared = functions.declared([search, get_weather])
    assert declared[0] is search
    assert [d.name for d in declared[1].function_declarations or ()] == ["get_weather"]
    assert functions.knows([types.FunctionCall(name="get_weather")])
    assert not functions.knows([types.FunctionCall(name="other")])


def test_two_functions_of_one_name_are_refused() -> None:
    def get_weather() -> None: ...

    with pytest.raises(errors.ArgumentError, match="two functions are named 'get_weather'"):
        Functions([get_weather, globals()["get_weather"]])


def test_async_calls_await_coroutines_and_run_plain_functions_in_a_thread() -> None:
    async def slow_add(a: int, b: int) -> int:
        await asyncio.sleep(0)
        return a + b

    def add(a: int, b: int) -> int:
        return a + b

    functions = Functions([slow_add, add])

    async def both() -> list[types.Part]:
        return [
            await functions.call_async(types.FunctionCall(name="slow_add", args={"a": 1, "b": 2})),
            await functions.call_async(types.FunctionCall(name="add", args={"a": 3, "b": 4})),
        ]

    answers = [p.function_response.response for p in asyncio.run(both()) if p.function_response]
    assert answers == [{"result": 3}, {"result": 7}]
    sync = functions.call(types.FunctionCall(name="slow_add", args={"a": 1, "b": 2}))
    assert sync.function_response is not None
    assert "use it with client.aio" in (sync.function_response.response or {})["error"]
