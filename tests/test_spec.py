"""The hand-maintained spec covers everything Google publishes for this surface."""

from __future__ import annotations

from typing import Any

import pytest

from gemwire import types

JSON_TYPES = {
    "string": "string",
    "integer": "integer",
    "number": "number",
    "boolean": "boolean",
    "int64": "int64",
    "uint64": "int64",
    "bytes": "byte",
    "duration": "google-duration",
}


def def_name(upstream_name: str) -> str:
    """`GenerateContentResponse.UsageMetadata` -> `GenerateContentResponseUsageMetadata`."""
    return upstream_name.removeprefix("google.type.").replace(".", "")


def _kind(prop: dict[str, Any]) -> str:
    if "$ref" in prop:
        return "ref:" + prop["$ref"].removeprefix("#/$defs/")
    if prop.get("x-wire") == "int64":
        return "int64"
    if prop.get("format") in ("byte", "google-duration"):
        return str(prop["format"])
    return str(prop.get("type", "any"))


def _expected_kind(field: dict[str, Any]) -> str:
    if field["type"] in ("message", "enum"):
        return "ref:" + def_name(field["ref"])
    if field["type"] == "interval":
        return "ref:Interval"
    if field["type"] in ("object", "array"):
        return field["type"]
    if field["type"] == "any":
        return "any"
    return JSON_TYPES[field["type"]]


def test_every_published_message_field_and_enum_value_is_in_the_spec(
    spec: dict[str, Any], upstream: dict[str, Any]
) -> None:
    defs = spec["$defs"]
    missing: list[str] = []
    wrong: list[str] = []
    fields = values = 0
    for message, body in upstream["messages"].items():
        schema = defs.get(def_name(message))
        if schema is None:
            missing.append(message)
            continue
        for json_name, field in body["fields"].items():
            fields += 1
            prop = schema["properties"].get(json_name)
            if prop is None:
                missing.append(f"{message}.{json_name}")
                continue
            if field.get("map"):
                prop = prop["additionalProperties"]
            elif field.get("repeated"):
                prop = prop["items"]
            if _kind(prop) != _expected_kind(field):
                wrong.append(f"{message}.{json_name}: {_kind(prop)} != {_expected_kind(field)}")
    for enum, enum_values in upstream["enums"].items():
        schema = defs.get(def_name(enum))
        if schema is None:
            missing.append(enum)
            continue
        values += len(enum_values)
        missing += [f"{enum}.{v}" for v in enum_values if v not in schema["enum"]]
    print(
        f"\nspec covers {len(upstream['messages'])} messages, {fields} fields, "
        f"{len(upstream['enums'])} enums with {values} values"
    )
    # reachable.json holds 96 enum values (its README says 108; the file is the authority).
    assert (len(upstream["messages"]), fields, len(upstream["enums"])) == (68, 232, 17)
    assert values == sum(len(v) for v in upstream["enums"].values())
    assert missing == []
    assert wrong == []


def test_every_spec_type_is_generated_under_its_def_name(spec: dict[str, Any]) -> None:
    for name in spec["$defs"]:
        assert isinstance(getattr(types, name, None), type), name


def test_output_only_fields_are_marked_read_only(spec: dict[str, Any]) -> None:
    response = spec["$defs"]["GenerateContentResponse"]["properties"]
    request = spec["$defs"]["GenerateContentRequest"]["properties"]
    assert all(prop.get("readOnly") for prop in response.values())
    assert not any(prop.get("readOnly") for prop in request.values())


def test_every_addition_beyond_the_descriptors_says_where_it_was_seen(
    spec: dict[str, Any], upstream: dict[str, Any]
) -> None:
    published = {def_name(name): body["fields"] for name, body in upstream["messages"].items()}
    unexplained: list[str] = []
    for name, schema in spec["$defs"].items():
        if name in published:
            extra = set(schema["properties"]) - set(published[name])
            unexplained += [
                f"{name}.{p}"
                for p in extra
                if "x-seen-in" not in schema["properties"][p]
                and schema["properties"][p].get("x-gemwire") != "client"
            ]
        elif not ({"x-upstream", "x-seen-in"} & set(schema) or schema.get("x-gemwire") == "client"):
            unexplained.append(name)
    assert unexplained == []


@pytest.mark.parametrize(
    ("alias", "target"),
    [
        ("FinishReason", "CandidateFinishReason"),
        ("HarmBlockThreshold", "SafetySettingHarmBlockThreshold"),
    ],
)
def test_google_genai_enum_names_are_available(alias: str, target: str) -> None:
    assert getattr(types, alias) is getattr(types, target)
