"""`make compat`: codegen/compat.py finds every kind of difference from google-genai's types."""

from __future__ import annotations

import dataclasses
import importlib.util
import inspect
import json
import sys
import textwrap
from pathlib import Path
from types import ModuleType
from typing import Any, ClassVar

import pytest

from gemwire import _serde, types
from tests.conftest import ROOT


def _load(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


compat = _load("gemwire_codegen_compat", ROOT / "codegen" / "compat.py")


@pytest.fixture(scope="session")
def genai_types() -> ModuleType:
    return pytest.importorskip("google.genai.types")


def _fake_genai(source: str) -> ModuleType:
    """A stand-in for google.genai.types: pydantic models on a BaseModel of its own."""
    pytest.importorskip("pydantic")
    module = ModuleType("fake_genai_types")
    sys.modules[module.__name__] = module
    head = (
        "import enum, typing\nimport pydantic\n\nclass BaseModel(pydantic.BaseModel):\n    pass\n"
    )
    exec(head + textwrap.dedent(source), module.__dict__)
    return module


def _fake_gemwire(**names: Any) -> ModuleType:
    module = ModuleType("fake_gemwire_types")
    module.__dict__.update(names)
    return module


# --- today ----------------------------------------------------------------------------------


def test_the_roots_reach_google_genais_184_types_and_gemwire_has_them_all(
    genai_types: ModuleType,
) -> None:
    reached = compat.walk(genai_types, compat.ROOTS)
    assert len(reached) == 184
    assert {"ToolCodeExecution", "MediaModality", "ServiceTier", "HttpResponse"} <= set(reached)
    assert [name for name in reached if not hasattr(types, name)] == []
    assert [name for name in compat.MODULE_NAMES if not hasattr(types, name)] == []


def test_today_every_difference_is_allow_listed_and_no_entry_is_stale(
    genai_types: ModuleType,
) -> None:
    differences = compat.compare(genai_types, types, _serde.WireModel)
    allowances = compat.read_allowlist(ROOT / "spec" / "compat-allowlist.json")
    unexplained, allowed, stale = compat.apply_allowlist(differences, allowances)
    assert unexplained == []
    assert stale == []
    assert len(allowed) == len(allowances)


def test_the_command_passes_today_and_names_google_genais_fields_ahead_of_the_descriptors(
    genai_types: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("google.ai.generativelanguage_v1beta")
    status = compat.main([])
    out = capsys.readouterr().out
    assert status == 0, out
    assert (
        "compat: gemwire.types against google-genai 3.6.1: 190 types compared (145 with a *Dict "
        "TypedDict); 35 fields of its calls' types google-genai refuses for the Gemini API"
    ) in out
    assert "names gemwire.types lacks: none" in out
    assert "compat: OK: nothing unexplained" in out
    ahead = out.split("x-seen-in: google-genai 3.6.1 (", 1)[1]
    assert "    Candidate: continuation_token\n" in ahead
    assert "    SafetySetting: method\n" in out.split("x-gemwire: vertex (", 1)[1]
    assert "unexplained in the spec" not in out


def test_second_upstream_lists_fields_by_how_the_spec_explains_them(
    genai_types: ModuleType, spec: dict[str, Any]
) -> None:
    pytest.importorskip("google.ai.generativelanguage_v1beta")
    found = compat.unpublished_fields(genai_types, types, spec, compat._load_drift())
    by_path = {item.path: item for item in found}
    assert by_path["Part.media_resolution"].note == "x-seen-in: google-genai 3.6.1"
    assert by_path["Part.media_resolution"].wire == "Part.mediaResolution"
    assert by_path["Tool.retrieval"].note == "x-gemwire: vertex"
    assert "Part.text" not in by_path  # published
    assert "GenerateContentResponse.sdk_http_response" not in by_path  # never on the wire
    assert "Interval.start_time" not in by_path  # google.type.Interval, a value


# --- each kind of difference ----------------------------------------------------------------

FAKE = """
class Color(enum.Enum):
    RED = "RED"
    BLUE = "BLUE"

class Paint(BaseModel):
    color: typing.Optional[Color] = None
    gloss: typing.Optional[float] = None

    @classmethod
    def from_name(cls, *, name: str, shade: str = "") -> "Paint":
        return cls()

    @property
    def label(self) -> str:
        return ""

class Wall(BaseModel):
    paint: typing.Optional[list[Paint]] = None

    def __init__(self, value: typing.Any = None, /, **data: typing.Any) -> None:
        super().__init__(**data)

class PaintDict(dict):
    pass
"""


def test_missing_names_fields_values_and_signatures_are_each_reported() -> None:
    theirs = _fake_genai(FAKE)

    class Color(_serde.OpenEnum):
        RED = "RED"

    class Paint(_serde.WireModel):
        __dataclass_fields__: ClassVar[dict[str, Any]] = {"color": None}

        @classmethod
        def from_name(cls, *, name: str, extra: int) -> None: ...

    ours = _fake_gemwire(Color=Color, Paint=Paint)
    found = {
        (d.kind, d.path, d.detail)
        for name in ("Wall", "Paint", "Color")
        for d in compat.compare_type(name, getattr(theirs, name), getattr(ours, name, None), ours)
    }
    assert found == {
        ("name", "Wall", "a type gemwire.types lacks"),
        ("name", "PaintDict", "the TypedDict gemwire lacks"),
        ("field", "Paint.gloss", "missing"),
        ("enum value", "Color.BLUE", "missing"),
        ("signature", "Paint.from_name(shade)", "no such parameter here"),
        ("signature", "Paint.from_name(extra)", "required here, unknown there"),
        ("signature", "Paint.label", "a property gemwire lacks"),
    }


def test_the_walk_follows_fields_through_lists_and_optionals() -> None:
    theirs = _fake_genai(FAKE)
    assert list(compat.walk(theirs, ["Wall"])) == ["Wall", "Paint", "Color"]


def test_a_custom_constructor_is_compared() -> None:
    theirs = _fake_genai(FAKE)

    class Wall(_serde.WireModel):
        __dataclass_fields__: ClassVar[dict[str, Any]] = {"paint": None}

        def __init__(self, *, paint: Any = None) -> None: ...

    found = compat.compare_type("Wall", theirs.Wall, Wall, _fake_gemwire(Wall=Wall))
    assert [(d.path, d.detail) for d in found] == [
        ("Wall(value)", "positional there, not here"),
        ("Wall(**data)", "takes extra arguments there, not here"),
    ]


@pytest.mark.parametrize(
    ("theirs", "ours", "problems"),
    [
        ("(*, a=1)", "(*, a=1, b=2)", []),
        ("(a, /)", "(x, /)", []),
        ("(a, b)", "(a, *, b)", ["b: positional there, not here"]),
        ("(*, a)", "(**kw)", []),
        ("(*, a)", "(a, /)", ["a: positional-only here"]),
        ("(*, a)", "(*, a, b)", ["b: required here, unknown there"]),
        ("(*args)", "()", ["*args: takes extra arguments there, not here"]),
    ],
)
def test_a_call_valid_there_must_be_valid_here(theirs: str, ours: str, problems: list[str]) -> None:
    def signature(text: str) -> inspect.Signature:
        namespace: dict[str, Any] = {}
        exec(f"def f{text}: pass", namespace)
        return inspect.signature(namespace["f"])

    assert compat.compare_signatures(signature(theirs), signature(ours)) == problems


# --- Vertex AI's fields ---------------------------------------------------------------------


def test_every_field_google_genai_refuses_for_the_gemini_api_is_marked_vertex(
    genai_types: ModuleType,
) -> None:
    refused = compat.refusals(Path(genai_types.__file__).parent)
    assert refused["CountTokensConfig"] == {"system_instruction", "tools", "generation_config"}
    assert {"routing_config", "model_armor_config"} <= refused["GenerateContentConfig"]
    assert refused["CreateCachedContentConfig"] == {"kms_key_name"}
    assert compat.compare_refusals(refused, types) == []
    assert compat.refused_count(refused, types) == 35


def test_a_refused_field_left_unmarked_or_a_mark_google_genai_sends_is_reported(
    tmp_path: Path,
) -> None:
    for module in compat.REQUEST_MODULES:
        (tmp_path / f"{module}.py").write_text("", encoding="utf-8")
    (tmp_path / "models.py").write_text(
        textwrap.dedent(
            """
            def _Paint_to_mldev(from_object, parent_object=None):
              if getv(from_object, ['gloss']) is not None:
                raise ValueError('gloss parameter is only supported in Vertex')
              if getv(from_object, ['color']) is not None:
                setv(parent_object, ['color'], getv(from_object, ['color']))
            """
        ),
        encoding="utf-8",
    )
    refused = compat.refusals(tmp_path)
    assert refused == {"Paint": {"gloss"}}

    @dataclasses.dataclass
    class Paint:
        gloss: Any = dataclasses.field(default=None, metadata={"json": "gloss"})
        color: Any = dataclasses.field(default=None, metadata={"json": "color", "vertex": True})

    found = compat.compare_refusals(refused, _fake_gemwire(Paint=Paint))
    assert [(d.kind, d.path, d.detail) for d in found] == [
        (
            "vertex",
            "Paint.gloss",
            "google-genai refuses it for the Gemini API; the spec does not mark it",
        ),
        (
            "vertex",
            "Paint.color",
            "marked x-gemwire: vertex; google-genai sends it to the Gemini API",
        ),
    ]


# --- the allow-list -------------------------------------------------------------------------


def test_the_allowlist_explains_an_entry_and_reports_stale_ones(tmp_path: Path) -> None:
    path = tmp_path / "allow.json"
    entries = [{"path": "Paint.gloss", "reason": "not needed"}, {"path": "Gone", "reason": "x"}]
    path.write_text(json.dumps({"allow": entries}), encoding="utf-8")
    differences = [
        compat.Difference("field", "Paint.gloss", "missing"),
        compat.Difference("name", "Wall", "a type gemwire.types lacks"),
    ]
    unexplained, allowed, stale = compat.apply_allowlist(differences, compat.read_allowlist(path))
    assert [d.path for d in unexplained] == ["Wall"]
    assert [(d.path, d.reason) for d in allowed] == [("Paint.gloss", "not needed")]
    assert [a.path for a in stale] == ["Gone"]
    report = compat.render("fake 1.0", 3, 1, 0, unexplained, allowed, stale, [])
    assert "  Wall: a type gemwire.types lacks" in report
    assert "  Paint.gloss: not needed" in report
    assert "stale spec/compat-allowlist.json entries" in report
    assert report.endswith(
        "compat: FAIL: 1 difference(s) to resolve: add them to the spec "
        "(then `make generate`), or list them with a reason in "
        "spec/compat-allowlist.json"
    )


@pytest.mark.parametrize(
    "document",
    [[], {"allow": [{"path": "X"}]}, {"allow": [{"path": "X", "reason": " "}]}],
)
def test_a_malformed_allowlist_is_refused(tmp_path: Path, document: Any) -> None:
    path = tmp_path / "allow.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(ValueError, match="allow"):
        compat.read_allowlist(path)
