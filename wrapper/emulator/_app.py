"""The Gemini REST surface: route a `Request`, apply the script, check it, answer it.

Order of work for an API request: log it (without the key), take the first matching script
entry (its `delay`, then `drop` / `html` / `status` / `body` answer at once), then as the real
service would: route (unknown URL: Google's HTML 404), API key (403), model (404), JSON (400),
then the method's handler: `_generation` for generate and count, `_embeddings`, and the
resources (`_files`, `_upload`, `_caches`, `_batches`), which refuse with `ApiError`s.
"""

from __future__ import annotations

import json
import threading
from collections import deque
from collections.abc import Callable, Iterator
from typing import Any

from gemwire._secrets import SECRET_HEADERS
from gemwire.emulator import _embeddings, _errors, _models, _responder, _routes
from gemwire.emulator._batches import Batches
from gemwire.emulator._caches import Caches
from gemwire.emulator._checks import Checker
from gemwire.emulator._clock import Clock, timestamp
from gemwire.emulator._errors import ApiError
from gemwire.emulator._files import Files
from gemwire.emulator._generation import Generation
from gemwire.emulator._routes import Call, Route, parse_json
from gemwire.emulator._script import Fault, Script
from gemwire.emulator._server import JSON, Answer, Request, json_answer
from gemwire.emulator._upload import Uploads

SSE = "text/event-stream"
HTML = "text/html; charset=UTF-8"
_RAW_BODIES = frozenset({"uploadChunk", "queryUpload"})  # file bytes, not JSON


