"""`make drift`: codegen/drift.py reads upstream right and reports each kind of drift."""

from __future__ import annotations

import copy
import importlib.util
import json
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.conftest import ROOT, SPEC_PATH

DRIFT_PATH = ROOT / "codegen" / "drift.py"


def _load_drift() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gemwire_codegen_drift", DRIFT_PATH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


drift = _load_drift()


@pytest.fixture(scope="session")
def graph() -> dict[str, Any]:
    """Today's published graph, walked from the installed google-ai-generativelanguage."""
    pytest.importorskip("google.ai.generativelanguage_v1beta")
    result: dict[str, Any] = drift.descriptor_graph(roots=drift.WALKED)
    return result


@pytest.fixture
def mutable_graph(graph: dict[str, Any]) -> dict[str, Any]:
    return copy.deepcopy(graph)


@pytest.fixture(scope="session")
def spec_model(spec: dict[str, Any]) -> Any:
    return drift.read_spec(spec)


def _differences(graph: dict[str, Any], spec_model: Any) -> list[Any]:
    """The differences `make drift` judges: the spec's allow-list applied."""
    upstream = drift.model_from_graph(graph, "protobuf descriptors: synthetic")
    sections, _ = drift.check(spec_model, [upstream], drift.read_allowlist(drift.ALLOWLIST))
    return list(sections[0].differences)


def _changes(differences: list[Any], *changes: str) -> set[tuple[str, str, str]]:
    return {(d.what, d.path, d.spec_path) for d in differences if d.change in changes}


def _failing(differences: list[Any]) -> list[Any]:
    return [d for d in differences if drift.CHANGES[d.change][1]]


def _run(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    graph: dict[str, Any] | None,
    *args: str,
) -> tuple[int, str]:
    """Run the command line with `graph` standing in for the installed descriptors."""
    monkeypatch.delenv("DRIFT_DISCOVERY", raising=False)
    if graph is not None:
        model = drift.model_from_graph(graph, "protobuf descriptors: synthetic")
        monkeypatch.setattr(drift, "read_descriptors", lambda: model)
    status = drift.main(["--spec", str(SPEC_PATH), *args])
    return status, capsys.readouterr().out


# --- the protobuf walk --------------------------------------------------------------------


def test_the_walk_yields_exactly_the_published_graph(upstream: dict[str, Any]) -> None:
    # reachable.json was walked from the generate family's roots only.
    pytest.importorskip("google.ai.generativelanguage_v1beta")
    graph = drift.descriptor_graph(roots=upstream["roots"])
    assert graph["source"] == upstream["source"]
    assert graph["roots"] == upstream["roots"]
    assert graph["messages"] == upstream["messages"]
    assert graph["enums"] == upstream["enums"]
    assert list(graph["messages"]) == list(upstream["messages"])
    for name, body in upstream["messages"].items():
        assert list(graph["messages"][name]["fields"]) == list(body["fields"]), name


def test_the_walk_covers_the_file_and_cache_roots(graph: dict[str, Any]) -> None:
    assert {"File", "ListFilesResponse", "CachedContent", "ListCachedContentsResponse"} <= set(
        graph["roots"]
    )
    assert {"File", "VideoFileMetadata", "CachedContent.UsageMetadata"} <= set(graph["messages"])
    assert graph["enums"]["File.State"] == ["STATE_UNSPECIFIED", "PROCESSING", "ACTIVE", "FAILED"]


