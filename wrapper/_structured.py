"""Structured output: Python types -> ``Schema`` for the request, JSON text -> those types.

``response_schema`` may be a ``Schema``, a dict, or a Python type: a dataclass, a TypedDict, a
pydantic model (when the user has pydantic; gemwire never imports it), ``list[...]``, ``str``,
``int``, ``float``, ``bool``, an ``Enum``, a ``Literal``, ``X | None``. The answer's
JSON is then parsed back into the same type for ``response.parsed``.
"""

from __future__ import annotations

import dataclasses
import enum
import json
import types as pytypes
import typing
from collections.abc import Mapping
from typing import Any

from gemwire.errors import ArgumentTypeError
from gemwire.types import Schema, Type

__all__ = ["instance_of", "parse_as", "schema_of", "schema_of_type"]

SIMPLE_TYPES: dict[Any, Type] = {
    str: Type.STRING,
    int: Type.INTEGER,
    float: Type.NUMBER,
    bool: Type.BOOLEAN,
}


def schema_of(value: Any) -> Schema:
    """``response_schema`` as a ``Schema``."""
    if isinstance(value, Schema):
        return value
    if isinstance(value, Mapping):
        return Schema.from_dict(value)
    return schema_of_type(value, "response_schema")


def parse_as(text: str, schema: Any) -> Any:
    """Decode the model's JSON answer; into instances when ``schema`` is a Python type.

    Returns ``None`` when the text is not JSON or does not fit the type (the model may have
    been cut off by ``max_output_tokens``): ``response.text`` still has what it said.
    """
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):  # RecursionError: nested deeper than Python goes
        return None
    if isinstance(schema, (Schema, Mapping)) or schema is None:
        return value
    try:
        return instance_of(schema, value)
    except (TypeError, ValueError, KeyError, RecursionError):
        return None


def schema_of_type(hint: Any, path: str) -> Schema:
    """The ``Schema`` of a Python type (see the module docstring for the types taken);
    ``path`` names the place in errors."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, pytypes.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        if len(args) == 1:
            inner = schema_of_type(args[0], path)
            inner.nullable = True
            return inner
        return Schema(any_of=[schema_of_type(a, path) for a in args])
    if origin in (list, tuple, set, frozenset):
        (item, *_) = typing.get_args(hint) or (str,)
        return Schema(type=Type.ARRAY, items=schema_of_type(item, f"{path}[]"))
    if origin is typing.Literal:
        return Schema(type=Type.STRING, enum=[str(v) for v in typing.get_args(hint)])
    if hint is dict or origin is dict:
        return Schema(type=Type.OBJECT)
    if hint in SIMPLE_TYPES:
        return Schema(type=SIMPLE_TYPES[hint])
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return Schema(type=Type.STRING, enum=[str(m.value) for m in hint])
    record = _record_fields(hint)
    if record is not None:
        fields, required = record
        return Schema(
            type=Type.OBJECT,
            properties={
                name: schema_of_type(annotation, f"{path}.{name}")
                for name, annotation in fields.items()
            },
            property_ordering=list(fields),
            required=required or None,
        )
    raise ArgumentTypeError(f"{path}: cannot describe {hint!r} as a response schema")


def _record_fields(hint: Any) -> tuple[dict[str, Any], list[str]] | None:
    """The fields (name -> type, in order) and the required names of a record type: a
    dataclass, a TypedDict or a pydantic model (recognised without importing pydantic)."""
    if not isinstance(hint, type):
        return None
    if dataclasses.is_dataclass(hint):
        hints = typing.get_type_hints(hint)
        fields = dataclasses.fields(hint)
        required = [
            f.name
            for f in fields
            if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        ]
        return {f.name: hints[f.name] for f in fields}, required
    if _is_typeddict(hint):
        hints = typing.get_type_hints(hint)
        required_keys: frozenset[str] = getattr(hint, "__required_keys__")  # noqa: B009
        return hints, [name for name in hints if name in required_keys]
    model_fields = getattr(hint, "model_fields", None)
    if isinstance(model_fields, dict) and hasattr(hint, "model_validate"):  # pydantic v2
        return (
            {name: info.annotation for name, info in model_fields.items()},
            [name for name, info in model_fields.items() if info.is_required()],
        )
    return None


def _is_typeddict(hint: type) -> bool:
    # By shape: typing_extensions.TypedDict (which users import) is not typing's before 3.13.
    return issubclass(hint, dict) and hasattr(hint, "__required_keys__")


def instance_of(hint: Any, value: Any) -> Any:
    """``value`` (decoded JSON) as an instance of the Python type ``hint``; ``TypeError``,
    ``ValueError`` or ``KeyError`` when it does not fit."""
    origin = typing.get_origin(hint)
    if value is None:
        return None
    if origin in (typing.Union, pytypes.UnionType):
        for arg in typing.get_args(hint):
            if arg is not type(None):
                try:
                    return instance_of(arg, value)
                except (TypeError, ValueError, KeyError):
                    continue
        raise ValueError(f"{value!r} fits none of {hint!r}")
    if origin in (list, tuple, set, frozenset):
        (item, *_) = typing.get_args(hint) or (Any,)
        items = [instance_of(item, v) for v in _expect(value, list)]
        return items if origin is list else origin(items)
    if origin is typing.Literal or hint is Any:
        return value
    if hint is dict or origin is dict:
        return _expect(value, dict)
    if hint is float:
        return float(_expect(value, (int, float)))
    if hint is int and isinstance(value, float) and value.is_integer():
        return int(value)  # JSON numbers often arrive as floats
    if hint in SIMPLE_TYPES:
        return _expect(value, hint)
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return hint(value)
    if hasattr(hint, "model_validate") and _record_fields(hint) is not None:
        return hint.model_validate(_expect(value, dict))  # pydantic checks it its own way
    record = _record_fields(hint)
    if record is not None:
        fields, _ = record
        data = _expect(value, dict)
        parsed = {name: instance_of(fields[name], data[name]) for name in fields if name in data}
        return parsed if _is_typeddict(hint) else hint(**parsed)
    raise TypeError(f"cannot parse into {hint!r}")


def _expect(value: Any, kind: Any) -> Any:
    if isinstance(value, bool) and kind is not bool:
        raise TypeError("a boolean is not a number")
    if not isinstance(value, kind):
        raise TypeError(f"expected {kind}, got {type(value).__name__}")
    return value
