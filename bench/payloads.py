"""Deterministic wire payloads for the benchmark, shaped like real Gemini API traffic.

The shapes follow the recorded interactions in the contract corpus (text and thought parts
with ``thoughtSignature``, ``usageMetadata`` with per-modality details, grounding metadata
with web chunks and supports, ``modelVersion``/``responseId``); sizes are set here. Every
builder seeds its own ``random.Random``, so the bytes are the same on every run.
"""

from __future__ import annotations

import base64
import json
import random
from typing import Any

MODEL_VERSION = "gemini-2.5-flash"
SMALL_MODEL = "bench-small"  # the server answers generateContent with SMALL_RESPONSE
CHAT_MODEL = "bench-chat"  # ... with CHAT_RESPONSE (a ~2 KB answer, so the history grows)
STREAM_CHUNKS = 2000
CHAT_TURNS = 20
API_KEY = "bench-key"

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


def signature(rng: random.Random, size: int) -> str:
    """A ``thoughtSignature``-like value: ``size`` opaque bytes in standard base64."""
    return base64.b64encode(rng.randbytes(size)).decode("ascii")


def response_id(rng: random.Random) -> str:
    return base64.urlsafe_b64encode(rng.randbytes(16)).decode("ascii").rstrip("=")[:22]


def usage(prompt: int, candidates: int | None = None, thoughts: int | None = None) -> dict:
    data: dict[str, Any] = {"promptTokenCount": prompt}
    total = prompt
    if candidates is not None:
        data["candidatesTokenCount"] = candidates
        total += candidates
    data["totalTokenCount"] = total + (thoughts or 0)
    data["promptTokensDetails"] = [{"modality": "TEXT", "tokenCount": prompt}]
    if thoughts is not None:
        data["thoughtsTokenCount"] = thoughts
    return data


def small_response() -> dict:
    """A one-sentence answer (~600 bytes): what a short generateContent call returns."""
    rng = random.Random(1)
    return {
        "candidates": [
            {
                "content": {"parts": [{"text": words(rng, 24)}], "role": "model"},
                "finishReason": "STOP",
                "index": 0,
            }
        ],
        "usageMetadata": usage(12, 31, 64),
        "modelVersion": MODEL_VERSION,
        "responseId": response_id(rng),
    }


def chat_response() -> dict:
    """A chat answer (~2.3 KB): a text part of ~300 words carrying a thought signature."""
    rng = random.Random(2)
    part = {"text": words(rng, 300), "thoughtSignature": signature(rng, 192)}
    return {
        "candidates": [
            {"content": {"parts": [part], "role": "model"}, "finishReason": "STOP", "index": 0}
        ],
        "usageMetadata": usage(40, 400, 120),
        "modelVersion": MODEL_VERSION,
        "responseId": response_id(rng),
    }


def stream_chunks(count: int = STREAM_CHUNKS) -> list[dict]:
    """``count`` SSE chunks of a streamed answer; only the last has ``finishReason`` and the
    full ``usageMetadata``, as the API writes them."""
    rng = random.Random(3)
    rid = response_id(rng)
    chunks = []
    for index in range(count):
        last = index == count - 1
        candidate: dict[str, Any] = {
            "content": {"parts": [{"text": words(rng, 8) + " "}], "role": "model"},
            "index": 0,
        }
        if last:
            candidate["finishReason"] = "STOP"
        chunks.append(
            {
                "candidates": [candidate],
                "usageMetadata": usage(12, count * 10, 90) if last else usage(12),
                "modelVersion": MODEL_VERSION,
                "responseId": rid,
            }
        )
    return chunks


