"""``client.aio``: google-genai-style async code against the emulator, and against raw socket
servers (tests/test_transport.py's) that see the client hang up.

No test times the client. "The event loop never waits on I/O" is checked by recording the
thread of every socket operation and every backoff sleep of the client's calls; cancellation
by a server that tells whether the client closed its connection. The loop's lag under load is
measured by ``make bench``, not asserted here.
"""

from __future__ import annotations

import asyncio
import functools
import socket
import subprocess
import sys
import threading
import time
import weakref
from collections.abc import Callable, Coroutine, Iterator
from typing import Any, ParamSpec

import pytest

import gemwire as genai
from gemwire import errors, types
from gemwire._async_client import AsyncClient
from gemwire.emulator import Emulator
from tests.conftest import MakeClient
from tests.test_transport import StreamServer, event

MODEL = "gemini-2.5-flash"
WAIT = 30  # seconds a test waits for something that should happen at once
# Enough frames that the server is still writing whenever the client hangs up (~100 MB).
ENDLESS = [event("more ")] * 1_000_000

P = ParamSpec("P")


def run(test: Callable[P, Coroutine[Any, Any, None]]) -> Callable[P, None]:
    """An async test, run in an event loop of its own (pytest sees a plain test function)."""

    @functools.wraps(test)
    def sync(*args: P.args, **kwargs: P.kwargs) -> None:
        asyncio.run(asyncio.wait_for(test(*args, **kwargs), WAIT))

    return sync


async def until(condition: Callable[[], bool]) -> None:
    while not condition():
        await asyncio.sleep(0.005)


@pytest.fixture
def aio(client: genai.Client) -> Iterator[AsyncClient]:
    """``client.aio`` of the emulator's client; its worker threads end after the test."""
    yield client.aio
    asyncio.run(client.aio.aclose())


def texts(history: list[types.Content]) -> list[tuple[str | None, str | None]]:
    return [(turn.role, (turn.parts or [types.Part()])[0].text) for turn in history]


# The surface, as google-genai's client.aio has it


@run
async def test_generate_content_and_count_tokens_answer_as_the_sync_calls_do(
    client: genai.Client, aio: AsyncClient
) -> None:
    config = types.GenerateContentConfig(system_instruction="Be brief.", temperature=0.1)
    response = await aio.models.generate_content(model=MODEL, contents="Hi", config=config)
    assert response.text == (
        'You said: "Hi". I saw 1 turn and the system instruction "Be brief.". '
        "You asked for temperature 0.1."
    )
    sync = client.models.generate_content(model=MODEL, contents="Hi", config=config)
    assert response.to_dict() == sync.to_dict()
    tokens = await aio.models.count_tokens(model=MODEL, contents="Hello, world!")
    assert tokens.total_tokens == 4
    assert client.aio is aio


@run
async def test_an_awaited_stream_is_an_async_iterator_of_chunks(aio: AsyncClient) -> None:
    prompt = "one two three four five six seven"
    chunks = [
        chunk.text
        async for chunk in await aio.models.generate_content_stream(model=MODEL, contents=prompt)
    ]
    assert len(chunks) > 1
    assert "".join(chunks) == f'You said: "{prompt}". I saw 1 turn.'


@run
async def test_an_awaited_stream_offers_the_sync_streams_extras(
    client: genai.Client, aio: AsyncClient
) -> None:
    prompt = "one two three four five six seven"
    config = {"thinking_config": {"include_thoughts": True}}
    async with await aio.models.generate_content_stream(
        model=MODEL, contents=prompt, config=config
    ) as stream:
        first = await anext(stream)
        assert stream.current_response.to_dict() == first.to_dict()
        assert not stream.finished
        final = await stream.get_final_response()
        assert stream.finished
    sync = client.models.generate_content_stream(model=MODEL, contents=prompt, config=config)
    assert final.to_dict() == sync.get_final_response().to_dict()
    assert [chunk async for chunk in stream] == []  # read to the end, then closed


@run
async def test_errors_are_the_sync_clients(emu: Emulator, aio: AsyncClient) -> None:
    with pytest.raises(errors.ClientError) as caught:
        await aio.models.generate_content(model="no-such-model", contents="Hi")
    assert caught.value.code == 404
    emu.push({"status": 400, "kind": "streamGenerateContent"})
    with pytest.raises(errors.ClientError):
        await aio.models.generate_content_stream(model=MODEL, contents="Hi")
    emu.push({"truncate_after": 1})
    stream = await aio.models.generate_content_stream(
        model=MODEL, contents="one two three four five"
    )
    with pytest.raises(errors.IncompleteStreamError):
        async for _ in stream:
            pass