def test_the_walk_reads_maps_oneofs_optional_and_well_known_types() -> None:
    pytest.importorskip("google.protobuf")
    from google.protobuf import descriptor_pb2, descriptor_pool, duration_pb2, struct_pb2

    pool = descriptor_pool.DescriptorPool()
    pool.AddSerializedFile(struct_pb2.DESCRIPTOR.serialized_pb)
    pool.AddSerializedFile(duration_pb2.DESCRIPTOR.serialized_pb)
    F = descriptor_pb2.FieldDescriptorProto
    file = descriptor_pb2.FileDescriptorProto(
        name="test/drift.proto",
        package="test.v1",
        syntax="proto3",
        dependency=["google/protobuf/struct.proto", "google/protobuf/duration.proto"],
    )
    root = file.message_type.add(name="Root")
    root.oneof_decl.add(name="data")
    root.oneof_decl.add(name="_budget")  # what `optional int32 budget` compiles to
    entry = root.nested_type.add(name="LabelsEntry")
    entry.options.map_entry = True
    entry.field.add(name="key", number=1, type=F.TYPE_STRING, label=F.LABEL_OPTIONAL)
    entry.field.add(
        name="value",
        number=2,
        type=F.TYPE_MESSAGE,
        type_name=".test.v1.Root.Leaf",
        label=F.LABEL_OPTIONAL,
    )
    root.nested_type.add(name="Leaf").field.add(
        name="raw", number=1, type=F.TYPE_BYTES, label=F.LABEL_OPTIONAL
    )
    mood = root.enum_type.add(name="Mood")
    mood.value.add(name="MOOD_UNSPECIFIED", number=0)
    mood.value.add(name="HAPPY", number=1)
    add = root.field.add
    add(
        name="labels",
        number=1,
        type=F.TYPE_MESSAGE,
        type_name=".test.v1.Root.LabelsEntry",
        label=F.LABEL_REPEATED,
    )
    add(name="text", number=2, type=F.TYPE_STRING, label=F.LABEL_OPTIONAL, oneof_index=0)
    add(
        name="leaf",
        number=3,
        type=F.TYPE_MESSAGE,
        type_name=".test.v1.Root.Leaf",
        label=F.LABEL_OPTIONAL,
        oneof_index=0,
    )
    add(
        name="budget",
        number=4,
        type=F.TYPE_INT32,
        label=F.LABEL_OPTIONAL,
        oneof_index=1,
        proto3_optional=True,
    )
    add(name="big_count", number=5, type=F.TYPE_INT64, label=F.LABEL_OPTIONAL)
    add(name="sizes", number=6, type=F.TYPE_UINT64, label=F.LABEL_REPEATED)
    add(
        name="args",
        number=7,
        type=F.TYPE_MESSAGE,
        type_name=".google.protobuf.Struct",
        label=F.LABEL_OPTIONAL,
    )
    add(
        name="value",
        number=8,
        type=F.TYPE_MESSAGE,
        type_name=".google.protobuf.Value",
        label=F.LABEL_OPTIONAL,
    )
    add(
        name="offset",
        number=9,
        type=F.TYPE_MESSAGE,
        type_name=".google.protobuf.Duration",
        label=F.LABEL_OPTIONAL,
    )
    add(
        name="mood",
        number=10,
        type=F.TYPE_ENUM,
        type_name=".test.v1.Root.Mood",
        label=F.LABEL_OPTIONAL,
    )
    pool.Add(file)

    walked = drift.walk_descriptors([pool.FindMessageTypeByName("test.v1.Root")])

    assert walked["messages"] == {
        "Root": {
            "fields": {
                "labels": {"proto": "labels", "map": True, "type": "message", "ref": "Root.Leaf"},
                "text": {"proto": "text", "type": "string", "oneof": "data"},
                "leaf": {"proto": "leaf", "type": "message", "ref": "Root.Leaf", "oneof": "data"},
                "budget": {"proto": "budget", "type": "integer"},  # no `_budget` oneof
                "bigCount": {"proto": "big_count", "type": "int64"},
                "sizes": {"proto": "sizes", "repeated": True, "type": "uint64"},
                "args": {"proto": "args", "type": "object"},
                "value": {"proto": "value", "type": "any"},
                "offset": {"proto": "offset", "type": "duration"},
                "mood": {"proto": "mood", "type": "enum", "ref": "Root.Mood"},
            }
        },
        "Root.Leaf": {"fields": {"raw": {"proto": "raw", "type": "bytes"}}},
    }
    assert walked["enums"] == {"Root.Mood": ["MOOD_UNSPECIFIED", "HAPPY"]}


