"""Python functions as tools: their declarations, and the calls the model asks for.

A callable in ``config.tools`` is declared to the model from its signature and docstring
(:func:`declaration_of`); when an answer asks for calls, :class:`Functions` runs them and turns
each result into a ``functionResponse`` part: ``{"result": value}``, or ``{"error": message}``
when the function raised, as google-genai does. Arguments arrive as JSON and are converted to
the annotated types (dataclasses, pydantic models, enums, ...) with the rules of structured
output; results go back as JSON (:func:`to_json`).
"""

from __future__ import annotations

import dataclasses
import enum
import inspect
import json
import typing
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from gemwire._serde import is_function
from gemwire._structured import instance_of, schema_of_type
from gemwire.errors import ArgumentError, ArgumentTypeError, EncodeError
from gemwire.types import FunctionCall, FunctionDeclaration, Part, Schema, Tool, Type

__all__ = ["Functions", "declaration_of", "declared", "to_json"]

_Function = Callable[..., Any]


def declaration_of(function: _Function) -> FunctionDeclaration:
    """The declaration of ``function``: its name, its docstring as the description, and an
    OBJECT schema of its parameters (required: those without a default)."""
    name = getattr(function, "__name__", None)
    if not callable(function) or not name or name == "<lambda>":
        raise ArgumentTypeError(
            f"tools: expected a named function, got {type(function).__name__} {function!r}"
        )
    try:
        hints = typing.get_type_hints(function)
    except (NameError, TypeError) as error:
        raise ArgumentTypeError(f"tools: cannot read the annotations of {name}: {error}") from None
    properties: dict[str, Schema] = {}
    required: list[str] = []
    for parameter in inspect.signature(function).parameters.values():
        if parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
            continue
        annotation = hints.get(parameter.name, Any)
        schema = (
            Schema()
            if annotation is Any
            else schema_of_type(annotation, f"{name}.{parameter.name}")
        )
        if parameter.default is parameter.empty:
            required.append(parameter.name)
        elif parameter.default is not None:
            schema.default = to_json(
                parameter.default, f"tools: the default of {name}.{parameter.name}"
            )
        properties[parameter.name] = schema
    parameters = (
        Schema(type=Type.OBJECT, properties=properties, required=required or None)
        if properties
        else None
    )
    return FunctionDeclaration(
        name=name, description=inspect.getdoc(function), parameters=parameters
    )


class Functions:
    """The callables among a config's tools, by name."""

    def __init__(self, tools: Iterable[Any] | None) -> None:
        self.by_name: dict[str, _Function] = {}
        for tool in tools or ():
            if is_function(tool):
                name = declaration_of(tool).name
                assert name is not None
                if name in self.by_name:
                    raise ArgumentError(f"tools: two functions are named {name!r}")
                self.by_name[name] = tool

    def __bool__(self) -> bool:
        return bool(self.by_name)

    def declared(self, tools: Sequence[Any]) -> list[Tool]:
        """``tools`` as the API takes them: the callables replaced by one ``Tool`` holding
        their declarations, the other tools kept in place."""
        kept = [tool for tool in tools if not is_function(tool)]
        declarations = [declaration_of(function) for function in self.by_name.values()]
        return [*kept, Tool(function_declarations=declarations)]

    def knows(self, calls: Iterable[FunctionCall]) -> bool:
        """Whether every call asks for one of these functions (else the caller handles it)."""
        return all(call.name in self.by_name for call in calls)

    def call(self, call: FunctionCall) -> Part:
        """Run the function ``call`` names; its result (or its error) as a response part."""
        name = call.name or ""
        try:
            function = self.by_name[name]
            if inspect.iscoroutinefunction(function):
                raise ArgumentTypeError(
                    f"{name} is a coroutine function: use it with client.aio, not the sync client"
                )
            result = function(**_arguments(function, call.args or {}))
        except Exception as error:  # the model sees what went wrong, as in google-genai
            return _response(name, {"error": str(error)})
        return _response(name, {"result": to_json(result, f"the result of {name}")})

    def call_all(self, calls: Iterable[FunctionCall]) -> list[Part]:
        """Run the calls of one turn, one after the other; their response parts in order."""
        return [self.call(call) for call in calls]

    async def call_async(self, call: FunctionCall) -> Part:
        """:meth:`call` for the async client: coroutine functions are awaited, plain ones run
        in a worker thread so that the event loop goes on."""
        import asyncio  # not at import: ``import gemwire`` does not load asyncio

        name = call.name or ""
        try:
            function = self.by_name[name]
            arguments = _arguments(function, call.args or {})
            if inspect.iscoroutinefunction(function):
                result = await function(**arguments)
            else:
                result = await asyncio.to_thread(function, **arguments)
        except Exception as error:
            return _response(name, {"error": str(error)})
        return _response(name, {"result": to_json(result, f"the result of {name}")})

    async def call_all_async(self, calls: Iterable[FunctionCall]) -> list[Part]:
        """Run the calls of one turn at the same time (:meth:`call_async`); their response
        parts in order."""
        import asyncio

        return list(await asyncio.gather(*(self.call_async(call) for call in calls)))


