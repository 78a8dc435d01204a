"""One benchmark worker: a single client (raw, gemwire or google-genai) in its own process.

``python bench/clients.py CLIENT PORT`` builds the client, then answers one JSON command per
stdin line with one JSON result per stdout line, so that ``run.py`` can interleave the
clients' repeats while each keeps its own interpreter (no shared GIL, heap or imports).

Every client does the same work for a task, through its public API where it has one (the
tasks are listed in ``run.py``). For ``decode`` and ``encode`` the SDKs have no public entry
point, so this file calls the internal functions their ``generate_content`` runs (named below,
per client). A client without a method for a task (say, an async one) skips that task.

The async tasks await ``generate_content`` on one event loop kept for the whole run
(google-genai's async pool is bound to the loop it was made on): the SDKs through
``client.aio``, the floor through ``loop.run_in_executor`` on as many threads, and a pool of
as many connections, as gemwire's ``client.aio`` has workers (``AIO_THREADS``).
"""

from __future__ import annotations

import asyncio
import base64
import gc
import json
import statistics
import sys
import threading
import time
import tracemalloc
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import payloads

PROMPT = "Write one sentence about loopback benchmarks."
IMAGE_PROMPT = "Describe this image."
TIMEOUT = 60.0  # seconds, gemwire's default: the floor sets the same
ANSWERS = {
    "small": payloads.dumps_pretty(payloads.small_response()),
    "image": payloads.dumps_pretty(payloads.image_response()),
    "large": payloads.dumps_pretty(payloads.large_response()),
}
MODELS = {
    "small": payloads.SMALL_MODEL,
    "image": payloads.IMAGE_MODEL,
    "large": payloads.LARGE_MODEL,
    "wait": payloads.WAIT_MODEL,
}
IMAGE = payloads.upload_image()
# The floor's async calls run on this many threads sharing a pool of this many connections:
# gemwire's client.aio runs each call on one of max_connections worker threads (default 100,
# the most connections its client opens), so the floor gets the same (checked in Gemwire).
AIO_THREADS = 100


def stream_model(chunks: int) -> str:
    return payloads.STREAM_MODEL.format(chunks)


