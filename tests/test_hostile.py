"""gemwire against servers that misbehave on purpose (issue 11), one section per row of its table.

``Hostile`` is a raw-socket HTTP server on loopback that answers each request with exactly the
bytes a test gives, or hands the socket to the test's own function (to trickle, stall, cut off,
or wait for the test). ``Proxy`` is a tiny CONNECT / forwarding proxy. Nothing here bounds the
client's wall time: a server waits for the test (a gate) or for the client, and gives up after
``WAIT`` seconds, so a slow machine makes a test slower, never wrong.
"""

from __future__ import annotations

import contextlib
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
from tests.conftest import free_port

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
        return "".join(part.get("text", "") for part in self.json["contents"][-1]["parts"])


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


class Listener:
    """A loopback server that serves each connection in a thread of its own."""

    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(connection,), daemon=True).start()

    def _serve(self, connection: socket.socket) -> None:
        raise NotImplementedError

    @staticmethod
    def _requests(connection: socket.socket) -> Iterator[Seen]:
        """The requests a connection carries, until the client hangs up."""
        pending = b""
        while True:
            seen, pending = _read_request(connection, pending)
            if seen is None:
                return
            yield seen

    def close(self) -> None:
        self._listener.close()


class Hostile(Listener):
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
        super().__init__()
        self.base_url = f"{'https' if tls else 'http'}://127.0.0.1:{self.port}"

    def _serve(self, connection: socket.socket) -> None:
        connection.settimeout(WAIT)
        try:
            if self._tls is not None:
                connection = self._tls.wrap_socket(connection, server_side=True)
            for seen in self._requests(connection):
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


def generate(
    client: genai.Client, prompt: str = "hi", **config: Any
) -> types.GenerateContentResponse:
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
    with pytest.raises(errors.ArgumentError, match=r"clear text to 10\.1\.2\.3"):
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
    assert (
        server.requests[0].line == "POST /v1alpha/tunedModels/my-model-7:generateContent HTTP/1.1"
    )


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
            return response(
                PRETTY.replace(b"400", b"503"), kind="text/event-stream", framing="chunked"
            )
        return response(event(answer("fine")), kind="text/event-stream", framing="chunked")

    server = serve(reply)
    with client_of(server) as client:
        assert [chunk.text for chunk in stream(client)] == ["fine"]
    assert len(server.requests) == 2


def test_an_error_event_beside_other_keys_raises(serve: Callable[..., Hostile]) -> None:
    events = event(answer("one ", final=False)) + event(
        {**error_object(500, "mid", "INTERNAL"), "candidates": []}
    )
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
    server = serve(
        lambda seen: response(b"data: null\r\n\r\n", kind="text/event-stream", framing="chunked")
    )
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
    server = serve(
        lambda seen: (
            trickle(reply[:60]) if reply.startswith(b"HTTP/1.1 200 OK\r\nX") else _after_head(reply)
        )
    )
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
    server = serve(
        lambda seen: response(
            error_object(503, "busy", "UNAVAILABLE"),
            status="503 Service Unavailable",
            headers=("Retry-After: 5",),
        )
    )
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
    details = (
        []
        if headers
        else [{"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": hint}]
    )
    busy = {
        "error": {
            "code": 429,
            "message": "slow down",
            "status": "RESOURCE_EXHAUSTED",
            "details": details,
        }
    }
    replies = [
        response(busy, status="429 Too Many Requests", headers=headers),
        response(answer("after")),
    ]
    server = serve(lambda seen: replies[len(server.requests) - 1])
    with client_of(server) as client:
        assert generate(client).text == "after"
    assert retry_waits(caplog) == [pytest.approx(0.005, abs=0.006)]  # our 10 ms backoff, jittered


# Limits: one 20 MB event parsed in quadratic time (10 s); a gzip bomb reached 2.4 GB


