"""The benchmark's wire payloads, in the shapes of real Gemini API answers.

* The small answer is a real one: a ``gemini-3-pro-preview`` thinking answer with its
  ``thoughtSignature``, read from the contract corpus (``../shared/contract``) by its id.
* The 1 MB image answer has the shape of the corpus's ``gemini-2.5-flash-image`` answers (a
  text part, then a PNG in ``inlineData``), the 5 MB answer that of its ``gemini-3-pro-image``
  ones (a text part and a JPEG, each with a multi-megabyte ``thoughtSignature``), with
  seeded random bytes of the sizes set here.
* Stream chunks have the shape of the corpus's ``gemini-2.5-flash`` streams (usage metadata on
  every chunk, ``finishReason`` on the last); the first carries a signature, as thinking
  models send one.

Every builder seeds its own ``random.Random``: the bytes are the same on every run.
"""

from __future__ import annotations

import base64
import gzip
import json
import random
from functools import cache
from pathlib import Path
from typing import Any

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "contract" / "interactions.jsonl.gz"
THINKING_RECORD = (
    "crewAIInc/crewAI:lib/crewai/tests/cassettes/llms/google/test_gemini_async_basic_call.yaml#0"
)

SMALL_MODEL = "bench-small"  # the real thinking answer
IMAGE_MODEL = "bench-image"  # a 1 MB image answer
LARGE_MODEL = "bench-large"  # a 5 MB answer
CHAT_MODEL = "bench-chat"  # a ~2.4 KB answer with a signature, so a chat's history grows
WAIT_MODEL = "bench-wait"  # the small answer after 50 ms
STREAM_MODEL = "bench-stream-{}"  # a stream of that many chunks
STREAM_CHUNKS = 2000
API_KEY = "bench-key"
MODEL_VERSION = "gemini-2.5-flash"

IMAGE_BYTES = 1_000_000
LARGE_SIZES = {"signature": 1_125_000, "image": 1_500_000}  # raw bytes: ~5 MB of JSON in all
UPLOAD_BYTES = 15_000_000  # 20 MB of base64: the most the API takes inline in one request

_WORDS = str.split(
    "the model answer token stream gemini client request response latency python decode "
    "encode object field value history turn chunk server loopback benchmark floor ratio part "
    "candidate usage metadata grounding search citation source segment support index text "
    "and of to in is that for with as on by it this be are from at or an was which"
)


def words(rng: random.Random, count: int) -> str:
    """``count`` pseudo-random words joined by spaces, with a capital and a full stop."""
    text = " ".join(rng.choice(_WORDS) for _ in range(count))
    return text[:1].upper() + text[1:] + "."


def b64(rng: random.Random, size: int) -> str:
    """``size`` random bytes in standard base64, as the API writes bytes fields."""
    return base64.b64encode(rng.randbytes(size)).decode("ascii")


def response_id(rng: random.Random) -> str:
    return base64.urlsafe_b64encode(rng.randbytes(16)).decode("ascii").rstrip("=")[:22]


