"""One client shared by many threads: every answer reaches the thread that asked for it.

The emulator echoes the prompt (``You said: "<prompt>".``), so each request carries a unique id
that must come back in its own response: a mixed-up connection, a shared buffer or a stream read
by the wrong thread would show as an id in the wrong place. The pool's rules are counted
against a server of the tests' own, which counts the connections it accepts.
"""

from __future__ import annotations

import gc
import json
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

import gemwire as genai
from gemwire import types
from gemwire.emulator import Emulator
from gemwire.errors import APITimeoutError

MODEL = "gemini-2.5-flash"
THREADS = 16
REQUESTS = 2000


def ask(client: genai.Client, index: int, run: str) -> str:
    """One request of kind ``index % 4``; returns an error description, or "" when it's right."""
    tag = f"req-{run}-{index:05d}"
    prompt = f"{tag} from {threading.current_thread().name}"
    kind = index % 4
    if kind == 3:  # a stream; its chunks must join into this request's echo
        chunks = client.models.generate_content_stream(model=MODEL, contents=prompt)
        text = "".join(chunk.text or "" for chunk in chunks)
    elif kind == 2:  # a chat turn, with a history of its own
        chat = client.chats.create(
            model=MODEL,
            history=[types.Content(role="user", parts=[types.Part(text=f"earlier {tag}")])],
        )
        text = chat.send_message(prompt).text or ""
        if len(chat.get_history()) != 3:
            return f"{tag}: the chat history has {len(chat.get_history())} turns"
    else:
        text = client.models.generate_content(model=MODEL, contents=prompt).text or ""
    turns = "2 turns" if kind == 2 else "1 turn"
    expected = f'You said: "{prompt}". I saw {turns}.'
    return "" if text == expected else f"{tag}: got {text!r}"


def test_one_client_16_threads_2000_requests_no_error_no_cross_talk(emu: Emulator) -> None:
    run = uuid.uuid4().hex[:8]
    with (
        genai.Client(api_key="test-key", base_url=emu.base_url) as client,
        ThreadPoolExecutor(THREADS, thread_name_prefix="caller") as pool,
    ):
        results = list(pool.map(lambda index: ask(client, index, run), range(REQUESTS)))
    problems = [result for result in results if result]
    assert problems == []
    assert len(results) == REQUESTS


def test_concurrent_turns_on_one_chat_each_record_a_whole_exchange(emu: Emulator) -> None:
    """A chat shared by threads: every exchange lands whole (user turn then its answer)."""
    with genai.Client(api_key="test-key", base_url=emu.base_url) as client:
        chat = client.chats.create(model=MODEL)
        with ThreadPoolExecutor(8) as pool:
            replies = list(pool.map(lambda i: chat.send_message(f"turn {i}").text, range(40)))
    history = chat.get_history()
    assert len(history) == 80
    for user, model in zip(history[::2], history[1::2], strict=True):
        assert user.role == "user" and model.role == "model"
        said = (user.parts or [])[0].text
        assert (model.parts or [])[0].text is not None
        assert f'You said: "{said}".' in ((model.parts or [])[0].text or "")
    assert sorted(replies, key=str) == sorted((m.parts or [])[0].text for m in history[1::2])


# The pool: at most max_connections connections, kept for later calls; a call made while all
# are busy waits for one (within its timeout) rather than opening one it would throw away.

ANSWER = json.dumps(
    {"candidates": [{"content": {"parts": [{"text": "ok"}]}, "finishReason": "STOP"}]}
)


class _Answers(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive
    server: CountingServer

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["content-length"]))
        time.sleep(self.server.delay)
        body = ANSWER.encode()
        if "alt=sse" in self.path:
            body = b"data: " + body + b"\r\n\r\n"
        self.send_response(200)
        self.send_header(
            "content-type", "text/event-stream" if "alt=sse" in self.path else "application/json"
        )
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class CountingServer(ThreadingHTTPServer):
    """Answers every call after ``delay`` seconds and counts the connections it accepts."""

    daemon_threads = True

    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay
        self.connections = 0
        super().__init__(("127.0.0.1", 0), _Answers)
        threading.Thread(target=self.serve_forever, daemon=True).start()
        self.base_url = f"http://127.0.0.1:{self.server_address[1]}"

    def process_request(self, request: Any, client_address: Any) -> None:
        self.connections += 1  # one accepting thread: no lock needed
        super().process_request(request, client_address)

    def client(self, **options: Any) -> genai.Client:
        return genai.Client(api_key="k", base_url=self.base_url, proxy="", **options)


@pytest.fixture
def counting() -> Iterator[Callable[[float], CountingServer]]:
    made: list[CountingServer] = []

    def make(delay: float = 0.0) -> CountingServer:
        made.append(CountingServer(delay))
        return made[-1]

    yield make
    for server in made:
        server.shutdown()
        server.server_close()


def burst(client: genai.Client, threads: int, calls: int) -> None:
    """``threads`` threads, started together, making ``calls`` calls each."""
    start = threading.Barrier(threads)

    def work(_: int) -> None:
        start.wait()
        for _ in range(calls):
            assert client.models.generate_content(model=MODEL, contents="hi").text == "ok"

    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(work, range(threads)))


def test_64_threads_open_at_most_64_connections_and_keep_them(
    counting: Callable[[float], CountingServer],
) -> None:
    server = counting(0.05)
    with server.client() as client:
        for _ in range(3):
            burst(client, 64, 2)
    assert 1 <= server.connections <= 64  # none opened only to be thrown away


def test_threads_beyond_max_connections_wait_for_one(
    counting: Callable[[float], CountingServer],
) -> None:
    server = counting(0.01)
    with server.client(max_connections=4) as client:
        burst(client, 16, 3)
    assert 1 <= server.connections <= 4


def test_no_connection_free_within_the_timeout_is_a_timeout(
    counting: Callable[[float], CountingServer],
) -> None:
    server = counting()
    with server.client(max_connections=1, timeout=0.3) as client:
        stream = client.models.generate_content_stream(model=MODEL, contents="hi")  # holds it
        with pytest.raises(APITimeoutError, match="no connection came free"):
            client.models.generate_content(model=MODEL, contents="hi")
        stream.close()
        assert client.models.generate_content(model=MODEL, contents="hi").text == "ok"


def test_streams_closed_left_or_dropped_unread_give_their_connection_back(
    counting: Callable[[float], CountingServer],
) -> None:
    server = counting()
    with server.client(max_connections=2, timeout=2) as client:
        for _ in range(3):
            client.models.generate_content_stream(model=MODEL, contents="hi").close()
            for _ in client.models.generate_content_stream(model=MODEL, contents="hi"):
                break
            with client.models.generate_content_stream(model=MODEL, contents="hi"):
                pass
            client.models.generate_content_stream(model=MODEL, contents="hi")  # dropped
            gc.collect()
        assert client.models.generate_content(model=MODEL, contents="hi").text == "ok"