def _best_of_three(work: Callable[[], Any]) -> float:
    """This thread's least CPU time over three runs of ``work``."""
    best = float("inf")
    for _ in range(3):
        started = time.thread_time()
        work()
        best = min(best, time.thread_time() - started)
    return best


def test_parsing_an_event_costs_a_small_multiple_of_decoding_its_json() -> None:
    # A ratio of CPU times on the same 32 MB, not a bound on wall time: the parser costs about
    # 3 json.loads (the quadratic one it replaces cost about 100 at 20 MB).
    data = event({"text": "x" * (32 * 2**20)})
    pieces = [data[i : i + 65536] for i in range(0, len(data), 65536)]
    parsing = _best_of_three(lambda: list(iter_sse_json(pieces)))
    decoding = _best_of_three(lambda: json.loads(data[6:-4]))
    assert parsing < 20 * decoding


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
    server = serve(
        lambda seen: response(BOMB, kind=mime, headers=("Content-Encoding: gzip",), framing=framing)
    )
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


def gated(
    head: bytes, first: bytes, rest: bytes, gate: threading.Event
) -> Callable[[socket.socket], None]:
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
        head = response(b"", kind="text/event-stream").replace(
            b"Content-Length: 0", b"Content-Length: %d" % length
        )
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
    first = compressor.compress(event(answer("one ", final=False))) + compressor.flush(
        gzip.zlib.Z_SYNC_FLUSH
    )  # type: ignore[attr-defined]
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


# Stream lifecycle: close() and `with` on a stream never iterated kept its socket; leaving a loop
# kept it until garbage collection


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


WHOLE_STREAM = response(
    event(answer("one ", final=False)) + event(answer("two")),
    kind="text/event-stream",
    framing="chunked",
)
# A stream that never ends: the client must hang up.
ENDLESS = stream_head() + chunk(event(answer("one ", final=False))) * 40


@pytest.mark.skipif(not Path("/proc/self/fd").exists(), reason="counts descriptors in /proc")
def test_ten_thousand_streams_leave_the_descriptor_count_where_it_was(
    serve: Callable[..., Hostile],
) -> None:
    server = serve(lambda seen: WHOLE_STREAM if seen.prompt == "whole" else ENDLESS)
    with client_of(server) as client:
        list(stream(client, "whole"))  # the one pooled connection, made before counting
        before = open_fds()
        gc.disable()  # what is released must be released without the garbage collector
        try:
            for i in range(10_000):
                if i % 4 == 0:
                    stream(client, "endless").close()
                elif i % 4 == 1:
                    with stream(client, "endless"):
                        pass
                elif i % 4 == 2:
                    kept = stream(client, "endless")  # still referenced after the loop
                    for _ in kept:
                        break
                else:
                    assert [piece.text for piece in stream(client, "whole")] == ["one ", "two"]
                if i % 1000 == 999:
                    assert open_fds() <= before + 1, f"after {i + 1} streams"
        finally:
            gc.enable()
    assert len(server.requests) == 10_001


def test_leaving_a_loop_closes_the_connection_at_once_while_the_stream_is_referenced(
    serve: Callable[..., Hostile],
) -> None:
    gate = threading.Event()
    server = serve(
        lambda seen: gated(
            stream_head(),
            chunk(event(answer("one ", final=False))),
            chunk(event(answer("more ", final=False))) * 10_000,
            gate,
        )
    )
    gc.disable()
    try:
        with client_of(server) as client:
            kept = stream(client)
            for _ in kept:
                break
            gate.set()
            assert server.client_left.wait(WAIT)
            assert list(kept) == []  # the stream is closed, not resumed
    finally:
        gc.enable()


