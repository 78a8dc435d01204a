"""A streamed answer: typed chunks from the transport's events, and the answer they add up to;
with automatic function calling, the answers of each request of the loop, one after the other."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from operator import attrgetter, is_
from typing import Any, Protocol

from gemwire._closeable import Closeable
from gemwire._headers import http_response
from gemwire._serde import decode_answer, stored
from gemwire.errors import IncompleteStreamError, UsageError
from gemwire.types import (
    Candidate,
    Content,
    GenerateContentConfig,
    GenerateContentResponse,
    HttpResponse,
    Part,
)

__all__ = ["Events", "Rounds", "Stream"]


class Events(Protocol):
    """What a :class:`Stream` reads: JSON events, the headers of the answer that carries
    them, and a way to let go of their connection (the transport's ``EventStream``)."""

    headers: Mapping[str, str]

    def __iter__(self) -> Iterator[Any]: ...

    def close(self) -> None: ...


class Rounds(Protocol):
    """The requests that may follow a stream's first one: the function-calling loop
    (:class:`gemwire._afc.CallRounds`), asked each time an answer is complete."""

    def follow(self, answer: GenerateContentResponse) -> bool:
        """Whether another request follows ``answer``; the function calls it asks for have
        run when this returns ``True``."""
        ...

    def send(self) -> Events:
        """Send that request; the events of its answer."""
        ...

    def mark(self, response: GenerateContentResponse) -> GenerateContentResponse:
        """``response`` with what the requests so far add to it (the call history)."""
        ...


class Stream(Closeable):
    """Iterator of :class:`~gemwire.types.GenerateContentResponse` chunks, which also adds
    them up: :meth:`get_final_response` gives the whole answer as one response.

    The HTTP connection goes back to the pool when the last chunk has been read, and is closed
    at once when a loop over the stream ends early (``break``, an exception), also while the
    stream object is still referenced, or on :meth:`close` (also before any chunk was read).
    Usable as a context manager::

        with client.models.generate_content_stream(model=..., contents=...) as stream:
            for chunk in stream:
                print(chunk.text, end="")
        response = stream.get_final_response()

    A stream is one iterator: ``next(stream)`` and loops take turns over the same chunks, and
    a loop after one that was left early finds the stream closed. Reading it from two threads
    at the same time raises :class:`~gemwire.errors.UsageError`.

    A stream that ends before any chunk carried a ``finishReason`` (or a prompt
    ``blockReason``) raises :class:`~gemwire.errors.IncompleteStreamError`. A failure before
    the first chunk may have been retried by sending the request again, as the client's retry
    policy says; after the first chunk, a failure raises.

    With Python functions among the tools (automatic function calling), the stream goes on
    through every request of the loop: an answer that calls them is yielded too (once they
    have run), then the chunks of the next answer; :attr:`finished`,
    :attr:`current_response` and :meth:`get_final_response` are about the last answer, and
    every chunk carries ``automatic_function_calling_history``.
    """

    def __init__(
        self,
        events: Events,
        *,
        config: GenerateContentConfig | None = None,
        rounds: Rounds | None = None,
    ) -> None:
        self._events = events
        self._source = iter(events)
        self._config = config
        self._rounds = rounds
        self._http_response: HttpResponse | None = None  # made once a chunk of a request is in
        self._answer = _Answer()
        self._answered = False  # the answer being read is complete
        self._follows = False  # and another request follows it
        self._finished = False
        self._closed = False
        self._reading = threading.Lock()

    def __iter__(self) -> Iterator[GenerateContentResponse]:
        # A generator of its own per loop: when the loop is left, it is freed at once and
        # closes the stream, however long the stream object itself lives; unless the loop
        # failed because another thread is reading the stream, which is then left to it.
        owner = True
        try:
            while True:
                try:
                    chunk = self._next()
                except UsageError:
                    owner = False
                    raise
                if chunk is None:
                    return
                yield chunk
        finally:
            if owner:
                self.close()

    def __next__(self) -> GenerateContentResponse:
        chunk = self._next()
        if chunk is None:
            raise StopIteration
        return chunk

    @property
    def finished(self) -> bool:
        """Whether a chunk has said the answer is complete (a ``finishReason`` or a prompt
        ``blockReason``) and no request of the function-calling loop follows it."""
        return self._finished

    @property
    def current_response(self) -> GenerateContentResponse:
        """The chunks of the answer read so far, merged into one response (see
        :meth:`get_final_response`)."""
        return self._marked(self._answer.response())

    def get_final_response(self) -> GenerateContentResponse:
        """Read what is left of the stream and return the whole answer as one response.

        Each candidate's parts are merged in order: adjacent text of the same kind (answer or
        thought) joined, thought signatures and other parts kept; the other fields (usage,
        finish reason, safety ratings, model version, ...) are the last ones sent.
        ``parsed`` is set as for :meth:`~gemwire.models.Models.generate_content`. Raises
        :class:`~gemwire.errors.IncompleteStreamError` if the stream was closed or ended
        before the model finished.
        """
        while self._next() is not None:
            pass
        if not self._finished:
            raise IncompleteStreamError("the stream was closed before the model finished")
        response = self.current_response
        if self._config is not None:
            response._expect_structured(self._config)
        return response

    def close(self) -> None:
        """Stop reading and close the connection (a no-op once the stream is done)."""
        self._closed = True
        self._events.close()

    def _next(self) -> GenerateContentResponse | None:
        """The next chunk, or ``None`` at the end (or once closed)."""
        if not self._reading.acquire(blocking=False):
            raise UsageError(
                "this stream is being read by another thread; read a stream in one place"
            )
        try:
            if self._closed:
                return None
            payload = next(self._source, _END)
            while payload is _END and self._follows:
                self._next_request()
                payload = next(self._source, _END)
            if payload is _END:
                self.close()
                if not self._finished:
                    raise IncompleteStreamError(
                        "the stream ended before the model finished its answer"
                    )
                return None
            chunk = decode_answer(GenerateContentResponse, payload)
            if self._http_response is None:  # no retry can change the headers from here on
                self._http_response = http_response(self._events.headers)
            chunk.sdk_http_response = self._http_response
            chunk = self._marked(chunk)
            self._answer.add(chunk)
            if not self._answered and _is_final(chunk):
                self._answered = True
                rounds = self._rounds
                self._follows = rounds is not None and rounds.follow(self._answer.response())
                self._finished = not self._follows
            return chunk
        except BaseException:
            self.close()
            raise
        finally:
            self._reading.release()

    def _next_request(self) -> None:
        """Send the loop's next request (the answer read so far asked for calls, which have
        run) and read its answer from here on."""
        assert self._rounds is not None
        self._events.close()
        self._events = self._rounds.send()
        self._source = iter(self._events)
        self._http_response = None
        self._answer = _Answer()
        self._answered = self._follows = False
        if self._closed:  # closed from another thread meanwhile
            self._events.close()

    def _marked(self, response: GenerateContentResponse) -> GenerateContentResponse:
        return response if self._rounds is None else self._rounds.mark(response)


_END: Any = object()


def _is_final(chunk: GenerateContentResponse) -> bool:
    if chunk.prompt_feedback is not None and chunk.prompt_feedback.block_reason is not None:
        return True
    # A loop, not any(generator): this runs on every chunk and is three times faster.
    for candidate in chunk.candidates or ():  # noqa: SIM110
        if candidate.finish_reason is not None:
            return True
    return False


CANDIDATE_FIELDS = tuple(
    name for name in Candidate.__dataclass_fields__ if name not in ("content", "unknown_fields")
)
RESPONSE_FIELDS = tuple(
    name
    for name in GenerateContentResponse.__dataclass_fields__
    if name not in ("candidates", "unknown_fields")
)


class _Latest:
    """Fields of one message over the chunks: each the last value sent, unknown ones merged.
    (Two names at least: ``attrgetter`` then reads them as a tuple.)"""

    def __init__(self, names: tuple[str, ...]) -> None:
        self._names = names
        self._read = attrgetter(*names)
        self._seen: tuple[Any, ...] = (None,) * len(names)  # what the last chunk sent
        self._values = list(self._seen)
        self._unknown: dict[str, Any] = {}

    def add(self, message: GenerateContentResponse | Candidate) -> None:
        values = self._read(message)
        # Most chunks send what the one before sent (a candidate's index): nothing to merge.
        if not all(map(is_, values, self._seen)):
            self._seen = values
            self._values = [
                new if new is not None else old
                for new, old in zip(values, self._values, strict=True)
            ]
        if message.unknown_fields:
            self._unknown.update(message.unknown_fields)

    @property
    def fields(self) -> dict[str, Any]:
        return {
            name: value
            for name, value in zip(self._names, self._values, strict=True)
            if value is not None
        }

    @property
    def unknown_fields(self) -> dict[str, Any] | None:
        return dict(self._unknown) or None


class _Answer:
    """The chunks of a stream added up, in time linear in their number."""

    def __init__(self) -> None:
        self._latest = _Latest(RESPONSE_FIELDS)
        self._candidates: dict[int, _CandidateAnswer] = {}

    def add(self, chunk: GenerateContentResponse) -> None:
        self._latest.add(chunk)
        for position, candidate in enumerate(chunk.candidates or ()):
            index = candidate.index if candidate.index is not None else position
            if index not in self._candidates:
                self._candidates[index] = _CandidateAnswer()
            self._candidates[index].add(candidate)

    def response(self) -> GenerateContentResponse:
        return GenerateContentResponse(
            candidates=[self._candidates[i].candidate() for i in sorted(self._candidates)] or None,
            unknown_fields=self._latest.unknown_fields,
            **self._latest.fields,
        )


class _CandidateAnswer:
    """One candidate's chunks: its parts merged, its other fields the last ones sent."""

    def __init__(self) -> None:
        self._latest = _Latest(CANDIDATE_FIELDS)
        self._role: str | None = None
        self._content_seen = False
        # Parts in order; a text run is kept as a list of pieces, joined once at the end.
        self._parts: list[Part | _TextRun] = []

    def add(self, candidate: Candidate) -> None:
        self._latest.add(candidate)
        content = candidate.content
        if content is None:
            return
        self._content_seen = True
        self._role = content.role or self._role
        for part in content.parts or ():
            last = self._parts[-1] if self._parts else None
            if _is_plain_text(part):
                if isinstance(last, _TextRun) and last.takes(part):
                    last.add(part)
                else:
                    self._parts.append(_TextRun(part))
            else:
                self._parts.append(part)

    def candidate(self) -> Candidate:
        content = None
        if self._content_seen:
            parts = [p.part() if isinstance(p, _TextRun) else p for p in self._parts]
            content = Content(role=self._role, parts=parts or None)
        return Candidate(
            content=content,
            unknown_fields=self._latest.unknown_fields,
            **self._latest.fields,
        )


TEXT_FIELDS = frozenset({"text", "thought", "thought_signature", "unknown_fields"})
_OTHER_FIELDS = attrgetter(*(name for name in Part.__dataclass_fields__ if name not in TEXT_FIELDS))
_NONE = _OTHER_FIELDS(Part())  # every other field unset
_SIGNATURE = stored(Part, "thought_signature")  # kept as it came: never decoded here


def _is_plain_text(part: Part) -> bool:
    return part.text is not None and not part.unknown_fields and _OTHER_FIELDS(part) == _NONE


class _TextRun:
    """Adjacent text parts of one kind (thought or answer), which the stream split: joined
    into one part. A signature may sit on any piece, but two signatures mark two parts."""

    def __init__(self, part: Part) -> None:
        self.thought = part.thought
        self.signature = _SIGNATURE(part)
        self.pieces = [part.text or ""]

    def takes(self, part: Part) -> bool:
        return bool(part.thought) == bool(self.thought) and (
            self.signature is None or _SIGNATURE(part) is None
        )

    def add(self, part: Part) -> None:
        self.pieces.append(part.text or "")
        if self.thought is None:
            self.thought = part.thought
        if self.signature is None:
            self.signature = _SIGNATURE(part)

    def part(self) -> Part:
        return Part(
            text="".join(self.pieces), thought=self.thought, thought_signature=self.signature
        )