class App:
    """Answers every request the server receives; holds the script, the request log and the
    resources (files, uploads, cached contents, batches) on the emulator's clock."""

    def __init__(
        self,
        script: Script,
        *,
        validate: bool,
        log_limit: int,
        files_memory_limit: int,
        chunk_granularity: int,
    ) -> None:
        self.script = script
        self.closing = threading.Event()  # set on close: cuts delays short
        self.clock = Clock()
        self.checker = Checker(validate)
        self.files = Files(self.clock, files_memory_limit)
        self.uploads = Uploads(self.files, chunk_granularity)
        self.caches = Caches(self.clock, self.checker, self.files)
        self.generation = Generation(self.checker, self.caches, self.files)
        self.batches = Batches(self.clock, self.generation, self.files)
        self._log: deque[dict[str, Any]] = deque(maxlen=log_limit)
        self._log_lock = threading.Lock()
        self._handlers: dict[str, Callable[[Call], Answer]] = {
            "listModels": self._list_models,
            "getModel": self._get_model,
            "generateContent": self._generate,
            "streamGenerateContent": self._generate,
            "countTokens": self._count_tokens,
            "embedContent": self._embed,
            "batchEmbedContents": self._embed,
            **self.files.handlers(),
            **self.uploads.handlers(),
            **self.caches.handlers(),
            **self.batches.handlers(),
        }

    @property
    def validate(self) -> bool:
        """Whether request bodies are checked against the spec."""
        return self.checker.validate

    def requests(self) -> list[dict[str, Any]]:
        """A copy of the request log, oldest first."""
        with self._log_lock:
            return list(self._log)

    def reset(self) -> None:
        """Clear the script, the request log, every resource, and the clock's advance."""
        self.script.clear()
        with self._log_lock:
            self._log.clear()
        self.files.clear()
        self.uploads.clear()
        self.caches.clear()
        self.batches.clear()
        self.clock.reset()

    def __call__(self, request: Request) -> Answer:
        if request.path.startswith("/_emulator/"):
            return self._control(request)
        found = _routes.route(request)
        raw = found is not None and found.kind in _RAW_BODIES
        body, problem = (None, None) if raw else parse_json(request.body)
        self._record(request, body if request.body.strip() else None)
        fault = self.script.take(found.kind if found else None, request.path)
        call = Call(request, found, body, problem, fault) if found else None
        sse = call is not None and call.sse
        answer = None
        if fault is not None:
            if fault.delay:
                self.closing.wait(fault.delay)
            answer = self._fault(fault, request, found, sse)
        if answer is None:
            answer = self._answer(request, call)
            if fault is not None and fault.drop_after:
                answer = Answer(drop=True)
        if fault is not None and fault.headers:
            answer.headers = {**answer.headers, **fault.headers}
        return answer

    def _answer(self, request: Request, call: Call | None) -> Answer:
        if call is None:
            return Answer(404, _errors.html_page(404, request.path), HTML)
        if not (call.header("x-goog-api-key") or call.query("key")):
            return _error(_errors.permission_denied(), call.sse)
        try:
            return self._api(call)
        except ApiError as refused:
            answer = _error(refused.body, call.sse)
            answer.headers = refused.headers
            return answer

    def _api(self, call: Call) -> Answer:
        kind, model = call.route.kind, call.route.model
        if model and (kind is None or not _models.serves(model, call.route.method)):
            method = "embedContent" if kind == "batchEmbedContents" else call.route.method
            raise ApiError(_errors.model_not_found(model, call.route.version, method))
        assert kind is not None  # only model methods have no kind
        return self._handlers[kind](call)

    def _list_models(self, call: Call) -> Answer:
        size = call.query("pageSize")
        page = _models.list_page(int(size) if size.isdigit() else 0, call.query("pageToken"))
        return json_answer(page)

    def _get_model(self, call: Call) -> Answer:
        return json_answer(_models.get(call.route.model))

    def _count_tokens(self, call: Call) -> Answer:
        body = call.json_object()
        invalid = self.generation.check("countTokens", body, call.request.body)
        if invalid is not None:
            raise ApiError(invalid)
        return json_answer(_responder.count_tokens(body))

    def _generate(self, call: Call) -> Answer:
        body, kind = call.json_object(), str(call.route.kind)
        invalid = self.generation.check(kind, body, call.request.body)
        if invalid is not None:
            raise ApiError(invalid)
        fault = call.fault
        reply = self.generation.reply(
            call.route.model,
            body,
            call.request.body,
            call.header("host"),
            fault.text if fault else None,
            fault.function_calls if fault else None,
        )
        if kind == "generateContent":
            return json_answer(_responder.response(reply))
        return self._stream(reply, call.fault, call.sse)

    def _embed(self, call: Call) -> Answer:
        body, model = call.json_object(), call.route.model
        if call.route.kind == "embedContent":
            return json_answer(_embeddings.embed(model, body, self.checker))
        return json_answer(_embeddings.embed_batch(model, body, self.checker))

    def _stream(self, reply: _responder.Reply, fault: Fault | None, sse: bool) -> Answer:
        cut_at = fault.truncate_after if fault else None
        error_at = fault.stream_error_after if fault else None
        at_least = max(2, (cut_at if cut_at is not None else -1) + 1)
        at_least = max(at_least, (error_at if error_at is not None else -1) + 1)
        chunks = _responder.stream(reply, fault.chunks if fault else None, at_least)
        error = _errors.error(fault.status or 500, fault.message) if fault else None
        pause = fault.chunk_delay if fault else 0.0
        frames = _frames(chunks, sse, cut_at, error_at, error, pause, self.closing)
        return Answer(200, content_type=SSE if sse else JSON, stream=frames, cut=cut_at is not None)

    def _fault(
        self, fault: Fault, request: Request, route: Route | None, sse: bool
    ) -> Answer | None:
        """The answer a script entry imposes, or None when it only shapes the normal answer."""
        if fault.drop:
            return Answer(drop=True)
        if fault.html:
            status = fault.status or 502
            return Answer(status, _errors.html_page(status, request.path), HTML)
        streaming = route is not None and route.kind == "streamGenerateContent"
        if fault.has_body:
            status = fault.status or 200
            if streaming and status == 200:
                chunks = fault.body if isinstance(fault.body, list) else [fault.body]
                frames = _frames(chunks, sse, None, None, None, fault.chunk_delay, self.closing)
                return Answer(200, content_type=SSE if sse else JSON, stream=frames)
            return Answer(status, _dump(fault.body), SSE if sse else JSON)
        if fault.status and fault.status != 200 and fault.stream_error_after is None:
            details = _errors.retry_details(fault.retry_delay) if fault.retry_delay else []
            message = fault.message
            if message is None and fault.retry_delay:
                message = _errors.QUOTA_MESSAGE
            return _error(_errors.error(fault.status, message, details), sse)
        return None

    def _control(self, request: Request) -> Answer:
        """`/_emulator/requests`, `/_emulator/script`, `/_emulator/clock`, `/_emulator/reset`."""
        name, method = request.path.removeprefix("/_emulator/"), request.method
        if name == "requests" and method == "GET":
            return json_answer({"requests": self.requests()})
        if name == "script" and method == "GET":
            return json_answer({"script": self.script.pending()})
        if name == "clock" and method == "POST":
            body, _ = parse_json(request.body)
            seconds = body.get("advance") if isinstance(body, dict) else None
            if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or seconds < 0:
                message = 'POST /_emulator/clock takes {"advance": <seconds, at least 0>}'
                return Answer(400, _errors.encode(_errors.error(400, message)))
            self.clock.advance(seconds)
            return json_answer({"now": timestamp(self.clock.now())})
        if name == "script" and method == "POST":
            body, problem = parse_json(request.body)
            try:
                if problem is not None:
                    raise ValueError(f"the script must be JSON: {problem}")
                self.script.push(*(body if isinstance(body, list) else [body]))
            except ValueError as exc:
                return Answer(400, _errors.encode(_errors.error(400, str(exc))))
            return json_answer({"script": self.script.pending()})
        if name == "reset" and method == "POST":
            self.reset()
            return json_answer({})
        return Answer(404, _errors.html_page(404, request.path), HTML)

    def _record(self, request: Request, body: Any) -> None:
        entry = {
            "method": request.method,
            "path": request.path,
            "query": {k: v for k, v in request.query.items() if k != "key"},
            "headers": {
                k: v for k, v in request.headers.items() if k.lower() not in SECRET_HEADERS
            },
            "body": body,
        }
        with self._log_lock:
            self._log.append(entry)


def _dump(payload: Any) -> bytes:
    return json.dumps(payload, ensure_ascii=False).encode()


def _error(body: dict[str, Any], sse: bool) -> Answer:
    """An error; on `alt=sse` it is one plain JSON object labelled text/event-stream (recorded)."""
    return Answer(int(body["error"]["code"]), _errors.encode(body), SSE if sse else JSON)


def _frames(
    chunks: list[Any],
    sse: bool,
    cut_at: int | None,
    error_at: int | None,
    error: dict[str, Any] | None,
    pause: float,
    closing: threading.Event,
) -> Iterator[bytes]:
    """Stream framing: `data: {json}\\r\\n\\r\\n` events, or the pieces of one JSON array."""

    def frame(index: int, payload: Any) -> bytes:
        if sse:
            return b"data: " + _dump(payload) + b"\r\n\r\n"
        return (b"[" if index == 0 else b",\r\n") + _dump(payload)

    for index, chunk in enumerate(chunks):
        if error_at is not None and index == error_at:
            yield frame(index, error)
            break
        if pause:
            closing.wait(pause)
        if cut_at is not None and index == cut_at:
            piece = frame(index, chunk)
            yield piece[: len(piece) // 2]
            return
        yield frame(index, chunk)
    if not sse:
        yield b"]" if chunks else b"[]"
