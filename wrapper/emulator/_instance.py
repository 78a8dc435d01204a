"""A deterministic JSON value that fits a schema: the emulator's answer in JSON mode.

Works for both schema dialects a request can carry: Gemini's `responseSchema` (`type` in upper
or lower case, int64 limits written as strings, `nullable`, `propertyOrdering`) and a JSON Schema
`responseJsonSchema` (`$ref` into `$defs` / `definitions`, type lists, `const`, `prefixItems`,
`anyOf` / `oneOf` / `allOf`). The rules:

- `const`, else the first `enum` value; `anyOf` / `oneOf`: the first non-null option;
  `allOf`: the options merged;
- object: every property, in `propertyOrdering` order when given;
- array: 2 items (raised to `minItems`, lowered to `maxItems`); items of an array are numbered,
  and the number is passed down to the values inside them;
- string: `"example <property name>"` (plus the item number inside arrays), or a fixed value
  for `format` date-time, date, time, email, uri and uuid; cut to `maxLength`;
- integer: the item number or 1; number: that plus 0.5; both kept within `minimum` / `maximum`;
- boolean: true; null: null. Past a nesting depth of 8 (recursive schemas) objects and arrays
  come out empty.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from gemwire.emulator import _fields as fields

_MAX_DEPTH = 8
_FORMATS = {
    "date-time": "2025-01-01T00:00:00Z",
    "date": "2025-01-01",
    "time": "00:00:00",
}


def instance(schema: Any) -> Any:
    """A value valid against `schema` (a Gemini Schema or a JSON Schema), always the same."""
    return _Builder(schema if isinstance(schema, Mapping) else {}).build(schema, "", 0, 0)


def _as_int(value: Any) -> int | None:
    """Limits are numbers in JSON Schema and int64 strings in Gemini's Schema."""
    try:
        return int(value) if value is not None and not isinstance(value, bool) else None
    except (TypeError, ValueError):
        return None


