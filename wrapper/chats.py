"""``client.chats``: multi-turn conversations that keep their history.

The history holds the model's whole ``Content`` of each turn (thought parts and
``thoughtSignature`` included, which thinking models need back). A streamed turn is merged
into one model ``Content`` once its stream completes. A turn that fails, is blocked (no
candidate content) or is abandoned mid-stream leaves the history exactly as it was.

The history holds copies of its own, made once when a turn is recorded: changing a
``Content`` passed in, a returned response or what ``get_history()`` returned changes
nothing in it. Beside each turn it keeps the wire JSON the turn is sent as, made then too, so
a message encodes only its own turn (with Python functions among the tools, the
function-calling loop sends the history as ``Content``).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from gemwire import _vertex
from gemwire._afc import Run
from gemwire._closeable import Closeable
from gemwire._content import copied, inline_size, to_content
from gemwire._request import WireTurns, as_config
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
            copied(to_content(turn, path=f"history[{index}]"))
            for index, turn in enumerate(history or ())
        ]
        _vertex.refuse(turns, "history")  # sent as written from now on, never checked again
        return Chat(self._models, model=model, config=as_config(config), history=turns)


class Chat:
    """One conversation. Each message sends the whole history plus the new user turn."""

    def __init__(
        self,
        models: Models,
        *,
        model: str,
        config: GenerateContentConfig,
        history: list[Content],
    ) -> None:
        self._models = models
        self._model = model
        self._config = config
        self._history: list[Content] = []
        self._wire: list[dict[str, Any]] = []  # each turn of _history as the JSON it is sent as
        self._inline_size = 0  # the base64 length of _history's inline data
        self._lock = threading.Lock()
        self._add(history)

    def send_message(
        self, message: ContentUnionDict, config: GenerateContentConfigOrDict | None = None
    ) -> GenerateContentResponse:
        """Send a user turn (text, parts, images) and record it with the model's answer (and,
        with Python functions as tools, every turn of calls and results before it)."""
        contents, options, written = self._prepare(message, config)
        response = self._models._generate_content(self._model, contents, options, written)
        self._record(self._turns(contents, response), response)
        return response

    def _prepare(
        self, message: ContentUnionDict, config: GenerateContentConfigOrDict | None
    ) -> tuple[list[Content], GenerateContentConfig, WireTurns]:
        """What an exchange sends: the history then the user turn (a copy of its own), the
        history's wire JSON, and the config (the call's, else the chat's)."""
        user = copied(to_content(message, path="message"))
        options = self._config if config is None else as_config(config)
        with self._lock:
            written = WireTurns(list(self._wire), self._inline_size)
            return [*self._history, user], options, written

    def send_message_stream(
        self, message: ContentUnionDict, config: GenerateContentConfigOrDict | None = None
    ) -> ChatStream:
        """Send a user turn and stream the answer; the turn is recorded once the model has
        finished it (the chunk with its ``finishReason``). With Python functions as tools,
        the stream goes on through every request of the function-calling loop (see
        :meth:`Models.generate_content_stream`), and every turn of it is recorded."""
        return self._stream(message, config)

    def _stream(
        self,
        message: ContentUnionDict,
        config: GenerateContentConfigOrDict | None,
        run: Run | None = None,
    ) -> ChatStream:
        """:meth:`send_message_stream`, the calls of a turn run by ``run`` (the async
        client's) if given."""
        contents, options, written = self._prepare(message, config)
        stream = self._models._stream(self._model, contents, options, run, written)
        return ChatStream(stream, self, contents)

    def get_history(self, curated: bool = False) -> list[Content]:
        """The conversation so far, oldest first (a copy: changing it changes nothing here).

        Failed and blocked turns are never recorded, so ``curated`` has nothing to drop; it
        is accepted for google-genai compatibility.
        """
        with self._lock:
            history = list(self._history)
        return [copied(turn) for turn in history]

    @staticmethod
    def _turns(contents: list[Content], response: GenerateContentResponse) -> list[Content]:
        """The new turns of an exchange that sent ``contents`` (the history, then the user
        turn): the user turn, then the function-calling loop's turns, if it ran."""
        loop = response.automatic_function_calling_history or []
        return [contents[-1], *(copied(turn) for turn in loop[len(contents) :])]

    def _record(self, turns: list[Content], response: GenerateContentResponse) -> None:
        """Add the exchange, unless the model's answer has no content (blocked, empty)."""
        answer = _model_content(response)
        if answer is not None:
            self._add([*turns, answer])

    def _add(self, turns: list[Content]) -> None:
        """Add ``turns`` (copies of the history's own) to the history, with their wire JSON
        (made here, once) and the size of their inline data. The wire JSON shares its strings
        and free JSON (``functionCall.args``) with those turns: both are the chat's own, never
        handed out (``get_history()`` and the function-calling loop's history hand out copies)
        and never changed."""
        wire = [turn.to_dict() for turn in turns]
        size = sum(map(inline_size, turns))
        with self._lock:
            self._history += turns
            self._wire += wire
            self._inline_size += size


class ChatStream(Closeable):
    """The stream of one chat turn: a :class:`~gemwire.Stream` (the same iteration, methods
    and properties) that records the turn in the chat's history once the model has finished
    it. A turn whose stream fails or is left before that is not recorded."""

    def __init__(self, stream: Stream, chat: Chat, contents: list[Content]) -> None:
        self._stream = stream
        self._chat = chat
        self._contents: list[Content] | None = contents  # what was sent; None once recorded

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
        contents, self._contents = self._contents, None
        if contents is not None:
            response = self._stream.current_response
            self._chat._record(Chat._turns(contents, response), response)


def _model_content(response: GenerateContentResponse) -> Content | None:
    """The first candidate's content, if it has any parts (not blocked, not empty)."""
    if not response.candidates or response.candidates[0].content is None:
        return None
    content = response.candidates[0].content
    if not content.parts:
        return None
    return copied(Content(role=content.role or "model", parts=content.parts))


def __getattr__(name: str) -> object:
    # The async twins, as google-genai's module has them; imported on first use, since
    # asyncio takes ~30 ms to import.
    if name in {"AsyncChats", "AsyncChat"}:
        from gemwire._async_chats import AsyncChat, AsyncChats

        return {"AsyncChat": AsyncChat, "AsyncChats": AsyncChats}[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
