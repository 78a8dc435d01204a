"""Cassettes recorded for the tests of gemwire.testing: one call through each HTTP library
vcrpy patches (urllib3 under gemwire, httpx, requests), against the emulator or a server
that gzips its answers, and the cassettes read back as they are on disk."""

from __future__ import annotations

import gzip
import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import requests
import vcr
import yaml

import gemwire as genai

MODEL = "gemini-2.5-flash"
# Shaped like a Google API key (AIza and 35 more), so that every rule that looks for keys applies.
PLANTED_KEY = "AIzaPLANTED-gemwire-key-0123456789abcde"
PROMPT = {"contents": [{"role": "user", "parts": [{"text": "Why is the sky blue?"}]}]}

Call = Callable[[str], Any]  # base URL -> what the library answered


def gemwire_call(base_url: str) -> str:
    """A unary call through gemwire (urllib3), the key in the x-goog-api-key header."""
    with genai.Client(api_key=PLANTED_KEY, base_url=base_url, max_retries=0) as client:
        return client.models.generate_content(model=MODEL, contents="Why is the sky blue?").text


def httpx_call(base_url: str) -> str:
    """A streamed call through httpx, the key in the `key` query parameter."""
    url = f"{base_url}/v1beta/models/{MODEL}:streamGenerateContent?alt=sse&key={PLANTED_KEY}"
    return httpx.post(url, json=PROMPT).text


def requests_call(base_url: str) -> str:
    """A unary call through requests, the key in the x-goog-api-key header."""
    url = f"{base_url}/v1beta/models/{MODEL}:generateContent"
    return requests.post(url, json=PROMPT, headers={"x-goog-api-key": PLANTED_KEY}).text


CALLS: dict[str, Call] = {"urllib3": gemwire_call, "httpx": httpx_call, "requests": requests_call}


def record(path: Path, call: Call, base_url: str, **config: Any) -> Any:
    """Run ``call`` while vcrpy records it into ``path`` with ``config``; its answer."""
    with vcr.VCR(**config).use_cassette(str(path), record_mode="all"):
        return call(base_url)


def replay(path: Path, call: Call, **config: Any) -> Any:
    """Run ``call`` against ``path`` only (nothing listens at the base URL)."""
    with vcr.VCR(**config).use_cassette(str(path), record_mode="none"):
        return call("http://127.0.0.1:9")


def on_disk(path: Path) -> str:
    """A cassette as its file says, then each body as loaded: text, or binary (base64 in the
    file) decompressed."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    texts = [path.read_text(encoding="utf-8")]
    for interaction in data["interactions"]:
        for side in (interaction["request"], interaction["response"]):
            body = side.get("body")
            body = body.get("string") if isinstance(body, dict) else body
            if isinstance(body, bytes):
                body = gzip.decompress(body) if body[:2] == b"\x1f\x8b" else body
                body = body.decode("utf-8", "replace")
            texts.append(body or "")
    return "\n".join(texts)


class _Gzipping(BaseHTTPRequestHandler):
    """Answers every POST with a gzip GenerateContentResponse whose text echoes the
    request's x-goog-api-key header and `key` parameter, as a careless server might."""

    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        echoed = f"{self.headers.get('x-goog-api-key')} {self.path}"
        answer = {
            "candidates": [
                {
                    "content": {"role": "model", "parts": [{"text": f"You sent {echoed}"}]},
                    "finishReason": "STOP",
                }
            ]
        }
        body = gzip.compress(json.dumps(answer).encode())
        self.send_response(200)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@contextmanager
def gzipping_server() -> Iterator[str]:
    """A loopback server of gzip answers that echo the key; its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Gzipping)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
