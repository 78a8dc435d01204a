"""Deterministic embeddings: the answers of `embedContent` and `batchEmbedContents`.

A content's vector depends on its text (the text parts joined, and the JSON of any other part)
and nothing else: the same text always gets the same vector, two different texts nearly
orthogonal ones. Vectors have 3072 values for `gemini-embedding-*` models and 768 for the
older ones (`text-embedding-004`, `embedding-001`), or `outputDimensionality` values: the
first N of the full vector, rescaled to length 1, except for `gemini-embedding-001`, whose
truncated vectors the service sends unscaled (as recorded). `taskType` and `title` are
accepted and do not change the vector. `gemini-embedding-2*` answers carry `usageMetadata`
with `promptTokenCount` and `promptTokenDetails` (the service's spelling for embeddings).
"""

from __future__ import annotations

import hashlib
import json
import math
import struct
from typing import Any

from gemwire.emulator import _errors, _tokens
from gemwire.emulator import _fields as fields
from gemwire.emulator._checks import Checker
from gemwire.emulator._errors import ApiError

_HALF = 32767.5  # the middle of an unsigned 16-bit value
_DIGITS = 9  # about the precision of the float32 values the service sends


def embed(model: str, request: dict[str, Any], checker: Checker) -> dict[str, Any]:
    """The `EmbedContentResponse` of an `embedContent` body."""
    embedding, tokens = _embedding(model, request, "", checker)
    return _with_usage(model, {"embedding": embedding}, tokens)


def embed_batch(model: str, body: dict[str, Any], checker: Checker) -> dict[str, Any]:
    """The `BatchEmbedContentsResponse` of a `batchEmbedContents` body, in request order."""
    requests = fields.get(body, "requests")
    if not isinstance(requests, list) or not requests:
        why = "requests is not specified"
        raise _errors.invalid_field("requests", why, f"* BatchEmbedContentsRequest.{why}\n")
    embeddings, total = [], 0
    for index, request in enumerate(requests):
        if not isinstance(request, dict):
            field = f"requests[{index}]"
            why = f"Invalid value at '{field}': expected an object"
            raise _errors.invalid_field(field, why, f"Invalid JSON payload received. {why}")
        embedding, tokens = _embedding(model, request, f"requests[{index}].", checker)
        embeddings.append(embedding)
        total += tokens
    return _with_usage(model, {"embeddings": embeddings}, total)


def dimensions(model: str) -> int:
    """How many values a model's vectors have by default."""
    return 3072 if model.startswith("gemini-embedding") else 768


def _embedding(
    model: str, request: dict[str, Any], where: str, checker: Checker
) -> tuple[dict[str, Any], int]:
    """One `ContentEmbedding` and the tokens of its text."""
    content = fields.get(request, "content")
    if not isinstance(content, dict) or not fields.items(fields.get(content, "parts")):
        field, why = f"{where}content", "content is not specified"
        raise _errors.invalid_field(field, why, f"* EmbedContentRequest.{field}: {why}\n")
    key = json.dumps(content, sort_keys=True).encode()
    invalid = checker.bad_request("Content", content, key, f"{where}content")
    if invalid is not None:
        raise ApiError(invalid)
    size = dimensions(model)
    wanted = fields.get(request, "outputDimensionality")
    if wanted is not None and (
        isinstance(wanted, bool) or not isinstance(wanted, int) or not 1 <= wanted <= size
    ):
        field, why = f"{where}outputDimensionality", f"must be between 1 and {size}"
        raise _errors.invalid_field(field, why, f"* EmbedContentRequest.{field}: {why}\n")
    parts = fields.items(fields.get(content, "parts"))
    texts = [p["text"] for p in parts if isinstance(p.get("text"), str)]
    others = [json.dumps(p, sort_keys=True) for p in parts if not isinstance(p.get("text"), str)]
    values = _vector("\n".join(texts + others).encode(), size)
    if wanted is not None and wanted < size:
        values = values[:wanted]
        if model != "gemini-embedding-001":
            norm = math.sqrt(math.fsum(v * v for v in values)) or 1.0
            values = [v / norm for v in values]
    rounded = [round(v, _DIGITS) for v in values]
    return {"values": rounded}, sum(_tokens.count(text) for text in texts)


def _vector(key: bytes, size: int) -> list[float]:
    """A unit vector of `size` values, determined by `key`."""
    raw = struct.unpack(f"<{size}H", hashlib.shake_256(key).digest(2 * size))
    centred = [value - _HALF for value in raw]
    norm = math.sqrt(math.fsum(v * v for v in centred))
    return [v / norm for v in centred]


def _with_usage(model: str, answer: dict[str, Any], tokens: int) -> dict[str, Any]:
    if model.startswith("gemini-embedding-2"):
        details = [{"modality": "TEXT", "tokenCount": tokens}]
        answer["usageMetadata"] = {"promptTokenCount": tokens, "promptTokenDetails": details}
    return answer
