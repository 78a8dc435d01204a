"""What a call sends: ``(model, contents, config)`` -> one prepared :class:`Request`.

The one place that turns the arguments of a ``client.models`` method into what the transport
needs: method, path, JSON body, and the per-call HTTP options (timeout, headers, retries) of
``config.http_options``. ``client.models`` builds a request here and hands it to the transport.

The config is google-genai's flat bag of options; the API nests them. Generation parameters
(every field ``GenerationConfig`` has) go under ``generationConfig``; the options that
``GenerateContentRequest`` has (``system_instruction``, ``safety_settings``, ``tools``,
``service_tier``, ...) go to the top level. The split is derived from the generated types, so
a field added to the spec is routed without a change here.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from operator import attrgetter
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from gemwire import _arguments, _vertex
from gemwire._content import inline_size, to_content, to_contents
from gemwire._function_calling import declared
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
    BatchEmbedContentsRequest,
    Content,
    CountTokensConfig,
    EmbedContentConfig,
    EmbedContentRequest,
    GenerateContentConfig,
    GenerateContentRequest,
    GenerationConfig,
    HttpOptions,
    HttpRetryOptions,
    ListModelsConfig,
    TaskType,
)

if TYPE_CHECKING:  # gemwire.types loads these on first use; annotations need not
    from gemwire.types import GenerateContentConfigOrDict, HttpOptionsOrDict

__all__ = [
    "HttpConfig",
    "Request",
    "WireTurns",
    "as_config",
    "as_http_options",
    "as_options",
    "count_tokens",
    "embed_content",
    "generate_body",
    "generate_content",
    "get_model",
    "http_options_of",
    "list_models",
    "prepared",
    "timeout_seconds",
]

_CONFIG_FIELDS = frozenset(f.name for f in dataclasses.fields(GenerateContentConfig))
_Options = TypeVar("_Options", bound=WireModel)


def _option_names(cls: type[WireModel]) -> frozenset[str | None]:
    """The keys a dict of the options ``cls`` holds (options only the client reads) may have:
    Python and wire names."""
    fields = dataclasses.fields(cls)
    return frozenset(n for f in fields for n in (f.name, f.metadata.get("json"))) - {
        "unknown_fields",
        None,
    }


# Fields of both: a field only GenerationConfig has (a spec change not made to the config yet)
# cannot be set on a config, so it is not looked for there.
GENERATION_FIELDS = tuple(
    f.name
    for f in dataclasses.fields(GenerationConfig)
    if f.name in _CONFIG_FIELDS and f.name not in ("unknown_fields", "response_schema")
)
# The config's options that the request body has at its top level (safety settings, tools,
# service tier, ...): fields of both, but the system instruction, which is built apart.
TOP_LEVEL_FIELDS = tuple(
    f.name
    for f in dataclasses.fields(GenerateContentRequest)
    if f.name in _CONFIG_FIELDS and f.name not in ("system_instruction", "unknown_fields")
)
_GENERATION_VALUES = attrgetter(*GENERATION_FIELDS)  # a tuple of the config's values
_TOP_LEVEL_VALUES = attrgetter(*TOP_LEVEL_FIELDS)
# What the API takes inline in one request, base64 included; larger media go through the
# Files API.
INLINE_LIMIT = 20 * 10**6
MODEL_COLLECTIONS = ("models", "tunedModels")
COUNT_WHOLE_REQUESTS = (
    "to count a system instruction, tools or generation settings with the Gemini API, pass "
    "them in a GenerateContentConfig: gemwire counts the whole generateContent request"
)


class Request(NamedTuple):
    """One API call, ready for the transport.

    ``path`` is relative to the base URL (``v1beta/models/gemini-2.5-flash:generateContent``),
    and always has that shape: its names were checked (:func:`model_path`); ``body`` is JSON
    to send, or raw bytes (a chunk of an upload) sent as they are;
    ``timeout`` is in seconds and ``retry_options`` overrides the client's retry policy, both
    for this call only (``None``: the client's), and so is ``extra_body``
    (``HttpOptions.extra_body``: merged into a JSON body, see :func:`with_extra_body`).
    ``has_error_field``: the answer is a resource with an ``error`` field of its own (a
    ``File``, an ``Operation``), which is data, not an error answer.
    """

    method: str
    path: str
    body: dict[str, Any] | bytes | None = None
    query: Mapping[str, str] | None = None
    timeout: float | None = None
    headers: Mapping[str, str] | None = None
    retry_options: HttpRetryOptions | None = None
    has_error_field: bool = False
    extra_body: Mapping[str, Any] | None = None


class WireTurns(NamedTuple):
    """The first turns of a call's ``contents`` (a chat's history), already written as the wire
    JSON they are sent as: they go into the body as they are, not encoded again. They are their
    holder's own: nobody else holds them and nothing changes them (nor the body that carries
    them). ``inline_size`` is the base64 length of their inline data, which the request's
    limit counts."""

    turns: list[dict[str, Any]]
    inline_size: int


def generate_content(
    model: str,
    contents: Any,
    config: GenerateContentConfig,
    *,
    api_version: str,
    stream: bool = False,
    validate: bool = False,
    written: WireTurns | None = None,
) -> Request:
    """A generateContent (or, with ``stream``, a streamGenerateContent over SSE) request;
    ``written``: see :func:`generate_body`."""
    body = _checked("GenerateContentRequest", generate_body(contents, config, written), validate)
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
    config: object,
    *,
    api_version: str,
    validate: bool = False,
) -> Request:
    """A countTokens request. ``config`` is google-genai's ``CountTokensConfig`` (or a dict of
    it, or ``None``), whose options but ``http_options`` only Vertex AI takes, or a
    ``GenerateContentConfig``: with a system instruction or tools, the request carries a
    whole generateContent request, the only message that can hold them."""
    options: GenerateContentConfig | CountTokensConfig
    if isinstance(config, GenerateContentConfig):
        options = config
    else:
        options = as_options(CountTokensConfig, config)
        _vertex.refuse(options, "config", COUNT_WHOLE_REQUESTS)
    body: dict[str, Any]
    if isinstance(options, GenerateContentConfig) and (
        options.system_instruction is not None or options.tools is not None
    ):
        body = {
            "generateContentRequest": {
                **generate_body(contents, options),
                "model": model_path(model),
            }
        }
    else:
        body = {"contents": [turn.to_dict() for turn in to_contents(contents)]}
    body = _checked("CountTokensRequest", body, validate)
    return _request(f"{api_version}/{model_path(model)}:countTokens", body, options.http_options)


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
    return as_options(HttpOptions, options, "http_options")


def as_options(cls: type[_Options], options: object, name: str = "config") -> _Options:
    """Accept a ``cls`` (a client-side options type: ``EmbedContentConfig``,
    ``UploadFileConfig``, ...), a dict of its options (Python or wire names), or ``None``."""
    if options is None:
        return cls()
    if isinstance(options, cls):
        return options
    return _from_dict(cls, options, name)


def embed_content(
    model: str,
    contents: Any,
    config: EmbedContentConfig,
    *,
    api_version: str,
    validate: bool = False,
) -> Request:
    """A batchEmbedContents request, which google-genai sends for every embedding call of the
    Gemini API: one request per content, each with the config's task type, title and
    dimensionality. For a multimodal embedding model (``gemini-embedding-2``, not
    ``gemini-embedding-001``) ``contents`` is read as for generation, so loose strings and
    parts make one content (one vector); for the others each item of a list is one content."""
    _vertex.refuse(config, "config")
    name = model_path(model)
    model_id = name.rpartition("/")[2]
    multimodal = "gemini" in model_id and not model_id.startswith(
        ("gemini-embedding-001", "gemini-embedding-exp")
    )
    if multimodal or not isinstance(contents, (list, tuple)):
        turns = to_contents(contents)
    else:
        turns = [to_content(item, path=f"contents[{i}]") for i, item in enumerate(contents)]
    task_type = None if config.task_type is None else TaskType(config.task_type)
    batch = BatchEmbedContentsRequest(
        requests=[
            EmbedContentRequest(
                model=name,
                content=turn,
                task_type=task_type,
                title=config.title,
                output_dimensionality=config.output_dimensionality,
            )
            for turn in turns
        ]
    )
    body = _checked("BatchEmbedContentsRequest", batch.to_dict(), validate)
    return _request(f"{api_version}/{name}:batchEmbedContents", body, config.http_options)


def list_models(config: ListModelsConfig, page_token: str | None, *, api_version: str) -> Request:
    """A request for the page of base models (or, with ``query_base=False``, tuned models)
    that ``page_token`` names (``None``: the first)."""
    query = {
        key: str(value)
        for key, value in (
            ("pageSize", config.page_size),
            ("pageToken", page_token),
            ("filter", config.filter),
        )
        if value is not None
    }
    collection = "tunedModels" if config.query_base is False else "models"
    return _request(
        f"{api_version}/{collection}", None, config.http_options, query=query, method="GET"
    )


def get_model(model: str, *, api_version: str) -> Request:
    """A request for one model's description."""
    return Request("GET", f"{api_version}/{model_path(model)}")


