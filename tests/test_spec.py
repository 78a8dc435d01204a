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


def spec_names(spec: dict[str, Any]) -> dict[str, str]:
    """Upstream's def names -> the spec's: the same, but where a def takes google-genai's name
    (`MediaModality`, x-upstream `Modality`)."""
    return {
        def_name(schema["x-upstream"]): name
        for name, schema in spec["$defs"].items()
        if "x-upstream" in schema
    }


def _kind(prop: dict[str, Any]) -> str:
    if "$ref" in prop:
        return "ref:" + prop["$ref"].removeprefix("#/$defs/")
    if prop.get("x-wire") == "int64":
        return "int64"
    if prop.get("format") in ("byte", "google-duration"):
        return str(prop["format"])
    return str(prop.get("type", "any"))


def _expected_kind(field: dict[str, Any], names: dict[str, str]) -> str:
    if field["type"] in ("message", "enum"):
        return "ref:" + names[def_name(field["ref"])]
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
    names = spec_names(spec)
    missing: list[str] = []
    wrong: list[str] = []
    fields = values = 0
    for message, body in upstream["messages"].items():
        schema = defs.get(names.get(def_name(message), ""))
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
            if _kind(prop) != _expected_kind(field, names):
                wrong.append(
                    f"{message}.{json_name}: {_kind(prop)} != {_expected_kind(field, names)}"
                )
    for enum, enum_values in upstream["enums"].items():
        schema = defs.get(names.get(def_name(enum), ""))
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


def _explained(schema: dict[str, Any]) -> bool:
    """Seen somewhere, or only the client's or only Vertex AI's (spec/README.md)."""
    return "x-seen-in" in schema or schema.get("x-gemwire") in ("client", "vertex")


def test_every_addition_beyond_the_descriptors_says_where_it_was_seen(
    spec: dict[str, Any], upstream: dict[str, Any]
) -> None:
    names = spec_names(spec)
    published = {
        names[def_name(name)]: body["fields"] for name, body in upstream["messages"].items()
    }
    published_values = {names[def_name(name)]: v for name, v in upstream["enums"].items()}
    unexplained: list[str] = []
    for name, schema in spec["$defs"].items():
        if name in published:
            extra = set(schema["properties"]) - set(published[name])
            unexplained += [f"{name}.{p}" for p in extra if not _explained(schema["properties"][p])]
        elif name in published_values:
            notes = schema.get("x-values", {})
            unexplained += [
                f"{name}.{value}"
                for value in schema["enum"]
                if value not in published_values[name] and not _explained(notes.get(value, {}))
            ]
        elif "x-upstream" not in schema and not _explained(schema):
            unexplained.append(name)
    assert unexplained == []


@pytest.mark.parametrize(
    ("alias", "target"),
    [
        ("FinishReason", "CandidateFinishReason"),
        ("HarmBlockThreshold", "SafetySettingHarmBlockThreshold"),
        ("Modality", "GenerationConfigModality"),
        ("GoogleSearch", "ToolGoogleSearch"),
        ("ComputerUse", "ToolComputerUse"),
        ("ToolCodeExecution", "CodeExecution"),
        ("Citation", "CitationSource"),
    ],
)
def test_google_genai_names_are_available(alias: str, target: str) -> None:
    assert getattr(types, alias) is getattr(types, target)
    if isinstance(getattr(types, target), type) and hasattr(types, f"{target}Dict"):
        assert getattr(types, f"{alias}Dict") is getattr(types, f"{target}Dict")


def test_a_def_may_take_google_genais_name_where_the_protobuf_one_clashes() -> None:
    # google-genai's Modality is what the model may output; the modality of a token count
    # (protobuf's Modality) is its MediaModality.
    count = types.ModalityTokenCount.from_dict({"modality": "DOCUMENT", "tokenCount": 2})
    assert count.modality is types.MediaModality.DOCUMENT
    assert types.Modality.IMAGE in list(types.Modality)
