"""gemwire against servers that misbehave on purpose (issue 11), one section per row of its table.

``Hostile`` is a raw-socket HTTP server on loopback that answers each request with exactly the
bytes a test gives, or hands the socket to the test's own function (to trickle, stall, cut off,
or wait for the test). ``Proxy`` is a tiny CONNECT / forwarding proxy. Nothing here bounds the
client's wall time: a server waits for the test (a gate) or for the client, and gives up after
``WAIT`` seconds, so a slow machine makes a test slower, never wrong.
"""

from __future__ import annotations

import dataclasses
import gc
import gzip
import json
import logging
import os
import select
import socket
import ssl
import threading
import time
import traceback
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

import pytest

import gemwire as genai
from gemwire import errors, types
from gemwire._sse import iter_sse_json

MODEL = "gemini-2.5-flash"
KEY = "AIzaFAKE-hostile-test-key-0123456789"
WAIT = 30  # seconds a server waits for the test or the client before it gives up
FAST = {"retry_options": {"initial_delay": 0.01}}


class Seen(NamedTuple):
    """A request as the server received it."""

    line: str
    headers: dict[str, str]
    body: bytes
    port: int  # the client's port: one per connection

    @property
    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def prompt(self) -> str:
        return str(self.json["contents"][-1]["parts"][0]["text"])


Reply = bytes | Callable[[socket.socket], None]


def _read_request(connection: socket.socket, pending: bytes) -> tuple[Seen | None, bytes]:
    data = pending
    while b"\r\n\r\n" not in data:
        more = connection.recv(65536)
        if not more:
            return None, b""
        data += more
    head, _, data = data.partition(b"\r\n\r\n")
    line, *fields = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (f.partition(":") for f in fields)}
    length = int(headers.get("content-length", "0"))
    while len(data) < length:
        more = connection.recv(65536)
        if not more:
            return None, b""
        data += more
    port = connection.getpeername()[1]
    return Seen(line, headers, data[:length], port), data[length:]


class Hostile:
    """Answers each request with ``answer(seen)``: bytes (the connection stays open for the
    next request) or a function that writes to the socket itself (the connection closes
    after it). Records what it received."""

    def __init__(
        self, answer: Callable[[Seen], Reply], *, tls: ssl.SSLContext | None = None
    ) -> None:
        self.answer = answer
        self.requests: list[Seen] = []
        self.client_left = threading.Event()  # a write failed: the client hung up
        self._tls = tls
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self.base_url = f"{'https' if tls else 'http'}://127.0.0.1:{self.port}"
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(connection,), daemon=True).start()

    def _serve(self, connection: socket.socket) -> None:
        connection.settimeout(WAIT)
        try:
            if self._tls is not None:
                connection = self._tls.wrap_socket(connection, server_side=True)
            pending = b""
            while True:
                seen, pending = _read_request(connection, pending)
                if seen is None:
                    return
                self.requests.append(seen)
                reply = self.answer(seen)
                if not isinstance(reply, bytes):
                    reply(connection)
                    return
                connection.sendall(reply)
        except OSError:
            self.client_left.set()
        finally:
            connection.close()

    def close(self) -> None:
        self._listener.close()


@pytest.fixture
def serve() -> Iterator[Callable[..., Hostile]]:
    made: list[Hostile] = []

    def make(answer: Callable[[Seen], Reply], **kwargs: Any) -> Hostile:
        made.append(Hostile(answer, **kwargs))
        return made[-1]

    yield make
    for server in made:
        server.close()


def client_of(server: Hostile, **kwargs: Any) -> genai.Client:
    kwargs.setdefault("api_key", KEY)
    kwargs.setdefault("http_options", FAST)
    kwargs.setdefault("proxy", "")
    return genai.Client(base_url=server.base_url, **kwargs)


# What servers send


def answer(text: str = "ok", *, final: bool = True) -> dict[str, Any]:
    candidate: dict[str, Any] = {"content": {"role": "model", "parts": [{"text": text}]}}
    if final:
        candidate["finishReason"] = "STOP"
    return {"candidates": [candidate]}


def event(payload: Any) -> bytes:
    return b"data: " + json.dumps(payload).encode() + b"\r\n\r\n"


