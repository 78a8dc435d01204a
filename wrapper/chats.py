"""``client.chats``: multi-turn conversations that keep their history.

The history holds the model's whole ``Content`` of each turn (thought parts and
``thoughtSignature`` included, which thinking models need back). A streamed turn is merged
into one model ``Content`` once its stream completes. A turn that fails, is blocked (no
candidate content) or is abandoned mid-stream leaves the history exactly as it was.

The history holds copies of its own, made once when a turn is recorded: changing a
``Content`` passed in, a returned response or what ``get_history()`` returned changes
nothing in it. It keeps each turn as the wire JSON it is sent as, so a message encodes only
its own turn, not the whole history again.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from gemwire._closeable import Closeable
from gemwire._content import json_copy, private_wire, to_content
from gemwire._request import as_config
from gemwire._streaming import Stream
from gemwire.errors import ArgumentTypeError
from gemwire.models import Models
from gemwire.types import Content, GenerateContentConfig, GenerateContentResponse

if TYPE_CHECKING:  # gemwire.types loads these on first use; annotations need not
    from gemwire.types import ContentDict, ContentUnionDict, GenerateContentConfigOrDict

__all__ = ["Chat", "ChatStream", "Chats"]


class Chats:
    """Factory of chat sessions, as ``client.chats``."""

    def __init__(self, models: Models) -> None:
        self._models = models

    def create(
        self,
        *,
        model: str,
        config: GenerateContentConfigOrDict | None = None,
        history: Iterable[Content | ContentDict] | None = None,
    ) -> Chat:
        """Start a conversation with ``model``, optionally from an earlier ``history``."""
        if isinstance(history, (str, bytes, Mapping, Content)):
            raise ArgumentTypeError(
                f"history: expected a list of turns (Content or dict), got {type(history).__name__}"
            )
        turns = [
            private_wire(to_content(turn, path=f"history[{index}]"))
            for index, turn in enumerate(history or ())
        ]
        return Chat(self._models, model=model, config=as_config(config), history=turns)


class Chat:
    """One conversation. Each message sends the whole history plus the new user turn."""

    def __init__(
        self,
        models: Models,
        *,
        model: str,
        config: GenerateContentConfig,
        history: list[dict[str, Any]],
    ) -> None:
        self._models = models
        self._model = model
        self._config = config
        self._history = history
        self._lock = threading.Lock()

    def send_message(
        self, message: ContentUnionDict, config: GenerateContentConfigOrDict | None = None
    ) -> GenerateContentResponse:
        """Send a user turn (text, parts, images) and record it with the model's answer."""
        user = private_wire(to_content(message, path="message"))
        response = self._models._generate(
            self._model, user, self._config if config is None else config, self._turns()
        )
        self._record(user, response)
        return response

    def send_message_stream(
        self, message: ContentUnionDict, config: GenerateContentConfigOrDict | None = None
    ) -> ChatStream:
        """Send a user turn and stream the answer; the turn is recorded once the model has
        finished it (the chunk with its ``finishReason``)."""
        user = private_wire(to_content(message, path="message"))
        stream = self._models._generate_stream(
            self._model, user, self._config if config is None else config, self._turns()
        )
        return ChatStream(stream, self, user)

    def get_history(self, curated: bool = False) -> list[Content]:
        """The conversation so far, oldest first (a copy: changing it changes nothing here).

        Failed and blocked turns are never recorded, so ``curated`` has nothing to drop; it
        is accepted for google-genai compatibility.
        """
        return [Content.from_dict(json_copy(turn)) for turn in self._turns()]

    def _turns(self) -> list[dict[str, Any]]:
        """The history so far, as wire JSON (a new list of the same turns, never changed)."""
        with self._lock:
            return list(self._history)

    def _record(self, user: dict[str, Any], response: GenerateContentResponse) -> None:
        """Add the exchange, unless the model's answer has no content (blocked, empty)."""
        answer = _model_content(response)
        if answer is not None:
            with self._lock:
                self._history += [user, answer]


class ChatStream(Closeable):
    """The stream of one chat turn: a :class:`~gemwire.Stream` (the same iteration, methods
    and properties) that records the turn in the chat's history once the model has finished
    it. A turn whose stream fails or is left before that is not recorded."""

    def __init__(self, stream: Stream, chat: Chat, user: dict[str, Any]) -> None:
        self._stream = stream
        self._chat = chat
        self._user: dict[str, Any] | None = user  # None once recorded

    def __iter__(self) -> Iterator[GenerateContentResponse]:
        # A generator, like the stream's own: leaving the loop early closes the connection.
        for chunk in self._stream:
            if self._stream.finished:
                self._record()
            yield chunk

    def __next__(self) -> GenerateContentResponse:
        chunk = next(self._stream)
        if self._stream.finished:
            self._record()
        return chunk

    @property
    def finished(self) -> bool:
        """Whether the model has finished the answer (see :attr:`Stream.finished`)."""
        return self._stream.finished

    @property
    def current_response(self) -> GenerateContentResponse:
        """The chunks read so far, merged into one response."""
        return self._stream.current_response

    def get_final_response(self) -> GenerateContentResponse:
        """Read the rest of the stream and return the whole answer as one response."""
        response = self._stream.get_final_response()
        self._record()
        return response

    def close(self) -> None:
        """Stop reading and close the connection."""
        self._stream.close()

    def _record(self) -> None:
        user, self._user = self._user, None
        if user is not None:
            self._chat._record(user, self._stream.current_response)


def _model_content(response: GenerateContentResponse) -> dict[str, Any] | None:
    """The first candidate's content as wire JSON, if it has any parts (not blocked, not
    empty)."""
    if not response.candidates or response.candidates[0].content is None:
        return None
    content = response.candidates[0].content
    if not content.parts:
        return None
    return private_wire(Content(role=content.role or "model", parts=content.parts))