class _Builder:
    def __init__(self, root: Mapping[str, Any]) -> None:
        self._root = root

    def build(self, schema: Any, name: str, number: int, depth: int) -> Any:
        if not isinstance(schema, Mapping):
            return self._string({}, name, number)  # `true` / `{}`: anything goes
        if depth > _MAX_DEPTH * 4:
            return None  # a `$ref` cycle without any object or array in between
        ref = schema.get("$ref")
        if isinstance(ref, str):
            return self.build(self._resolve(ref), name, number, depth + 1)
        if "const" in schema:
            return schema["const"]
        enum = schema.get("enum")
        if isinstance(enum, list) and enum:
            return enum[0]
        for keyword in ("anyOf", "oneOf", "any_of", "one_of"):
            options = schema.get(keyword)
            if isinstance(options, list) and options:
                return self.build(_first_non_null(options), name, number, depth + 1)
        all_of = fields.get(schema, "allOf")
        if isinstance(all_of, list) and all_of:
            return self.build(self._merge(schema, all_of), name, number, depth + 1)
        kind = _type_of(schema)
        if kind == "object":
            return self._object(schema, number, depth)
        if kind == "array":
            return self._array(schema, name, depth)
        if kind in ("integer", "number"):
            return _number(schema, number, integer=kind == "integer")
        if kind == "boolean":
            return True
        if kind == "null":
            return None
        return self._string(schema, name, number)

    def _resolve(self, ref: str) -> Any:
        """A local `#/...` JSON pointer; anything else resolves to an open schema."""
        if not ref.startswith("#"):
            return {}
        target: Any = self._root
        for token in filter(None, ref[1:].split("/")):
            key = token.replace("~1", "/").replace("~0", "~")
            target = target.get(key) if isinstance(target, Mapping) else None
        return target if target is not None else {}

    def build_ref(self, schema: Any) -> Any:
        """`schema` with a top-level `$ref` followed (once)."""
        if isinstance(schema, Mapping) and isinstance(schema.get("$ref"), str):
            return self._resolve(schema["$ref"])
        return schema

    def _merge(self, schema: Mapping[str, Any], parts: list[Any]) -> dict[str, Any]:
        merged: dict[str, Any] = {k: v for k, v in schema.items() if k not in ("allOf", "all_of")}
        for option in parts:
            part = self.build_ref(option)
            if not isinstance(part, Mapping):
                continue
            for key, value in part.items():
                if key == "properties" and isinstance(value, Mapping):
                    merged["properties"] = {**merged.get("properties", {}), **value}
                else:
                    merged.setdefault(key, value)
        return merged

    def _object(self, schema: Mapping[str, Any], number: int, depth: int) -> dict[str, Any]:
        properties = schema.get("properties")
        if not isinstance(properties, Mapping) or depth >= _MAX_DEPTH:
            return {}
        order = fields.get(schema, "propertyOrdering")
        names = [n for n in order if n in properties] if isinstance(order, list) else []
        names += [n for n in properties if n not in names]
        return {n: self.build(properties[n], n, number, depth + 1) for n in names}

    def _array(self, schema: Mapping[str, Any], name: str, depth: int) -> list[Any]:
        if depth >= _MAX_DEPTH:
            return []
        size = max(2, _as_int(fields.get(schema, "minItems")) or 0)
        maximum = _as_int(fields.get(schema, "maxItems"))
        size = min(size, maximum) if maximum is not None else size
        prefix = fields.get(schema, "prefixItems")
        prefix = prefix if isinstance(prefix, list) else []
        items = schema.get("items", {})
        return [
            self.build(prefix[i] if i < len(prefix) else items, name, i + 1, depth + 1)
            for i in range(size)
        ]

    def _string(self, schema: Mapping[str, Any], name: str, number: int) -> str:
        label = name or "text"
        text = _FORMATS.get(str(schema.get("format", "")))
        if schema.get("format") == "email":
            text = f"{_slug(label)}{number or ''}@example.com"
        elif schema.get("format") in ("uri", "url"):
            text = f"https://example.com/{_slug(label)}{'/' + str(number) if number else ''}"
        elif schema.get("format") == "uuid":
            text = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{label}/{number}"))
        if text is None:
            text = f"example {label}" + (f" {number}" if number else "")
        longest = _as_int(fields.get(schema, "maxLength"))
        shortest = _as_int(fields.get(schema, "minLength")) or 0
        text = text.ljust(shortest, "x")
        return text[:longest] if longest is not None else text


def _first_non_null(options: list[Any]) -> Any:
    for option in options:
        if not (isinstance(option, Mapping) and _type_of(option) == "null"):
            return option
    return options[0]


def _type_of(schema: Mapping[str, Any]) -> str | None:
    """The lower-case type name; a list of types gives its first non-null one."""
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if str(k).lower() != "null"), "null")
    if isinstance(kind, str) and kind.upper() != "TYPE_UNSPECIFIED":
        return kind.lower()
    if "properties" in schema:
        return "object"
    if "items" in schema or "prefixItems" in schema:
        return "array"
    return None


def _number(schema: Mapping[str, Any], number: int, *, integer: bool) -> int | float:
    value: float = (number or 1) + (0 if integer else 0.5)
    low, high = schema.get("minimum"), schema.get("maximum")
    low_open, high_open = schema.get("exclusiveMinimum"), schema.get("exclusiveMaximum")
    if isinstance(low_open, (int, float)) and not isinstance(low_open, bool):
        value = max(value, low_open + 1)
    if isinstance(low, (int, float)) and not isinstance(low, bool):
        value = max(value, low)
    if isinstance(high_open, (int, float)) and not isinstance(high_open, bool):
        value = min(value, high_open - 1)
    if isinstance(high, (int, float)) and not isinstance(high, bool):
        value = min(value, high)
    return int(value) if integer else float(value)


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-") or "item"