def test_the_graph_can_be_printed_to_refresh_reachable_json(
    upstream: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("google.ai.generativelanguage_v1beta")
    assert drift.main(["--print-graph"]) == 0
    assert json.loads(capsys.readouterr().out) == upstream


def test_nested_and_foreign_names_join_like_the_spec() -> None:
    assert (
        drift.def_name("GenerateContentResponse.UsageMetadata")
        == "GenerateContentResponseUsageMetadata"
    )
    assert drift.def_name("google.type.LatLng") == "LatLng"
    assert drift.def_name("Part") == "Part"


# --- today -----------------------------------------------------------------------------------


def test_the_real_upstream_today_has_nothing_the_spec_lacks(
    graph: dict[str, Any], spec: dict[str, Any], spec_model: Any
) -> None:
    upstream = drift.model_from_graph(graph, "protobuf descriptors: installed")
    allowances = drift.read_allowlist(ROOT / "spec" / "drift-allowlist.json")
    [section], _ = drift.check(spec_model, [upstream], allowances)
    assert section.failures == []
    assert spec_model.problems == []
    # Besides allow-listed ones, what remains is the spec's own explained additions.
    explained = {d.spec_path for d in section.differences if d.change in ("extra", "published")}
    defs = spec["$defs"]
    expected = (
        {f"$defs.{name}" for name, s in defs.items() if "x-seen-in" in s or "x-gemwire" in s}
        | {
            f"$defs.{name}.properties.{prop}"
            for name, s in defs.items()
            if "x-upstream" in s
            for prop, p in s.get("properties", {}).items()
            if "x-seen-in" in p or "x-gemwire" in p
        }
        | {
            f"$defs.{name}.enum.{value}"
            for name, s in defs.items()
            if "x-upstream" in s
            for value in s.get("x-values", {})
        }
    )
    assert explained == expected


def test_the_command_passes_today_and_says_discovery_was_not_consulted(
    graph: dict[str, Any], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out = _run(monkeypatch, capsys, None)
    assert status == 0, out
    assert "consulted: protobuf descriptors: google-ai-generativelanguage " in out
    assert "NOT consulted: discovery document (no --discovery PATH_OR_URL" in out
    assert "missing from the spec: none" in out
    assert "drift: OK" in out


# --- synthetic upstream changes --------------------------------------------------------------


def test_an_added_field_is_missing_from_the_spec(
    mutable_graph: dict[str, Any], spec_model: Any
) -> None:
    usage = mutable_graph["messages"]["GenerateContentResponse.UsageMetadata"]["fields"]
    usage["audioTokenCount"] = {"proto": "audio_token_count", "type": "integer"}
    differences = _differences(mutable_graph, spec_model)
    assert _changes(differences, "missing", "changed", "unexplained") == {
        (
            "field",
            "GenerateContentResponse.usageMetadata.audioTokenCount",
            "$defs.GenerateContentResponseUsageMetadata.properties.audioTokenCount",
        )
    }


def test_an_added_message_and_enum_value_are_missing_from_the_spec(
    mutable_graph: dict[str, Any], spec_model: Any
) -> None:
    messages = mutable_graph["messages"]
    messages["Candidate"]["fields"]["safetyVerdict"] = {
        "proto": "safety_verdict",
        "type": "message",
        "ref": "Candidate.SafetyVerdict",
    }
    messages["Candidate.SafetyVerdict"] = {"fields": {"ok": {"proto": "ok", "type": "boolean"}}}
    mutable_graph["enums"]["Candidate.FinishReason"].append("TOO_LONG")
    missing = _changes(_differences(mutable_graph, spec_model), "missing")
    assert missing == {
        (
            "field",
            "GenerateContentResponse.candidates[].safetyVerdict",
            "$defs.Candidate.properties.safetyVerdict",
        ),
        (
            "message",
            "Candidate.SafetyVerdict at GenerateContentResponse.candidates[].safetyVerdict",
            "$defs.CandidateSafetyVerdict",
        ),
        (
            "enum value",
            "GenerateContentResponse.candidates[].finishReason = TOO_LONG",
            "$defs.CandidateFinishReason.enum.TOO_LONG",
        ),
    }


def test_a_removed_enum_value_or_field_is_unexplained_in_the_spec(
    mutable_graph: dict[str, Any], spec_model: Any
) -> None:
    mutable_graph["enums"]["Candidate.FinishReason"].remove("IMAGE_RECITATION")
    del mutable_graph["messages"]["Candidate"]["fields"]["tokenCount"]
    differences = _differences(mutable_graph, spec_model)
    assert _changes(differences, "unexplained") == {
        (
            "enum value",
            "GenerateContentResponse.candidates[].finishReason = IMAGE_RECITATION",
            "$defs.CandidateFinishReason.enum.IMAGE_RECITATION",
        ),
        (
            "field",
            "GenerateContentResponse.candidates[].tokenCount",
            "$defs.Candidate.properties.tokenCount",
        ),
    }
    assert _changes(differences, "missing", "changed") == set()


def test_an_enum_value_upstream_lacks_is_explained_by_its_own_note(
    graph: dict[str, Any], spec: dict[str, Any]
) -> None:
    spec = copy.deepcopy(spec)
    notes = spec["$defs"]["CandidateFinishReason"]["x-values"]
    assert notes["MODEL_ARMOR"] == {"x-gemwire": "vertex"}
    del notes["CONTINUATION"]
    differences = _differences(graph, drift.read_spec(spec))
    by_path = {d.spec_path: d for d in differences if d.what == "enum value"}
    armor = by_path["$defs.CandidateFinishReason.enum.MODEL_ARMOR"]
    assert (armor.change, armor.detail) == ("extra", "x-gemwire: vertex")
    assert by_path["$defs.CandidateFinishReason.enum.CONTINUATION"].change == "unexplained"


def test_a_def_named_as_google_genai_names_it_is_paired_through_x_upstream(
    graph: dict[str, Any], spec: dict[str, Any], spec_model: Any
) -> None:
    assert spec_model.renames == {"Modality": "MediaModality"}
    differences = _differences(graph, spec_model)
    assert not [d for d in differences if d.spec_path.startswith("$defs.Modality")]
    spec = copy.deepcopy(spec)
    spec["$defs"]["GenerationConfigModality"]["x-upstream"] = "Modality"  # a second claim
    assert drift.read_spec(spec).problems == [
        "$defs.MediaModality: x-upstream Modality is also the x-upstream of "
        "$defs.GenerationConfigModality"
    ]


@pytest.mark.parametrize(
    ("message", "field", "change", "spec_path", "words"),
    [
        pytest.param(
            "GenerateContentResponse.UsageMetadata",
            "promptTokensDetails",
            {"repeated": None, "map": True},
            "$defs.GenerateContentResponseUsageMetadata.properties.promptTokensDetails",
            "became a map; is no longer repeated",
            id="became-map",
        ),
        pytest.param(
            "Candidate",
            "finishMessage",
            {"repeated": True},
            "$defs.Candidate.properties.finishMessage",
            "became repeated: upstream repeated string, spec string",
            id="became-repeated",
        ),
        pytest.param(
            "CountTokensResponse",
            "totalTokens",
            {"type": "int64"},
            "$defs.CountTokensResponse.properties.totalTokens",
            "integer -> int64",
            id="became-int64",
        ),
        pytest.param(
            "SafetyRating",
            "category",
            {"ref": "Modality"},
            "$defs.SafetyRating.properties.category",
            "HarmCategory -> MediaModality",  # upstream Modality is $defs.MediaModality
            id="other-enum",
        ),
        pytest.param(
            "Part",
            "thought",
            {"oneof": "data"},
            "$defs.Part.properties.thought",
            "joined oneof data",
            id="joined-oneof",
        ),
        pytest.param(
            "VoiceConfig",
            "prebuiltVoiceConfig",
            {"oneof": "voice"},
            "$defs.VoiceConfig.properties.prebuiltVoiceConfig",
            "oneof voice_config -> voice",
            id="changed-oneof-group",
        ),
    ],
)
def test_a_changed_type_is_reported(
    mutable_graph: dict[str, Any],
    spec_model: Any,
    message: str,
    field: str,
    change: dict[str, Any],
    spec_path: str,
    words: str,
) -> None:
    entry = mutable_graph["messages"][message]["fields"][field]
    for key, value in change.items():
        if value is None:
            entry.pop(key, None)
        else:
            entry[key] = value
    differences = _differences(mutable_graph, spec_model)
    [changed] = [d for d in differences if d.change in ("missing", "changed", "unexplained")]
    assert (changed.change, changed.spec_path) == ("changed", spec_path)
    assert words in changed.detail


def test_a_new_oneof_member_is_missing_with_its_group(
    mutable_graph: dict[str, Any], spec_model: Any
) -> None:
    part = mutable_graph["messages"]["Part"]["fields"]
    part["audioTranscript"] = {"proto": "audio_transcript", "type": "string", "oneof": "data"}
    [missing] = [d for d in _differences(mutable_graph, spec_model) if d.change == "missing"]
    assert missing.path == "GenerateContentRequest.systemInstruction.parts[].audioTranscript"
    assert missing.spec_path == "$defs.Part.properties.audioTranscript"
    assert missing.detail == "string (oneof data)"


def test_an_addition_seen_in_traffic_that_upstream_now_publishes_is_noted(
    mutable_graph: dict[str, Any], spec_model: Any
) -> None:
    usage = mutable_graph["messages"]["GenerateContentResponse.UsageMetadata"]["fields"]
    usage["serviceTier"] = {"proto": "service_tier", "type": "enum", "ref": "ServiceTier"}
    differences = _differences(mutable_graph, spec_model)
    assert _failing(differences) == []
    assert _changes(differences, "published") == {
        (
            "field",
            "GenerateContentResponse.usageMetadata.serviceTier",
            "$defs.GenerateContentResponseUsageMetadata.properties.serviceTier",
        )
    }


def test_the_report_names_both_paths_and_fails(
    mutable_graph: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    usage = mutable_graph["messages"]["GenerateContentResponse.UsageMetadata"]["fields"]
    usage["promptTokensDetails"]["type"] = "int64"
    del usage["promptTokensDetails"]["ref"]
    status, out = _run(monkeypatch, capsys, mutable_graph)
    assert status == 1
    assert "type changed upstream (1):" in out
    assert (
        "  field      GenerateContentResponse.usageMetadata.promptTokensDetails: "
        "message -> int64: upstream repeated int64, spec repeated message ModalityTokenCount\n"
        "             $defs.GenerateContentResponseUsageMetadata.properties.promptTokensDetails\n"
    ) in out
    assert "drift: FAIL: 1 difference(s)" in out


# --- the allow-list --------------------------------------------------------------------------


def _allowlist(tmp_path: Path, *entries: dict[str, str]) -> Path:
    """The repository's allow-list with ``entries`` added."""
    kept = json.loads(drift.ALLOWLIST.read_text(encoding="utf-8"))["allow"]
    path = tmp_path / "drift-allowlist.json"
    path.write_text(json.dumps({"allow": [*kept, *entries]}), encoding="utf-8")
    return path


def test_the_allowlist_suppresses_an_entry_and_shows_its_reason(
    mutable_graph: dict[str, Any],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    mutable_graph["enums"]["Candidate.FinishReason"].append("TOO_LONG")
    allowlist = _allowlist(
        tmp_path,
        {
            "change": "missing",
            "path": "$defs.CandidateFinishReason.enum.TOO_LONG",
            "reason": "the API never sends it to API-key clients",
        },
    )
    status, out = _run(monkeypatch, capsys, mutable_graph, "--allowlist", str(allowlist))
    assert status == 0, out
    assert "missing from the spec: none" in out
    kept = len(drift.read_allowlist(drift.ALLOWLIST))
    assert f"allowed by spec/drift-allowlist.json ({kept + 1}):" in out
    assert "= TOO_LONG: missing: the API never sends it to API-key clients" in out
    assert "stale" not in out


def test_an_allowlist_entry_covers_only_its_own_change(
    mutable_graph: dict[str, Any],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    mutable_graph["enums"]["Candidate.FinishReason"].append("TOO_LONG")
    allowlist = _allowlist(
        tmp_path,
        {"change": "changed", "path": "$defs.CandidateFinishReason.enum.TOO_LONG", "reason": "x"},
    )
    status, out = _run(monkeypatch, capsys, mutable_graph, "--allowlist", str(allowlist))
    assert status == 1
    assert "stale spec/drift-allowlist.json entries" in out
    assert "  changed $defs.CandidateFinishReason.enum.TOO_LONG" in out


def test_an_allowlist_entry_for_the_discovery_document_leaves_the_descriptors_alone(
    mutable_graph: dict[str, Any],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    mutable_graph["enums"]["Candidate.FinishReason"].append("TOO_LONG")
    path = "$defs.CandidateFinishReason.enum.TOO_LONG"
    entry = {"change": "missing", "path": path, "reason": "x", "source": "discovery"}
    status, out = _run(
        monkeypatch, capsys, mutable_graph, "--allowlist", str(_allowlist(tmp_path, entry))
    )
    assert status == 1
    assert "stale" not in out  # the discovery document was not consulted: no verdict


def test_an_allowlist_entry_without_a_reason_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    allowlist = _allowlist(tmp_path, {"change": "missing", "path": "$defs.Part", "reason": " "})
    assert drift.main(["--spec", str(SPEC_PATH), "--allowlist", str(allowlist)]) == 2
    index = len(drift.read_allowlist(drift.ALLOWLIST))
    assert f"allow[{index}]: every entry needs a `reason`" in capsys.readouterr().err


def test_the_shipped_allowlist_is_well_formed_and_every_entry_has_a_reason() -> None:
    path = ROOT / "spec" / "drift-allowlist.json"
    for allowance in drift.read_allowlist(path):
        assert allowance.reason.strip()


# --- the discovery document -----------------------------------------------------------------

TINY_SPEC: dict[str, Any] = {
    "$defs": {
        "GenerateContentResponse": {
            "type": "object",
            "x-upstream": "GenerateContentResponse",
            "properties": {
                "promptFeedback": {"$ref": "#/$defs/GenerateContentResponsePromptFeedback"},
                "blob": {"type": "string", "format": "byte"},
            },
        },
        "GenerateContentResponsePromptFeedback": {
            "type": "object",
            "x-upstream": "GenerateContentResponse.PromptFeedback",
            "properties": {
                "blockReason": {"$ref": "#/$defs/GenerateContentResponsePromptFeedbackBlockReason"},
                "tokens": {"type": "string", "format": "int64", "x-wire": "int64"},
                "scores": {"type": "array", "items": {"type": "number"}},
                "labels": {"type": "object", "additionalProperties": {"type": "string"}},
                "args": {"type": "object"},
                "example": {},
                "offset": {"type": "string", "format": "google-duration"},
                "window": {"$ref": "#/$defs/Interval"},
            },
        },
        "GenerateContentResponsePromptFeedbackBlockReason": {
            "type": "string",
            "x-upstream": "GenerateContentResponse.PromptFeedback.BlockReason",
            "enum": ["BLOCK_REASON_UNSPECIFIED", "SAFETY"],
        },
        "Interval": {
            "type": "object",
            "x-upstream": "google.type.Interval",
            "properties": {
                "startTime": {"type": "string", "format": "google-datetime"},
                "endTime": {"type": "string", "format": "google-datetime"},
            },
        },
    }
}


def _tiny_discovery() -> dict[str, Any]:
    return {
        "kind": "discovery#restDescription",
        "schemas": {
            "GenerateContentResponse": {
                "id": "GenerateContentResponse",
                "type": "object",
                "properties": {
                    "promptFeedback": {"$ref": "PromptFeedback"},
                    "blob": {"type": "string", "format": "byte"},
                },
            },
            "PromptFeedback": {
                "id": "PromptFeedback",
                "type": "object",
                "properties": {
                    "blockReason": {
                        "type": "string",
                        "enum": ["BLOCK_REASON_UNSPECIFIED", "SAFETY"],
                    },
                    "tokens": {"type": "string", "format": "int64"},
                    "scores": {"type": "array", "items": {"type": "number", "format": "float"}},
                    "labels": {"type": "object", "additionalProperties": {"type": "string"}},
                    "args": {"type": "object", "additionalProperties": {"type": "any"}},
                    "example": {"type": "any"},
                    "offset": {"type": "string", "format": "google-duration"},
                    "window": {"$ref": "Interval"},
                },
            },
            "Interval": {
                "id": "Interval",
                "type": "object",
                "properties": {
                    "startTime": {"type": "string", "format": "google-datetime"},
                    "endTime": {"type": "string", "format": "google-datetime"},
                },
            },
            "Unrelated": {"id": "Unrelated", "type": "object", "properties": {}},
        },
    }


def _tiny_check(doc: dict[str, Any]) -> list[Any]:
    roots = ["GenerateContentResponse"]
    spec = drift.read_spec(TINY_SPEC, roots)
    upstream = drift.read_discovery(doc, "tiny.json", roots)
    sections, _ = drift.check(spec, [upstream], [])
    return list(sections[0].differences)


def test_the_discovery_reader_normalizes_types() -> None:
    model = drift.read_discovery(_tiny_discovery(), "tiny.json", ["GenerateContentResponse"])
    Shape = drift.Shape
    assert set(model.messages) == {"GenerateContentResponse", "PromptFeedback"}  # not Unrelated
    assert model.messages["PromptFeedback"].fields == {
        "blockReason": Shape("enum", "PromptFeedbackBlockReason"),
        "tokens": Shape("int64"),
        "scores": Shape("number", repeated=True),
        "labels": Shape("string", map=True),
        "args": Shape("object"),
        "example": Shape("any"),
        "offset": Shape("duration"),
        "window": Shape("interval"),
    }
    assert model.messages["GenerateContentResponse"].fields["blob"] == Shape("bytes")
    assert model.enums["PromptFeedbackBlockReason"].values == ["BLOCK_REASON_UNSPECIFIED", "SAFETY"]
    assert not model.knows_oneofs


def test_discovery_names_are_aligned_with_the_spec() -> None:
    assert _tiny_check(_tiny_discovery()) == []


def test_discovery_drift_is_reported_under_spec_names() -> None:
    doc = _tiny_discovery()
    feedback = doc["schemas"]["PromptFeedback"]["properties"]
    feedback["blockReason"]["enum"].append("BLOCKLIST")
    feedback["tokens"]["format"] = "int32"
    feedback["tokens"]["type"] = "integer"
    feedback["scores"] = {"type": "number"}
    feedback["reviewedBy"] = {"type": "array", "items": {"$ref": "Reviewer"}}
    doc["schemas"]["Reviewer"] = {"id": "Reviewer", "properties": {"name": {"type": "string"}}}
    del doc["schemas"]["GenerateContentResponse"]["properties"]["blob"]
    found = {(d.change, d.spec_path): d.detail for d in _tiny_check(doc)}
    base = "$defs.GenerateContentResponsePromptFeedback"
    assert found == {
        (
            "missing",
            f"{base}BlockReason.enum.BLOCKLIST",
        ): "PromptFeedback.blockReason (inline enum)",
        ("missing", f"{base}.properties.reviewedBy"): "repeated message Reviewer",
        ("missing", "$defs.Reviewer"): "{name: string}",
        ("changed", f"{base}.properties.tokens"): "int64 -> integer: upstream integer, spec int64",
        (
            "changed",
            f"{base}.properties.scores",
        ): "is no longer repeated: upstream number, spec repeated number",
        ("unexplained", "$defs.GenerateContentResponse.properties.blob"): "bytes; no x-seen-in",
    }


def test_the_command_consults_a_discovery_file(
    graph: dict[str, Any],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = tmp_path / "discovery.json"
    path.write_text(json.dumps(_discovery_from_graph(graph)), encoding="utf-8")
    status, out = _run(monkeypatch, capsys, None, "--discovery", str(path))
    assert status == 0, out
    assert f"consulted: discovery document: {path}" in out
    assert "NOT consulted" not in out
    assert out.count("missing from the spec: none") == 2


def test_an_unreadable_discovery_document_is_plainly_not_consulted(
    graph: dict[str, Any],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    missing = tmp_path / "nowhere.json"
    status, out = _run(monkeypatch, capsys, None, "--discovery", str(missing))
    assert status == 0
    assert f"NOT consulted: discovery document: {missing}:" in out
    not_discovery = tmp_path / "other.json"
    not_discovery.write_text('{"kind": "something#else"}', encoding="utf-8")
    status, out = _run(monkeypatch, capsys, None, "--discovery", str(not_discovery))
    assert "not a discovery document" in out
    malformed = tmp_path / "malformed.json"
    malformed.write_text('{"schemas": {"GenerateContentRequest": {"properties": []}}}')
    status, out = _run(monkeypatch, capsys, None, "--discovery", str(malformed))
    assert status == 0
    assert f"NOT consulted: discovery document: {malformed}: malformed (" in out


def _discovery_from_graph(graph: dict[str, Any]) -> dict[str, Any]:
    """Today's descriptors written the way Google's discovery documents write them: nested
    messages under their short name (a long one when two collide), enums inline."""
    short = Counter(name.rsplit(".", 1)[-1] for name in graph["messages"])
    names = {
        name: last
        if short[last] == 1
        else "GoogleAiGenerativelanguageV1beta" + name.replace(".", "")
        for name in graph["messages"]
        for last in [name.rsplit(".", 1)[-1]]
    }
    simple: dict[str, dict[str, Any]] = {
        "int64": {"type": "string", "format": "int64"},
        "uint64": {"type": "string", "format": "uint64"},
        "integer": {"type": "integer", "format": "int32"},
        "number": {"type": "number", "format": "double"},
        "bytes": {"type": "string", "format": "byte"},
        "duration": {"type": "string", "format": "google-duration"},
        "object": {"type": "object", "additionalProperties": {"type": "any"}},
        "any": {"type": "any"},
        "array": {"type": "array", "items": {"type": "any"}},
        "interval": {"$ref": "Interval"},
    }

    def prop(f: dict[str, Any]) -> dict[str, Any]:
        if f["type"] == "message":
            item: dict[str, Any] = {"$ref": names[f["ref"]]}
        elif f["type"] == "enum":
            item = {"type": "string", "enum": graph["enums"][f["ref"]]}
        else:
            item = simple.get(f["type"], {"type": f["type"]})
        if f.get("repeated"):
            return {"type": "array", "items": item}
        if f.get("map"):
            return {"type": "object", "additionalProperties": item}
        return item

    schemas = {
        names[name]: {
            "id": names[name],
            "type": "object",
            "properties": {k: prop(f) for k, f in body["fields"].items()},
        }
        for name, body in graph["messages"].items()
    }
    schemas["Interval"] = _tiny_discovery()["schemas"]["Interval"]
    return {"kind": "discovery#restDescription", "schemas": schemas}


def test_todays_descriptors_as_a_discovery_document_report_no_drift(
    graph: dict[str, Any], spec_model: Any
) -> None:
    doc = _discovery_from_graph(graph)
    assert "PromptFeedback" in doc["schemas"]  # short names, as Google writes them
    upstream = drift.read_discovery(doc, "synthetic")
    allowances = drift.read_allowlist(drift.ALLOWLIST)
    sections, _ = drift.check(spec_model, [upstream], allowances)
    assert _failing(sections[0].differences) == []
    assert sections[0].summary == drift.model_from_graph(graph, "x").summary()