@cache
def small_response() -> dict[str, Any]:
    """The corpus's ``gemini-3-pro-preview`` answer to "Say hello": one text part with a
    1,052-character ``thoughtSignature``, usage with ``thoughtsTokenCount`` (~1.5 KB)."""
    if not CORPUS.exists():
        raise SystemExit(f"bench: {CORPUS} is missing; it sits beside the repository")
    with gzip.open(CORPUS, "rt", encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            if record["id"] == THINKING_RECORD:
                return dict(record["response_body"])
    raise SystemExit(f"bench: {THINKING_RECORD} is not in {CORPUS}")


def _image_answer(rng: random.Random, parts: list[dict[str, Any]], model: str) -> dict[str, Any]:
    """An answer of ``parts`` in the shape image models write, with their usage metadata."""
    return {
        "candidates": [
            {"content": {"parts": parts, "role": "model"}, "finishReason": "STOP", "index": 0}
        ],
        "modelVersion": model,
        "responseId": response_id(rng),
        "usageMetadata": {
            "candidatesTokenCount": 1336,
            "candidatesTokensDetails": [{"modality": "IMAGE", "tokenCount": 1290}],
            "promptTokenCount": 17,
            "promptTokensDetails": [{"modality": "TEXT", "tokenCount": 17}],
            "thoughtsTokenCount": 174,
            "totalTokenCount": 1527,
        },
    }


def image_response(size: int = IMAGE_BYTES) -> dict[str, Any]:
    """An image answer as ``gemini-2.5-flash-image`` writes one: a sentence, then ``size``
    bytes of PNG in ``inlineData``."""
    rng = random.Random(6)
    png = b"\x89PNG\r\n\x1a\n" + rng.randbytes(size - 8)
    parts = [
        {"text": words(rng, 30)},
        {"inlineData": {"data": base64.b64encode(png).decode("ascii"), "mimeType": "image/png"}},
    ]
    return _image_answer(rng, parts, "gemini-2.5-flash-image")


def large_response() -> dict[str, Any]:
    """A ~5 MB answer as ``gemini-3-pro-image`` writes one: a text part and a JPEG, each with
    a thought signature of over a megabyte."""
    rng = random.Random(7)
    jpeg = b"\xff\xd8\xff\xe0" + rng.randbytes(LARGE_SIZES["image"] - 4)
    parts = [
        {"text": words(rng, 40), "thoughtSignature": b64(rng, LARGE_SIZES["signature"])},
        {
            "inlineData": {
                "data": base64.b64encode(jpeg).decode("ascii"),
                "mimeType": "image/jpeg",
            },
            "thoughtSignature": b64(rng, LARGE_SIZES["signature"]),
        },
    ]
    return _image_answer(rng, parts, "gemini-3-pro-image-preview")


def chat_response() -> dict[str, Any]:
    """A chat answer (~2.4 KB): a text part of ~300 words carrying a thought signature."""
    rng = random.Random(2)
    part = {"text": words(rng, 300), "thoughtSignature": b64(rng, 192)}
    return {
        "candidates": [
            {"content": {"parts": [part], "role": "model"}, "finishReason": "STOP", "index": 0}
        ],
        "usageMetadata": _stream_usage(40, 400),
        "modelVersion": MODEL_VERSION,
        "responseId": response_id(rng),
    }


def _stream_usage(prompt: int, candidates: int) -> dict[str, Any]:
    return {
        "candidatesTokenCount": candidates,
        "promptTokenCount": prompt,
        "promptTokensDetails": [{"modality": "TEXT", "tokenCount": prompt}],
        "serviceTier": "standard",
        "thoughtsTokenCount": 240,
        "totalTokenCount": prompt + candidates + 240,
    }


def stream_chunks(count: int = STREAM_CHUNKS) -> list[dict[str, Any]]:
    """``count`` SSE chunks of a streamed answer, as ``gemini-2.5-flash`` writes them: usage
    on every chunk, a signature on the first, ``finishReason`` on the last."""
    rng = random.Random(3)
    rid = response_id(rng)
    chunks = []
    for index in range(count):
        part: dict[str, Any] = {"text": words(rng, 8) + " "}
        if index == 0:
            part["thoughtSignature"] = b64(rng, 789)  # 1,052 characters, as the small answer's
        candidate: dict[str, Any] = {"content": {"parts": [part], "role": "model"}, "index": 0}
        if index == count - 1:
            candidate["finishReason"] = "STOP"
        chunks.append(
            {
                "candidates": [candidate],
                "modelVersion": MODEL_VERSION,
                "responseId": rid,
                "usageMetadata": _stream_usage(32, 10 * (index + 1)),
            }
        )
    return chunks


def chat_messages(turns: int) -> list[str]:
    """The user's messages of a ``turns``-turn chat (~50 words each)."""
    return [f"Turn {n}: " + words(random.Random(100 + n), 50) for n in range(turns)]


def upload_image() -> bytes:
    """The image of the upload task: ``UPLOAD_BYTES`` of PNG-looking bytes."""
    return b"\x89PNG\r\n\x1a\n" + random.Random(5).randbytes(UPLOAD_BYTES - 8)


def dumps(payload: Any) -> bytes:
    """Compact JSON with ``", "`` and ``": "``, as the API writes stream events."""
    return json.dumps(payload).encode()


def dumps_pretty(payload: Any) -> bytes:
    """JSON indented by two spaces, as the API writes a unary answer."""
    return json.dumps(payload, indent=2).encode()


if __name__ == "__main__":  # sizes, for the README
    for name, value in [
        ("small (thinking) answer", dumps_pretty(small_response())),
        ("image answer", dumps_pretty(image_response())),
        ("large answer", dumps_pretty(large_response())),
        ("chat answer", dumps_pretty(chat_response())),
        ("stream chunk", dumps(stream_chunks()[1])),
    ]:
        print(f"{name}: {len(value):,} bytes")
