"""A minimal, fast fake Gemini API server for the benchmark (loopback only).

Raw sockets, one thread per connection, HTTP/1.1 keep-alive, canned bytes prepared at start:

* ``POST /{v1,v1beta}/models/bench-small:generateContent`` -> a ~500-byte answer;
* ``POST /{v1,v1beta}/models/bench-chat:generateContent`` -> a ~2.4 KB answer (chat turns);
* ``POST /{v1,v1beta}/models/{m}:streamGenerateContent?alt=sse`` -> 2,000 SSE events, one
  HTTP chunk each (``data: {json}\\r\\n\\r\\n``), the last with ``finishReason`` and usage.

Everything else gets a 404. The request body is read (Content-Length or chunked) and thrown
away. Run as ``python bench/server.py``: it prints its port on stdout and exits when its
stdin closes, so it never outlives the benchmark that started it.
"""

from __future__ import annotations

import contextlib
import socket
import sys
import threading

import payloads


def _response(status: str, body: bytes, content_type: str = "application/json") -> bytes:
    head = (
        f"HTTP/1.1 {status}\r\ncontent-type: {content_type}; charset=UTF-8\r\n"
        f"content-length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


def _stream_response(events: list[dict]) -> bytes:
    head = (
        b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n"
    )
    chunks = []
    for event in events:
        data = b"data: " + payloads.dumps(event) + b"\r\n\r\n"
        chunks.append(b"%x\r\n%s\r\n" % (len(data), data))
    return head + b"".join(chunks) + b"0\r\n\r\n"


SMALL = _response("200 OK", payloads.dumps(payloads.small_response()))
CHAT = _response("200 OK", payloads.dumps(payloads.chat_response()))
STREAM = _stream_response(payloads.stream_chunks())
NOT_FOUND = _response("404 Not Found", b'{"error": {"code": 404, "status": "NOT_FOUND"}}')


def _answer(target: bytes) -> bytes:
    path = target.split(b"?", 1)[0]
    if not path.startswith((b"/v1/models/", b"/v1beta/models/")):
        return NOT_FOUND
    if path.endswith(b":streamGenerateContent"):
        return STREAM
    if path.endswith(b"/bench-small:generateContent"):
        return SMALL
    if path.endswith(b"/bench-chat:generateContent"):
        return CHAT
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
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)

    def accept() -> None:
        while True:
            conn, _ = listener.accept()
            threading.Thread(target=_serve, args=(conn,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    print(listener.getsockname()[1], flush=True)
    sys.stdin.read()  # until the parent closes our stdin (or dies)


if __name__ == "__main__":
    main()
