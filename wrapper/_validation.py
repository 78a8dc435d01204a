"""Request bodies checked against the spec gemwire ships (`gemwire.types/gemini.schema.json`).

The one implementation behind both `Client(validate=True)` (checks before sending) and the
emulator (answers 400 like the service). `jsonschema` (Draft 2020-12, the `gemwire[validation]`
extra) is imported the first time it is needed. The spec is stricter than the service in a few
ways real traffic shows the service accepts; the check accepts them as the decoders of
`gemwire._serde` do, and describes a wrong value in the same words
(`expected a number, got string`):

- `null` for any field (proto3 JSON: the field's default);
- enum values in any letter case (`"object"` for `"OBJECT"`);
- bytes in URL-safe base64 and without padding;
- 64-bit integers written as JSON numbers as well as strings;
- a single object where a list of objects is expected (`"tools": {...}`);
- snake_case keys (`inline_data`), checked like their camelCase twins.
"""

from __future__ import annotations

import importlib.resources
import importlib.util
import json
import re
import threading
from collections.abc import Callable, Iterator, MutableMapping
from typing import Any

from gemwire._serde import SPECIAL_FLOATS
from gemwire.errors import format_path, json_type_name

Violation = tuple[str, str]  # (field path, description)
Check = Callable[[Any], list[Violation]]

_BASE64 = re.compile(r"[A-Za-z0-9+/_-]*={0,2}")
_INT64 = re.compile(r"-?[0-9]+")
_MAX_VIOLATIONS = 20
_EXPECTED = {
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "a boolean",
    "object": "an object",
    "array": "an array",
    "null": "null",
}

_lock = threading.Lock()
_checks: dict[str, Check] = {}


def available() -> bool:
    """Whether `jsonschema` can be imported (it is the `gemwire[validation]` extra)."""
    return importlib.util.find_spec("jsonschema") is not None


def require() -> None:
    """Raise ImportError, saying what to install, unless `jsonschema` can be imported."""
    if not available():
        raise ImportError("validation needs jsonschema: pip install 'gemwire[validation]'")


def check(message: str, body: Any) -> list[Violation]:
    """Where `body` breaks `$defs[message]` of the spec, as (path, description) pairs."""
    return _check_for(message)(body)


def warm_up() -> None:
    """Import jsonschema and prepare the validators ahead of the first request."""
    _check_for("GenerateContentRequest")
    _check_for("CountTokensRequest")


def _check_for(message: str) -> Check:
    with _lock:
        if message not in _checks:
            _checks[message] = _build(message)
        return _checks[message]


def _build(message: str) -> Check:
    from jsonschema import (  # type: ignore[import-untyped]
        Draft202012Validator,
        ValidationError,
        validators,
    )

    spec_file = importlib.resources.files("gemwire.types") / "gemini.schema.json"
    spec = json.loads(spec_file.read_text(encoding="utf-8"))
    spec["$ref"] = f"#/$defs/{message}"
    for definition in spec["$defs"].values():
        _add_snake_case_keys(definition)
    messages = {
        f"#/$defs/{name}"
        for name, definition in spec["$defs"].items()
        if "properties" in definition
    }
    defaults = Draft202012Validator.VALIDATORS

    def type_(validator: Any, types: Any, instance: Any, schema: Any) -> Iterator[Any]:
        if instance is None:
            return
        if (
            types == "array"
            and isinstance(instance, dict)
            and schema.get("items", {}).get("$ref") in messages
        ):
            return  # a lone message where a list of them is expected
        if schema.get("x-wire") == "int64" and type(instance) is int:
            return
        if isinstance(instance, str) and (
            (types == "integer" and _INT64.fullmatch(instance))  # proto3 JSON allows both
            or (types == "number" and instance in SPECIAL_FLOATS)
        ):
            return
        for _ in defaults["type"](validator, types, instance, schema):
            got = json_type_name(instance)
            yield ValidationError(f"expected {_expected(types, schema)}, got {got}")
            return

    def enum(validator: Any, values: Any, instance: Any, schema: Any) -> Iterator[Any]:
        if instance is None or instance in values:
            return
        if isinstance(instance, str) and instance.upper() in values:
            return
        shown = ", ".join(map(str, values[:12])) + (", ..." if len(values) > 12 else "")
        yield ValidationError(f"invalid value {json.dumps(instance)}; expected one of {shown}")

    def pattern(validator: Any, regex: Any, instance: Any, schema: Any) -> Iterator[Any]:
        if not isinstance(instance, str):
            return
        if schema.get("contentEncoding") == "base64":
            if len(instance) % 4 == 1 or not _BASE64.fullmatch(instance):
                yield ValidationError(f"Base64 decoding failed for {_excerpt(instance)}")
        elif schema.get("x-wire") == "int64":
            if not _INT64.fullmatch(instance):
                yield ValidationError(f"expected a 64-bit integer, got {_excerpt(instance)}")
        else:
            yield from defaults["pattern"](validator, regex, instance, schema)

    lenient = validators.extend(
        Draft202012Validator, {"type": type_, "enum": enum, "pattern": pattern}
    )
    validator = lenient(spec)

    def run(body: Any) -> list[Violation]:
        errors = sorted(validator.iter_errors(body), key=_error_order)
        return [(format_path(e.absolute_path), e.message) for e in errors[:_MAX_VIOLATIONS]]

    return run


def _add_snake_case_keys(schema: MutableMapping[str, Any]) -> None:
    """Give each property of an object schema its snake_case spelling too (`inline_data`)."""
    properties = schema.get("properties")
    if isinstance(properties, dict):
        for name, subschema in list(properties.items()):
            properties.setdefault(snake_case(name), subschema)


def snake_case(camel: str) -> str:
    """``inlineData`` -> ``inline_data``: the spelling proto3 JSON parsers accept too."""
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in camel)


def _error_order(error: Any) -> tuple[list[tuple[int, Any]], str]:
    """Errors sorted by path (indexes numerically), then message: a stable listing."""
    return [(0, s) if isinstance(s, int) else (1, str(s)) for s in error.path], error.message


def _expected(types: Any, schema: Any) -> str:
    if schema.get("contentEncoding") == "base64":
        return "a base64 string"
    if schema.get("x-wire") == "int64":
        return "a 64-bit integer"
    names = types if isinstance(types, list) else [types]
    return " or ".join(_EXPECTED.get(str(name), str(name)) for name in names)


def _excerpt(text: str) -> str:
    return json.dumps(text if len(text) <= 40 else text[:37] + "...")
