"""The transport as the network sees it: a raw socket server that sends exactly what a test
says, when the test says so, and records whether the client hung up.

Nothing here times the client: a server waits for the test (a gate) or for the client, so a
slow machine makes a test slower, never wrong.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest

import gemwire as genai
from gemwire import errors

MODEL = "gemini-2.5-flash"
HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
WAIT = 30  # seconds a server waits for the test before it gives up


def event(text: str, *, final: bool = False) -> bytes:
    finish = ', "finishReason": "STOP"' if final else ""
    data = f'data: {{"candidates": [{{"content": {{"parts": [{{"text": "{text}"}}]}}{finish}}}]}}'
    frame = (data + "\r\n\r\n").encode()
    return b"%x\r\n%s\r\n" % (len(frame), frame)


class StreamServer:
    """Answers one request with ``first``, then waits for ``gate`` and sends ``rest`` (each
    item a chunked frame), one at a time; ``client_left`` tells whether writes failed."""

    def __init__(self, first: bytes, rest: list[bytes]) -> None:
        self.first, self.rest = first, rest
        self.gate = threading.Event()
        self.released = False
        self.client_left = False
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.base_url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        connection, _ = self._listener.accept()
        with connection:
            request = b""
            while b"\r\n\r\n" not in request:
                request += connection.recv(65536)
            head, _, body = request.partition(b"\r\n\r\n")
            length = int(head.lower().split(b"content-length:")[1].split(b"\r\n")[0])
            while len(body) < length:  # read it all: unread bytes make closing a reset
                body += connection.recv(65536)
            try:
                connection.sendall(HEAD + self.first)
                self.released = self.gate.wait(WAIT)
                for frame in self.rest:
                    connection.sendall(frame)
                connection.sendall(b"0\r\n\r\n")
            except OSError:
                self.client_left = True

    def join(self) -> None:
        self._thread.join(WAIT)
        self._listener.close()


@pytest.fixture
def client() -> Iterator[genai.Client]:
    with genai.Client(api_key="test-key", base_url="http://127.0.0.1:1", max_retries=0) as made:
        yield made


def stream_from(server: StreamServer) -> genai.Stream:
    client = genai.Client(api_key="test-key", base_url=server.base_url, max_retries=0)
    return client.models.generate_content_stream(model=MODEL, contents="hi")


def test_a_chunk_is_handed_over_before_the_server_writes_the_next() -> None:
    server = StreamServer(event("one "), [event("two", final=True)])
    stream = stream_from(server)
    assert next(stream).text == "one "
    server.gate.set()
    assert [chunk.text for chunk in stream] == ["two"]
    server.join()
    assert server.released  # the first chunk did not wait for the rest of the stream


def test_leaving_a_loop_early_closes_the_connection_without_reading_the_rest() -> None:
    server = StreamServer(event("one "), [event("more ")] * 10_000 + [event("end", final=True)])
    stream = stream_from(server)
    for _ in stream:
        break
    server.gate.set()
    server.join()
    assert server.released and server.client_left
    assert list(stream) == []


def test_closing_a_stream_never_iterated_closes_its_connection() -> None:
    server = StreamServer(event("one "), [event("more ")] * 10_000 + [event("end", final=True)])
    stream = stream_from(server)
    stream.close()
    server.gate.set()
    server.join()
    assert server.client_left


@pytest.mark.parametrize(
    "base_url",
    [
        "http://example.com",
        "http://127.0.0.1.example.com",
    ],
)
def test_plain_http_to_anything_but_loopback_is_refused(base_url: str) -> None:
    with pytest.raises(ValueError, match="refusing to send the API key in clear text"):
        genai.Client(api_key="test-key", base_url=base_url)


@pytest.mark.parametrize(
    "base_url", ["http://127.0.0.1:8080", "http://[::1]:8080", "http://localhost:8080/proxy"]
)
def test_plain_http_to_loopback_is_allowed(base_url: str) -> None:
    assert genai.Client(api_key="test-key", base_url=base_url).base_url == base_url


def test_a_connection_refused_is_a_connection_error(client: genai.Client) -> None:
    with pytest.raises(errors.APIConnectionError, match="could not connect"):
        client.models.generate_content(model=MODEL, contents="hi")
