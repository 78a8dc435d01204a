"""``client.models``: generateContent, streamGenerateContent and countTokens.

Each method builds one :class:`~gemwire._request.Request`, hands it to the transport and
decodes the answer; nothing here knows HTTP.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from gemwire import _request
from gemwire._serde import decode_answer
from gemwire._streaming import Stream
from gemwire.types import CountTokensResponse, GenerateContentConfig, GenerateContentResponse

if TYPE_CHECKING:  # loaded on first use (the types) or by Client() (the transport)
    from gemwire._transport import Transport
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
        ``max_output_tokens``, ...), safety settings, tools and ``response_schema``.
        """
        return self._generate(model, contents, config)

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
        return self._generate_stream(model, contents, config)

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

    # A chat sends its history as the wire JSON it keeps (``history``), not encoded again.

    def _generate(
        self,
        model: str,
        contents: Any,
        config: GenerateContentConfigOrDict | None,
        history: Sequence[Mapping[str, Any]] = (),
    ) -> GenerateContentResponse:
        options = _request.as_config(config)
        request = self._prepare(model, contents, options, history, stream=False)
        response = decode_answer(GenerateContentResponse, self._transport.request(request))
        response._expect_structured(options)
        return response

    def _generate_stream(
        self,
        model: str,
        contents: Any,
        config: GenerateContentConfigOrDict | None,
        history: Sequence[Mapping[str, Any]] = (),
    ) -> Stream:
        options = _request.as_config(config)
        request = self._prepare(model, contents, options, history, stream=True)
        return Stream(self._transport.stream(request), config=options)

    def _prepare(
        self,
        model: str,
        contents: Any,
        options: GenerateContentConfig,
        history: Sequence[Mapping[str, Any]],
        *,
        stream: bool,
    ) -> _request.Request:
        return _request.generate_content(
            model,
            contents,
            options,
            api_version=self._api_version,
            stream=stream,
            validate=self._validate,
            history=history,
        )