def test_two_threads_on_one_stream_get_a_usage_error(serve: Callable[..., Hostile]) -> None:
    gate = threading.Event()
    server = serve(
        lambda seen: gated(stream_head(), b"", chunk(event(answer("only"))) + b"0\r\n\r\n", gate)
    )
    with client_of(server) as client:
        chunks = stream(client)
        first: list[Any] = []
        reader = threading.Thread(target=lambda: first.extend(chunks))
        reader.start()
        while not chunks._reading.locked():  # the reader is waiting for the server
            time.sleep(0.01)
        with pytest.raises(errors.UsageError, match="another thread"):
            next(chunks)
        with pytest.raises(errors.UsageError):
            list(chunks)
        gate.set()
        reader.join(WAIT)
    assert [piece.text for piece in first] == ["only"]


# Chats: a turn left right after its final chunk; the history shared objects with the caller


def test_a_chat_turn_left_right_after_its_final_chunk_is_recorded(
    serve: Callable[..., Hostile],
) -> None:
    gate = threading.Event()  # never set: the connection stays open after the final chunk
    final = chunk(event(answer("one ", final=False))) + chunk(event(answer("two")))
    server = serve(
        lambda seen: gated(stream_head(), final, b"", gate) if "stream" in seen.line else echo(seen)
    )
    with client_of(server) as client:
        chat = client.chats.create(model=MODEL)
        for piece in chat.send_message_stream("hello"):
            if piece.candidates and piece.candidates[0].finish_reason:
                break
        gate.set()
        assert [turn.to_dict() for turn in chat.get_history()] == [
            {"role": "user", "parts": [{"text": "hello"}]},
            {"role": "model", "parts": [{"text": "one two"}]},
        ]


def test_nothing_the_caller_keeps_or_passes_changes_the_chats_history(
    serve: Callable[..., Hostile],
) -> None:
    server = serve(echo)
    with client_of(server) as client:
        passed = types.Content(role="user", parts=[types.Part(text="first")])
        chat = client.chats.create(
            model=MODEL, history=[passed, {"role": "model", "parts": [{"text": "ok"}]}]
        )
        message = types.Part(text="second")
        reply = chat.send_message([message])
        passed.parts[0].text = "changed"  # type: ignore[index]
        message.text = "changed"
        reply.candidates[0].content.parts[0].text = "changed"  # type: ignore[index]
        chat.get_history()[0].parts[0].text = "changed"  # type: ignore[index]
        chat.send_message("third")
    assert [turn["parts"][0]["text"] for turn in server.requests[-1].json["contents"]] == [
        "first",
        "ok",
        "second",
        "second",
        "third",
    ]


# Deep nesting: RecursionError out of generate_content and of get_history()


@dataclasses.dataclass
class Row:
    name: str


def test_model_text_of_a_thousand_brackets_parses_to_none(serve: Callable[..., Hostile]) -> None:
    server = serve(lambda seen: response(answer("[" * 1000)))
    with client_of(server) as client:
        reply = generate(client, response_schema=list[Row])
    assert reply.parsed is None
    assert reply.text == "[" * 1000


def test_function_call_args_nested_600_deep_stay_in_the_history(
    serve: Callable[..., Hostile],
) -> None:
    args: dict[str, Any] = {}
    for _ in range(600):
        args = {"a": args}
    call = {"role": "model", "parts": [{"functionCall": {"name": "f", "args": args}}]}
    server = serve(echo)
    with client_of(server) as client:
        chat = client.chats.create(
            model=MODEL, history=[{"role": "user", "parts": [{"text": "go"}]}, call]
        )
        assert len(chat.get_history()) == 2
        chat.send_message("next")
        assert len(chat.get_history()) == 4
    assert server.requests[0].json["contents"][1] == call


# Keys: echoed in a header, a non-JSON 200 page or a bad event, they reached APIError.headers
# and the chained JSONDecodeError.doc


