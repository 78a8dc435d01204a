"""The Gemini REST surface: route a `Request`, apply the script, check it, answer it.

Order of work for an API request: log it (without the key), take the first matching script
entry (its `delay`, then `drop` / `html` / `status` / `body` answer at once), then as the real
service would: route (unknown URL: Google's HTML 404), API key (403), model (404), JSON (400),
schema (400), and finally the deterministic answer of `_responder`.
"""

from __future__ import annotations

import json
import re
import threading
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from gemwire import _validation
from gemwire._secrets import SECRET_HEADERS
from gemwire.emulator import _errors, _models, _responder
from gemwire.emulator._script import Fault, Script
from gemwire.emulator._server import JSON, Answer, Request

SSE = "text/event-stream"
HTML = "text/html; charset=UTF-8"
GENERATE = {"generateContent", "streamGenerateContent"}
# Validation results are kept for small bodies: benchmarks send the same request many times.
_CACHED_BODY = 64 * 1024
_CACHED_RESULTS = 1024
_NOT_A_MESSAGE = "Root element must be a message."
_ROUTE = re.compile(
    r"/(?P<version>v[0-9][A-Za-z0-9]*)/models(?:/(?P<model>[^/:]+)(?::(?P<method>[A-Za-z]+))?)?"
)


@dataclass(frozen=True)
class Route:
    """A request the API knows: `kind` is the script's name for it, None for other methods."""

    kind: str | None
    version: str
    model: str
    method: str


