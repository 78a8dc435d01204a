"""``GenerateContentConfig`` -> the wire request body.

The config is google-genai's flat bag of options; the API nests them. Generation parameters
(every field ``GenerationConfig`` has) go under ``generationConfig``; ``system_instruction``,
``safety_settings``, ``tools``, ``tool_config`` and ``cached_content`` go to the top level.
The split is derived from the generated types, so a field added to the spec is routed
without a change here.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from gemwire._content import to_content
from gemwire._structured import schema_of
from gemwire.types import (
    Content,
    GenerateContentConfig,
    GenerateContentRequest,
    GenerationConfig,
    HttpOptions,
)

__all__ = ["as_config", "as_http_options", "build_request"]

GENERATION_FIELDS = frozenset(f.name for f in dataclasses.fields(GenerationConfig)) - {
    "unknown_fields",
    "response_schema",
}
TOP_LEVEL_FIELDS = ("safety_settings", "tools", "tool_config", "cached_content")


def as_config(config: GenerateContentConfig | Mapping[str, Any] | None) -> GenerateContentConfig:
    """Accept a ``GenerateContentConfig``, a dict of its keyword arguments, or ``None``."""
    if config is None:
        return GenerateContentConfig()
    if isinstance(config, GenerateContentConfig):
        return config
    if isinstance(config, Mapping):
        known = {f.name for f in dataclasses.fields(GenerateContentConfig)}
        unknown = sorted(set(config) - known)
        if unknown:
            raise TypeError(f"GenerateContentConfig has no option {', '.join(map(repr, unknown))}")
        return GenerateContentConfig(**config)
    raise TypeError(f"config: expected GenerateContentConfig or dict, got {type(config).__name__}")


def as_http_options(options: HttpOptions | Mapping[str, Any] | None) -> HttpOptions:
    """Accept an ``HttpOptions``, a dict of its keyword arguments, or ``None``."""
    if options is None:
        return HttpOptions()
    if isinstance(options, HttpOptions):
        return options
    return HttpOptions(**options)


def build_request(contents: list[Content], config: GenerateContentConfig) -> dict[str, Any]:
    """The wire JSON of a generateContent request."""
    generation: dict[str, Any] = {
        name: value for name in GENERATION_FIELDS if (value := getattr(config, name)) is not None
    }
    if config.response_schema is not None:
        generation["response_schema"] = schema_of(config.response_schema)
        if config.response_mime_type is None:
            generation["response_mime_type"] = "application/json"
    request = GenerateContentRequest(
        contents=contents,
        generation_config=GenerationConfig(**generation) if generation else None,
        system_instruction=(
            None
            if config.system_instruction is None
            else to_content(config.system_instruction, role=None, path="config.system_instruction")
        ),
        **{name: getattr(config, name) for name in TOP_LEVEL_FIELDS},
    )
    return request.to_dict()