HttpConfig = object
"""The config of a call with no options but ``http_options`` (google-genai's ``GetFileConfig``,
``DeleteCachedContentConfig``, ...): such an object, ``{"http_options": ...}``, or ``None``."""


def http_options_of(config: HttpConfig) -> Any:
    """The ``http_options`` of such a config; another key in a dict is refused."""
    if config is None:
        return None
    if isinstance(config, Mapping):
        unknown = sorted(set(config) - {"http_options", "httpOptions"})
        if unknown:
            raise ArgumentTypeError(f"config: has no option {', '.join(map(repr, unknown))}")
        return config.get("http_options", config.get("httpOptions"))
    return getattr(config, "http_options", None)


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
    known = _option_names(type(options))
    kept: dict[str, Any] = getattr(options, "unknown_fields", None) or {}
    unknown = sorted(key for key in kept if key not in known)
    if unknown:
        names = ", ".join(map(repr, unknown))
        raise ArgumentTypeError(f"{name}: {type(options).__name__} has no option {names}")
    for field in ("http_options", "retry_options"):
        inner = getattr(options, field, None)
        if isinstance(inner, (HttpOptions, HttpRetryOptions)):
            _refuse_unknown_options(inner, f"{name}.{field}")


def with_extra_body(body: Mapping[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    """``body`` with ``extra`` merged in, as google-genai merges ``HttpOptions.extra_body``
    into a request: an object into an object key by key, anything else replacing what was
    there. A key names the body's key in either spelling (``max_output_tokens`` merges into
    ``maxOutputTokens``). Neither argument is changed."""
    merged = dict(body)
    spelled = {_loose(key): key for key in body}
    for key, value in extra.items():
        key = spelled.get(_loose(key), key)
        held = merged.get(key)
        if isinstance(value, Mapping) and isinstance(held, Mapping):
            merged[key] = with_extra_body(held, value)
        else:
            merged[key] = value
    return merged


def _loose(key: str) -> str:
    return key.replace("_", "").lower()


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


def generate_body(
    contents: Any, config: GenerateContentConfig, written: WireTurns | None = None
) -> dict[str, Any]:
    """The wire JSON of a generateContent request; a field only Vertex AI takes is refused.
    ``written``: the first turns of ``contents`` (a list) as wire JSON, put in front of the
    other turns as they are (they were checked when first sent)."""
    _vertex.refuse(config, "config")
    turns: list[Content] = to_contents(
        contents if written is None else contents[len(written.turns) :]
    )
    _vertex.refuse(turns, "contents")
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
    top_level = dict(zip(TOP_LEVEL_FIELDS, _TOP_LEVEL_VALUES(config), strict=True))
    if top_level["tools"]:  # Python functions among them become their declarations
        top_level["tools"] = declared(top_level["tools"])
    request = GenerateContentRequest(
        contents=turns,
        generation_config=GenerationConfig(**generation) if generation else None,
        system_instruction=(
            None
            if config.system_instruction is None
            else to_content(config.system_instruction, role=None, path="config.system_instruction")
        ),
        **top_level,
    )
    if request.system_instruction is not None:
        _vertex.refuse(request.system_instruction, "config.system_instruction")
    _check_inline_size(request, 0 if written is None else written.inline_size)
    try:
        body = request.to_dict()
        if written is not None:
            body["contents"] = [*written.turns, *body["contents"]]
        return body
    except RecursionError:
        pass  # raised below, outside the handler, with its thousand frames gone
    raise EncodeError("the request is nested too deeply to be written as JSON")


def _check_inline_size(request: GenerateContentRequest, size: int) -> None:
    """Refuse a request whose inline media the API would refuse, before encoding them;
    ``size``: that of the turns already written."""
    for turn in [*(request.contents or ()), request.system_instruction]:
        if turn is not None:
            size += inline_size(turn)
    if size > INLINE_LIMIT:
        raise ArgumentError(
            f"contents: {size * 3 / 4 / 10**6:.1f} MB of inline data (images, files) is over the "
            f"{INLINE_LIMIT // 10**6} MB the API takes inline in one request; upload large "
            "files with the Files API and pass them as Part.from_uri(...)"
        )


def _request(
    path: str,
    body: dict[str, Any] | None,
    http_options: HttpOptionsOrDict | None,
    *,
    query: Mapping[str, str] | None = None,
    method: str = "POST",
) -> Request:
    return prepared(method, path, body, http_options, query=query)


def prepared(
    method: str,
    path: str,
    body: dict[str, Any] | None,
    http_options: HttpOptionsOrDict | None,
    *,
    query: Mapping[str, str] | None = None,
    has_error_field: bool = False,
) -> Request:
    """A request to ``path`` with the per-call options of ``http_options`` (timeout, headers,
    retries); ``path``'s names must have been checked."""
    if http_options is None:  # the common case
        return Request(method, path, body, query, has_error_field=has_error_field)
    options = as_http_options(http_options)
    return Request(
        method,
        path,
        body,
        query,
        timeout=timeout_seconds(options),
        headers=options.headers or None,
        retry_options=options.retry_options,
        has_error_field=has_error_field,
        extra_body=options.extra_body,
    )


def _checked(message: str, body: dict[str, Any], validate: bool) -> dict[str, Any]:
    """``body``, once checked against ``$defs[message]`` of the spec if ``validate``."""
    if validate:
        from gemwire import _validation

        violations = _validation.check(message, body)
        if violations:
            raise RequestValidationError(violations)
    return body
