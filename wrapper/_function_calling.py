"""Python functions as tools: their declarations, and the calls the model asks for.

A callable in ``config.tools`` is declared to the model from its signature and docstring
(:func:`declaration_of`); when an answer asks for calls, :class:`Functions` runs them and turns
each result into a ``functionResponse`` part: ``{"result": value}``, or ``{"error": message}``
when the function raised, as google-genai does. Arguments arrive as JSON and are converted to
the annotated types (dataclasses, pydantic models, enums, ...) with the rules of structured
output.
"""

from __future__ import annotations

import enum
import inspect
import typing
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from gemwire._structured import instance_of, schema_of_type
from gemwire.errors import ArgumentError, ArgumentTypeError
from gemwire.types import FunctionCall, FunctionDeclaration, Part, Schema, Tool, Type

__all__ = ["Functions", "declaration_of", "declared", "is_function"]

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
            schema.default = _json_value(parameter.default)
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
            response: dict[str, Any] = {"result": function(**_arguments(function, call.args or {}))}
        except Exception as error:  # the model sees what went wrong, as in google-genai
            response = {"error": str(error)}
        return Part.from_function_response(name=name, response=response)

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
            response: dict[str, Any] = {"result": result}
        except Exception as error:
            response = {"error": str(error)}
        return Part.from_function_response(name=name, response=response)


def declared(tools: Sequence[Any]) -> list[Tool]:
    """A config's ``tools`` as the API takes them (see :meth:`Functions.declared`): unchanged
    when none is a Python function."""
    functions = Functions(tools)
    return functions.declared(tools) if functions else list(tools)


def _json_value(value: Any) -> Any:
    """A parameter's default as JSON: an enum member is its value."""
    return value.value if isinstance(value, enum.Enum) else value


def is_function(tool: Any) -> bool:
    """Whether ``tool`` is a Python function (not a ``Tool``, nor a type class given for its
    empty instance)."""
    return callable(tool) and not isinstance(tool, (Tool, type))


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
