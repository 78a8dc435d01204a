"""Structured output: Python types -> ``Schema`` for the request, JSON text -> those types.

``response_schema`` may be a ``Schema``, a dict, or a Python type: a dataclass, ``list[...]``,
``str``, ``int``, ``float``, ``bool``, an ``Enum``, a ``Literal``, ``X | None``. The answer's
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

__all__ = ["parse_as", "schema_of"]

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
    return _schema_of_type(value, "response_schema")


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
        return _instance_of(schema, value)
    except (TypeError, ValueError, KeyError, RecursionError):
        return None


def _schema_of_type(hint: Any, path: str) -> Schema:
    origin = typing.get_origin(hint)
    if origin in (typing.Union, pytypes.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        if len(args) == 1:
            inner = _schema_of_type(args[0], path)
            inner.nullable = True
            return inner
        return Schema(any_of=[_schema_of_type(a, path) for a in args])
    if origin in (list, tuple, set, frozenset):
        (item, *_) = typing.get_args(hint) or (str,)
        return Schema(type=Type.ARRAY, items=_schema_of_type(item, f"{path}[]"))
    if origin is typing.Literal:
        return Schema(type=Type.STRING, enum=[str(v) for v in typing.get_args(hint)])
    if hint in SIMPLE_TYPES:
        return Schema(type=SIMPLE_TYPES[hint])
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return Schema(type=Type.STRING, enum=[str(m.value) for m in hint])
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        hints = typing.get_type_hints(hint)
        fields = dataclasses.fields(hint)
        required = [
            f.name
            for f in fields
            if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        ]
        return Schema(
            type=Type.OBJECT,
            properties={f.name: _schema_of_type(hints[f.name], f"{path}.{f.name}") for f in fields},
            property_ordering=[f.name for f in fields],
            required=required or None,
        )
    raise ArgumentTypeError(f"{path}: cannot describe {hint!r} as a response schema")


def _instance_of(hint: Any, value: Any) -> Any:
    origin = typing.get_origin(hint)
    if value is None:
        return None
    if origin in (typing.Union, pytypes.UnionType):
        for arg in typing.get_args(hint):
            if arg is not type(None):
                try:
                    return _instance_of(arg, value)
                except (TypeError, ValueError, KeyError):
                    continue
        raise ValueError(f"{value!r} fits none of {hint!r}")
    if origin in (list, tuple, set, frozenset):
        (item, *_) = typing.get_args(hint) or (Any,)
        items = [_instance_of(item, v) for v in _expect(value, list)]
        return items if origin is list else origin(items)
    if origin is typing.Literal or hint is Any:
        return value
    if hint is float:
        return float(_expect(value, (int, float)))
    if hint in SIMPLE_TYPES:
        return _expect(value, hint)
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return hint(value)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        hints = typing.get_type_hints(hint)
        data = _expect(value, dict)
        return hint(
            **{
                f.name: _instance_of(hints[f.name], data[f.name])
                for f in dataclasses.fields(hint)
                if f.name in data
            }
        )
    raise TypeError(f"cannot parse into {hint!r}")


def _expect(value: Any, kind: Any) -> Any:
    if isinstance(value, bool) and kind is not bool:
        raise TypeError("a boolean is not a number")
    if not isinstance(value, kind):
        raise TypeError(f"expected {kind}, got {type(value).__name__}")
    return value
