"""What the generated constructors do with a value that is not of its field's type yet.

google-genai's types are pydantic models, and code written for them leans on what pydantic
converts: a dict where a message goes (``safety_settings=[{"category": ..., "threshold":
...}]``), an enum's value as a string, a type where its instance goes
(``Tool(code_execution=types.ToolCodeExecution)``) and camelCase keywords
(``ModalityTokenCount(tokenCount=3)``). The ``__init__`` that codegen writes stores a value
already of the field's type after one type check, and hands anything else to these functions:

* a dict becomes the message, read like wire JSON (``from_dict``: either spelling of keys,
  bytes raw or as base64 text), except that a key the type does not know is a ``TypeError``;
* a message type becomes its empty instance;
* a string (or another enum's member) becomes the enum member of that value;
* a tuple where a list goes becomes a list.

Anything else raises ``TypeError`` naming the field: ``Part.inline_data: expected Blob, a
dict of its fields or None, got int``. A dict whose values do not fit raises
:class:`~gemwire.errors.DecodeError` with the path inside it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from enum import Enum
from typing import Any, TypeVar

from gemwire._serde import OpenEnum, WireModel, is_function
from gemwire.errors import DecodeError, format_path

__all__ = ["as_enum", "as_enums", "as_model", "as_model_map", "as_models", "init_aliased"]

_M = TypeVar("_M", bound=WireModel)
_E = TypeVar("_E", bound=OpenEnum)
_Where = tuple[object, ...]  # "Part.inline_data", then list indices or map keys
_ALIASES: dict[type[WireModel], dict[str, str]] = {}


def as_model(cls: type[_M], value: object, where: str) -> _M:
    """``value`` given for a field of type ``cls``."""
    return _model(cls, value, (where,))


def as_models(cls: type[_M], value: object, where: str) -> list[_M]:
    """``value`` given for a field of type ``list[cls]``; a list of instances is kept as is."""
    if type(value) is list:
        for item in value:
            if type(item) is not cls:
                break
        else:
            return value
    elif type(value) is not tuple:
        raise TypeError(f"{where}: expected a list of {cls.__name__}, got {type(value).__name__}")
    return [_model(cls, item, (where, index)) for index, item in enumerate(value)]


def as_models_or_callables(
    cls: type[_M], value: object, where: str
) -> list[_M | Callable[..., Any]]:
    """``value`` given for a list of ``cls`` where a Python callable may stand for an item
    (``GenerateContentConfig.tools``: functions for automatic function calling); callables are
    kept as they are."""
    if type(value) is not list and type(value) is not tuple:
        raise TypeError(f"{where}: expected a list of {cls.__name__}, got {type(value).__name__}")
    return [
        item if is_function(item) else _model(cls, item, (where, index))
        for index, item in enumerate(value)
    ]


def as_model_map(cls: type[_M], value: object, where: str) -> dict[str, _M]:
    """``value`` given for a field of type ``dict[str, cls]``."""
    if not isinstance(value, Mapping):
        raise TypeError(f"{where}: expected a dict of {cls.__name__}, got {type(value).__name__}")
    if type(value) is dict and all(type(item) is cls for item in value.values()):
        return value
    return {key: _model(cls, item, (where, key)) for key, item in value.items()}


def as_enum(cls: type[_E], value: object, where: str) -> _E:
    """``value`` given for a field of enum type ``cls``: a member, or its value."""
    return _enum(cls, value, (where,))


def as_enums(cls: type[_E], value: object, where: str) -> list[_E]:
    """``value`` given for a field of type ``list[cls]``."""
    if type(value) is not list and type(value) is not tuple:
        raise TypeError(f"{where}: expected a list of {cls.__name__}, got {type(value).__name__}")
    return [_enum(cls, item, (where, index)) for index, item in enumerate(value)]


def init_aliased(instance: WireModel, cls: type[WireModel], arguments: dict[str, Any]) -> None:
    """Run ``cls.__init__`` on ``instance`` again with camelCase keywords renamed to their
    Python names. ``arguments`` is the first ``__init__``'s ``locals()``: ``self``, the
    parameters, and ``aliases``, the keywords it did not name."""
    values = {key: value for key, value in arguments.items() if key not in ("self", "aliases")}
    renames = _ALIASES.get(cls) or _aliases(cls)
    given: dict[str, Any] = arguments["aliases"]
    unknown = [key for key in given if key not in renames]
    if unknown:
        plural = "s" if len(unknown) > 1 else ""
        names = ", ".join(map(repr, unknown))
        raise TypeError(f"{cls.__name__}() got unexpected keyword argument{plural} {names}")
    for key, value in given.items():
        name = renames[key]
        if values[name] is not None:
            raise TypeError(f"{cls.__name__}() got {name!r} twice, as {name!r} and as {key!r}")
        values[name] = value
    cls.__init__(instance, **values)


def _aliases(cls: type[WireModel]) -> dict[str, str]:
    """Wire name -> field name, for the fields whose names differ."""
    renames = {
        field.metadata["json"]: field.name
        for field in dataclasses.fields(cls)
        if field.metadata.get("json", field.name) != field.name
    }
    _ALIASES[cls] = renames
    return renames


def _model(cls: type[_M], value: object, where: _Where) -> _M:
    if isinstance(value, cls):
        return value
    if isinstance(value, type) and issubclass(value, cls):
        return value()
    if isinstance(value, Mapping):
        try:
            decoded = cls.from_dict(value)
        except DecodeError as error:
            for key in reversed(where):
                error.at(key)  # type: ignore[arg-type]
            raise
        _refuse_unknown(decoded, where)
        return decoded
    raise TypeError(
        f"{format_path(where)}: expected {cls.__name__}, a dict of its fields or None, "
        f"got {type(value).__name__}"
    )


def _enum(cls: type[_E], value: object, where: _Where) -> _E:
    if isinstance(value, cls):
        return value
    if isinstance(value, Enum):
        value = value.value
    if type(value) is str:
        return cls(value)
    raise TypeError(
        f"{format_path(where)}: expected {cls.__name__} or its value as a string, "
        f"got {type(value).__name__}"
    )


def _refuse_unknown(value: object, where: _Where) -> None:
    """A key of a dict written in Python that no field has is a mistake, not a field the API
    added: raise ``TypeError`` naming it. Explicit ``None`` values mean unset."""
    if isinstance(value, WireModel):
        unknown: dict[str, Any] | None = getattr(value, "unknown_fields", None)
        if unknown:
            extra = [key for key, item in unknown.items() if item is not None]
            if extra:
                names = ", ".join(map(repr, extra))
                owner = type(value).__name__
                raise TypeError(f"{format_path(where)}: {owner} has no field {names}")
            value.unknown_fields = None  # type: ignore[attr-defined]
        for field in dataclasses.fields(value):
            item = getattr(value, field.name)
            if isinstance(item, (WireModel, list, dict)):
                _refuse_unknown(item, (*where, field.name))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, WireModel):
                _refuse_unknown(item, (*where, index))
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, WireModel):
                _refuse_unknown(item, (*where, key))