def assert_clean(error: BaseException, key: str = KEY) -> None:
    text = exception_text(error)
    assert key not in text, text


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        (
            response(
                error_object(400, "nope"),
                status="400 Bad Request",
                headers=(f"X-Echo: your key is {KEY}",),
            ),
            errors.ClientError,
        ),
        (
            response(f"<html>key {KEY}</html>".encode(), kind="text/html"),
            errors.InvalidResponseError,
        ),
        (response(f'{{"candidates": "{KEY}'.encode()), errors.InvalidResponseError),
        (
            response(
                f"data: {{{KEY}\r\n\r\n".encode(), kind="text/event-stream", framing="chunked"
            ),
            errors.IncompleteStreamError,
        ),
        (
            response(
                json.dumps(error_object(400, f"bad {KEY}")).encode(),
                kind="text/event-stream",
                framing="chunked",
            ),
            errors.ClientError,
        ),
        (
            response(f"{{{KEY}\n".encode(), kind="text/event-stream", framing="chunked"),
            errors.InvalidResponseError,
        ),
    ],
    ids=["header", "html-page", "bad-json", "bad-event", "plain-error-object", "plain-garbage"],
)
def test_a_key_the_server_echoes_is_in_no_exception_nor_its_chain(
    serve: Callable[..., Hostile], reply: bytes, expected: type[Exception]
) -> None:
    server = serve(lambda seen: reply)
    is_stream = b"event-stream" in reply
    with client_of(server) as client, pytest.raises(expected) as caught:
        list(stream(client)) if is_stream else generate(client)
    assert_clean(caught.value)
    if isinstance(caught.value, errors.APIError) and not is_stream:
        assert caught.value.headers["x-echo"] == "your key is <redacted>"


def test_a_one_character_key_neither_leaks_nor_mangles_messages(
    serve: Callable[..., Hostile],
) -> None:
    message = "API key k is not valid; keep it secret, okay?"
    server = serve(
        lambda seen: response(
            error_object(400, message), status="400 Bad Request", headers=("X-Echo: k",)
        )
    )
    with client_of(server, api_key="k") as client, pytest.raises(errors.ClientError) as caught:
        generate(client)
    assert caught.value.message == "API key <redacted> is not valid; keep it secret, okay?"
    assert caught.value.headers["x-echo"] == "<redacted>"


# Retries after the server may have received the request: sent 3 times, undocumented


def consume_and_drop(connection: socket.socket) -> None:
    connection.shutdown(socket.SHUT_RDWR)  # the body was read: the server has the request


@pytest.mark.parametrize(("retry_unanswered", "sent"), [(True, 3), (False, 1)])
def test_a_request_the_server_read_before_dropping_is_resent_only_if_allowed(
    serve: Callable[..., Hostile], retry_unanswered: bool, sent: int
) -> None:
    server = serve(lambda seen: consume_and_drop)
    with (
        client_of(server, retry_unanswered=retry_unanswered) as client,
        pytest.raises(errors.APIConnectionError),
    ):
        generate(client)
    assert len(server.requests) == sent


def test_a_stream_cut_before_its_first_event_is_not_resent_when_not_allowed(
    serve: Callable[..., Hostile],
) -> None:
    server = serve(
        lambda seen: lambda connection: connection.sendall(stream_head() + chunk(b"data: {"))
    )
    with (
        client_of(server, retry_unanswered=False) as client,
        pytest.raises(errors.IncompleteStreamError),
    ):
        list(stream(client))
    assert len(server.requests) == 1


def test_a_refused_connection_is_retried_even_when_unanswered_requests_are_not(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="gemwire")
    with (
        genai.Client(
            api_key=KEY,
            base_url=f"http://127.0.0.1:{free_port()}",
            http_options=FAST,
            retry_unanswered=False,
            proxy="",
        ) as client,
        pytest.raises(errors.APIConnectionError, match="could not connect"),
    ):
        generate(client)
    assert len(retry_waits(caplog)) == 2  # nothing left the machine: safe to send again


# Proxies: HTTPS_PROXY / HTTP_PROXY / NO_PROXY were ignored, and there was no proxy option


