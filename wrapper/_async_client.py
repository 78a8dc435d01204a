"""``AsyncClient``: ``client.aio``, the async twin of a :class:`~gemwire.Client`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from gemwire._async_batches import AsyncBatches
from gemwire._async_caches import AsyncCaches
from gemwire._async_chats import AsyncChats
from gemwire._async_files import AsyncFiles
from gemwire._async_models import AsyncModels
from gemwire._closeable import AsyncCloseable
from gemwire._workers import Workers

if TYPE_CHECKING:
    from gemwire.client import Client

__all__ = ["AsyncClient"]


class AsyncClient(AsyncCloseable):
    """The client's methods, awaited, as google-genai's ``client.aio``::

        async with genai.Client().aio as client:
            response = await client.models.generate_content(model=..., contents=...)
            async for chunk in await client.models.generate_content_stream(...):
                print(chunk.text, end="")
            chat = client.chats.create(model=...)
            await chat.send_message("Hi")

    Each call runs the sync client's own code on one of ``max_connections`` worker threads
    (as many as the client may open connections, see :class:`~gemwire.Client`), so the event
    loop never waits on the network, and settings, retries, timeouts, errors and chat history
    rules are those of the sync client. More calls at once than there are workers wait their
    turn in a queue.

    Sync and async share one connection pool: :meth:`aclose` (or leaving ``async with``)
    closes the client, as :meth:`Client.close` does, and ends the worker threads; calls after
    that raise :class:`~gemwire.errors.APIConnectionError`.
    """

    def __init__(self, client: Client) -> None:
        self._client = client
        self._workers = Workers(client._transport.max_connections)
        self.models = AsyncModels(client.models, self._workers)
        self.chats = AsyncChats(client.chats, self.models, self._workers)
        self.files = AsyncFiles(client.files, self._workers)
        self.caches = AsyncCaches(client.caches, self._workers)
        self.batches = AsyncBatches(client.batches, self._workers)

    async def aclose(self) -> None:
        """Close the client's connections and end the worker threads."""
        if self._workers.closed:
            return
        try:
            await self._workers.run(self._client.close)
        finally:
            self._workers.close()

    def __repr__(self) -> str:
        return f"AsyncClient(base_url={self._client.base_url!r})"
