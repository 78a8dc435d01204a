"""HTTP/1.1 plumbing: read a request, hand it to the app, write its `Answer`.

Keep-alive with `Content-Length` for whole bodies, chunked transfer encoding for streams, one
thread per connection (`daemon_threads`), Nagle off. Nothing here knows the Gemini API, and
nothing here logs a query string (where an API key can travel).
"""

from __future__ import annotations

import contextlib
import json
import socket
import sys
import threading
import traceback
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, cast
from urllib.parse import parse_qsl, unquote, urlsplit

from gemwire.emulator import _errors

JSON = "application/json; charset=UTF-8"
MAX_BODY = 20 * 1024 * 1024  # the API's request size limit
MAX_UPLOAD = 2 * 1024 * 1024 * 1024  # the Files API's limit per file, for `/upload/` paths
_MAX_DRAIN = 16 * MAX_BODY  # beyond this, refuse without reading the body


@dataclass(frozen=True)
class Request:
    """What arrived: `path` is percent-decoded and without the query string."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes


@dataclass
class Answer:
    """What to send back: a whole body, a chunked `stream`, or nothing at all (`drop`)."""

    status: int = 200
    body: bytes = b""
    content_type: str = JSON
    headers: Mapping[str, str] = field(default_factory=dict)
    stream: Iterable[bytes] | None = None
    cut: bool = False  # end the stream by closing the connection, not with the last chunk
    drop: bool = False  # close the connection without answering
    close: bool = False  # close the connection after answering


App = Callable[[Request], Answer]


def json_answer(payload: Any, headers: Mapping[str, str] | None = None) -> Answer:
    """A 200 answer of `payload` as JSON."""
    body = json.dumps(payload, ensure_ascii=False).encode()
    return Answer(200, body, headers=dict(headers or {}))


class EmulatorServer(ThreadingHTTPServer):
    """A threading HTTP server that remembers its connections so `close_all` can end them."""

    daemon_threads = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], app: App, *, verbose: bool = False) -> None:
        self.app = app
        self.verbose = verbose
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        super().__init__(address, _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._open_lock:
            self._open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def close_all(self) -> None:
        """End every open keep-alive connection (their threads then finish)."""
        with self._open_lock:
            sockets = list(self._open)
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return  # the client went away; nothing to report
        super().handle_error(request, client_address)


class EmulatorServer6(EmulatorServer):
    """The same on an IPv6 address such as `::1`."""

    address_family = socket.AF_INET6


class _BodyTooLarge(Exception):
    pass


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server_version = "gemwire-emulator"
    sys_version = ""

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def do_PUT(self) -> None:
        self._serve()

    def do_PATCH(self) -> None:
        self._serve()

    def do_DELETE(self) -> None:
        self._serve()

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass  # the request line can carry `?key=`; `_serve` logs without the query

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _serve(self) -> None:
        server = cast(EmulatorServer, self.server)
        url = urlsplit(self.path)
        limit = MAX_UPLOAD if url.path.startswith("/upload/") else MAX_BODY
        try:
            body = self._read_body(limit)
        except _BodyTooLarge:
            message = f"Request payload size exceeds the limit: {limit} bytes."
            answer = Answer(400, _errors.encode(_errors.error(400, message)))
        except ValueError:
            bad = _errors.error(400, "Invalid Content-Length or chunked request body.")
            answer = Answer(400, _errors.encode(bad), close=True)
        else:
            request = Request(
                method=self.command,
                path=unquote(url.path),
                query=dict(parse_qsl(url.query, keep_blank_values=True)),
                headers=dict(self.headers.items()),
                body=body,
            )
            try:
                answer = server.app(request)
            except Exception:
                traceback.print_exc()
                answer = Answer(500, _errors.encode(_errors.error(500)))
        if server.verbose:
            sys.stderr.write(f"{self.command} {unquote(url.path)} {answer.status}\n")
        self._write(answer)

    def _read_body(self, limit: int) -> bytes:
        """The request body; one over `limit` is read to its end and dropped (_BodyTooLarge),
        so the answer reaches the client and the connection stays usable."""
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            return self._read_chunked(limit)
        length = int(self.headers.get("Content-Length") or 0)
        if length > limit:
            if length > max(limit, _MAX_DRAIN):
                self.close_connection = True  # not worth reading: answer and hang up
            else:
                self._discard(length)
            raise _BodyTooLarge
        return self.rfile.read(length) if length > 0 else b""

    def _read_chunked(self, limit: int) -> bytes:
        body = bytearray()
        too_large = False
        while True:
            size = int(self.rfile.readline(1024).split(b";")[0].strip(), 16)
            if size == 0:
                while self.rfile.readline(1024).strip():
                    pass  # trailers
                if too_large:
                    raise _BodyTooLarge
                return bytes(body)
            if too_large or len(body) + size > limit:
                too_large = True
                self._discard(size)
            else:
                body += self.rfile.read(size)
            self.rfile.readline(1024)

    def _discard(self, size: int) -> None:
        while size > 0:
            piece = self.rfile.read(min(size, 1 << 20))
            if not piece:
                raise ConnectionError("the client closed the connection mid-body")
            size -= len(piece)

    def _write(self, answer: Answer) -> None:
        if answer.drop:
            self.close_connection = True
            return
        if answer.close:
            self.close_connection = True
        phrase = self.responses.get(answer.status, ("",))[0]
        lines = [
            f"HTTP/1.1 {answer.status} {phrase}",
            f"Content-Type: {answer.content_type}",
            f"Date: {self.date_time_string()}",
            f"Server: {self.server_version}",
        ]
        if answer.stream is None:
            lines.append(f"Content-Length: {len(answer.body)}")
        else:
            lines.append("Transfer-Encoding: chunked")
        lines += [f"{name}: {value}" for name, value in answer.headers.items()]
        if self.close_connection:
            lines.append("Connection: close")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        try:
            if answer.stream is None:
                self.wfile.write(head + answer.body)
                return
            self.wfile.write(head)
            for piece in answer.stream:
                if piece:
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            if answer.cut:
                self.close_connection = True
            else:
                self.wfile.write(b"0\r\n\r\n")
        except (ConnectionError, TimeoutError):
            self.close_connection = True  # the client left mid-answer