def to_json(value: Any, what: str) -> Any:
    """``value`` as JSON values: what google-genai converts in a function's result, and
    more. Dataclasses become objects of their fields, pydantic models (and gemwire's types)
    ``model_dump(mode="json", exclude_none=True)``, enum members their values, datetimes,
    dates and times ISO 8601 text, bytes URL-safe base64 (as google-genai), tuples arrays,
    sets sorted arrays (so that the request is the same each run), mapping keys text.
    Anything else raises :class:`~gemwire.errors.EncodeError` naming ``what`` (``the result
    of get_weather``) and where the value sits, before anything is sent (google-genai fails
    in ``json.dumps``)."""
    try:
        return _json_value(value)
    except EncodeError as error:
        where = f" at {error.location}" if error.path else ""
        raise EncodeError(
            f"{what} holds {error.problem}{where}, which cannot be sent as JSON"
        ) from None


def _json_value(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return _json_value(value.value)
    if value is None or isinstance(value, (str, int, float)):
        return value
    if isinstance(value, Mapping):
        return {_json_key(key): _inside(key, item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_inside(index, item) for index, item in enumerate(value)]
    if isinstance(value, (set, frozenset)):
        items = [_inside(index, item) for index, item in enumerate(value)]
        try:
            return sorted(items)
        except TypeError:  # of mixed types: kept in the set's order
            return items
    # base64 and datetime are imported here, when a result needs them, so that `import
    # gemwire` does not pay for them (~3 ms).
    if isinstance(value, (bytes, bytearray, memoryview)):
        import base64

        return base64.urlsafe_b64encode(value).decode("ascii")
    import datetime

    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    dump = getattr(value, "model_dump", None)
    if callable(dump) and not isinstance(value, type):  # pydantic (and gemwire's types)
        try:
            return dump(mode="json", exclude_none=True)
        except Exception as error:  # pydantic's own, for a field it cannot write
            raise EncodeError(
                f"a {type(value).__name__} whose model_dump failed ({error})"
            ) from None
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            field.name: _inside(field.name, getattr(value, field.name))
            for field in dataclasses.fields(value)
        }
    raise EncodeError(f"a value of type {type(value).__name__}")


def _inside(key: str | int, value: Any) -> Any:
    """``_json_value`` of a member, its key recorded in the error's path."""
    try:
        return _json_value(value)
    except EncodeError as error:
        raise error.at(key) from None


def _json_key(key: Any) -> str:
    """A mapping key as JSON keys are: text (numbers, booleans and None as ``json.dumps``
    writes them, enum members by their values)."""
    key = key.value if isinstance(key, enum.Enum) else key
    if isinstance(key, str):
        return key
    if key is None or isinstance(key, (int, float)):
        return json.dumps(key)
    raise EncodeError(f"a key of type {type(key).__name__}")


def _response(name: str, response: dict[str, Any]) -> Part:
    return Part.from_function_response(name=name, response=response)


def declared(tools: Sequence[Any]) -> list[Tool]:
    """A config's ``tools`` as the API takes them (see :meth:`Functions.declared`): unchanged
    when none is a Python function."""
    functions = Functions(tools)
    return functions.declared(tools) if functions else list(tools)


def _arguments(function: _Function, args: dict[str, Any]) -> dict[str, Any]:
    """The model's JSON arguments converted to the annotated types of ``function``."""
    hints = typing.get_type_hints(function)
    parameters = inspect.signature(function).parameters
    unknown = sorted(set(args) - set(parameters))
    if unknown and not any(p.kind is p.VAR_KEYWORD for p in parameters.values()):
        raise ArgumentError(f"{function.__name__} has no parameter {', '.join(map(repr, unknown))}")
    return {
        name: instance_of(hints[name], value) if name in hints else value
        for name, value in args.items()
    }