def large_response() -> dict:
    """A ~200 KB answer: many text and thought parts with signatures, log probabilities with
    the top 5 alternatives per token, citations, grounding metadata and usage metadata."""
    rng = random.Random(4)
    parts: list[dict[str, Any]] = [
        {"text": words(rng, 120), "thought": True},
        {"text": "", "thoughtSignature": signature(rng, 1500)},
    ]
    for _ in range(48):
        parts.append({"text": words(rng, rng.randint(40, 160))})
    parts[-1]["thoughtSignature"] = signature(rng, 256)
    answer = "".join(p.get("text", "") for p in parts if not p.get("thought"))

    def token() -> dict:
        return {
            "token": rng.choice(_WORDS),
            "tokenId": rng.randrange(256_000),
            "logProbability": -rng.random() * 4,
        }

    steps = 320
    chosen = [token() for _ in range(steps)]
    logprobs = {
        "logProbabilitySum": sum(t["logProbability"] for t in chosen),
        "topCandidates": [{"candidates": [token() for _ in range(5)]} for _ in range(steps)],
        "chosenCandidates": chosen,
    }
    sources = [
        {
            "startIndex": (start := rng.randrange(len(answer) - 400)),
            "endIndex": start + rng.randint(50, 400),
            "uri": f"https://example.org/articles/{rng.randrange(10**6)}",
            "license": rng.choice(["", "mit", "apache-2.0"]),
        }
        for _ in range(24)
    ]
    chunks = [
        {
            "web": {
                "uri": "https://vertexaisearch.cloud.google.com/grounding-api-redirect/"
                + base64.urlsafe_b64encode(rng.randbytes(120)).decode("ascii"),
                "title": f"site{index}.example.com",
            }
        }
        for index in range(30)
    ]
    supports = []
    position = 0
    for _ in range(90):
        text = words(rng, rng.randint(8, 30))
        supports.append(
            {
                "segment": {
                    "startIndex": position,
                    "endIndex": position + len(text),
                    "text": text,
                    "partIndex": rng.randrange(2, 50),
                },
                "groundingChunkIndices": sorted(rng.sample(range(30), rng.randint(1, 4))),
            }
        )
        position += len(text) + 1
    grounding = {
        "webSearchQueries": [words(rng, 6) for _ in range(4)],
        "searchEntryPoint": {"renderedContent": "<style>.chip{}</style>" + words(rng, 600)},
        "groundingChunks": chunks,
        "groundingSupports": supports,
    }
    usage_metadata = usage(2_400, 6_000, 1_800)
    usage_metadata["candidatesTokensDetails"] = [{"modality": "TEXT", "tokenCount": 6_000}]
    usage_metadata["toolUsePromptTokenCount"] = 300
    usage_metadata["toolUsePromptTokensDetails"] = [{"modality": "TEXT", "tokenCount": 300}]
    return {
        "candidates": [
            {
                "content": {"parts": parts, "role": "model"},
                "finishReason": "STOP",
                "index": 0,
                "citationMetadata": {"citationSources": sources},
                "groundingMetadata": grounding,
                "avgLogprobs": logprobs["logProbabilitySum"] / steps,
                "logprobsResult": logprobs,
            }
        ],
        "usageMetadata": usage_metadata,
        "modelVersion": MODEL_VERSION,
        "responseId": response_id(rng),
    }


def large_request() -> tuple[list[dict], str, bytes]:
    """The inputs of a large request: a 40-turn history (wire dicts, model turns with
    signatures), the new prompt, and a 1 MB image to send inline with it."""
    rng = random.Random(5)
    history: list[dict] = []
    for _ in range(20):
        history.append({"role": "user", "parts": [{"text": words(rng, 60)}]})
        history.append(
            {
                "role": "model",
                "parts": [{"text": words(rng, 250), "thoughtSignature": signature(rng, 192)}],
            }
        )
    image = b"\x89PNG\r\n\x1a\n" + rng.randbytes(1_000_000 - 8)
    return history, "Describe this image in the context of our conversation.", image


def dumps(payload: Any) -> bytes:
    """JSON as the API writes it (``", "`` and ``": "`` separators)."""
    return json.dumps(payload).encode()


if __name__ == "__main__":  # sizes, for the README
    for name, value in [
        ("small response", small_response()),
        ("chat response", chat_response()),
        ("stream chunk", stream_chunks()[0]),
        ("large response", large_response()),
    ]:
        print(f"{name}: {len(dumps(value)):,} bytes")
