"""Python functions as tools: declarations from signatures, and calls with converted arguments."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime
import enum
from collections.abc import Callable
from typing import Any, Literal

import pydantic
import pytest

import gemwire as genai
from gemwire import errors, types
from gemwire._function_calling import Functions, declaration_of
from gemwire.emulator import Emulator


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
    arguments = {
        "place": place,
        "unit": unit,
        "days": days,
        "detail": detail,
        "tags": tags,
        "window": window,
    }
    RECEIVED.append(arguments)
    return arguments


RECEIVED: list[dict[str, object]] = []  # the arguments get_weather was called with


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
    received = RECEIVED[-1]
    assert received["place"] == Place(city="Oslo")
    assert received["unit"] is Unit.FAHRENHEIT
    assert received["days"] == 3 and type(received["days"]) is int
    assert received["window"] == Window(days=2)
    assert part.function_response is not None  # the result goes back as JSON
    assert part.function_response.response == {
        "result": {
            "place": {"city": "Oslo", "country": None},
            "unit": "f",
            "days": 3,
            "detail": "short",
            "tags": None,
            "window": {"days": 2},
        }
    }


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


class Colour(enum.Enum):
    RED = "red"


class Level(enum.IntEnum):
    HIGH = 3


@dataclasses.dataclass
class Reading:
    taken: datetime.datetime
    level: Level
    raw: bytes
    tags: frozenset[str]
    note: str | None = None


class Report(pydantic.BaseModel):
    day: datetime.date
    colour: Colour
    note: str | None = None


class Opaque:
    pass


def result_of(function: Callable[[], object], name: str = "measure") -> object:
    part = Functions([function]).call(types.FunctionCall(name=name, args={}))
    assert part.function_response is not None
    return (part.function_response.response or {})["result"]


@pytest.mark.parametrize(
    ("value", "sent"),
    [
        (
            Reading(
                taken=datetime.datetime(2025, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc),
                level=Level.HIGH,
                raw=b"\xfb\xff",
                tags=frozenset({"b", "a"}),
            ),
            {
                "taken": "2025-01-02T03:04:05+00:00",
                "level": 3,
                "raw": "-_8=",  # URL-safe base64, as google-genai sends bytes
                "tags": ["a", "b"],  # sets sorted: the same request every run
                "note": None,  # a dataclass keeps its None fields (google-genai too)
            },
        ),
        (
            Report(day=datetime.date(2025, 1, 2), colour=Colour.RED),
            {"day": "2025-01-02", "colour": "red"},  # pydantic: exclude_none, as google-genai
        ),
        (Colour.RED, "red"),
        (datetime.time(7, 30), "07:30:00"),
        ((1, "a", None), [1, "a", None]),
        ({3, 1, 2}, [1, 2, 3]),
        ({1: "one", Colour.RED: "red", None: 0}, {"1": "one", "red": "red", "null": 0}),
        (types.Part(text="hi"), {"text": "hi"}),  # gemwire's own types: model_dump
        ([{"when": datetime.date(2025, 1, 1)}], [{"when": "2025-01-01"}]),
    ],
)
def test_results_go_back_as_json(value: object, sent: object) -> None:
    def measure() -> object:
        return value

    assert result_of(measure) == sent


def test_a_result_json_cannot_carry_raises_naming_the_function_and_the_place() -> None:
    def measure() -> object:
        return {"readings": [1, Opaque()]}

    with pytest.raises(
        errors.EncodeError,
        match=r"^the result of measure holds a value of type Opaque at readings\[1\], which "
        "cannot be sent as JSON$",
    ):
        result_of(measure)

    def keyed() -> object:
        return {(1, 2): "pair"}

    with pytest.raises(errors.EncodeError, match="holds a key of type tuple"):
        result_of(keyed, "keyed")


def test_a_default_json_cannot_carry_is_refused_when_declared() -> None:
    def lookup(where: Any = Opaque()) -> None:  # noqa: B008
        """Look up."""

    with pytest.raises(errors.EncodeError, match=r"tools: the default of lookup\.where holds"):
        declaration_of(lookup)
    assert declaration_of(get_weather).parameters is not None  # enum defaults: their values


def test_results_are_converted_before_sending_sync_and_async(
    emu: Emulator, client: genai.Client
) -> None:
    def report() -> Report:
        """Today's report."""
        return Report(day=datetime.date(2025, 1, 2), colour=Colour.RED)

    async def broken() -> object:
        """A report the model cannot read."""
        return Opaque()

    emu.push({"function_calls": [{"name": "report"}]})  # then the results get a text answer
    config = types.GenerateContentConfig(tools=[report])
    client.models.generate_content(model="gemini-2.5-flash", contents="?", config=config)

    async def both() -> None:
        emu.push({"function_calls": [{"name": "report"}]})
        await client.aio.models.generate_content(
            model="gemini-2.5-flash", contents="?", config=config
        )
        emu.push({"function_calls": [{"name": "broken"}]})
        with pytest.raises(errors.EncodeError, match="the result of broken holds"):
            await client.aio.models.generate_content(
                model="gemini-2.5-flash", contents="?", config={"tools": [broken]}
            )

    asyncio.run(both())
    bodies = [r["body"] for r in emu.requests]
    assert len(bodies) == 5  # call, result, call, result, call (the broken one sent nothing)
    for body in (bodies[1], bodies[3]):
        (part,) = body["contents"][2]["parts"]
        assert part["functionResponse"]["response"] == {
            "result": {"day": "2025-01-02", "colour": "red"}
        }
