"""A minimal, fast fake Gemini API server for the benchmark (loopback only).

Raw sockets, one thread per connection, HTTP/1.1 keep-alive, canned bytes. Every answer
carries the headers the real API sends (``vary`` three times, ``server``, ``server-timing``,
``alt-svc``, ``x-frame-options``, ...: 13 lines) and comes chunked, as the real API's do.
Unary answers are indented by two spaces, as the real API writes them; stream events are
one line each, one event per HTTP chunk.

* ``POST /{v1,v1beta}/models/{model}:generateContent`` for the models of ``payloads``
  (``bench-small``: the real thinking answer; ``bench-image``: 1 MB image; ``bench-large``:
  5 MB; ``bench-chat``: a 2.4 KB chat answer);
* ``POST .../models/bench-stream-N:streamGenerateContent?alt=sse`` -> N SSE events;
* ``POST .../models/bench-wait:generateContent`` -> the small answer after 50 ms, as a model
  takes its time (so that concurrent calls overlap).

Everything else gets a 404. The request body is read (Content-Length or chunked) and thrown
away. Run as ``python bench/server.py``: it prints its port on stdout, then answers each line
``connections`` on its stdin with the number of connections it has accepted so far, and exits
when its stdin closes, so it never outlives the benchmark that started it.
"""

from __future__ import annotations

import contextlib
import socket
import sys
import threading
import time
from functools import cache

import payloads

HEADERS = (
    b"vary: Origin\r\nvary: X-Origin\r\nvary: Referer\r\n"
    b"date: Sat, 29 Nov 2026 06:00:00 GMT\r\nserver: scaffolding on HTTPServer2\r\n"
    b"x-xss-protection: 0\r\nx-frame-options: SAMEORIGIN\r\nx-content-type-options: nosniff\r\n"
    b"server-timing: gfet4t7; dur=812\r\n"
    b'alt-svc: h3=":443"; ma=2592000,h3-29=":443"; ma=2592000\r\n'
    b"transfer-encoding: chunked\r\n"
)
CHUNK = 65536  # the HTTP chunks of a unary answer
WAIT = 0.05  # seconds before bench-wait's answer
UNARY = {
    payloads.SMALL_MODEL: payloads.small_response,
    payloads.IMAGE_MODEL: payloads.image_response,
    payloads.LARGE_MODEL: payloads.large_response,
    payloads.CHAT_MODEL: payloads.chat_response,
}


def _head(status: bytes, content_type: bytes, extra: bytes = b"") -> bytes:
    return b"HTTP/1.1 %s\r\ncontent-type: %s\r\n%s%s\r\n" % (status, content_type, extra, HEADERS)


def _chunked(pieces: list[bytes]) -> bytes:
    return b"".join(b"%x\r\n%s\r\n" % (len(piece), piece) for piece in pieces) + b"0\r\n\r\n"


@cache
def unary(model: bytes) -> bytes:
    body = payloads.dumps_pretty(UNARY[model.decode()]())
    pieces = [body[i : i + CHUNK] for i in range(0, len(body), CHUNK)]
    return _head(b"200 OK", b"application/json; charset=UTF-8") + _chunked(pieces)


@cache
def stream(count: int) -> bytes:
    events = [b"data: " + payloads.dumps(e) + b"\r\n\r\n" for e in payloads.stream_chunks(count)]
    head = _head(b"200 OK", b"text/event-stream", b"content-disposition: attachment\r\n")
    return head + _chunked(events)


NOT_FOUND = _head(b"404 Not Found", b"application/json; charset=UTF-8") + _chunked(
    [b'{\n  "error": {\n    "code": 404,\n    "status": "NOT_FOUND"\n  }\n}\n']
)


def _answer(target: bytes) -> bytes:
    path = target.split(b"?", 1)[0]
    for prefix in (b"/v1/models/", b"/v1beta/models/"):
        if path.startswith(prefix):
            model, _, method = path[len(prefix) :].partition(b":")
            if method == b"generateContent" and model == b"bench-wait":
                time.sleep(WAIT)
                return unary(payloads.SMALL_MODEL.encode())
            if method == b"generateContent" and model.decode() in UNARY:
                return unary(model)
            if method == b"streamGenerateContent" and model.startswith(b"bench-stream-"):
                return stream(int(model.rsplit(b"-", 1)[1]))
    return NOT_FOUND


def _serve(conn: socket.socket) -> None:
    with contextlib.suppress(OSError):  # the client went away mid-request: nothing to answer
        _exchange(conn)


def _exchange(conn: socket.socket) -> None:
    conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    buffer = bytearray()
    with conn:
        while True:
            end = buffer.find(b"\r\n\r\n")
            while end < 0:
                data = conn.recv(262144)
                if not data:
                    return
                buffer += data
                end = buffer.find(b"\r\n\r\n")
            lines = bytes(buffer[:end]).split(b"\r\n")
            del buffer[: end + 4]
            target = lines[0].split(b" ")[1]
            length, chunked, close = 0, False, False
            for line in lines[1:]:
                name, _, value = line.partition(b":")
                name, value = name.strip().lower(), value.strip().lower()
                if name == b"content-length":
                    length = int(value)
                elif name == b"transfer-encoding":
                    chunked = b"chunked" in value
                elif name == b"connection":
                    close = value == b"close"
            if chunked:
                if not _skip_chunked(conn, buffer):
                    return
            else:
                while len(buffer) < length:
                    data = conn.recv(262144)
                    if not data:
                        return
                    buffer += data
                del buffer[:length]
            conn.sendall(_answer(target))
            if close:
                return


def _skip_chunked(conn: socket.socket, buffer: bytearray) -> bool:
    """Consume a chunked request body from ``buffer`` (reading more as needed)."""

    def need(size: int) -> bool:
        while len(buffer) < size:
            data = conn.recv(262144)
            if not data:
                return False
            buffer.extend(data)
        return True

    while True:
        end = buffer.find(b"\r\n")
        while end < 0:
            if not need(len(buffer) + 1):
                return False
            end = buffer.find(b"\r\n")
        size = int(bytes(buffer[:end]).split(b";")[0], 16)
        if not need(end + 2 + size + 2):
            return False
        del buffer[: end + 2 + size + 2]
        if size == 0:  # no trailers are sent by the clients measured here
            return True


def main() -> None:
    for model in UNARY:  # prepared before the port is announced: no request waits for them
        unary(model.encode())
    for count in (payloads.STREAM_CHUNKS, 20, 1000, 5000, 20000):
        stream(count)
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(256)
    accepted = 0

    def accept() -> None:
        nonlocal accepted
        while True:
            conn, _ = listener.accept()
            accepted += 1
            threading.Thread(target=_serve, args=(conn,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    print(listener.getsockname()[1], flush=True)
    for line in sys.stdin:  # until the parent closes our stdin (or dies)
        if line.strip() == "connections":
            print(accepted, flush=True)


if __name__ == "__main__":
    main()
