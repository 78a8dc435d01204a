"""``client.aio.models``: the methods of ``client.models``, awaited."""

from __future__ import annotations

import asyncio
from functools import partial
from typing import TYPE_CHECKING

from gemwire._afc import CallLoop, Run
from gemwire._async_streaming import AsyncStream
from gemwire._function_calling import Functions
from gemwire._pager import AsyncPager
from gemwire._request import WireTurns, as_config
from gemwire._streaming import Stream
from gemwire._workers import Workers
from gemwire.models import Models
from gemwire.types import (
    CountTokensResponse,
    EmbedContentResponse,
    FunctionCall,
    GenerateContentConfig,
    GenerateContentResponse,
    Model,
    Part,
)

if TYPE_CHECKING:  # gemwire.types loads these on first use; annotations need not
    from gemwire.types import (
        ContentListUnionDict,
        CountTokensConfigOrDict,
        EmbedContentConfigOrDict,
        GenerateContentConfig,
        GenerateContentConfigOrDict,
        ListModelsConfigOrDict,
    )

__all__ = ["AsyncModels", "run_on_event_loop"]


def run_on_event_loop() -> Run:
    """How a stream read on the worker threads runs the calls of a turn: on the running
    event loop (coroutine functions awaited, plain ones in a thread, all at the same time),
    the worker waiting for their results."""
    event_loop = asyncio.get_running_loop()

    def run(functions: Functions, calls: list[FunctionCall]) -> list[Part]:
        return asyncio.run_coroutine_threadsafe(
            functions.call_all_async(calls), event_loop
        ).result()

    return run


class AsyncModels:
    """The model methods of ``client.aio``. Each runs the same method of
    :class:`~gemwire.models.Models` on a worker thread: the same request, retries, timeouts,
    errors and answer."""

    def __init__(self, models: Models, workers: Workers) -> None:
        self._models = models
        self._workers = workers

    async def generate_content(
        self,
        *,
        model: str,
        contents: ContentListUnionDict,
        config: GenerateContentConfigOrDict | None = None,
    ) -> GenerateContentResponse:
        """Generate a response to ``contents`` (see :meth:`Models.generate_content`).

        With Python functions among the tools, the function-calling loop runs here: each
        request on a worker, coroutine functions awaited on the event loop, plain ones in a
        thread, the calls of one turn at the same time.
        """
        return await self._generate_content(model, contents, as_config(config))

    async def _generate_content(
        self,
        model: str,
        contents: ContentListUnionDict,
        options: GenerateContentConfig,
        written: WireTurns | None = None,
    ) -> GenerateContentResponse:
        """:meth:`generate_content`; ``written`` as for :meth:`Models._generate_content`."""
        loop = CallLoop.of(contents, options, asynchronous=True)
        if loop is None:
            return await self._workers.run(
                partial(self._models._generate, model, contents, options, written)
            )
        send = partial(self._models._generate, model, options=options)
        response = await self._workers.run(partial(send, loop.contents))
        while calls := loop.calls(response):
            loop.answer(response, await loop.functions.call_all_async(calls))
            response = await self._workers.run(partial(send, loop.contents))
        return loop.finish(response)

    async def generate_content_stream(
        self,
        *,
        model: str,
        contents: ContentListUnionDict,
        config: GenerateContentConfigOrDict | None = None,
    ) -> AsyncStream:
        """Send the request and return the answer as an async iterator of chunks, as
        google-genai's ``client.aio`` does: ``async for chunk in await ...``.

        The request is sent before this returns, so an error answer raises here (see
        :meth:`Models.generate_content_stream`). Python functions among the tools run as
        there, the calls of a turn on the event loop, at the same time (coroutine functions
        awaited).
        """
        options = as_config(config)
        stream = await self._workers.run(
            partial(self._models._stream, model, contents, options, run_on_event_loop()),
            release=Stream.close,
        )
        return AsyncStream(stream, self._workers)

    async def count_tokens(
        self,
        *,
        model: str,
        contents: ContentListUnionDict,
        config: CountTokensConfigOrDict | GenerateContentConfig | None = None,
    ) -> CountTokensResponse:
        """Count the tokens ``contents`` costs (see :meth:`Models.count_tokens`)."""
        return await self._workers.run(
            partial(self._models.count_tokens, model=model, contents=contents, config=config)
        )

    async def embed_content(
        self,
        *,
        model: str,
        contents: ContentListUnionDict,
        config: EmbedContentConfigOrDict | None = None,
    ) -> EmbedContentResponse:
        """Embedding vectors of ``contents`` (see :meth:`Models.embed_content`)."""
        return await self._workers.run(
            partial(self._models.embed_content, model=model, contents=contents, config=config)
        )

    async def get(self, *, model: str) -> Model:
        """The description of ``model`` (see :meth:`Models.get`)."""
        return await self._workers.run(partial(self._models.get, model=model))

    async def list(self, *, config: ListModelsConfigOrDict | None = None) -> AsyncPager[Model]:
        """The models the API serves: ``async for model in await client.aio.models.list()``
        (see :meth:`Models.list`); each page is fetched on a worker."""
        pager = await self._workers.run(partial(self._models.list, config=config))
        return AsyncPager(pager, self._workers)
