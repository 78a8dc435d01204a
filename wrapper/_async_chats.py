"""``client.aio.chats``: conversations whose turns are awaited.

An :class:`AsyncChat` holds a sync :class:`~gemwire.Chat` and sends its turns on the client's
worker threads, so the history follows the sync rules (see :mod:`gemwire.chats`): a streamed
turn is merged into one model turn, and a turn that fails, is blocked or is abandoned is not
recorded. A task cancelled while it awaits ``send_message`` has abandoned its turn: the
request may still complete on its worker, but the turn is not recorded.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import TYPE_CHECKING

from gemwire._async_models import AsyncModels, run_on_event_loop
from gemwire._async_streaming import AsyncStream
from gemwire._workers import Workers
from gemwire.chats import Chat, Chats, ChatStream
from gemwire.types import Content, GenerateContentResponse

if TYPE_CHECKING:  # gemwire.types loads these on first use; annotations need not
    from gemwire.types import ContentDict, ContentUnionDict, GenerateContentConfigOrDict

__all__ = ["AsyncChat", "AsyncChats"]


class AsyncChats:
    """Factory of async chat sessions, as ``client.aio.chats``."""

    def __init__(self, chats: Chats, models: AsyncModels, workers: Workers) -> None:
        self._chats = chats
        self._models = models
        self._workers = workers

    def create(
        self,
        *,
        model: str,
        config: GenerateContentConfigOrDict | None = None,
        history: Iterable[Content | ContentDict] | None = None,
    ) -> AsyncChat:
        """Start a conversation with ``model``, optionally from an earlier ``history``."""
        return AsyncChat(
            self._chats.create(model=model, config=config, history=history),
            self._models,
            self._workers,
        )


class AsyncChat:
    """One conversation. Each message sends the whole history plus the new user turn."""

    def __init__(self, chat: Chat, models: AsyncModels, workers: Workers) -> None:
        self._chat = chat
        self._models = models
        self._workers = workers

    async def send_message(
        self, message: ContentUnionDict, config: GenerateContentConfigOrDict | None = None
    ) -> GenerateContentResponse:
        """Send a user turn (text, parts, images) and record it with the model's answer (and,
        with Python functions as tools, every turn of calls and results before it; async
        functions are awaited on the event loop)."""
        prepare = partial(self._chat._prepare, message, config)
        contents, options, written = await self._workers.run(prepare)
        response = await self._models._generate_content(
            self._chat._model, contents, options, written
        )
        self._chat._record(Chat._turns(contents, response), response)  # not if cancelled
        return response

    async def send_message_stream(
        self, message: ContentUnionDict, config: GenerateContentConfigOrDict | None = None
    ) -> AsyncStream:
        """Send a user turn and return the answer as an async iterator of chunks (``async for
        chunk in await chat.send_message_stream(...)``); the turn is recorded once the model
        has finished it (with Python functions as tools, every turn of the loop; the calls of
        a turn run on the event loop, at the same time)."""
        stream = await self._workers.run(
            partial(self._chat._stream, message, config, run_on_event_loop()),
            release=ChatStream.close,
        )
        return AsyncStream(stream, self._workers)

    def get_history(self, curated: bool = False) -> list[Content]:
        """The conversation so far, oldest first (a copy; see :meth:`Chat.get_history`)."""
        return self._chat.get_history(curated)