class Proxy(Listener):
    """A tiny proxy on loopback: ``CONNECT`` tunnels (recording the bytes the client sent
    through them) and forwarding of absolute-form requests, as HTTP proxies do."""

    def __init__(self) -> None:
        self.seen: list[Seen] = []
        self.tunnelled = bytearray()
        super().__init__()
        self.url = f"http://127.0.0.1:{self.port}"

    def _serve(self, connection: socket.socket) -> None:
        connection.settimeout(WAIT)
        with connection:
            for seen in self._requests(connection):
                self.seen.append(seen)
                method, target, _ = seen.line.split()
                if method == "CONNECT":
                    host, port = target.rsplit(":", 1)
                    with socket.create_connection((host, int(port))) as upstream:
                        connection.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
                        with contextlib.suppress(OSError):  # either side hung up
                            self._tunnel(connection, upstream)
                    return
                self._forward(connection, seen, method, target)

    def _tunnel(self, client: socket.socket, upstream: socket.socket) -> None:
        while True:
            readable, _, _ = select.select([client, upstream], [], [], WAIT)
            for source in readable:
                data = source.recv(65536)
                if not data:
                    return
                (upstream if source is client else client).sendall(data)
                if source is client:
                    self.tunnelled += data
            if not readable:
                return

    def _forward(self, client: socket.socket, seen: Seen, method: str, target: str) -> None:
        """One request, sent on to its origin in origin form; its whole answer relayed."""
        address, _, path = target.removeprefix("http://").partition("/")
        host, port = address.rsplit(":", 1)
        headers = "".join(
            f"{name}: {value}\r\n"
            for name, value in seen.headers.items()
            if name != "proxy-authorization"
        )
        with socket.create_connection((host, int(port))) as upstream:
            upstream.sendall(f"{method} /{path} HTTP/1.1\r\n{headers}\r\n".encode() + seen.body)
            answer, rest = b"", b""
            while b"\r\n\r\n" not in answer:
                answer += upstream.recv(65536)
            head, _, rest = answer.partition(b"\r\n\r\n")
            length = int(head.lower().split(b"content-length:")[1].split(b"\r\n")[0])
            while len(rest) < length:
                rest += upstream.recv(65536)
        client.sendall(head + b"\r\n\r\n" + rest)


@pytest.fixture
def proxy() -> Iterator[Proxy]:
    made = Proxy()
    yield made
    made.close()


