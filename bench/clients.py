"""One benchmark worker: a single client (raw, gemwire or google-genai) in its own process.

``python bench/clients.py CLIENT PORT`` builds the client, then answers one JSON command per
stdin line with one JSON result per stdout line, so that ``run.py`` can interleave the
clients' repeats while each keeps its own interpreter (no shared GIL, heap or imports).

Every client does the same work for a task, through its public API where it has one:

* ``calls``: ``count`` sequential ``generate_content`` calls (a one-line prompt, ~500-byte
  answer), reading the answer's text;
* ``stream``: one 2,000-chunk ``generate_content_stream``, reading ``.text`` of every chunk;
* ``chat``: a 20-turn conversation, timing each ``send_message``;
* ``aio_calls``: ``tasks`` concurrent asyncio tasks, each awaiting ``per_task``
  ``generate_content`` calls (the SDKs: ``client.aio``; raw: its calls on ``THREADS`` threads,
  gemwire's design without gemwire);
* ``aio_lag``: the same with more tasks, while a coroutine measures how late the event loop
  wakes it up every millisecond;
* ``decode``: the bytes of a ~220 KB answer -> typed objects, in-process (no HTTP);
* ``encode``: a 40-turn history + a prompt + a 1 MB image -> request body bytes, in-process.

For ``decode`` and ``encode`` the SDKs have no public entry point, so this file calls the
internal functions their ``generate_content`` runs (named below, per client).
"""

from __future__ import annotations

import asyncio
import base64
import gc
import json
import random
import sys
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import payloads

PROMPT = "Write one sentence about loopback benchmarks."
CHAT_MESSAGES = [
    f"Turn {n}: " + payloads.words(random.Random(100 + n), 50) for n in range(payloads.CHAT_TURNS)
]
LARGE_RESPONSE = payloads.dumps(payloads.large_response())
HISTORY, IMAGE_PROMPT, IMAGE = payloads.large_request()
THREADS = 32  # raw's async floor: as many threads and pooled connections as gemwire's client.aio


class Raw:
    """The floor: urllib3's PoolManager and ``json.loads``, no types, no checks beyond status."""

    def __init__(self, base_url: str) -> None:
        import urllib3

        self.pool = urllib3.PoolManager(maxsize=THREADS)
        self.threads = ThreadPoolExecutor(THREADS)
        self.base_url = base_url
        self.headers = {"content-type": "application/json", "x-goog-api-key": payloads.API_KEY}

    def _post(self, model: str, method: str, body: Any, **options: Any) -> Any:
        url = f"{self.base_url}/v1beta/models/{model}:{method}"
        response = self.pool.request(
            "POST", url, body=json.dumps(body).encode(), headers=self.headers, **options
        )
        if response.status != 200:
            raise RuntimeError(f"HTTP {response.status}")
        return response

    def call(self) -> str:
        body = {"contents": [{"role": "user", "parts": [{"text": PROMPT}]}]}
        answer = json.loads(self._post(payloads.SMALL_MODEL, "generateContent", body).data)
        return answer["candidates"][0]["content"]["parts"][0]["text"]

    async def acall(self) -> str:
        return await asyncio.get_running_loop().run_in_executor(self.threads, self.call)

    def stream(self) -> int:
        body = {"contents": [{"role": "user", "parts": [{"text": PROMPT}]}]}
        response = self._post(
            "bench-stream", "streamGenerateContent?alt=sse", body, preload_content=False
        )
        count = 0
        buffer = b""
        for data in response.stream(65536):
            buffer += data
            *events, buffer = buffer.split(b"\r\n\r\n")
            for event in events:
                chunk = json.loads(event[6:])  # after "data: "
                chunk["candidates"][0]["content"]["parts"][0]["text"]
                count += 1
        response.release_conn()
        return count

    def chat(self) -> list[float]:
        history: list[dict] = []
        times = []
        for message in CHAT_MESSAGES:
            started = time.perf_counter()
            turn = {"role": "user", "parts": [{"text": message}]}
            response = self._post(
                payloads.CHAT_MODEL, "generateContent", {"contents": [*history, turn]}
            )
            answer = json.loads(response.data)["candidates"][0]["content"]
            history += [turn, answer]
            times.append(time.perf_counter() - started)
        return times

    def decode(self, data: bytes) -> Any:
        return json.loads(data)

    def decoded_text(self, value: Any) -> str:
        parts = value["candidates"][0]["content"]["parts"]
        return "".join(p.get("text", "") for p in parts if not p.get("thought"))

    def encode(self) -> bytes:
        image = {"mimeType": "image/png", "data": base64.b64encode(IMAGE).decode("ascii")}
        turn = {"role": "user", "parts": [{"text": IMAGE_PROMPT}, {"inlineData": image}]}
        return json.dumps({"contents": [*HISTORY, turn]}).encode()


class _SdkClient:
    """What gemwire and google-genai share: the same public API, so the same calls."""

    client: Any

    def call(self) -> str:
        return self.client.models.generate_content(model=payloads.SMALL_MODEL, contents=PROMPT).text

    async def acall(self) -> str:
        response = await self.client.aio.models.generate_content(
            model=payloads.SMALL_MODEL, contents=PROMPT
        )
        return response.text

    def stream(self) -> int:
        count = 0
        for chunk in self.client.models.generate_content_stream(
            model="bench-stream", contents=PROMPT
        ):
            chunk.text  # noqa: B018
            count += 1
        return count

    def chat(self) -> list[float]:
        chat = self.client.chats.create(model=payloads.CHAT_MODEL)
        times = []
        for message in CHAT_MESSAGES:
            started = time.perf_counter()
            chat.send_message(message)
            times.append(time.perf_counter() - started)
        assert len(chat.get_history()) == 2 * len(CHAT_MESSAGES)
        return times

    def decoded_text(self, value: Any) -> str:
        return value.text


