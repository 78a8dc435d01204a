"""``client.models``: generateContent, streamGenerateContent, countTokens, the embedding
calls, and the model list.

Each method builds one :class:`~gemwire._request.Request`, hands it to the transport and
decodes the answer; nothing here knows HTTP.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING

from gemwire import _request
from gemwire._afc import CallLoop, CallRounds, Run
from gemwire._function_calling import Functions
from gemwire._pager import Pager
from gemwire._serde import decode_answer
from gemwire._streaming import Stream
from gemwire.types import (
    CountTokensResponse,
    EmbedContentConfig,
    EmbedContentResponse,
    GenerateContentConfig,
    GenerateContentResponse,
    ListModelsConfig,
    ListModelsResponse,
    Model,
)

if TYPE_CHECKING:  # loaded on first use (the types) or by Client() (the transport)
    from gemwire._transport import EventStream, Transport
    from gemwire.types import (
        ContentListUnionDict,
        CountTokensConfigOrDict,
        EmbedContentConfigOrDict,
        GenerateContentConfigOrDict,
        ListModelsConfigOrDict,
    )

__all__ = ["Models"]


class Models:
    """The model methods of a :class:`~gemwire.Client`, as ``client.models``."""

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
        return self._generate_content(model, contents, _request.as_config(config))

    def _generate_content(
        self,
        model: str,
        contents: ContentListUnionDict,
        options: GenerateContentConfig,
        written: _request.WireTurns | None = None,
    ) -> GenerateContentResponse:
        """:meth:`generate_content`. ``written``: the first turns of ``contents`` as wire JSON
        (a chat's history), sent as they are; unused by a function-calling loop, which sends
        its turns as ``Content``."""
        loop = CallLoop.of(contents, options, asynchronous=False)
        if loop is None:
            return self._generate(model, contents, options, written)
        response = self._generate(model, loop.contents, options)
        while calls := loop.calls(response):
            loop.answer(response, loop.functions.call_all(calls))
            response = self._generate(model, loop.contents, options)
        return loop.finish(response)

    def _generate(
        self,
        model: str,
        contents: ContentListUnionDict,
        options: GenerateContentConfig,
        written: _request.WireTurns | None = None,
    ) -> GenerateContentResponse:
        """One generateContent request (a turn of the function-calling loop, or the call)."""
        request = _request.generate_content(
            model,
            contents,
            options,
            api_version=self._api_version,
            validate=self._validate,
            written=written,
        )
        reply = self._transport.request(request)
        response = decode_answer(GenerateContentResponse, reply.payload)
        response.sdk_http_response = reply.http_response()
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

        Python functions among the tools run as with :meth:`generate_content`, as in
        google-genai: the stream yields the chunks of each answer, the one calling them too;
        once that answer is complete they run, and the stream goes on with the answer to their
        results.
        """
        return self._stream(model, contents, _request.as_config(config))

    def _stream(
        self,
        model: str,
        contents: ContentListUnionDict,
        options: GenerateContentConfig,
        run: Run | None = None,
        written: _request.WireTurns | None = None,
    ) -> Stream:
        """A stream of the function-calling loop's answers (of the one answer, without Python
        functions among the tools). ``run`` runs the calls of a turn: the async client's,
        which awaits coroutine functions; by default they run here, and coroutine functions
        are refused before sending. ``written``: as for :meth:`_generate_content`."""
        loop = CallLoop.of(contents, options, asynchronous=run is not None)
        send = partial(self._stream_events, model, options=options)
        if loop is None:
            return Stream(send(contents, written=written), config=options)
        rounds = CallRounds(loop, send, run or Functions.call_all)
        return Stream(send(loop.contents), config=options, rounds=rounds)

    def _stream_events(
        self,
        model: str,
        contents: ContentListUnionDict,
        options: GenerateContentConfig,
        written: _request.WireTurns | None = None,
    ) -> EventStream:
        """One streamGenerateContent request (a turn of the function-calling loop, or the
        call): its events."""
        request = _request.generate_content(
            model,
            contents,
            options,
            api_version=self._api_version,
            stream=True,
            validate=self._validate,
            written=written,
        )
        return self._transport.stream(request)

    def count_tokens(
        self,
        *,
        model: str,
        contents: ContentListUnionDict,
        config: CountTokensConfigOrDict | GenerateContentConfig | None = None,
    ) -> CountTokensResponse:
        """Count the tokens ``contents`` costs.

        ``config`` is a ``CountTokensConfig`` (or its dict) as in google-genai: for the Gemini
        API only its ``http_options``; its ``system_instruction``, ``tools`` and
        ``generation_config`` are Vertex AI's and raise :class:`~gemwire.errors.VertexOnlyError`,
        as google-genai raises ``ValueError``. To count with a system instruction and tools,
        pass the ``GenerateContentConfig`` you generate with: the whole generateContent
        request is counted.
        """
        request = _request.count_tokens(
            model, contents, config, api_version=self._api_version, validate=self._validate
        )
        reply = self._transport.request(request)
        counted = decode_answer(CountTokensResponse, reply.payload)
        counted.sdk_http_response = reply.http_response()
        return counted

    def embed_content(
        self,
        *,
        model: str,
        contents: ContentListUnionDict,
        config: EmbedContentConfigOrDict | None = None,
    ) -> EmbedContentResponse:
        """Embedding vectors of ``contents``: one text or content, or a list of them (one
        vector each), in ``response.embeddings``. ``config`` takes ``task_type``, ``title``
        and ``output_dimensionality``. Sent as one batchEmbedContents request, as
        google-genai does (see :func:`gemwire._request.embed_content` for how ``contents``
        splits into vectors)."""
        request = _request.embed_content(
            model,
            contents,
            _request.as_options(EmbedContentConfig, config),
            api_version=self._api_version,
            validate=self._validate,
        )
        return decode_answer(EmbedContentResponse, self._transport.request(request).payload)

    def get(self, *, model: str) -> Model:
        """The description of ``model`` (``gemini-2.0-flash`` or ``models/...``): its limits,
        default sampling settings and the methods it answers."""
        request = _request.get_model(model, api_version=self._api_version)
        return decode_answer(Model, self._transport.request(request).payload)

    def list(self, *, config: ListModelsConfigOrDict | None = None) -> Pager[Model]:
        """The models the API serves, as a :class:`~gemwire._pager.Pager`: iterate it for
        every model of every page. ``config`` takes ``page_size``, ``page_token`` (from an
        earlier page) and ``query_base`` (``False``: your tuned models). The first page is
        fetched here."""
        options = _request.as_options(ListModelsConfig, config)
        return Pager(
            "models",
            partial(self._models_page, options),
            page_token=options.page_token,
            page_size=options.page_size,
        )

    def _models_page(
        self, options: ListModelsConfig, page_token: str | None
    ) -> tuple[Sequence[Model], str | None]:
        request = _request.list_models(options, page_token, api_version=self._api_version)
        page = decode_answer(ListModelsResponse, self._transport.request(request).payload)
        return page.models or [], page.next_page_token


def __getattr__(name: str) -> object:
    # The async twins, as google-genai's module has them; imported on first use, since
    # asyncio takes ~30 ms to import.
    if name in {"AsyncModels"}:
        from gemwire._async_models import AsyncModels

        return {"AsyncModels": AsyncModels}[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