def chunk(data: bytes) -> bytes:
    return b"%x\r\n%s\r\n" % (len(data), data)


def response(
    body: bytes | Any = b"",
    *,
    status: str = "200 OK",
    kind: str = "application/json",
    headers: tuple[str, ...] = (),
    framing: str = "length",
) -> bytes:
    """A whole HTTP response; ``framing``: ``length``, ``chunked`` (one chunk) or ``close``."""
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    lines = [f"HTTP/1.1 {status}", f"Content-Type: {kind}", *headers]
    if framing == "length":
        lines.append(f"Content-Length: {len(data)}")
    elif framing == "chunked":
        lines.append("Transfer-Encoding: chunked")
        data = (chunk(data) if data else b"") + b"0\r\n\r\n"
    else:
        lines.append("Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + data


def stream_head(*headers: str, framing: str = "chunked") -> bytes:
    head = response(b"", kind="text/event-stream", headers=headers, framing=framing)
    return head.removesuffix(b"0\r\n\r\n")


def error_object(code: int, message: str = "bad", status: str = "INVALID_ARGUMENT") -> Any:
    return {"error": {"code": code, "message": message, "status": status}}


def generate(client: genai.Client, prompt: str = "hi", **config: Any) -> types.GenerateContentResponse:
    return client.models.generate_content(model=MODEL, contents=prompt, config=config or None)


def stream(client: genai.Client, prompt: str = "hi", **config: Any) -> genai.Stream:
    return client.models.generate_content_stream(
        model=MODEL, contents=prompt, config=config or None
    )


def exception_text(error: BaseException) -> str:
    """Everything an exception shows: the formatted chain, reprs, args and attributes of it
    and of each exception it chains."""
    parts = ["".join(traceback.format_exception(error))]
    seen: set[int] = set()
    pending: list[BaseException | None] = [error]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        parts += [repr(current), str(current), repr(current.args)]
        parts += [repr(value) for value in vars(current).values()]
        pending += [current.__cause__, current.__context__]
    return "\n".join(parts)


# Processes: after os.fork(), parent and child shared pooled sockets and read each other's answers


def echo(seen: Seen) -> bytes:
    return response(answer(seen.prompt))


def test_a_forked_child_opens_connections_of_its_own(serve: Callable[..., Hostile]) -> None:
    server = serve(echo)
    client = client_of(server)
    assert generate(client, "parent 0").text == "parent 0"  # a pooled connection, now idle
    parent_port = server.requests[0].port
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: its answers, then out without running pytest's teardown
        code = 1
        try:
            texts = [generate(client, f"child {i}").text for i in range(30)]
            os.write(writer, json.dumps(texts).encode())
            code = 0
        finally:
            os._exit(code)
    os.close(writer)
    parent = [generate(client, f"parent {i}").text for i in range(1, 31)]
    with os.fdopen(reader, "rb") as pipe:
        child = json.loads(pipe.read() or b"null")
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert child == [f"child {i}" for i in range(30)]
    assert parent == [f"parent {i}" for i in range(1, 31)]
    child_ports = {seen.port for seen in server.requests if seen.prompt.startswith("child")}
    assert parent_port not in child_ports  # the child never wrote on the parent's socket


# URLs: the loopback guard must look at the host urllib3 connects to


@pytest.mark.parametrize(
    ("base_url", "why"),
    [
        ("http://127.0.0.2:8080\\@127.0.0.1", "backslashes"),  # urllib3 connects to 127.0.0.2
        ("http://evil.example@127.0.0.1:8080", "user name or password"),
        ("http://user:pw@127.0.0.1:8080", "user name or password"),
        ("http://127.0.0.1:8080 /x", "whitespace"),
        ("http://127.0.0.1:8080\t", "whitespace"),
        ("http://127.0.0.1:8080?key=x", "query"),
        ("http://127.0.0.1:8080#f", "fragment"),
    ],
)
def test_a_base_url_that_parsers_could_read_two_ways_is_refused(base_url: str, why: str) -> None:
    with pytest.raises(errors.ArgumentError, match=why) as caught:
        genai.Client(api_key=KEY, base_url=base_url)
    assert isinstance(caught.value, ValueError)


def test_the_clear_text_rule_applies_to_the_host_connected_to() -> None:
    with pytest.raises(errors.ArgumentError, match="clear text to 10.1.2.3"):
        genai.Client(api_key=KEY, base_url="http://10.1.2.3:8080/127.0.0.1")


@pytest.mark.parametrize(
    ("arguments", "named"),
    [
        ({"model": "../../files"}, "model"),
        ({"model": "gemini?key=x"}, "model"),
        ({"model": "gemini#f"}, "model"),
        ({"model": "models/../../files"}, "model"),
        ({"model": "gemini:streamGenerateContent"}, "model"),
        ({"model": ""}, "model"),
    ],
)
def test_a_model_name_that_would_change_the_path_is_refused_before_sending(
    serve: Callable[..., Hostile], arguments: dict[str, str], named: str
) -> None:
    server = serve(echo)
    with client_of(server) as client, pytest.raises(errors.ArgumentError, match=named):
        client.models.generate_content(contents="hi", **arguments)
    assert server.requests == []


def test_an_api_version_that_would_change_the_path_is_refused(
    serve: Callable[..., Hostile],
) -> None:
    server = serve(echo)
    for version in ("../../evil", "v1beta/x", "v1?x=1", "v1 beta"):
        with pytest.raises(errors.ArgumentError, match="api_version"):
            client_of(server, api_version=version)
    with client_of(server, api_version="v1alpha") as client:
        client.models.generate_content(model="tunedModels/my-model-7", contents="hi")
    assert server.requests[0].line == "POST /v1alpha/tunedModels/my-model-7:generateContent HTTP/1.1"


# Errors on the wire: an error object wherever a response or an event is expected

PRETTY = json.dumps(error_object(400, "pretty"), indent=2).encode()


@pytest.mark.parametrize(
    "body",
    [
        json.dumps(error_object(400, "one line")).encode() + b"\n",
        PRETTY + b"\n",
        PRETTY,  # no line end at all
        b"[" + json.dumps(error_object(400, "in an array")).encode() + b"]",
        b"\xef\xbb\xbf" + PRETTY,
    ],
    ids=["one-line", "pretty", "pretty-no-newline", "array", "bom"],
)
def test_an_error_object_without_data_prefix_on_a_200_stream_is_a_client_error_sent_once(
    serve: Callable[..., Hostile], body: bytes
) -> None:
    server = serve(lambda seen: response(body, kind="text/event-stream", framing="chunked"))
    with client_of(server) as client, pytest.raises(errors.ClientError) as caught:
        list(stream(client))
    assert caught.value.code == 400
    assert caught.value.status == "INVALID_ARGUMENT"
    assert caught.value.message in ("one line", "pretty", "in an array")
    assert len(server.requests) == 1  # a 400 is not sent again


def test_a_503_error_object_on_a_200_stream_is_retried(serve: Callable[..., Hostile]) -> None:
    def reply(seen: Seen) -> bytes:
        if len(server.requests) == 1:
            return response(PRETTY.replace(b"400", b"503"), kind="text/event-stream", framing="chunked")
        return response(event(answer("fine")), kind="text/event-stream", framing="chunked")

    server = serve(reply)
    with client_of(server) as client:
        assert [chunk.text for chunk in stream(client)] == ["fine"]
    assert len(server.requests) == 2


def test_an_error_event_beside_other_keys_raises(serve: Callable[..., Hostile]) -> None:
    events = event(answer("one ", final=False)) + event({**error_object(500, "mid", "INTERNAL"), "candidates": []})
    server = serve(lambda seen: response(events, kind="text/event-stream", framing="chunked"))
    received = []
    with client_of(server) as client, pytest.raises(errors.ServerError, match="mid"):
        for piece in stream(client):
            received.append(piece.text)
    assert received == ["one "]
    assert len(server.requests) == 1  # a chunk was handed over: not sent again


@pytest.mark.parametrize(
    "payload",
    [error_object(400, "unary"), {**error_object(400, "unary"), "candidates": []}],
    ids=["alone", "with-other-keys"],
)
def test_an_error_object_in_a_200_unary_answer_is_a_client_error_sent_once(
    serve: Callable[..., Hostile], payload: Any
) -> None:
    server = serve(lambda seen: response(payload))
    with client_of(server) as client, pytest.raises(errors.ClientError) as caught:
        generate(client)
    assert (caught.value.code, caught.value.status, caught.value.message) == (
        400,
        "INVALID_ARGUMENT",
        "unary",
    )
    assert len(server.requests) == 1


def test_a_5xx_error_object_in_a_200_unary_answer_is_retried(serve: Callable[..., Hostile]) -> None:
    replies = [response(error_object(503, "busy", "UNAVAILABLE")), response(answer("fine"))]
    server = serve(lambda seen: replies[len(server.requests) - 1])
    with client_of(server) as client:
        assert generate(client).text == "fine"
    assert len(server.requests) == 2


def test_data_null_is_an_invalid_response_inside_the_error_tree(
    serve: Callable[..., Hostile],
) -> None:
    server = serve(lambda seen: response(b"data: null\r\n\r\n", kind="text/event-stream", framing="chunked"))
    with client_of(server) as client, pytest.raises(errors.InvalidResponseError):
        list(stream(client))


# Deadlines: a server trickling a byte at a time kept a call with timeout=10 open for good


def trickle(data: bytes, every: float = 0.2) -> Callable[[socket.socket], None]:
    """Send ``data`` one byte per ``every`` seconds, for at most ``WAIT`` seconds."""

    def send(connection: socket.socket) -> None:
        started = time.monotonic()
        for byte in data:
            if time.monotonic() - started > WAIT:
                return
            connection.sendall(bytes([byte]))
            time.sleep(every)

    return send


LONG_BODY = json.dumps(answer("x" * 1000)).encode()


@pytest.mark.parametrize(
    "reply",
    [
        response(LONG_BODY),  # the body, a byte at a time
        b"HTTP/1.1 200 OK\r\n" + b"X-Slow: " + b"a" * 500 + b"\r\n",  # the headers
    ],
    ids=["body", "headers"],
)
def test_a_trickling_server_cannot_stretch_a_call_past_its_timeout(
    serve: Callable[..., Hostile], reply: bytes
) -> None:
    server = serve(lambda seen: trickle(reply[:60]) if reply.startswith(b"HTTP/1.1 200 OK\r\nX") else _after_head(reply))
    started = time.monotonic()
    with client_of(server, timeout=1) as client, pytest.raises(errors.APITimeoutError) as caught:
        generate(client)
    assert time.monotonic() - started >= 1
    assert "timeout of 1 s" in str(caught.value)
    assert len(server.requests) == 1  # the request was sent: a timeout is not retried


def _after_head(reply: bytes) -> Callable[[socket.socket], None]:
    head, _, body = reply.partition(b"\r\n\r\n")

    def send(connection: socket.socket) -> None:
        connection.sendall(head + b"\r\n\r\n")
        trickle(body)(connection)

    return send


def test_a_stream_waits_timeout_for_each_event_not_for_the_whole_stream(
    serve: Callable[..., Hostile],
) -> None:
    def reply(connection: socket.socket) -> None:
        connection.sendall(stream_head())
        for i in range(8):  # 8 events, 0.25 s apart: 2 s in all, twice the timeout
            time.sleep(0.25)
            connection.sendall(chunk(event(answer(f"{i} ", final=i == 7))))
        connection.sendall(b"0\r\n\r\n")

    server = serve(lambda seen: reply)
    with client_of(server, timeout=1) as client:
        started = time.monotonic()
        texts = [piece.text for piece in stream(client)]
    assert texts == [f"{i} " for i in range(8)]
    assert time.monotonic() - started >= 2


def test_bytes_that_never_complete_an_event_do_not_reset_the_streams_timeout(
    serve: Callable[..., Hostile],
) -> None:
    def reply(connection: socket.socket) -> None:
        connection.sendall(stream_head() + chunk(event(answer("first ", final=False))))
        for _ in range(int(WAIT / 0.2)):  # then one comment byte every 0.2 s: no event, ever
            time.sleep(0.2)
            connection.sendall(chunk(b":"))

    server = serve(lambda seen: reply)
    received = []
    with client_of(server, timeout=1) as client, pytest.raises(errors.APITimeoutError) as caught:
        for piece in stream(client):
            received.append(piece.text)
    assert received == ["first "]
    assert "no event within the timeout of 1 s" in str(caught.value)


def test_total_timeout_bounds_a_whole_stream(serve: Callable[..., Hostile]) -> None:
    def reply(connection: socket.socket) -> None:
        connection.sendall(stream_head())
        for i in range(int(WAIT / 0.2)):  # an event every 0.2 s, never a final one
            connection.sendall(chunk(event(answer(f"{i} ", final=False))))
            time.sleep(0.2)

    server = serve(lambda seen: reply)
    received = []
    started = time.monotonic()
    with (
        client_of(server, timeout=5, total_timeout=1) as client,
        pytest.raises(errors.APITimeoutError, match="total limit"),
    ):
        for piece in stream(client):
            received.append(piece.text)
    assert time.monotonic() - started >= 1
    assert len(received) >= 2  # events kept coming: only the total limit ended it


def test_total_timeout_stops_retrying_when_the_next_wait_would_pass_it(
    serve: Callable[..., Hostile],
) -> None:
    server = serve(lambda seen: response(error_object(503, "busy", "UNAVAILABLE"), status="503 Service Unavailable", headers=("Retry-After: 5",)))
    with client_of(server, total_timeout=2) as client, pytest.raises(errors.ServerError):
        generate(client)
    assert len(server.requests) == 1  # waiting 5 s would pass the 2 s limit


# Retry-After / RetryInfo: nan raised ValueError from time.sleep and lost the answer after it


def retry_waits(caplog: pytest.LogCaptureFixture) -> list[float]:
    return [
        float(r.args[2])  # type: ignore[index]
        for r in caplog.records
        if r.name == "gemwire" and r.getMessage().startswith("retrying")
    ]


@pytest.mark.parametrize(
    "hint",
    [
        ("Retry-After: nan",),
        ("Retry-After: inf",),
        ("Retry-After: -5",),
        ("Retry-After: Sun, 06 Nov 1994 08:49:37 GMT",),  # a date in the past
        "nans",
        "-3s",
        "infs",
    ],
)
def test_a_server_delay_that_is_not_a_finite_non_negative_number_falls_back_to_backoff(
    serve: Callable[..., Hostile], caplog: pytest.LogCaptureFixture, hint: Any
) -> None:
    caplog.set_level(logging.INFO, logger="gemwire")
    headers = hint if isinstance(hint, tuple) else ()
    details = [] if headers else [{"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": hint}]
    busy = {"error": {"code": 429, "message": "slow down", "status": "RESOURCE_EXHAUSTED", "details": details}}
    replies = [response(busy, status="429 Too Many Requests", headers=headers), response(answer("after"))]
    server = serve(lambda seen: replies[len(server.requests) - 1])
    with client_of(server) as client:
        assert generate(client).text == "after"
    assert retry_waits(caplog) == [pytest.approx(0.005, abs=0.006)]  # our 10 ms backoff, jittered


# Limits: one 20 MB event parsed in quadratic time (10 s); a gzip bomb reached 2.4 GB


def _parse_seconds(size: int) -> float:
    data = event({"text": "x" * size})
    pieces = [data[i : i + 65536] for i in range(0, len(data), 65536)]
    best = float("inf")
    for _ in range(3):
        started = time.process_time()
        (payload,) = iter_sse_json(pieces)
        best = min(best, time.process_time() - started)
    assert len(payload["text"]) == size
    return best


def test_parsing_an_event_is_linear_in_its_size() -> None:
    # A ratio of CPU times of the same code on 4 and 32 MB, not a bound on wall time: linear
    # work gives about 8, the quadratic parser it replaces gave about 64.
    assert _parse_seconds(32 * 2**20) < 24 * max(_parse_seconds(4 * 2**20), 1e-3)


def test_a_50_mb_event_arrives_whole(serve: Callable[..., Hostile]) -> None:
    big = event(answer("x" * (50 * 10**6)))
    server = serve(lambda seen: response(big, kind="text/event-stream", framing="chunked"))
    with client_of(server) as client:
        (piece,) = list(stream(client))
    assert len(piece.text or "") == 50 * 10**6


def test_an_event_over_max_event_bytes_raises(serve: Callable[..., Hostile]) -> None:
    big = event(answer("x" * 100_000))
    server = serve(lambda seen: response(big, kind="text/event-stream", framing="chunked"))
    with (
        client_of(server, max_event_bytes=10_000) as client,
        pytest.raises(errors.ResponseTooLargeError, match="max_event_bytes"),
    ):
        list(stream(client))
    assert len(server.requests) == 1


BOMB = gzip.compress(b" " * (64 * 2**20), compresslevel=9)  # 64 MiB of spaces in ~64 KB


@pytest.mark.parametrize("kind", ["unary", "stream"])
def test_a_gzip_bomb_stops_at_max_response_bytes_with_memory_bounded(
    serve: Callable[..., Hostile], kind: str
) -> None:
    framing = "length" if kind == "unary" else "chunked"
    mime = "application/json" if kind == "unary" else "text/event-stream"
    server = serve(lambda seen: response(BOMB, kind=mime, headers=("Content-Encoding: gzip",), framing=framing))
    tracemalloc.start()
    try:
        with (
            client_of(server, max_response_bytes=4 * 2**20) as client,
            pytest.raises(errors.ResponseTooLargeError, match="max_response_bytes"),
        ):
            generate(client) if kind == "unary" else list(stream(client))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 32 * 2**20  # the 64 MiB were never held


# Framing: an event was held back until 64 KiB or the end; chunked + gzip failed


def gated(head: bytes, first: bytes, rest: bytes, gate: threading.Event) -> Callable[[socket.socket], None]:
    def send(connection: socket.socket) -> None:
        connection.sendall(head + first)
        gate.wait(WAIT)
        connection.sendall(rest)

    return send


def _framed(framing: str, events: list[bytes]) -> tuple[bytes, list[bytes]]:
    if framing == "chunked":
        return stream_head(), [chunk(e) for e in events[:-1]] + [chunk(events[-1]) + b"0\r\n\r\n"]
    if framing == "length":
        length = sum(len(e) for e in events)
        head = response(b"", kind="text/event-stream").replace(b"Content-Length: 0", b"Content-Length: %d" % length)
        return head, events
    return stream_head(framing="close"), events


@pytest.mark.parametrize("framing", ["chunked", "length", "close"])
def test_each_event_is_handed_over_as_it_arrives_whatever_the_framing(
    serve: Callable[..., Hostile], framing: str
) -> None:
    gate = threading.Event()
    head, frames = _framed(framing, [event(answer("one ", final=False)), event(answer("two"))])
    server = serve(lambda seen: gated(head, frames[0], b"".join(frames[1:]), gate))
    with client_of(server) as client, stream(client) as chunks:
        assert next(chunks).text == "one "  # the server is still waiting for the gate
        gate.set()
        assert [piece.text for piece in chunks] == ["two"]


@pytest.mark.parametrize("framing", ["chunked", "length"])
def test_a_gzip_stream_decodes_as_it_arrives(serve: Callable[..., Hostile], framing: str) -> None:
    gate = threading.Event()
    compressor = gzip.zlib.compressobj(wbits=31)  # type: ignore[attr-defined]
    first = compressor.compress(event(answer("one ", final=False))) + compressor.flush(gzip.zlib.Z_SYNC_FLUSH)  # type: ignore[attr-defined]
    rest = compressor.compress(event(answer("two"))) + compressor.flush()
    head, frames = _framed(framing, [first, rest])
    head = head.replace(b"\r\n\r\n", b"\r\nContent-Encoding: gzip\r\n\r\n", 1)
    server = serve(lambda seen: gated(head, frames[0], frames[1], gate))
    with client_of(server) as client, stream(client) as chunks:
        assert next(chunks).text == "one "
        gate.set()
        assert [piece.text for piece in chunks] == ["two"]


def test_a_utf8_bom_before_the_first_event_keeps_the_first_chunk(
    serve: Callable[..., Hostile],
) -> None:
    body = b"\xef\xbb\xbf" + event(answer("first ", final=False)) + event(answer("last"))
    server = serve(lambda seen: response(body, kind="text/event-stream", framing="chunked"))
    with client_of(server) as client:
        assert [piece.text for piece in stream(client)] == ["first ", "last"]