class App:
    """Answers every request the server receives; holds the script and the request log."""

    def __init__(self, script: Script, *, validate: bool, log_limit: int) -> None:
        self.script = script
        self.validate = validate
        self.closing = threading.Event()  # set on close: cuts delays short
        self._log: deque[dict[str, Any]] = deque(maxlen=log_limit)
        self._log_lock = threading.Lock()
        self._violations: dict[tuple[str, bytes], list[tuple[str, str]]] = {}

    def requests(self) -> list[dict[str, Any]]:
        """A copy of the request log, oldest first."""
        with self._log_lock:
            return list(self._log)

    def reset(self) -> None:
        """Clear the script and the request log."""
        self.script.clear()
        with self._log_lock:
            self._log.clear()

    def __call__(self, request: Request) -> Answer:
        if request.path.startswith("/_emulator/"):
            return self._control(request)
        route = _route(request)
        body, problem = _parse(request.body)
        self._record(request, body if request.body.strip() else None)
        sse = route is not None and route.kind == "streamGenerateContent"
        sse = sse and request.query.get("alt") == "sse"
        fault = self.script.take(route.kind if route else None, request.path)
        answer = None
        if fault is not None:
            if fault.delay:
                self.closing.wait(fault.delay)
            answer = self._fault(fault, request, route, sse)
        if answer is None:
            answer = self._api(request, route, body, problem, fault, sse)
        if fault is not None and fault.headers:
            answer.headers = {**answer.headers, **fault.headers}
        return answer

    def _api(
        self,
        request: Request,
        route: Route | None,
        body: Any,
        problem: str | None,
        fault: Fault | None,
        sse: bool,
    ) -> Answer:
        if route is None:
            return Answer(404, _errors.html_page(404, request.path), HTML)
        if not (_header(request, "x-goog-api-key") or request.query.get("key")):
            return _error(_errors.permission_denied(), sse)
        if route.kind == "listModels":
            size = request.query.get("pageSize", "")
            page = _models.list_page(
                int(size) if size.isdigit() else 0, request.query.get("pageToken", "")
            )
            return _json(page)
        if not _models.is_served(route.model) or route.kind is None:
            return _error(_errors.model_not_found(route.model, route.version, route.method), sse)
        if route.kind == "getModel":
            return _json(_models.get(route.model))
        if problem is not None:
            message = f"Invalid JSON payload received. {problem}"
            return _error(_errors.bad_request(message, [("", message)]), sse)
        if not isinstance(body, dict):
            message = f'Invalid JSON payload received. Unknown name "": {_NOT_A_MESSAGE}'
            return _error(_errors.bad_request(message, [("", message)]), sse)
        invalid = self._check(route.kind, body, request.body)
        if invalid is not None:
            return _error(invalid, sse)
        if route.kind == "countTokens":
            return _json(_responder.count_tokens(body))
        reply = _responder.compose(route.model, body, request.body, fault.text if fault else None)
        if route.kind == "generateContent":
            return _json(_responder.response(reply))
        return self._stream(reply, fault, sse)

    def _check(self, kind: str, body: dict[str, Any], raw: bytes) -> dict[str, Any] | None:
        """A 400 body if the request breaks the spec or sends no contents, else None."""
        if self.validate:
            message = "CountTokensRequest" if kind == "countTokens" else "GenerateContentRequest"
            violations = self._violations_of(message, body, raw)
            if violations:
                described = [
                    (path, f"Invalid value at '{path}': {why}") for path, why in violations
                ]
                text = "\n".join(d for _, d in described)
                return _errors.bad_request(f"Invalid JSON payload received. {text}", described)
        if kind == "countTokens":
            return None
        contents = body.get("contents")
        if not contents:
            message = "* GenerateContentRequest.contents: contents is not specified\n"
            return _errors.bad_request(message, [("contents", "contents is not specified")])
        for index, content in enumerate(contents if isinstance(contents, list) else [contents]):
            if isinstance(content, dict) and not content.get("parts"):
                field = f"contents[{index}].parts"
                message = f"* GenerateContentRequest.{field}: contents.parts must not be empty.\n"
                return _errors.bad_request(message, [(field, "contents.parts must not be empty.")])
        return None

    def _violations_of(self, message: str, body: Any, raw: bytes) -> list[tuple[str, str]]:
        """``_validation.check``, remembered for small bodies (keyed by their bytes)."""
        key = (message, raw) if len(raw) <= _CACHED_BODY else None
        known = self._violations.get(key) if key is not None else None
        if known is not None:
            return known
        violations = _validation.check(message, body)
        if key is not None:
            if len(self._violations) >= _CACHED_RESULTS:
                self._violations.clear()
            self._violations[key] = violations
        return violations

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
        """`/_emulator/requests`, `/_emulator/script`, `/_emulator/reset`."""
        name, method = request.path.removeprefix("/_emulator/"), request.method
        if name == "requests" and method == "GET":
            return _json({"requests": self.requests()})
        if name == "script" and method == "GET":
            return _json({"script": self.script.pending()})
        if name == "script" and method == "POST":
            body, problem = _parse(request.body)
            try:
                if problem is not None:
                    raise ValueError(f"the script must be JSON: {problem}")
                self.script.push(*(body if isinstance(body, list) else [body]))
            except ValueError as exc:
                return Answer(400, _errors.encode(_errors.error(400, str(exc))))
            return _json({"script": self.script.pending()})
        if name == "reset" and method == "POST":
            self.reset()
            return _json({})
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


def _route(request: Request) -> Route | None:
    found = _ROUTE.fullmatch(request.path)
    if found is None:
        return None
    version, model, method = found["version"], found["model"], found["method"]
    if model is None:
        return Route("listModels", version, "", "list") if request.method == "GET" else None
    if method is None:
        return Route("getModel", version, model, "get") if request.method == "GET" else None
    if request.method != "POST":
        return None
    kind = method if method in GENERATE or method == "countTokens" else None
    return Route(kind, version, model, method)


def _header(request: Request, name: str) -> str:
    return next((v for k, v in request.headers.items() if k.lower() == name), "")


def _parse(raw: bytes) -> tuple[Any, str | None]:
    """The JSON body (an empty body is `{}`), or None and what is wrong with it."""
    if not raw.strip():
        return {}, None
    try:
        return json.loads(raw), None
    except UnicodeDecodeError:
        return None, "The body is not UTF-8."
    except json.JSONDecodeError as exc:
        return None, f"{exc.msg} at line {exc.lineno} column {exc.colno}."


def _dump(payload: Any) -> bytes:
    return json.dumps(payload, ensure_ascii=False).encode()


def _json(payload: Any) -> Answer:
    return Answer(200, _dump(payload))


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
