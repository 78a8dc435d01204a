"""The pydantic-style methods google-genai's types have, for gemwire's dataclasses.

``WireModel`` exposes them (``model_dump``, ``model_dump_json``, ``model_validate``,
``model_validate_json``, ``model_copy``, ``to_json_dict``) and calls in here on first use, so
code written against google-genai's pydantic models runs unchanged. The semantics follow
google-genai 3.6.1: Python field names (``by_alias=True``: the camelCase wire names); in
``mode="json"`` enums become their values and bytes URL-safe base64, as google-genai's
``ser_json_bytes='base64'`` writes them; fields the spec does not know (``unknown_fields``)
appear under their wire names, as pydantic shows extra fields.
"""

from __future__ import annotations

import base64
import copy
import dataclasses
import json
from collections.abc import Collection, Mapping
from enum import Enum
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from gemwire._serde import WireModel

__all__ = ["copy_model", "dump", "dump_json", "validate", "validate_json"]

_M = TypeVar("_M", bound="WireModel")


def dump(
    model: WireModel,
    *,
    mode: str = "python",
    by_alias: bool | None = False,
    exclude_none: bool = False,
    include: Collection[str] | None = None,
    exclude: Collection[str] | None = None,
) -> dict[str, Any]:
    """``model`` as a dict of plain values (see the module docstring for the rules)."""
    if mode not in ("python", "json"):
        raise ValueError(f"mode: expected 'python' or 'json', got {mode!r}")
    dumper = _Dumper(json_mode=mode == "json", by_alias=bool(by_alias), exclude_none=exclude_none)
    return dumper.model(model, include, exclude)


def validate(cls: type[_M], value: Any) -> _M:
    """An instance of ``cls`` from an instance, another gemwire type, or a dict (wire or
    Python names); a value that does not fit raises :class:`~gemwire.errors.DecodeError`."""
    from gemwire._serde import WireModel

    if isinstance(value, cls):
        return value
    if isinstance(value, WireModel):
        value = value.to_dict()
    return cls.from_dict(value)


def validate_json(cls: type[_M], text: str | bytes | bytearray) -> _M:
    """An instance of ``cls`` from JSON text."""
    return validate(cls, json.loads(text))


def copy_model(model: _M, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> _M:
    """A copy of ``model`` (``deep``: nested values copied too) with ``update`` applied by
    field name, unchecked, as pydantic's ``model_copy`` does."""
    copied = copy.deepcopy(model) if deep else copy.copy(model)
    for name, value in (update or {}).items():
        if name not in model.__dataclass_fields__:
            raise TypeError(f"{type(model).__name__} has no field {name!r}")
        setattr(copied, name, value)
    return copied


def dump_json(
    model: WireModel, *, indent: int | None = None, ensure_ascii: bool = False, **options: Any
) -> str:
    """``model`` as JSON text: ``dump(mode="json")``, compact unless ``indent`` is given."""
    separators = (",", ":") if indent is None else None
    return json.dumps(
        dump(model, mode="json", **options),
        indent=indent,
        separators=separators,
        ensure_ascii=ensure_ascii,
    )


class _Dumper:
    def __init__(self, *, json_mode: bool, by_alias: bool, exclude_none: bool) -> None:
        self.json_mode = json_mode
        self.by_alias = by_alias
        self.exclude_none = exclude_none

    def model(
        self,
        model: WireModel,
        include: Collection[str] | None = None,
        exclude: Collection[str] | None = None,
    ) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for field in dataclasses.fields(model):
            name = field.name
            if "json" not in field.metadata:
                continue
            if (include is not None and name not in include) or (exclude and name in exclude):
                continue
            value = getattr(model, name)
            if value is None and self.exclude_none:
                continue
            out[field.metadata["json"] if self.by_alias else name] = self.value(value)
        for key, value in (getattr(model, "unknown_fields", None) or {}).items():
            if not (value is None and self.exclude_none):
                out.setdefault(key, value)
        return out

    def value(self, value: Any) -> Any:
        from gemwire._serde import WireModel

        if isinstance(value, WireModel):
            return self.model(value)
        if isinstance(value, (list, tuple)):
            return [self.value(item) for item in value]
        if isinstance(value, dict):
            return {key: self.value(item) for key, item in value.items()}
        if self.json_mode:
            if isinstance(value, Enum):
                return value.value
            if isinstance(value, (bytes, bytearray)):
                return base64.urlsafe_b64encode(value).decode("ascii")
        return value
