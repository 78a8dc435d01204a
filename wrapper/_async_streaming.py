"""``AsyncStream``: a sync :class:`~gemwire.Stream` (or chat stream), read on worker threads."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from concurrent.futures import Future
from functools import partial
from typing import Any, TypeVar

from gemwire._closeable import AsyncCloseable
from gemwire._streaming import Stream
from gemwire._workers import Workers
from gemwire.chats import ChatStream
from gemwire.types import GenerateContentResponse

__all__ = ["AsyncStream"]

T = TypeVar("T")


class AsyncStream(AsyncCloseable):
    """Async iterator of :class:`~gemwire.types.GenerateContentResponse` chunks: what
    ``await client.aio.models.generate_content_stream(...)`` and ``await
    chat.send_message_stream(...)`` return.

    It reads the sync stream (:class:`~gemwire.Stream`, or the chat's stream, which records the
    turn) one chunk at a time on the client's worker threads, so everything the sync stream
    does (decoding, adding the chunks up, the retry rule, recording a chat turn) is done by the
    same code. Usable as an async context manager::

        async with await client.aio.models.generate_content_stream(...) as stream:
            async for chunk in stream:
                print(chunk.text, end="")
        response = await stream.get_final_response()

    The connection is closed when an ``async for`` loop is left early (``break``, an exception,
    the task cancelled), and by :meth:`aclose`. A read in progress on a worker cannot be
    interrupted: the connection of a task cancelled while it waits for a chunk is closed as
    soon as that read returns (the next bytes from the server, or the read timeout).
    """

    def __init__(self, stream: Stream | ChatStream, workers: Workers) -> None:
        self._stream = stream
        self._workers = workers
        # The latest step on a worker: the next one starts after it, so the sync stream is
        # never used by two threads at once (a close asked for during a read waits for it).
        self._last: Future[Any] | None = None
        self._closing: Future[None] | None = None

    def __aiter__(self) -> AsyncIterator[GenerateContentResponse]:
        return self._chunks()

    async def __anext__(self) -> GenerateContentResponse:
        chunk = await self._next()
        if chunk is None:
            raise StopAsyncIteration
        return chunk

    @property
    def finished(self) -> bool:
        """Whether a chunk handed out so far completed the answer (a ``finishReason`` or a
        prompt ``blockReason``); reading it waits for nothing."""
        return self._stream.finished

    @property
    def current_response(self) -> GenerateContentResponse:
        """The chunks handed out so far, merged into one response; reading it waits for
        nothing (see :meth:`get_final_response`)."""
        return self._stream.current_response

    async def get_final_response(self) -> GenerateContentResponse:
        """Read the rest of the stream and return the whole answer as one response (see
        :meth:`~gemwire.Stream.get_final_response`)."""
        # Chunk by chunk, so that a cancelled task stops reading at the next chunk.
        while await self._next() is not None:
            pass
        return await self._step(self._stream.get_final_response)

    async def aclose(self) -> None:
        """Stop reading and close the connection (after a read in progress, if any)."""
        await asyncio.wrap_future(self._release())

    async def _chunks(self) -> AsyncGenerator[GenerateContentResponse, None]:
        # A generator, like the sync stream's: leaving the loop early closes the connection.
        try:
            while (chunk := await self._next()) is not None:
                yield chunk
        finally:
            self._release()

    async def _next(self) -> GenerateContentResponse | None:
        return await self._step(partial(next, self._stream, None))

    async def _step(self, job: Callable[[], T]) -> T:
        """Run ``job`` on a worker after the previous step; if the task is cancelled meanwhile,
        the stream is closed once ``job`` has returned."""
        self._last = future = self._workers.start(job, after=self._last)
        try:
            return await asyncio.wrap_future(future)
        except asyncio.CancelledError:
            self._release()
            raise

    def _release(self) -> Future[None]:
        """Close the sync stream on a worker after the last step; once only."""
        if self._closing is None:
            self._closing = self._workers.start(self._stream.close, after=self._last, cleanup=True)
            self._last = self._closing
        return self._closing