class Raw:
    """The floor: urllib3's ``HTTPConnectionPool.urlopen(path)`` with the same timeout as
    gemwire, ``json.loads``, and a text join for streams; no types, no checks beyond status."""

    def __init__(self, base_url: str) -> None:
        import urllib3

        self.urllib3 = urllib3
        url = urllib3.util.parse_url(base_url)
        self.host, self.port = url.host, url.port
        self.timeout = urllib3.Timeout(connect=TIMEOUT, read=TIMEOUT)
        self.headers = {"content-type": "application/json", "x-goog-api-key": payloads.API_KEY}
        self.pool = self._pool(1)
        self.aio_pool = self._pool(AIO_THREADS)
        self.aio_threads = ThreadPoolExecutor(AIO_THREADS)  # threads start on first use

    def _pool(self, size: int) -> Any:
        return self.urllib3.HTTPConnectionPool(self.host, self.port, maxsize=size, block=True)

    def _post(self, model: str, method: str, body: bytes, pool: Any = None, **options: Any) -> Any:
        response = (pool or self.pool).urlopen(
            "POST",
            f"/v1beta/models/{model}:{method}",
            body=body,
            headers=self.headers,
            timeout=self.timeout,
            **options,
        )
        if response.status != 200:
            raise RuntimeError(f"HTTP {response.status}")
        return response

    def call(self, model: str = payloads.SMALL_MODEL, pool: Any = None) -> str:
        body = json.dumps({"contents": [{"role": "user", "parts": [{"text": PROMPT}]}]}).encode()
        answer = json.loads(self._post(model, "generateContent", body, pool).data)
        return str(answer["candidates"][0]["content"]["parts"][0]["text"])

    async def acall(self) -> str:
        """``call`` on one of ``AIO_THREADS`` threads, as gemwire's ``client.aio`` runs it."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self.aio_threads, self.call, payloads.SMALL_MODEL, self.aio_pool
        )

    def _events(self, contents: list[Any], chunks: int) -> Any:
        """The JSON events of a stream, split out of the SSE bytes."""
        body = json.dumps({"contents": contents}).encode()
        model = stream_model(chunks)
        response = self._post(model, "streamGenerateContent?alt=sse", body, preload_content=False)
        buffer = b""
        for data in response.stream(65536):
            buffer += data
            *events, buffer = buffer.split(b"\r\n\r\n")
            for event in events:
                yield json.loads(event[6:])  # after "data: "
        response.release_conn()

    def stream(self, chunks: int) -> int:
        count = 0
        for chunk in self._events([{"role": "user", "parts": [{"text": PROMPT}]}], chunks):
            chunk["candidates"][0]["content"]["parts"][0]["text"]
            count += 1
        return count

    def first_chunk(self, chunks: int) -> float:
        started = time.perf_counter()
        seconds = 0.0
        for chunk in self._events([{"role": "user", "parts": [{"text": PROMPT}]}], chunks):
            chunk["candidates"][0]["content"]["parts"][0]["text"]
            seconds = seconds or time.perf_counter() - started
        return seconds

    def chat_stream(self, chunks: int) -> int:
        history: list[Any] = []
        turn = {"role": "user", "parts": [{"text": PROMPT}]}
        texts, signature = [], None
        for chunk in self._events([*history, turn], chunks):
            part = chunk["candidates"][0]["content"]["parts"][0]
            texts.append(part["text"])
            signature = signature or part.get("thoughtSignature")
        answer = {"role": "model", "parts": [{"text": "".join(texts)}]}
        if signature:
            answer["parts"][0]["thoughtSignature"] = signature
        history += [turn, answer]
        return len(history[1]["parts"][0]["text"])

    def chat(self, messages: list[str]) -> list[float]:
        history: list[Any] = []
        times = []
        for message in messages:
            started = time.perf_counter()
            turn = {"role": "user", "parts": [{"text": message}]}
            body = json.dumps({"contents": [*history, turn]}).encode()
            response = self._post(payloads.CHAT_MODEL, "generateContent", body)
            answer = json.loads(response.data)["candidates"][0]["content"]
            history += [turn, answer]
            times.append(time.perf_counter() - started)
        return times

    def threads(self, count: int, calls: int, bursts: int, model: str) -> float:
        pool = self._pool(count)
        try:
            return _in_threads(count, calls, bursts, lambda: self.call(model, pool=pool))
        finally:
            pool.close()

    def decode(self, data: bytes) -> Any:
        return json.loads(data)

    def decoded_text(self, value: Any) -> str:
        parts = value["candidates"][0]["content"]["parts"]
        return "".join(p.get("text", "") for p in parts if not p.get("thought"))

    def encode(self) -> bytes:
        image = {"mimeType": "image/png", "data": base64.b64encode(IMAGE).decode("ascii")}
        turn = {"role": "user", "parts": [{"text": IMAGE_PROMPT}, {"inlineData": image}]}
        return json.dumps({"contents": [turn]}).encode()

    def upload(self) -> str:
        answer = json.loads(self._post(payloads.SMALL_MODEL, "generateContent", self.encode()).data)
        return str(answer["candidates"][0]["content"]["parts"][0]["text"])


class _SdkClient:
    """What gemwire and google-genai share: the same public API, so the same calls."""

    client: Any

    def new_client(self) -> Any:
        raise NotImplementedError

    def image_contents(self) -> list[Any]:
        raise NotImplementedError

    def call(self, model: str = payloads.SMALL_MODEL, client: Any = None) -> str:
        response = (client or self.client).models.generate_content(model=model, contents=PROMPT)
        return str(response.text)

    async def acall(self) -> str:
        response = await self.client.aio.models.generate_content(
            model=payloads.SMALL_MODEL, contents=PROMPT
        )
        return str(response.text)

    def stream(self, chunks: int) -> int:
        count = 0
        for chunk in self.client.models.generate_content_stream(
            model=stream_model(chunks), contents=PROMPT
        ):
            chunk.text  # noqa: B018
            count += 1
        return count

    def first_chunk(self, chunks: int) -> float:
        started = time.perf_counter()
        seconds = 0.0
        for chunk in self.client.models.generate_content_stream(
            model=stream_model(chunks), contents=PROMPT
        ):
            chunk.text  # noqa: B018
            seconds = seconds or time.perf_counter() - started
        return seconds

    def chat_stream(self, chunks: int) -> int:
        chat = self.client.chats.create(model=stream_model(chunks))
        for chunk in chat.send_message_stream(PROMPT):
            chunk.text  # noqa: B018
        history = chat.get_history()
        return sum(len(part.text or "") for turn in history[1:] for part in turn.parts)

    def chat(self, messages: list[str]) -> list[float]:
        chat = self.client.chats.create(model=payloads.CHAT_MODEL)
        times = []
        for message in messages:
            started = time.perf_counter()
            chat.send_message(message)
            times.append(time.perf_counter() - started)
        assert len(chat.get_history()) == 2 * len(messages)
        return times

    def threads(self, count: int, calls: int, bursts: int, model: str) -> float:
        client = self.new_client()
        try:
            return _in_threads(count, calls, bursts, lambda: self.call(model, client=client))
        finally:
            client.close()

    def decoded_text(self, value: Any) -> str:
        return str(value.text)

    def upload(self) -> str:
        response = self.client.models.generate_content(
            model=payloads.SMALL_MODEL, contents=self.image_contents()
        )
        return str(response.text)


class Gemwire(_SdkClient):
    """gemwire through its public API; decode is ``GenerateContentResponse.from_dict`` after
    ``json.loads`` (what ``Models.generate_content`` does); encode is the request body bytes
    from ``_request.generate_content`` (what ``Models.generate_content`` hands the transport)."""

    def __init__(self, base_url: str) -> None:
        import gemwire
        from gemwire import types

        self.gemwire, self.types, self.base_url = gemwire, types, base_url
        self.client = self.new_client()
        workers = self.client.aio._workers._executor._max_workers
        if workers != AIO_THREADS:  # the floor's async calls get as many threads
            raise RuntimeError(f"client.aio has {workers} workers; set AIO_THREADS to match")

    def new_client(self) -> Any:
        return self.gemwire.Client(api_key=payloads.API_KEY, base_url=self.base_url)

    def image_contents(self) -> list[Any]:
        return [IMAGE_PROMPT, self.types.Part.from_bytes(data=IMAGE, mime_type="image/png")]

    def decode(self, data: bytes) -> Any:
        return self.types.GenerateContentResponse.from_dict(json.loads(data))

    def encode(self) -> bytes:
        from gemwire._request import as_config, generate_content
        from gemwire._transport import _json_bytes

        request = generate_content(
            "m", self.image_contents(), as_config(None), api_version="v1beta"
        )
        return _json_bytes(request.body)


class GoogleGenai(_SdkClient):
    """google-genai 3.6.1 through its public API; decode and encode run the steps of its
    ``Models._generate_content``: ``json.loads`` -> ``_GenerateContentResponse_from_mldev``
    -> ``GenerateContentResponse._from_response`` (pydantic validation), and
    ``_GenerateContentParameters`` -> ``_GenerateContentParameters_to_mldev`` ->
    ``_common.convert_to_dict`` -> ``encode_unserializable_types`` -> ``json.dumps``."""

    def __init__(self, base_url: str) -> None:
        from google import genai
        from google.genai import _common, models, types

        self.genai, self.types, self.models, self.common = genai, types, models, _common
        self.base_url = base_url
        self.client = self.new_client()
        self.parameters = types._GenerateContentParameters(model="bench", contents="x")

    def new_client(self) -> Any:
        return self.genai.Client(
            api_key=payloads.API_KEY, http_options=self.types.HttpOptions(base_url=self.base_url)
        )

    def image_contents(self) -> list[Any]:
        return [IMAGE_PROMPT, self.types.Part.from_bytes(data=IMAGE, mime_type="image/png")]

    def decode(self, data: bytes) -> Any:
        wire = json.loads(data)
        converted = self.models._GenerateContentResponse_from_mldev(wire, None, self.parameters)
        return self.types.GenerateContentResponse._from_response(response=converted, kwargs={})

    def encode(self) -> bytes:
        parameters = self.types._GenerateContentParameters(
            model=payloads.SMALL_MODEL, contents=self.image_contents()
        )
        request = self.models._GenerateContentParameters_to_mldev(
            self.client._api_client, parameters, None, parameters
        )
        request.pop("config", None)
        for key in [key for key in request if key.startswith("_")]:
            del request[key]
        request = self.common.encode_unserializable_types(self.common.convert_to_dict(request))
        return json.dumps(request).encode("utf-8")


CLIENTS = {"raw": Raw, "gemwire": Gemwire, "google-genai": GoogleGenai}
METHODS = {  # the method a task needs, where not its name
    "calls": "call",
    "check": "call",
    "aio_calls": "acall",
    "aio_lag": "acall",
}


def _in_threads(count: int, calls: int, bursts: int, call: Callable[[], Any]) -> float:
    """Calls per second of ``bursts`` bursts of ``count`` threads started together, making
    ``calls`` calls each (a burst starts when the one before has ended)."""
    elapsed = 0.0
    failures: list[BaseException] = []
    for _ in range(bursts):
        barrier = threading.Barrier(count + 1)

        def work(barrier: threading.Barrier = barrier) -> None:
            barrier.wait()
            try:
                for _ in range(calls):
                    call()
            except BaseException as error:  # reported below, in the worker's answer
                failures.append(error)

        threads = [threading.Thread(target=work) for _ in range(count)]
        for thread in threads:
            thread.start()
        barrier.wait()
        started = time.perf_counter()
        for thread in threads:
            thread.join()
        elapsed += time.perf_counter() - started
    if failures:
        raise RuntimeError(f"{len(failures)} threads failed, the first with {failures[0]!r}")
    return count * calls * bursts / elapsed


async def _concurrently(call: Callable[[], Awaitable[str]], tasks: int, per_task: int) -> float:
    """Seconds for ``tasks`` concurrent asyncio tasks to await ``per_task`` calls each."""

    async def task() -> None:
        for _ in range(per_task):
            await call()

    started = time.perf_counter()
    await asyncio.gather(*(task() for _ in range(tasks)))
    return time.perf_counter() - started


async def _lag(
    call: Callable[[], Awaitable[str]], tasks: int, per_task: int, tick: float
) -> list[float]:
    """How late (ms) a coroutine that sleeps ``tick`` seconds at a time is woken up, each time,
    while ``_concurrently`` runs: the event loop's lag."""
    lags: list[float] = []
    calls = asyncio.ensure_future(_concurrently(call, tasks, per_task))
    while not calls.done():
        started = time.perf_counter()
        await asyncio.sleep(tick)
        lags.append((time.perf_counter() - started - tick) * 1000)
    await calls  # raises what a call raised
    return lags


