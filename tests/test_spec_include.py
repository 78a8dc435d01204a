"""``GenerateContentConfig`` has every option of ``GenerationConfig``: the spec says so by
``x-gemwire-include``, which codegen expands."""

from __future__ import annotations

import copy
import dataclasses
import importlib.util
import typing
from types import ModuleType
from typing import Any

import pytest

from gemwire import types
from tests.conftest import ROOT


def _load_generate() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "gemwire_codegen_generate", ROOT / "codegen" / "generate.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


generate = _load_generate()


def _wire_fields(cls: type[Any]) -> dict[str, str]:
    return {f.name: f.metadata["json"] for f in dataclasses.fields(cls) if "json" in f.metadata}


def test_every_generation_config_option_is_a_config_option_of_the_same_type() -> None:
    generation = typing.get_type_hints(types.GenerationConfig)
    config = typing.get_type_hints(types.GenerateContentConfig)
    assert (
        _wire_fields(types.GenerationConfig).items()
        <= _wire_fields(types.GenerateContentConfig).items()
    )
    differing = {name for name in generation if config[name] != generation[name]}
    # Users pass Python types and dicts there (gemwire._structured makes the Schema).
    assert differing == {"response_schema"}
    assert config["response_schema"] == Any | None


def test_an_option_added_to_generation_config_alone_reaches_the_config(
    spec: dict[str, Any],
) -> None:
    spec = copy.deepcopy(spec)
    generation = spec["$defs"]["GenerationConfig"]["properties"]
    generation["answerStyle"] = {"description": "How to answer.", "type": "string"}

    expanded = generate.expand_includes(spec)

    config = expanded["$defs"]["GenerateContentConfig"]
    assert config["properties"]["answerStyle"] == generation["answerStyle"]
    assert "x-gemwire-include" not in config
    assert expanded["$defs"]["GenerationConfig"]["properties"] == generation


def test_included_options_follow_the_anchor_in_order_and_own_ones_override(
    spec: dict[str, Any],
) -> None:
    generation = list(spec["$defs"]["GenerationConfig"]["properties"])
    own = spec["$defs"]["GenerateContentConfig"]["properties"]

    properties = generate.expand_includes(spec)["$defs"]["GenerateContentConfig"]["properties"]

    names = list(properties)
    start = names.index("systemInstruction") + 1
    assert names[:start] == ["httpOptions", "systemInstruction"]
    assert names[start : start + len(generation)] == generation
    assert names[start + len(generation) :] == [
        "safetySettings",
        "tools",
        "toolConfig",
        "automaticFunctionCalling",
        "cachedContent",
    ]
    assert properties["responseSchema"] == own["responseSchema"]
    assert "$ref" not in properties["responseSchema"]


@pytest.mark.parametrize(
    ("include", "message"),
    [
        ({"from": "#/$defs/Nothing", "after": "systemInstruction"}, "not a \\$defs entry"),
        ({"from": "#/$defs/GenerationConfig", "after": "nothing"}, "after 'nothing'"),
    ],
)
def test_a_broken_include_is_named(
    spec: dict[str, Any], include: dict[str, str], message: str
) -> None:
    spec = copy.deepcopy(spec)
    spec["$defs"]["GenerateContentConfig"]["x-gemwire-include"] = include
    with pytest.raises(ValueError, match=f"GenerateContentConfig.x-gemwire-include: .*{message}"):
        generate.expand_includes(spec)
