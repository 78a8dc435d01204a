"""What a call sends: ``(model, contents, config)`` -> one prepared :class:`Request`.

The one place that turns the arguments of a ``client.models`` method into what the transport
needs: method, path, JSON body, and the per-call HTTP options (timeout, headers, retries) of
``config.http_options``. ``client.models`` builds a request here and hands it to the transport.

The config is google-genai's flat bag of options; the API nests them. Generation parameters
(every field ``GenerationConfig`` has) go under ``generationConfig``; ``system_instruction``,
``safety_settings``, ``tools``, ``tool_config`` and ``cached_content`` go to the top level.
The split is derived from the generated types, so a field added to the spec is routed
without a change here.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from operator import attrgetter
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from gemwire import _arguments
from gemwire._content import inline_size, to_content, to_contents, wire_inline_size
from gemwire._serde import WireModel
from gemwire._structured import schema_of
from gemwire.errors import (
    ArgumentError,
    ArgumentTypeError,
    DecodeError,
    EncodeError,
    RequestValidationError,
)
from gemwire.types import (
    Content,
    GenerateContentConfig,
    GenerateContentRequest,
    GenerationConfig,
    HttpOptions,
    HttpRetryOptions,
)

if TYPE_CHECKING:  # gemwire.types loads these on first use; annotations need not
    from gemwire.types import GenerateContentConfigOrDict, HttpOptionsOrDict

__all__ = [
    "Request",
    "as_config",
    "as_http_options",
    "count_tokens",
    "generate_content",
    "timeout_seconds",
]

_CONFIG_FIELDS = frozenset(f.name for f in dataclasses.fields(GenerateContentConfig))
_Options = TypeVar("_Options", GenerateContentConfig, HttpOptions)
# The options only the client reads, and the keys a dict of them may hold: Python and wire names.
_OPTION_NAMES: dict[type[WireModel], frozenset[str | None]] = {
    cls: frozenset(
        name for f in dataclasses.fields(cls) for name in (f.name, f.metadata.get("json"))
    )
    - {"unknown_fields", None}
    for cls in (GenerateContentConfig, HttpOptions, HttpRetryOptions)
}
# Fields of both: a field only GenerationConfig has (a spec change not made to the config yet)
# cannot be set on a config, so it is not looked for there.
GENERATION_FIELDS = tuple(
    f.name
    for f in dataclasses.fields(GenerationConfig)
    if f.name in _CONFIG_FIELDS and f.name not in ("unknown_fields", "response_schema")
)
TOP_LEVEL_FIELDS = ("safety_settings", "tools", "tool_config", "cached_content")
_GENERATION_VALUES = attrgetter(*GENERATION_FIELDS)  # a tuple of the config's values
_TOP_LEVEL_VALUES = attrgetter(*TOP_LEVEL_FIELDS)
# What the API takes inline in one request, base64 included; larger media go through the
# Files API.
INLINE_LIMIT = 20 * 10**6
MODEL_COLLECTIONS = ("models", "tunedModels")


class Request(NamedTuple):
    """One API call, ready for the transport.

    ``path`` is relative to the base URL (``v1beta/models/gemini-2.5-flash:generateContent``),
    and always has that shape: its names were checked (:func:`model_path`);
    ``timeout`` is in seconds and ``retry_options`` overrides the client's retry policy, both
    for this call only (``None``: the client's).
    """

    method: str
    path: str
    body: dict[str, Any] | None = None
    query: Mapping[str, str] | None = None
    timeout: float | None = None
    headers: Mapping[str, str] | None = None
    retry_options: HttpRetryOptions | None = None


def generate_content(
    model: str,
    contents: Any,
    config: GenerateContentConfig,
    *,
    api_version: str,
    stream: bool = False,
    validate: bool = False,
    history: Sequence[Mapping[str, Any]] = (),
) -> Request:
    """A generateContent (or, with ``stream``, a streamGenerateContent over SSE) request;
    ``history`` (a chat's) is turns already in wire JSON, sent as they are before
    ``contents``."""
    body = _generate_body(contents, config, history)
    body = _checked("GenerateContentRequest", body, validate)
    method = "streamGenerateContent" if stream else "generateContent"
    return _request(
        f"{api_version}/{model_path(model)}:{method}",
        body,
        config.http_options,
        query={"alt": "sse"} if stream else None,
    )


def count_tokens(
    model: str,
    contents: Any,
    config: GenerateContentConfig,
    *,
    api_version: str,
    validate: bool = False,
) -> Request:
    """A countTokens request; with a system instruction or tools it must carry a whole
    generateContent request, the only message that can hold them."""
    body: dict[str, Any]
    if config.system_instruction is not None or config.tools is not None:
        body = {
            "generateContentRequest": {
                **_generate_body(contents, config),
                "model": model_path(model),
            }
        }
    else:
        body = {"contents": [turn.to_dict() for turn in to_contents(contents)]}
    body = _checked("CountTokensRequest", body, validate)
    return _request(f"{api_version}/{model_path(model)}:countTokens", body, config.http_options)


def as_config(config: GenerateContentConfigOrDict | None) -> GenerateContentConfig:
    """Accept a ``GenerateContentConfig``, a dict of its options (Python or wire names; nested
    dicts become the typed objects), or ``None``."""
    if config is None:
        return GenerateContentConfig()
    if isinstance(config, GenerateContentConfig):
        return config
    return _from_dict(GenerateContentConfig, config, "config")


def as_http_options(options: HttpOptionsOrDict | None) -> HttpOptions:
    """Accept an ``HttpOptions``, a dict of its options, or ``None``."""
    if options is None:
        return HttpOptions()
    if isinstance(options, HttpOptions):
        return options
    return _from_dict(HttpOptions, options, "http_options")


def _from_dict(cls: type[_Options], options: object, name: str) -> _Options:
    if not isinstance(options, Mapping):
        raise ArgumentTypeError(
            f"{name}: expected {cls.__name__} or dict, got {type(options).__name__}"
        )
    try:
        decoded = cls.from_dict(options)
    except DecodeError as error:
        raise error.at(name) from None
    _refuse_unknown_options(decoded, name)
    return decoded


def _refuse_unknown_options(options: WireModel, name: str) -> None:
    """Options only the client reads are never sent: a key they do not know is a mistake
    (a typo), not a field the API added."""
    known = _OPTION_NAMES[type(options)]
    kept: dict[str, Any] = getattr(options, "unknown_fields", None) or {}
    unknown = sorted(key for key in kept if key not in known)
    if unknown:
        names = ", ".join(map(repr, unknown))
        raise ArgumentTypeError(f"{name}: {type(options).__name__} has no option {names}")
    for field in ("http_options", "retry_options"):
        inner = getattr(options, field, None)
        if isinstance(inner, WireModel) and type(inner) in _OPTION_NAMES:
            _refuse_unknown_options(inner, f"{name}.{field}")


def timeout_seconds(options: HttpOptions, name: str = "http_options.timeout") -> float | None:
    """``options.timeout`` (milliseconds, as in google-genai) in seconds, or ``None``."""
    if options.timeout is None:
        return None
    return _arguments.seconds(name, options.timeout, unit="milliseconds") / 1000


def model_path(model: str) -> str:
    """``gemini-2.0-flash`` -> ``models/gemini-2.0-flash``; ``models/...`` and
    ``tunedModels/...`` stay as given. Anything else (``../files``, ``m?key=x``, ``m#f``) is
    refused rather than sent into the path."""
    collection, _, name = model.rpartition("/") if isinstance(model, str) else ("", "", model)
    if collection and collection not in MODEL_COLLECTIONS:
        raise ArgumentError(
            f"model: expected 'NAME', 'models/NAME' or 'tunedModels/NAME', got {model!r}"
        )
    _arguments.path_segment("model", name, "gemini-2.0-flash")
    return model if collection else f"models/{model}"


def _generate_body(
    contents: Any, config: GenerateContentConfig, history: Sequence[Mapping[str, Any]] = ()
) -> dict[str, Any]:
    """The wire JSON of a generateContent request, ``history`` before ``contents``."""
    turns: list[Content] = to_contents(contents)
    values = _GENERATION_VALUES(config)
    generation: dict[str, Any] = {}
    if values.count(None) != len(values):  # not a config without generation options
        generation = {
            name: value
            for name, value in zip(GENERATION_FIELDS, values, strict=True)
            if value is not None
        }
    for name, value in generation.items():
        if isinstance(value, float) and not math.isfinite(value):
            raise ArgumentError(f"config.{name}: expected a finite number, got {value!r}")
    if config.response_schema is not None:
        generation["response_schema"] = schema_of(config.response_schema)
        if config.response_mime_type is None:
            generation["response_mime_type"] = "application/json"
    request = GenerateContentRequest(
        contents=turns,
        generation_config=GenerationConfig(**generation) if generation else None,
        system_instruction=(
            None
            if config.system_instruction is None
            else to_content(config.system_instruction, role=None, path="config.system_instruction")
        ),
        **dict(zip(TOP_LEVEL_FIELDS, _TOP_LEVEL_VALUES(config), strict=True)),
    )
    _check_inline_size(request, history)
    try:
        body = request.to_dict()
    except RecursionError:
        pass  # raised below, outside the handler, with its thousand frames gone
    else:
        if history:
            body["contents"] = [*history, *body["contents"]]
        return body
    raise EncodeError("the request is nested too deeply to be written as JSON")


def _check_inline_size(
    request: GenerateContentRequest, history: Sequence[Mapping[str, Any]]
) -> None:
    """Refuse a request whose inline media the API would refuse, before encoding them."""
    size = 0
    for turn in [*(request.contents or ()), request.system_instruction]:
        if turn is not None:
            size += inline_size(turn)
    for wire in history:
        size += wire_inline_size(wire)
    if size > INLINE_LIMIT:
        raise ArgumentError(
            f"contents: {size * 3 / 4 / 10**6:.1f} MB of inline data (images, files) is over the "
            f"{INLINE_LIMIT // 10**6} MB the API takes inline in one request; upload large "
            "files with the Files API and pass them as Part.from_uri(...)"
        )


def _request(
    path: str,
    body: dict[str, Any],
    http_options: HttpOptionsOrDict | None,
    *,
    query: Mapping[str, str] | None = None,
) -> Request:
    if http_options is None:  # the common case
        return Request("POST", path, body, query)
    options = as_http_options(http_options)
    return Request(
        "POST",
        path,
        body,
        query,
        timeout=timeout_seconds(options),
        headers=options.headers or None,
        retry_options=options.retry_options,
    )


def _checked(message: str, body: dict[str, Any], validate: bool) -> dict[str, Any]:
    """``body``, once checked against ``$defs[message]`` of the spec if ``validate``."""
    if validate:
        from gemwire import _validation

        violations = _validation.check(message, body)
        if violations:
            raise RequestValidationError(violations)
    return body
