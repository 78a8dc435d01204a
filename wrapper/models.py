"""``client.models``: generateContent, streamGenerateContent and countTokens.

Each method builds one :class:`~gemwire._request.Request`, hands it to the transport and
decodes the answer; nothing here knows HTTP.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from gemwire import _request
from gemwire._afc import CallLoop
from gemwire._serde import decode_answer
from gemwire._streaming import Stream
from gemwire._transport import Transport
from gemwire.types import CountTokensResponse, GenerateContentConfig, GenerateContentResponse

if TYPE_CHECKING:  # gemwire.types loads these on first use; annotations need not
    from gemwire.types import ContentListUnionDict, GenerateContentConfigOrDict

__all__ = ["Models"]


class Models:
    """The generation methods of a :class:`~gemwire.Client`, as ``client.models``."""

    def __init__(self, transport: Transport, api_version: str, *, validate: bool = False) -> None:
        self._transport = transport
        self._api_version = api_version
        self._validate = validate

    def generate_content(
        self,
        *,
        model: str,
        contents: ContentListUnionDict,
        config: GenerateContentConfigOrDict | None = None,
    ) -> GenerateContentResponse:
        """Generate a response to ``contents`` (a prompt, parts, images or whole turns).

        ``config`` takes the system instruction, generation parameters (``temperature``,
        ``max_output_tokens``, ...), safety settings, tools and ``response_schema``. Python
        functions among the tools are declared to the model and run when it calls them, their
        results sent back, until it answers (automatic function calling, as in google-genai:
        ``config.automatic_function_calling`` sets it; see :mod:`gemwire._afc`).
        """
        options = _request.as_config(config)
        loop = CallLoop.of(contents, options, asynchronous=False)
        if loop is None:
            return self._generate(model, contents, options)
        response = self._generate(model, loop.contents, options)
        while calls := loop.calls(response):
            loop.answer(response, [loop.functions.call(call) for call in calls])
            response = self._generate(model, loop.contents, options)
        return loop.finish(response)

    def _generate(
        self, model: str, contents: ContentListUnionDict, options: GenerateContentConfig
    ) -> GenerateContentResponse:
        """One generateContent request (a turn of the function-calling loop, or the call)."""
        request = _request.generate_content(
            model, contents, options, api_version=self._api_version, validate=self._validate
        )
        response = decode_answer(GenerateContentResponse, self._transport.request(request))
        response._expect_structured(options)
        return response

    def generate_content_stream(
        self,
        *,
        model: str,
        contents: ContentListUnionDict,
        config: GenerateContentConfigOrDict | None = None,
    ) -> Stream:
        """Like :meth:`generate_content`, but yields the response in chunks as it is written.

        The request is sent before this returns, so an error answer raises here. The returned
        :class:`~gemwire.Stream` closes its connection when the loop ends, also early; use it
        as a context manager to be explicit. ``stream.get_final_response()`` adds the chunks
        up into one response.
        """
        options = _request.as_config(config)
        request = _request.generate_content(
            model,
            contents,
            options,
            api_version=self._api_version,
            stream=True,
            validate=self._validate,
        )
        return Stream(self._transport.stream(request), config=options)

    def count_tokens(
        self,
        *,
        model: str,
        contents: ContentListUnionDict,
        config: GenerateContentConfigOrDict | None = None,
    ) -> CountTokensResponse:
        """Count the tokens ``contents`` (with the config's system instruction and tools) costs."""
        request = _request.count_tokens(
            model,
            contents,
            _request.as_config(config),
            api_version=self._api_version,
            validate=self._validate,
        )
        return decode_answer(CountTokensResponse, self._transport.request(request))


def __getattr__(name: str) -> object:
    # The async twins, as google-genai's module has them; imported on first use, since
    # asyncio takes ~30 ms to import.
    if name in {"AsyncModels"}:
        from gemwire._async_models import AsyncModels

        return {"AsyncModels": AsyncModels}[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