class Gemwire(_SdkClient):
    """gemwire through its public API; decode is ``GenerateContentResponse.from_dict`` after
    ``json.loads`` (what ``Models.generate_content`` does); encode is the request body from
    ``_request.generate_content`` + ``json.dumps`` (what ``Models.generate_content`` and
    ``Transport`` do)."""

    def __init__(self, base_url: str) -> None:
        import gemwire
        from gemwire import types

        self.types = types
        self.client = gemwire.Client(api_key=payloads.API_KEY, base_url=base_url)
        self.history = [types.Content.from_dict(turn) for turn in HISTORY]

    def decode(self, data: bytes) -> Any:
        return self.types.GenerateContentResponse.from_dict(json.loads(data))

    def encode(self) -> bytes:
        from gemwire._request import as_config, generate_content

        types = self.types
        image = types.Part.from_bytes(data=IMAGE, mime_type="image/png")
        turn = types.Content(role="user", parts=[types.Part(text=IMAGE_PROMPT), image])
        request = generate_content(
            "m", [*self.history, turn], as_config(None), api_version="v1beta"
        )
        body = request.body
        return json.dumps(body, separators=(",", ":")).encode()


class GoogleGenai(_SdkClient):
    """google-genai 3.6.1 through its public API; decode and encode run the steps of its
    ``Models._generate_content``: ``json.loads`` -> ``_GenerateContentResponse_from_mldev``
    -> ``GenerateContentResponse._from_response`` (pydantic validation), and
    ``_GenerateContentParameters`` -> ``_GenerateContentParameters_to_mldev`` ->
    ``_common.convert_to_dict`` -> ``encode_unserializable_types`` -> ``json.dumps``."""

    def __init__(self, base_url: str) -> None:
        from google import genai
        from google.genai import _common, models, types

        self.types, self.models, self.common = types, models, _common
        self.client = genai.Client(
            api_key=payloads.API_KEY, http_options=types.HttpOptions(base_url=base_url)
        )
        self.parameters = types._GenerateContentParameters(model="bench", contents="x")
        self.history = [types.Content.model_validate(turn) for turn in HISTORY]

    def decode(self, data: bytes) -> Any:
        wire = json.loads(data)
        converted = self.models._GenerateContentResponse_from_mldev(wire, None, self.parameters)
        return self.types.GenerateContentResponse._from_response(response=converted, kwargs={})

    def encode(self) -> bytes:
        types = self.types
        image = types.Part.from_bytes(data=IMAGE, mime_type="image/png")
        turn = types.Content(role="user", parts=[types.Part(text=IMAGE_PROMPT), image])
        parameters = types._GenerateContentParameters(
            model=payloads.SMALL_MODEL, contents=[*self.history, turn]
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


def _per_op(function: Any, budget: float) -> float:
    """Seconds per call of ``function``, averaged over as many calls as fit in ``budget``."""
    count = 0
    started = time.perf_counter()
    while True:
        function()
        count += 1
        elapsed = time.perf_counter() - started
        if elapsed >= budget:
            return elapsed / count


async def _concurrently(call: Callable[[], Awaitable[str]], tasks: int, per_task: int) -> float:
    """Seconds for ``tasks`` concurrent tasks to await ``per_task`` calls each."""

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
    calls.result()  # raises what a call raised
    return lags


def run(client: Any, task: dict, loop: asyncio.AbstractEventLoop) -> dict:
    kind = task["task"]
    gc.collect()
    if kind in ("calls", "stream", "chat"):
        client.call()  # untimed: wakes the connection, the server thread and the caches up
    if kind in ("aio_calls", "aio_lag"):  # untimed: one call per task opens the connections
        loop.run_until_complete(_concurrently(client.acall, task["tasks"], 1))
    if kind == "aio_calls":
        seconds = loop.run_until_complete(
            _concurrently(client.acall, task["tasks"], task["per_task"])
        )
        return {"per_second": task["tasks"] * task["per_task"] / seconds}
    if kind == "aio_lag":
        lags = _lag(client.acall, task["tasks"], task["per_task"], task["tick"])
        return {"lags_ms": loop.run_until_complete(lags)}
    if kind == "calls":
        count = task["count"]
        started = time.perf_counter()
        for _ in range(count):
            client.call()
        return {"per_second": count / (time.perf_counter() - started)}
    if kind == "stream":
        started = time.perf_counter()
        count = client.stream()
        elapsed = time.perf_counter() - started
        if count != payloads.STREAM_CHUNKS:
            raise RuntimeError(f"streamed {count} chunks, expected {payloads.STREAM_CHUNKS}")
        return {"per_second": count / elapsed}
    if kind == "chat":
        return {"turns": client.chat()}
    if kind == "decode":
        return {"seconds": _per_op(lambda: client.decode(LARGE_RESPONSE), task["budget"])}
    if kind == "encode":
        return {"seconds": _per_op(client.encode, task["budget"])}
    if kind == "check":  # every client decodes, encodes and calls to the same effect
        body = json.loads(client.encode())
        inline = body["contents"][-1]["parts"][1]
        inline = inline.get("inlineData") or inline.get("inline_data")
        return {
            "text": client.call(),
            "awaited_text": loop.run_until_complete(client.acall()),
            "decoded_text_length": len(client.decoded_text(client.decode(LARGE_RESPONSE))),
            "encoded_turns": len(body["contents"]),
            "encoded_image_bytes": len(base64.urlsafe_b64decode(inline["data"])),
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