@run
async def test_retries_and_timeouts_are_the_sync_clients(emu: Emulator, aio: AsyncClient) -> None:
    emu.push({"status": 503}, {"status": 503})
    response = await aio.models.generate_content(model=MODEL, contents="Hi")
    assert response.text == 'You said: "Hi". I saw 1 turn.'
    assert len(emu.requests) == 3
    emu.reset()
    emu.push({"delay": 10})
    with pytest.raises(errors.APITimeoutError, match=r"0\.25 s"):
        await aio.models.generate_content(
            model=MODEL, contents="Hi", config={"http_options": {"timeout": 250}}
        )
    assert len(emu.requests) == 1  # a read timeout is not retried


@run
async def test_async_with_closes_the_client_and_later_calls_raise_a_gemwire_error(
    make_client: MakeClient,
) -> None:
    client = make_client()
    async with client.aio as aio:
        await aio.models.generate_content(model=MODEL, contents="Hi")
    with pytest.raises(errors.APIConnectionError, match="closed"):
        await aio.models.generate_content(model=MODEL, contents="Hi")
    with pytest.raises(errors.APIConnectionError, match="closed"):
        await aio.chats.create(model=MODEL).send_message("Hi")
    await aio.aclose()  # a second time changes nothing


def test_importing_gemwire_does_not_import_asyncio() -> None:
    code = "import sys, gemwire; gemwire.Client; print('asyncio' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


# Chats: the sync history rules


@run
async def test_a_chat_records_its_turns_and_merges_a_streamed_one(
    client: genai.Client, aio: AsyncClient
) -> None:
    chat = aio.chats.create(model=MODEL)
    reply = await chat.send_message("I have 2 dogs in my house.")
    assert reply.text == 'You said: "I have 2 dogs in my house.". I saw 1 turn.'
    streamed = [
        chunk.text async for chunk in await chat.send_message_stream("How many paws are there?")
    ]
    assert len(streamed) > 1
    assert texts(chat.get_history()) == [
        ("user", "I have 2 dogs in my house."),
        ("model", reply.text),
        ("user", "How many paws are there?"),
        ("model", "".join(streamed)),  # one merged model turn
    ]
    sync = client.chats.create(model=MODEL)
    sync.send_message("I have 2 dogs in my house.")
    sync.send_message_stream("How many paws are there?").get_final_response()
    assert [t.to_dict() for t in chat.get_history()] == [t.to_dict() for t in sync.get_history()]


@run
async def test_failed_and_abandoned_turns_are_not_recorded(emu: Emulator, aio: AsyncClient) -> None:
    chat = aio.chats.create(model=MODEL, history=[{"role": "user", "parts": [{"text": "Hello"}]}])
    await chat.send_message("first question")
    before = texts(chat.get_history())
    emu.push({"status": 400})
    with pytest.raises(errors.ClientError):
        await chat.send_message("refused")
    emu.push({"truncate_after": 1})
    with pytest.raises(errors.IncompleteStreamError):
        await (await chat.send_message_stream("cut off one two three four")).get_final_response()
    async for _ in await chat.send_message_stream("left early one two three four five"):
        break
    async with await chat.send_message_stream("closed early one two three four five") as stream:
        await anext(stream)
    assert texts(chat.get_history()) == before
    reply = await chat.send_message("next question")
    assert reply.text == 'You said: "next question". I saw 4 turns.'


@run
async def test_a_cancelled_send_message_is_not_recorded(emu: Emulator, aio: AsyncClient) -> None:
    chat = aio.chats.create(model=MODEL)
    await chat.send_message("first question")
    emu.push({"delay": 0.3})
    abandoned = asyncio.create_task(chat.send_message("abandoned question"))
    await until(lambda: len(emu.requests) == 2)  # sent: its worker waits for the answer
    abandoned.cancel()
    with pytest.raises(asyncio.CancelledError):
        await abandoned
    emu.push({"delay": 0.6})  # answered after the abandoned question was
    reply = await chat.send_message("next question")
    assert reply.text == 'You said: "next question". I saw 3 turns.'
    assert texts(chat.get_history())[::2] == [("user", "first question"), ("user", "next question")]


# Cancellation and early exits release the connection (raw socket servers)


def aio_of(server: StreamServer) -> AsyncClient:
    return genai.Client(api_key="test-key", base_url=server.base_url, max_retries=0).aio


async def hung_up(server: StreamServer) -> bool:
    """Let the server write the rest of its stream; whether it found the client gone."""
    server.gate.set()
    await asyncio.to_thread(server.join)
    return server.released and server.client_left


