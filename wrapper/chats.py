"""``client.chats``: multi-turn conversations that keep their history.

The history holds the model's whole ``Content`` of each turn (thought parts and
``thoughtSignature`` included, which thinking models need back). A streamed turn is merged
into one model ``Content`` once its stream completes. A turn that fails, is blocked (no
candidate content) or is abandoned mid-stream leaves the history exactly as it was.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Iterable, Mapping
from typing import Any

from gemwire._config import as_config
from gemwire._content import to_content
from gemwire._streaming import Stream
from gemwire.models import ConfigArg, Models
from gemwire.types import Content, GenerateContentConfig, GenerateContentResponse, Part

__all__ = ["Chat", "Chats"]


class Chats:
    """Factory of chat sessions, as ``client.chats``."""

    def __init__(self, models: Models) -> None:
        self._models = models

    def create(
        self,
        *,
        model: str,
        config: ConfigArg = None,
        history: Iterable[Content | Mapping[str, Any]] | None = None,
    ) -> Chat:
        """Start a conversation with ``model``, optionally from an earlier ``history``."""
        turns = [
            to_content(turn, path=f"history[{index}]") for index, turn in enumerate(history or ())
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
        history: list[Content],
    ) -> None:
        self._models = models
        self._model = model
        self._config = config
        self._history = history
        self._lock = threading.Lock()

    def send_message(self, message: Any, config: ConfigArg = None) -> GenerateContentResponse:
        """Send a user turn (text, parts, images) and record it with the model's answer."""
        user = to_content(message, path="message")
        with self._lock:
            contents = [*self._history, user]
        response = self._models._generate(self._model, contents, self._options(config))
        answer = _model_content(response)
        if answer is not None:
            self._record(user, answer)
        return response

    def send_message_stream(self, message: Any, config: ConfigArg = None) -> Stream:
        """Send a user turn and stream the answer; the turn is recorded when the stream ends."""
        user = to_content(message, path="message")
        with self._lock:
            contents = [*self._history, user]

        def record(chunks: list[GenerateContentResponse]) -> None:
            answer = _merge_chunks(chunks)
            if answer is not None:
                self._record(user, answer)

        return self._models._stream(self._model, contents, self._options(config), record)

    def get_history(self, curated: bool = False) -> list[Content]:
        """The conversation so far, oldest first (a copy: changing it changes nothing here).

        Failed and blocked turns are never recorded, so ``curated`` has nothing to drop; it
        is accepted for google-genai compatibility.
        """
        with self._lock:
            return copy.deepcopy(self._history)

    def _options(self, config: ConfigArg) -> GenerateContentConfig:
        return self._config if config is None else as_config(config)

    def _record(self, user: Content, answer: Content) -> None:
        with self._lock:
            self._history += [user, answer]


def _model_content(response: GenerateContentResponse) -> Content | None:
    """The first candidate's content, if it has any parts (not blocked, not empty)."""
    if not response.candidates or response.candidates[0].content is None:
        return None
    content = response.candidates[0].content
    if not content.parts:
        return None
    return Content(role=content.role or "model", parts=content.parts)


def _merge_chunks(chunks: list[GenerateContentResponse]) -> Content | None:
    """The model turn a stream wrote: its chunks' parts in order, adjacent text joined."""
    parts: list[Part] = []
    role = "model"
    for chunk in chunks:
        content = _model_content(chunk)
        if content is None:
            continue
        role = content.role or role
        for part in content.parts or ():
            if parts and _can_join(parts[-1], part):
                parts[-1] = _join(parts[-1], part)
            else:
                parts.append(part)
    return Content(role=role, parts=parts) if parts else None


TEXT_FIELDS = frozenset({"text", "thought", "thought_signature", "unknown_fields"})


def _is_plain_text(part: Part) -> bool:
    return part.text is not None and all(
        getattr(part, name) is None for name in part.__dataclass_fields__ if name not in TEXT_FIELDS
    )


def _can_join(left: Part, right: Part) -> bool:
    """Adjacent text parts of the same kind (thought or answer) are one part split by the
    stream; a signature may sit on either half, but two signatures mark two parts."""
    return (
        _is_plain_text(left)
        and _is_plain_text(right)
        and bool(left.thought) == bool(right.thought)
        and (left.thought_signature is None or right.thought_signature is None)
        and not left.unknown_fields
        and not right.unknown_fields
    )


def _join(left: Part, right: Part) -> Part:
    return Part(
        text=(left.text or "") + (right.text or ""),
        thought=left.thought if left.thought is not None else right.thought,
        thought_signature=left.thought_signature or right.thought_signature,
    )
