"""``client.models``: generateContent, streamGenerateContent and countTokens."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from gemwire import _validation
from gemwire._config import as_config, as_http_options, build_request
from gemwire._content import to_contents
from gemwire._streaming import Stream
from gemwire._structured import parse_as
from gemwire._transport import Transport
from gemwire.errors import RequestValidationError
from gemwire.types import (
    Content,
    CountTokensResponse,
    GenerateContentConfig,
    GenerateContentResponse,
)

__all__ = ["Models"]

ConfigArg = GenerateContentConfig | Mapping[str, Any] | None


class Models:
    """The generation methods of a :class:`~gemwire.Client`, as ``client.models``."""

    def __init__(self, transport: Transport, api_version: str, *, validate: bool = False) -> None:
        self._transport = transport
        self._api_version = api_version
        self._validate = validate

    def generate_content(
        self, *, model: str, contents: Any, config: ConfigArg = None
    ) -> GenerateContentResponse:
        """Generate a response to ``contents`` (a prompt, parts, images or whole turns).

        ``config`` takes the system instruction, generation parameters (``temperature``,
        ``max_output_tokens``, ...), safety settings, tools and ``response_schema``.
        """
        options = as_config(config)
        return self._generate(model, to_contents(contents), options)

    def generate_content_stream(
        self, *, model: str, contents: Any, config: ConfigArg = None
    ) -> Stream:
        """Like :meth:`generate_content`, but yields the response in chunks as it is written.

        The returned :class:`~gemwire.Stream` closes its connection when the loop ends, also
        early; use it as a context manager to be explicit.
        """
        options = as_config(config)
        return self._stream(model, to_contents(contents), options)

    def count_tokens(
        self, *, model: str, contents: Any, config: ConfigArg = None
    ) -> CountTokensResponse:
        """Count the tokens ``contents`` (with the config's system instruction and tools) costs."""
        options = as_config(config)
        turns = to_contents(contents)
        body: dict[str, Any]
        if options.system_instruction is not None or options.tools is not None:
            # Only a whole generateContent request can carry those.
            request = build_request(turns, options)
            body = {"generateContentRequest": {**request, "model": _model_path(model)}}
        else:
            body = {"contents": [turn.to_dict() for turn in turns]}
        answer = self._transport.request_json(
            "POST",
            self._path(model, "countTokens"),
            body=self._checked("CountTokensRequest", body),
            **_call_options(options),
        )
        return CountTokensResponse.from_dict(answer)

    # The chat session reuses these with contents it has already normalised.

    def _generate(
        self, model: str, contents: list[Content], options: GenerateContentConfig
    ) -> GenerateContentResponse:
        answer = self._transport.request_json(
            "POST",
            self._path(model, "generateContent"),
            body=self._checked("GenerateContentRequest", build_request(contents, options)),
            **_call_options(options),
        )
        response = GenerateContentResponse.from_dict(answer)
        schema = options.response_schema or options.response_json_schema
        if schema is not None and response.text is not None:
            response.parsed = parse_as(response.text, options.response_schema)
        return response

    def _stream(
        self,
        model: str,
        contents: list[Content],
        options: GenerateContentConfig,
        on_complete: Callable[[list[GenerateContentResponse]], None] | None = None,
    ) -> Stream:
        path = self._path(model, "streamGenerateContent")
        response, recover = self._transport.stream(
            "POST",
            path,
            body=self._checked("GenerateContentRequest", build_request(contents, options)),
            query={"alt": "sse"},
            **_call_options(options),
        )
        return Stream(response, path, on_complete=on_complete, recover=recover)

    def _path(self, model: str, method: str) -> str:
        return f"{self._api_version}/{_model_path(model)}:{method}"

    def _checked(self, message: str, body: dict[str, Any]) -> dict[str, Any]:
        """``body``, once checked against ``$defs[message]`` of the spec if validation is on."""
        if self._validate:
            violations = _validation.check(message, body)
            if violations:
                raise RequestValidationError(violations)
        return body


def _model_path(model: str) -> str:
    """``gemini-2.0-flash`` -> ``models/gemini-2.0-flash``; full resource names stay as given."""
    if not model or not isinstance(model, str):
        raise ValueError(f"model: expected a model name such as 'gemini-2.0-flash', got {model!r}")
    return model if "/" in model else f"models/{model}"


def _call_options(options: GenerateContentConfig) -> dict[str, Any]:
    """Per-call transport options from ``config.http_options``: timeout (in ms, as in
    google-genai), headers and ``retry_options`` (an ``HttpRetryOptions`` or its dict)."""
    if options.http_options is None:
        return {}
    http = as_http_options(options.http_options)
    call: dict[str, Any] = {}
    if http.timeout is not None:
        call["timeout"] = http.timeout / 1000
    if http.headers:
        call["headers"] = http.headers
    if http.retry_options is not None:
        call["retry_options"] = http.retry_options
    return call
