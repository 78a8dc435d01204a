"""``ScriptedGemini``: the emulator, a client pointed at it, and the next answers in a line each."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from gemwire.client import Client
from gemwire.errors import ArgumentError, ArgumentTypeError
from gemwire.testing._endpoints import GENERATE
from gemwire.testing._received import ReceivedRequest

if TYPE_CHECKING:
    from gemwire.emulator import Emulator

API_KEY = "gemwire-test-key"  # any key works with the emulator; this one is never real


class ScriptedGemini:
    """A local Gemini API for a test: the ``gemini`` fixture of the ``gemwire.testing``
    pytest plugin.

    ``client`` is a :class:`gemwire.Client` of the emulator (``client.aio`` included); code
    that makes its own client finds the emulator too, since the fixture points
    ``GOOGLE_GEMINI_BASE_URL`` at it and sets ``GEMINI_API_KEY`` and ``GOOGLE_API_KEY`` to a
    fake key for the test. Without a script every call gets the emulator's deterministic
    answer (it echoes the prompt); each ``reply_*`` or fault method scripts the answer to the
    next ``generateContent`` or ``streamGenerateContent`` call (``times`` calls), in order.
    ``requests`` lists what the emulator received, decoded.

    Example::

        def test_summary(gemini):
            gemini.reply("A short summary.")
            assert summarize(gemini.client, "a long text") == "A short summary."
            (request,) = gemini.requests
            assert request.body.contents[0].parts[0].text.endswith("a long text")
    """

    def __init__(self, emulator: Emulator, client: Client) -> None:
        self.emulator = emulator
        self.client = client

    @property
    def base_url(self) -> str:
        """The emulator's ``http://127.0.0.1:<port>``, for clients made by the code under test."""
        return self.emulator.base_url

    @property
    def api_key(self) -> str:
        """The fake API key the fixture's client and environment use."""
        return API_KEY

    # Answers

    def reply(self, text: str, *, times: int = 1) -> None:
        """Answer ``text`` (a stream sends it in pieces of four words)."""
        self._push({"text": text}, times)

    def reply_json(self, value: Any, *, times: int = 1) -> None:
        """A structured answer: ``value`` as JSON text, as with ``response_schema``
        (``response.parsed`` reads it back)."""
        try:
            text = json.dumps(value)
        except (TypeError, ValueError) as error:
            raise ArgumentTypeError(f"value must be JSON: {error}") from None
        self.reply(text, times=times)

    def reply_stream(self, chunks: Sequence[str], *, times: int = 1) -> None:
        """Stream these text chunks, the last with ``finishReason: STOP`` (the next
        ``streamGenerateContent`` call only)."""
        if isinstance(chunks, str) or not chunks:
            raise ArgumentError("chunks must be a non-empty list of strings")
        last = len(chunks) - 1
        body = [_answer([{"text": chunk}], last=i == last) for i, chunk in enumerate(chunks)]
        self._push({"body": body, "kind": "streamGenerateContent"}, times)

    def reply_function_call(
        self, name: str, args: Mapping[str, Any] | None = None, *, times: int = 1
    ) -> None:
        """Answer a call of the function ``name`` with ``args`` (``response.function_calls``;
        a stream sends it in one chunk). A function-calling loop (Python functions as tools)
        runs it and sends its result back in the next request."""
        self._push({"function_calls": [{"name": name, "args": dict(args or {})}]}, times)

    def reply_error(self, status: int, message: str | None = None, *, times: int = 1) -> None:
        """Answer an error in Google's format: ``status`` (429, 503, ...), with Google's
        status name and ``message`` (or Google's usual one). gemwire retries 408, 429 and 5xx,
        so ``times=3`` makes a default client fail."""
        entry: dict[str, Any] = {"status": status, "kind": list(GENERATE)}
        if message is not None:
            entry["message"] = message
        self._push(entry, times)

    # Faults

    def drop(self, *, times: int = 1) -> None:
        """Close the connection without answering."""
        self._push({"drop": True, "kind": list(GENERATE)}, times)

    def delay(self, seconds: float, *, times: int = 1) -> None:
        """Answer as usual after ``seconds``."""
        self._push({"delay": seconds, "kind": list(GENERATE)}, times)

    def truncate(self, after: int = 1, *, times: int = 1) -> None:
        """Cut a stream off: ``after`` chunks, half of the next one, then the connection is
        closed (the next ``streamGenerateContent`` call only)."""
        self._push({"truncate_after": after}, times)

    # What happened

    @property
    def requests(self) -> list[ReceivedRequest]:
        """Every API request received in this test, oldest first, with its body decoded."""
        return [ReceivedRequest.from_log(entry) for entry in self.emulator.requests]

    @property
    def pending(self) -> list[dict[str, Any]]:
        """The scripted answers not used yet (as emulator script entries)."""
        return self.emulator.script

    def _push(self, entry: dict[str, Any], times: int) -> None:
        try:
            self.emulator.push({**entry, "times": times})
        except ValueError as refused:
            raise ArgumentError(str(refused)) from None


def _answer(parts: list[dict[str, Any]], *, last: bool = True) -> dict[str, Any]:
    """A ``GenerateContentResponse`` of one candidate with these parts."""
    candidate: dict[str, Any] = {"content": {"role": "model", "parts": parts}, "index": 0}
    if last:
        candidate["finishReason"] = "STOP"
    return {"candidates": [candidate]}
