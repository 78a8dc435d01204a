"""Automatic function calling: the rules of the loop that runs the Python functions given as
tools and sends their results back to the model.

:class:`CallLoop` holds the loop's state and its rules, once; the methods that send requests
drive it (``Models.generate_content``, and ``AsyncModels.generate_content``, which awaits
async functions on the event loop), so every request still goes down the one call path::

    loop = CallLoop.of(contents, config, asynchronous=False)
    response = send(loop.contents)
    while calls := loop.calls(response):
        loop.answer(response, loop.functions.call_all(calls))
        response = send(loop.contents)
    loop.finish(response)

A stream drives it through :class:`CallRounds` (``Models.generate_content_stream``): each
answer is read as chunks; once it is complete, its calls run (``Run``: one after the other,
or under ``client.aio`` on the event loop, awaited) and the next request is sent, as
google-genai's ``generate_content_stream`` does.

As in google-genai: at most ``maximum_remote_calls`` requests (default 10; the calls of the
last answer are left to the caller), every call of a turn runs, an exception becomes an error
response, and ``automatic_function_calling_history`` holds the input turns, then each model
turn of calls and each user turn of results. Unlike google-genai, function declarations given
as ``Tool`` objects beside the callables do not turn the loop off: a turn that calls one of
those ends the loop and comes back to the caller, as a turn of manual function calling does.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from gemwire._content import copied, to_contents
from gemwire._function_calling import Functions
from gemwire._streaming import Events
from gemwire.errors import ArgumentTypeError
from gemwire.types import (
    Content,
    FunctionCall,
    GenerateContentConfig,
    GenerateContentResponse,
    Part,
)

__all__ = ["DEFAULT_MAXIMUM_REMOTE_CALLS", "CallLoop", "CallRounds", "Run"]

DEFAULT_MAXIMUM_REMOTE_CALLS = 10  # google-genai's

Run = Callable[[Functions, list[FunctionCall]], list[Part]]
"""How a stream runs the calls of one turn: :meth:`Functions.call_all`, or the async
client's, which awaits them on its event loop."""


class CallLoop:
    """The state of one call's function-calling loop: the turns to send next, the requests
    left, and the history so far."""

    def __init__(
        self, contents: list[Content], config: GenerateContentConfig, functions: Functions
    ) -> None:
        self.functions = functions
        self.contents = contents
        options = config.automatic_function_calling
        limit = None if options is None else options.maximum_remote_calls
        self._left = DEFAULT_MAXIMUM_REMOTE_CALLS if limit is None else limit
        self._enabled = not (options is not None and options.disable) and self._left > 0
        self._keep_history = options is None or not options.ignore_call_history
        self._history: list[Content] = []

    @classmethod
    def of(
        cls, contents: Any, config: GenerateContentConfig, *, asynchronous: bool
    ) -> CallLoop | None:
        """The loop of a call whose tools hold Python functions, else ``None``. A coroutine
        function needs the async client (``client.aio``); it is refused before anything is
        sent otherwise."""
        functions = Functions(config.tools)
        if not functions:
            return None
        loop = cls(to_contents(contents), config, functions)
        if not asynchronous and loop._enabled:
            for name, function in loop.functions.by_name.items():
                if inspect.iscoroutinefunction(function):
                    raise ArgumentTypeError(
                        f"config.tools: {name} is a coroutine function; automatic function "
                        "calling runs it under client.aio only"
                    )
        return loop

    def calls(self, response: GenerateContentResponse) -> list[FunctionCall]:
        """The calls to run before the next request; none when the loop is over: no calls,
        a call of a function it does not have, the last request allowed, or the loop off."""
        if not self._enabled:
            return []
        self._left -= 1
        calls = response.function_calls or []
        if self._left <= 0 or not self.functions.knows(calls):
            return []
        return calls

    def answer(self, response: GenerateContentResponse, results: list[Part]) -> None:
        """Add the model's turn of calls and the user turn of their ``results`` to what the
        next request sends."""
        assert response.candidates and response.candidates[0].content is not None
        called = copied(response.candidates[0].content)
        called.role = called.role or "model"
        turns = [called, Content(role="user", parts=results)]
        # New lists: a response already handed out keeps the history it was given. The turns
        # sent in go there as copies: changing them changes nothing of the caller's (such as
        # a chat's history).
        self._history = [*(self._history or map(copied, self.contents)), *turns]
        self.contents = [*self.contents, *turns]

    def finish(self, response: GenerateContentResponse) -> GenerateContentResponse:
        """``response`` with the loop's turns as its ``automatic_function_calling_history``
        (unless the loop was off or ``ignore_call_history`` was set)."""
        if self._enabled and self._keep_history:
            response.automatic_function_calling_history = self._history
        return response


class CallRounds:
    """The loop of a stream (:class:`~gemwire._streaming.Rounds`): when an answer is
    complete, its calls run and the next request goes out through ``send`` (given the turns
    to send); every response handed out carries the history so far."""

    def __init__(self, loop: CallLoop, send: Callable[[list[Content]], Events], run: Run) -> None:
        self._loop = loop
        self._send = send
        self._run = run

    def follow(self, answer: GenerateContentResponse) -> bool:
        """Run the calls ``answer`` asks for; whether a request with their results follows."""
        calls = self._loop.calls(answer)
        if calls:
            self._loop.answer(answer, self._run(self._loop.functions, calls))
        return bool(calls)

    def send(self) -> Events:
        """Send the turns so far, with the last results."""
        return self._send(self._loop.contents)

    def mark(self, response: GenerateContentResponse) -> GenerateContentResponse:
        """``response`` with the history so far (see :meth:`CallLoop.finish`)."""
        return self._loop.finish(response)
