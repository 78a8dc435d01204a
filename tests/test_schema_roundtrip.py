"""Property test: any instance valid under the spec round-trips through from_dict / to_dict."""

from __future__ import annotations

import json
import os
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema

from gemwire import types
from tests.conftest import ROOT

# The spec the types were generated from: spec/ with its x-gemwire-include expanded.
SPEC = json.loads((ROOT / "generated" / "gemini.schema.json").read_text(encoding="utf-8"))
EXAMPLES = int(os.environ.get("GEMWIRE_PROPERTY_EXAMPLES", "30"))  # raise it for a deeper run
MAX_DEPTH = 3  # recursive types (Schema.items -> Schema) are cut off below this depth


def _inline(schema: Any, depth: int) -> Any:
    """Resolve $refs (hypothesis-jsonschema cannot follow recursive ones) and drop the keys it
    does not need: our own extensions and formats (the patterns already constrain values)."""
    if isinstance(schema, list):
        return [_inline(item, depth) for item in schema]
    if not isinstance(schema, dict):
        return schema
    if "$ref" in schema:
        if depth >= MAX_DEPTH:
            return False  # too deep: the property must be absent
        target = SPEC["$defs"][schema["$ref"].removeprefix("#/$defs/")]
        return _inline(target, depth + 1)
    skipped = {"format", "contentEncoding", "readOnly", "description", "title"}
    inlined = {
        key: (value if key == "enum" else _inline(value, depth))
        for key, value in schema.items()
        if key not in skipped and not key.startswith("x-")
    }
    if "properties" in schema:  # property names are data, not keywords: keep them all
        inlined["properties"] = {
            name: _inline(prop, depth)
            for name, prop in schema["properties"].items()
            if _on_the_wire(prop)
        }
        # from_dict reads a snake_case key as its camelCase field (lenient input), so an
        # "unknown" thought_signature beside thoughtSignature is not a round-trip case.
        aliases = sorted(
            {_snake(name) for name in schema["properties"]} - set(schema["properties"])
        )
        if aliases:
            inlined["propertyNames"] = {"not": {"enum": aliases}}
    if str(inlined.get("pattern", "")).endswith("$"):
        # JSON Schema patterns are ECMA-262, where `$` is the very end; in Python's re (which
        # hypothesis-jsonschema uses) it also matches before a final newline.
        inlined["pattern"] = inlined["pattern"][:-1] + r"\Z"
    return inlined


def _on_the_wire(schema: Any) -> bool:
    """Not a type or field only the client has (never written, by design), nor one only
    Vertex AI has: the Gemini API never sends those, and their deep types (retrieval,
    RAG) would only slow this test down; they round-trip as any other field."""
    return not isinstance(schema, dict) or schema.get("x-gemwire") not in ("client", "vertex")


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", r"_\1", name).lower()


def _instances(name: str) -> st.SearchStrategy[Any]:
    schema = _inline(SPEC["$defs"][name], 0)
    return from_schema(schema)


MESSAGE_TYPES = sorted(
    name
    for name, schema in SPEC["$defs"].items()
    if schema.get("type") == "object" and _on_the_wire(schema)
)


@pytest.mark.parametrize("name", MESSAGE_TYPES)
def test_valid_instances_round_trip(name: str) -> None:
    model = getattr(types, name)

    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
    @given(_instances(name))
    def round_trip(instance: dict[str, Any]) -> None:
        assert model.from_dict(instance).to_dict() == instance

    round_trip()