@pytest.mark.parametrize(
    "between_chunks",
    [
        pytest.param(False, id="waiting-on-a-worker-for-a-chunk-the-server-holds-back"),
        pytest.param(True, id="between-chunks"),
    ],
)
@run
async def test_cancelling_a_task_mid_stream_closes_its_connection(between_chunks: bool) -> None:
    server = StreamServer(event("one "), [*ENDLESS, event("end", final=True)])
    async with aio_of(server) as aio:
        first, never = asyncio.Event(), asyncio.Event()

        async def read() -> None:
            async for _ in await aio.models.generate_content_stream(model=MODEL, contents="hi"):
                first.set()
                if between_chunks:
                    await never.wait()

        reader = asyncio.create_task(read())
        await first.wait()
        reader.cancel()
        with pytest.raises(asyncio.CancelledError):
            await reader
        assert await hung_up(server)


@run
async def test_leaving_an_async_for_early_closes_the_connection() -> None:
    server = StreamServer(event("one "), [*ENDLESS, event("end", final=True)])
    async with aio_of(server) as aio:
        stream = await aio.models.generate_content_stream(model=MODEL, contents="hi")
        async for _ in stream:
            break
        assert await hung_up(server)
        assert [chunk async for chunk in stream] == []


@run
async def test_aclose_on_a_stream_never_read_closes_its_connection() -> None:
    server = StreamServer(event("one "), [*ENDLESS, event("end", final=True)])
    async with aio_of(server) as aio:
        stream = await aio.models.generate_content_stream(model=MODEL, contents="hi")
        await stream.aclose()
        assert await hung_up(server)


# The event loop never waits on the network


def record_threads(monkeypatch: pytest.MonkeyPatch, port: int) -> list[tuple[str, int]]:
    """Record (operation, thread) of every socket operation on connections to ``port``, and of
    every ``time.sleep`` (the transport's backoff)."""
    seen: list[tuple[str, int]] = []
    ours: weakref.WeakSet[socket.socket] = weakref.WeakSet()

    def watch(name: str) -> None:
        original = getattr(socket.socket, name)

        def method(self: socket.socket, *args: Any, **kwargs: Any) -> Any:
            if name == "connect" and args[0][1] == port:
                ours.add(self)
            if self in ours:
                seen.append((name, threading.get_ident()))
            return original(self, *args, **kwargs)

        monkeypatch.setattr(socket.socket, name, method)

    for name in ("connect", "sendall", "send", "recv_into", "recv", "shutdown", "close"):
        watch(name)
    sleep = time.sleep

    def recorded_sleep(seconds: float) -> None:
        seen.append(("sleep", threading.get_ident()))
        sleep(seconds)

    monkeypatch.setattr(time, "sleep", recorded_sleep)
    return seen


async def one_of_each(aio: AsyncClient, index: int) -> str:
    prompt = f"call {index} one two three four five"
    kind = index % 4
    if kind == 0:
        return (await aio.models.generate_content(model=MODEL, contents=prompt)).text or ""
    if kind == 1:
        stream = await aio.models.generate_content_stream(model=MODEL, contents=prompt)
        return "".join([chunk.text or "" async for chunk in stream])
    if kind == 2:
        chat = aio.chats.create(model=MODEL)
        return (await chat.send_message(prompt)).text or ""
    return str((await aio.models.count_tokens(model=MODEL, contents=prompt)).total_tokens)


@run
async def test_no_socket_operation_or_backoff_runs_on_the_loops_thread_under_256_calls(
    emu: Emulator, make_client: MakeClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = record_threads(monkeypatch, emu.port)
    # Eight requests are answered 503 and retried after a backoff sleep: whichever arrive
    # first, so under load one call's retries can draw several of them. Nine attempts per
    # call outlast all eight; with the default three, one call in ~15 runs drew three and
    # failed.
    emu.push({"status": 503, "times": 8})
    retries = types.HttpRetryOptions(initial_delay=0.01, attempts=9)
    loop_thread = threading.get_ident()
    async with make_client(http_options={"retry_options": retries}).aio as aio:
        answers = await asyncio.gather(*(one_of_each(aio, i) for i in range(256)))
    for index, answer in enumerate(answers):
        if index % 4 == 3:
            assert answer == "7"  # tokens: call, the index and five words
        else:
            assert answer == f'You said: "call {index} one two three four five". I saw 1 turn.'
    operations = {name for name, _ in seen}
    assert {"connect", "sendall", "recv_into", "close", "sleep"} <= operations
    assert [name for name, thread in seen if thread == loop_thread] == []