@pytest.fixture
def no_proxy_environment(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in ("HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    return monkeypatch


@pytest.fixture
def tls_echo(serve: Callable[..., Hostile], self_signed: tuple[Path, Path]) -> tuple[Hostile, Path]:
    """An echoing server behind TLS with the self-signed certificate, and that certificate."""
    cert, key = self_signed
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return serve(echo, tls=context), cert


def test_https_proxy_from_the_environment_is_a_connect_tunnel_verified_end_to_end(
    tls_echo: tuple[Hostile, Path], proxy: Proxy, no_proxy_environment: pytest.MonkeyPatch
) -> None:
    server, cert = tls_echo
    no_proxy_environment.setenv("HTTPS_PROXY", proxy.url)
    with (
        client_of(server, proxy=None) as client,
        pytest.raises(errors.APIConnectionError, match="CERTIFICATE_VERIFY_FAILED"),
    ):
        generate(client)  # the tunnel reaches a certificate nobody trusts: refused
    assert server.requests == []

    no_proxy_environment.setenv("SSL_CERT_FILE", str(cert))
    with client_of(server, proxy=None) as client:
        assert generate(client, "through").text == "through"
    assert [seen.line.split()[:2] for seen in proxy.seen] == [
        ["CONNECT", f"127.0.0.1:{server.port}"]
    ] * 2
    assert server.requests[0].headers["x-goog-api-key"] == KEY
    assert KEY.encode() not in proxy.tunnelled  # the proxy saw TLS records only


def test_http_proxy_from_the_environment_forwards_and_no_proxy_bypasses_it(
    serve: Callable[..., Hostile], proxy: Proxy, no_proxy_environment: pytest.MonkeyPatch
) -> None:
    server = serve(echo)
    no_proxy_environment.setenv("HTTP_PROXY", proxy.url)
    with client_of(server, proxy=None) as client:
        assert generate(client, "forwarded").text == "forwarded"
    path = f"/v1beta/models/{MODEL}:generateContent"
    assert [seen.line for seen in proxy.seen] == [f"POST {server.base_url}{path} HTTP/1.1"]
    assert server.requests[0].line == f"POST {path} HTTP/1.1"

    for listed in ("127.0.0.1", f"example.com, 127.0.0.1:{server.port}", "127.0.0.0/8", "*"):
        no_proxy_environment.setenv("NO_PROXY", listed)
        with client_of(server, proxy=None) as client:
            assert generate(client, "direct").text == "direct"
        assert len(proxy.seen) == 1, listed


def test_a_proxy_argument_wins_over_the_environment_and_carries_its_credentials(
    serve: Callable[..., Hostile], proxy: Proxy, no_proxy_environment: pytest.MonkeyPatch
) -> None:
    server = serve(echo)
    no_proxy_environment.setenv("HTTP_PROXY", "http://127.0.0.1:1")  # nothing listens there
    with_credentials = proxy.url.replace("http://", "http://user:s3cret@")
    with client_of(server, proxy=with_credentials) as client:
        assert generate(client, "argument").text == "argument"
    assert proxy.seen[0].headers["proxy-authorization"] == "Basic dXNlcjpzM2NyZXQ="
    with client_of(server, proxy="") as client:  # "" ignores the environment
        assert generate(client, "none").text == "none"
    assert len(proxy.seen) == 1


def test_google_genais_client_args_set_the_proxy_and_the_ca_bundle(
    tls_echo: tuple[Hostile, Path], proxy: Proxy, no_proxy_environment: pytest.MonkeyPatch
) -> None:
    server, cert = tls_echo
    client_args = {"proxy": proxy.url, "verify": str(cert)}
    options = {**FAST, "client_args": client_args}
    with client_of(server, proxy=None, http_options=options) as client:
        assert generate(client, "trusted").text == "trusted"
    assert [seen.line.split()[0] for seen in proxy.seen] == ["CONNECT"]

    trusting = ssl.create_default_context(cafile=str(cert))  # an httpx-style SSLContext
    options = {**FAST, "async_client_args": {"verify": trusting}}
    with client_of(server, http_options=options) as client:
        assert generate(client, "context").text == "context"
    assert len(server.requests) == 2


def _unverified_context() -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


@pytest.mark.parametrize("verify", [False, _unverified_context()], ids=["False", "CERT_NONE"])
def test_client_args_cannot_turn_tls_verification_off(verify: Any) -> None:
    with pytest.raises(errors.ArgumentError, match=r"verify: .*never turns TLS verification off"):
        genai.Client(api_key=KEY, http_options={"client_args": {"verify": verify}})


def test_client_args_trust_env_false_ignores_the_environments_proxy_not_a_given_one(
    serve: Callable[..., Hostile], proxy: Proxy, no_proxy_environment: pytest.MonkeyPatch
) -> None:
    server = serve(echo)
    no_proxy_environment.setenv("HTTP_PROXY", "http://127.0.0.1:1")  # nothing listens there
    options = {**FAST, "client_args": {"trust_env": False}}
    with client_of(server, proxy=None, http_options=options) as client:
        assert generate(client, "direct").text == "direct"
    # As httpx: trust_env=False drops only the environment's proxy, whatever the keys' order.
    options = {**FAST, "client_args": {"trust_env": False, "proxy": proxy.url}}
    with client_of(server, proxy=None, http_options=options) as client:
        assert generate(client, "proxied").text == "proxied"
    assert len(proxy.seen) == 1


def test_http_client_objects_are_accepted_and_logged_once_at_info(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="gemwire")
    options = {"httpx_client": object(), "client_args": {"http2": True, "limits": object()}}
    for _ in range(2):
        genai.Client(api_key=KEY, http_options=options).close()
    logged = [r for r in caplog.records if "cannot apply" in r.getMessage()]
    assert len(logged) == 1
    assert logged[0].levelno == logging.INFO
    for name in ("httpx_client", "client_args['http2']", "client_args['limits']"):
        assert name in logged[0].getMessage()


def test_plain_http_through_a_proxy_that_is_not_loopback_is_refused() -> None:
    with pytest.raises(errors.ArgumentError, match=r"clear text to 10\.0\.0\.1"):
        genai.Client(api_key=KEY, base_url="http://127.0.0.1:8080", proxy="http://10.0.0.1:3128")


# Arguments: wrong types and values failed late, outside gemwire's error tree, or not at all


@pytest.mark.parametrize(
    ("arguments", "named", "kind"),
    [
        ({"api_key": 123}, "api_key", TypeError),
        ({"api_key": b"bytes-key"}, "api_key", TypeError),
        ({"timeout": 0}, "timeout", ValueError),
        ({"timeout": -1}, "timeout", ValueError),
        ({"timeout": float("nan")}, "timeout", ValueError),
        ({"timeout": float("inf")}, "timeout", ValueError),
        ({"timeout": "10"}, "timeout", TypeError),
        ({"http_options": {"timeout": 0}}, "http_options.timeout", ValueError),
        ({"total_timeout": float("nan")}, "total_timeout", ValueError),
        ({"max_retries": "3"}, "max_retries", TypeError),
        ({"max_retries": -1}, "max_retries", ValueError),
        ({"max_retries": True}, "max_retries", TypeError),
        ({"retry_unanswered": "no"}, "retry_unanswered", TypeError),
        ({"max_event_bytes": 0}, "max_event_bytes", ValueError),
        (
            {"http_options": {"retry_options": {"initial_delay": float("nan")}}},
            "retry_options",
            ValueError,
        ),
        ({"http_options": {"timout": 5}}, "http_options", TypeError),
        ({"proxy": 3128}, "proxy", TypeError),
        ({"proxy": "http://127.0.0.1:3128/path"}, "proxy", ValueError),
    ],
)
def test_a_wrong_client_argument_fails_at_construction_naming_it(
    arguments: dict[str, Any], named: str, kind: type[Exception]
) -> None:
    arguments = {"api_key": KEY, "base_url": "http://127.0.0.1:9", **arguments}
    with pytest.raises(errors.ArgumentError, match=named) as caught:
        genai.Client(**arguments)
    assert isinstance(caught.value, kind)


@pytest.mark.parametrize(
    ("call", "named"),
    [
        (lambda c: generate(c, temperature=float("nan")), "config.temperature"),
        (lambda c: generate(c, top_p=float("inf")), "config.top_p"),
        (lambda c: generate(c, http_options={"timeout": -5}), "http_options.timeout"),
        (lambda c: c.chats.create(model=MODEL, history="hello"), "history"),
        (lambda c: c.chats.create(model=MODEL, history={"role": "user"}), "history"),
        (
            lambda c: c.models.generate_content(
                model=MODEL,
                contents=[
                    {
                        "role": "model",
                        "parts": [{"functionCall": {"name": "f", "args": {"x": float("nan")}}}],
                    }
                ],
            ),
            "NaN or infinity",
        ),
    ],
    ids=[
        "nan-temperature",
        "inf-top-p",
        "negative-call-timeout",
        "string-history",
        "dict-history",
        "nan-in-args",
    ],
)
def test_a_wrong_call_argument_fails_before_anything_is_sent(
    serve: Callable[..., Hostile], call: Callable[[genai.Client], Any], named: str
) -> None:
    server = serve(echo)
    with client_of(server) as client, pytest.raises(errors.GemwireError, match=named):
        call(client)
    assert server.requests == []


def test_a_closed_client_refuses_calls(serve: Callable[..., Hostile]) -> None:
    server = serve(echo)
    client = client_of(server)
    assert generate(client).text == "hi"
    client.close()
    for call in (
        generate,
        lambda c: stream(c),
        lambda c: c.chats.create(model=MODEL).send_message("x"),
    ):
        with pytest.raises(errors.UsageError, match="closed"):
            call(client)
    assert len(server.requests) == 1


# Images: mode I failed with OSError, JPEG with alpha too, animated GIFs lost their frames, and
# an 8000x8000 image built a 184 MB body


PIL = pytest.importorskip("PIL.Image")
MODES = [
    "1",
    "L",
    "LA",
    "La",
    "P",
    "PA",
    "RGB",
    "RGBA",
    "RGBa",
    "RGBX",
    "CMYK",
    "YCbCr",
    "LAB",
    "HSV",
    "I",
    "I;16",
    "I;16L",
    "I;16B",
    "I;16N",
]


def inline(seen: Seen) -> dict[str, str]:
    return dict(seen.json["contents"][0]["parts"][0]["inlineData"])


@pytest.mark.parametrize("mode", MODES)
def test_every_pil_mode_is_sent_as_an_image(serve: Callable[..., Hostile], mode: str) -> None:
    server = serve(echo)
    with client_of(server) as client:
        client.models.generate_content(model=MODEL, contents=[PIL.new(mode, (8, 8)), "hi"])
    sent = inline(server.requests[0])
    assert sent["mimeType"] in ("image/png", "image/jpeg")
    import base64
    import io

    decoded = PIL.open(io.BytesIO(base64.b64decode(sent["data"])))
    assert decoded.size == (8, 8)


def test_a_float_image_is_refused_clearly(serve: Callable[..., Hostile]) -> None:
    server = serve(echo)
    with client_of(server) as client, pytest.raises(errors.ArgumentError, match="mode 'F'"):
        client.models.generate_content(model=MODEL, contents=[PIL.new("F", (8, 8))])
    assert server.requests == []


def test_a_jpeg_with_an_alpha_channel_is_sent_as_png(
    serve: Callable[..., Hostile], tmp_path: Path
) -> None:
    PIL.new("RGB", (8, 8), "red").save(tmp_path / "photo.jpg")
    photo = PIL.open(tmp_path / "photo.jpg")
    photo.putalpha(128)
    assert photo.format == "JPEG"
    server = serve(echo)
    with client_of(server) as client:
        client.models.generate_content(model=MODEL, contents=[photo])
    assert inline(server.requests[0])["mimeType"] == "image/png"


def test_an_animated_image_is_refused_naming_what_to_do(
    serve: Callable[..., Hostile], tmp_path: Path
) -> None:
    frames = [PIL.new("RGB", (8, 8), colour) for colour in ("red", "blue")]
    frames[0].save(tmp_path / "moving.gif", save_all=True, append_images=frames[1:])
    server = serve(echo)
    with (
        client_of(server) as client,
        pytest.raises(errors.ArgumentError, match=r"animated image \(2 frames\).*Files API"),
    ):
        client.models.generate_content(model=MODEL, contents=[PIL.open(tmp_path / "moving.gif")])
    assert server.requests == []


def test_inline_data_over_the_apis_limit_fails_before_the_body_is_built(
    serve: Callable[..., Hostile],
) -> None:
    server = serve(echo)
    big = types.Part.from_bytes(data=b"\0" * 16_000_000, mime_type="application/pdf")
    with (
        client_of(server) as client,
        pytest.raises(errors.ArgumentError, match=r"20 MB .*Files API"),
    ):
        client.models.generate_content(model=MODEL, contents=[big, "summarise"])
    assert server.requests == []
