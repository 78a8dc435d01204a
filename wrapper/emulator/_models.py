"""The models the emulator lists, in the shape of Google's `models.list` / `models.get`.

Any model id starting with `gemini-` generates; any id containing `embedding`
(`gemini-embedding-001`, `text-embedding-004`) embeds, and only that, as on the service; the
few below are what `GET /models` lists. `-latest` aliases resolve to a fixed version, which the
answers report as `modelVersion`.
"""

from __future__ import annotations

from typing import Any

_METHODS = ["generateContent", "countTokens", "createCachedContent", "batchGenerateContent"]
_EMBEDDING_METHODS = ["embedContent", "countTextTokens", "countTokens", "asyncBatchEmbedContent"]
_EMBEDS = frozenset({"embedContent", "batchEmbedContents"})

_CATALOGUE: list[dict[str, Any]] = [
    {
        "name": "models/gemini-2.5-flash",
        "version": "001",
        "displayName": "Gemini 2.5 Flash",
        "description": (
            "Stable version of Gemini 2.5 Flash, our mid-size multimodal model that supports up "
            "to 1 million tokens, released in June of 2025."
        ),
        "inputTokenLimit": 1048576,
        "outputTokenLimit": 65536,
        "supportedGenerationMethods": _METHODS,
        "temperature": 1,
        "topP": 0.95,
        "topK": 64,
        "maxTemperature": 2,
        "thinking": True,
    },
    {
        "name": "models/gemini-2.5-pro",
        "version": "2.5",
        "displayName": "Gemini 2.5 Pro",
        "description": "Stable release (June 17th, 2025) of Gemini 2.5 Pro",
        "inputTokenLimit": 1048576,
        "outputTokenLimit": 65536,
        "supportedGenerationMethods": _METHODS,
        "temperature": 1,
        "topP": 0.95,
        "topK": 64,
        "maxTemperature": 2,
        "thinking": True,
    },
    {
        "name": "models/gemini-2.5-flash-lite",
        "version": "001",
        "displayName": "Gemini 2.5 Flash-Lite",
        "description": "Stable version of Gemini 2.5 Flash-Lite, released in July of 2025",
        "inputTokenLimit": 1048576,
        "outputTokenLimit": 65536,
        "supportedGenerationMethods": _METHODS,
        "temperature": 1,
        "topP": 0.95,
        "topK": 64,
        "maxTemperature": 2,
        "thinking": True,
    },
    {
        "name": "models/gemini-2.0-flash",
        "version": "2.0",
        "displayName": "Gemini 2.0 Flash",
        "description": "Gemini 2.0 Flash",
        "inputTokenLimit": 1048576,
        "outputTokenLimit": 8192,
        "supportedGenerationMethods": _METHODS,
        "temperature": 1,
        "topP": 0.95,
        "topK": 40,
        "maxTemperature": 2,
    },
    {
        "name": "models/gemini-embedding-001",
        "version": "001",
        "displayName": "Gemini Embedding 001",
        "description": "Obtain a distributed representation of a text.",
        "inputTokenLimit": 2048,
        "outputTokenLimit": 1,
        "supportedGenerationMethods": _EMBEDDING_METHODS,
    },
    {
        "name": "models/gemini-embedding-2",
        "version": "2",
        "displayName": "Gemini Embedding 2",
        "description": "Obtain a distributed representation of multimodal content.",
        "inputTokenLimit": 8192,
        "outputTokenLimit": 1,
        "supportedGenerationMethods": _EMBEDDING_METHODS,
    },
]
_BY_ID = {entry["name"].removeprefix("models/"): entry for entry in _CATALOGUE}
_ALIASES = {
    "gemini-flash-latest": "gemini-2.5-flash",
    "gemini-flash-lite-latest": "gemini-2.5-flash-lite",
    "gemini-pro-latest": "gemini-2.5-pro",
}


def is_embedding(model: str) -> bool:
    """Whether the model id names an embedding model (`gemini-embedding-001`, ...)."""
    return "embedding" in model


def serves(model: str, method: str) -> bool:
    """Whether the emulator answers `method` (`generateContent`, `embedContent`, `get`, ...)
    for this model id: Gemini models generate, embedding models embed, both count tokens."""
    if is_embedding(model):
        return method in _EMBEDS or method in ("countTokens", "get")
    return model.startswith("gemini-") and method not in _EMBEDS


def model_version(model: str) -> str:
    """What answers report as `modelVersion`: the model id, aliases resolved."""
    return _ALIASES.get(model, model)


def get(model: str) -> dict[str, Any]:
    """The `models.get` body of a served model; ids outside the catalogue get a generic entry."""
    entry = _BY_ID.get(model_version(model))
    if entry is not None:
        return {**entry, "name": f"models/{model}"}
    generic = {
        "name": f"models/{model}",
        "version": "001",
        "displayName": model.replace("-", " ").title(),
        "description": f"{model}, served by the gemwire emulator",
    }
    if is_embedding(model):
        return {
            **generic,
            "inputTokenLimit": 2048,
            "outputTokenLimit": 1,
            "supportedGenerationMethods": _EMBEDDING_METHODS,
        }
    return {
        **generic,
        "inputTokenLimit": 1048576,
        "outputTokenLimit": 65536,
        "supportedGenerationMethods": _METHODS,
        "temperature": 1,
        "topP": 0.95,
        "topK": 64,
        "maxTemperature": 2,
    }


def list_page(page_size: int, page_token: str) -> dict[str, Any]:
    """One page of `models.list`; the page token is the offset of the page's first model."""
    start = int(page_token) if page_token.isdigit() else 0
    size = page_size if page_size > 0 else 50
    page: dict[str, Any] = {"models": _CATALOGUE[start : start + size]}
    if start + size < len(_CATALOGUE):
        page["nextPageToken"] = str(start + size)
    return page