def _per_op(function: Callable[[], Any], budget: float) -> float:
    """Seconds per call of ``function``, averaged over as many calls as fit in ``budget``."""
    count = 0
    started = time.perf_counter()
    while True:
        function()
        count += 1
        elapsed = time.perf_counter() - started
        if elapsed >= budget:
            return elapsed / count


def _peak_bytes(function: Callable[[], Any]) -> int:
    """The most memory ``function`` held at once, beyond what was allocated before it."""
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        function()
        return tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()


def run(client: Any, task: dict[str, Any], loop: asyncio.AbstractEventLoop) -> dict[str, Any]:
    kind = task["task"]
    if not hasattr(client, METHODS.get(kind, kind)):
        return {"skipped": True}
    gc.collect()
    if kind in ("calls", "stream", "first_chunk", "chat", "chat_stream", "upload"):
        client.call()  # untimed: wakes the connection, the server thread and the caches up
    if kind in ("aio_calls", "aio_lag"):  # untimed: one call per task wakes the connections up
        loop.run_until_complete(_concurrently(client.acall, task["tasks"], 1))
    if kind == "aio_calls":
        tasks, per_task = task["tasks"], task["per_task"]
        seconds = loop.run_until_complete(_concurrently(client.acall, tasks, per_task))
        return {"per_second": tasks * per_task / seconds}
    if kind == "aio_lag":
        lags = _lag(client.acall, task["tasks"], task["per_task"], task["tick"])
        return {"lags_ms": loop.run_until_complete(lags)}
    if kind == "calls":
        model, count = MODELS[task["answer"]], task["count"]
        started = time.perf_counter()
        for _ in range(count):
            client.call(model)
        return {"per_second": count / (time.perf_counter() - started)}
    if kind == "stream":
        started = time.perf_counter()
        count = client.stream(task["chunks"])
        elapsed = time.perf_counter() - started
        if count != task["chunks"]:
            raise RuntimeError(f"streamed {count} chunks, expected {task['chunks']}")
        return {"per_second": count / elapsed}
    if kind == "first_chunk":
        times = [client.first_chunk(task["chunks"]) for _ in range(task["count"])]
        return {"seconds": statistics.median(times)}
    if kind == "chat_stream":
        started = time.perf_counter()
        client.chat_stream(task["chunks"])
        return {"seconds": time.perf_counter() - started}
    if kind == "chat":
        return {"turns": client.chat(payloads.chat_messages(task["turns"]))}
    if kind == "threads":
        model, bursts = MODELS[task["answer"]], task.get("bursts", 1)
        return {"per_second": client.threads(task["threads"], task["calls"], bursts, model)}
    if kind == "decode":
        data = ANSWERS[task["answer"]]
        return {"seconds": _per_op(lambda: client.decode(data), task["budget"])}
    if kind == "encode":
        return {"seconds": _per_op(client.encode, task["budget"])}
    if kind == "upload":
        started = time.perf_counter()
        client.upload()
        elapsed = time.perf_counter() - started
        return {"seconds": elapsed, "peak_bytes": _peak_bytes(client.upload)}
    if kind == "check":  # every client decodes, encodes and calls to the same effect
        body = json.loads(client.encode())
        inline = body["contents"][-1]["parts"][1]
        inline = inline.get("inlineData") or inline.get("inline_data")
        awaited = {"awaited_text": loop.run_until_complete(client.acall())}
        return {
            **(awaited if hasattr(client, "acall") else {}),
            "text": client.call(),
            "decoded_text_length": {
                name: len(client.decoded_text(client.decode(data)))
                for name, data in ANSWERS.items()
            },
            "encoded_image_bytes": len(base64.urlsafe_b64decode(inline["data"])),
            "chat_stream_text_length": client.chat_stream(50),
        }
    raise ValueError(f"unknown task {kind!r}")


def main() -> None:
    name, port = sys.argv[1], int(sys.argv[2])
    client = CLIENTS[name](f"http://127.0.0.1:{port}")
    loop = asyncio.new_event_loop()  # one for the whole run: google-genai's pool is bound to it
    print(json.dumps({"ready": name}), flush=True)
    for line in sys.stdin:
        print(json.dumps(run(client, json.loads(line), loop)), flush=True)


if __name__ == "__main__":
    main()
