"""The emulator's deterministic answers, computed from the request and nothing else.

The reply text describes what the model was sent, so a demo reads naturally:

    You said: "What is in this picture?". I saw 3 turns and the system instruction "Be brief.".
    The message has 1 image: image/png, 640x480 pixels, 12,345 bytes.

- the last user turn's text is echoed (`You sent no text.` when it has neither text nor
  function responses);
- the number of turns in `contents` and the system instruction, if any, are noted, and so are
  `temperature`, `topP`, `topK` and `maxOutputTokens` when set;
- each `inlineData` / `fileData` part of that turn is described: MIME type, pixel size of PNG,
  JPEG, GIF and WebP images (read from their headers), byte count; an uploaded file the same
  way, with its name (`files/abc`); another file's URI;
- each `functionResponse` of that turn is reported with its JSON.

A request declaring functions may be answered with `functionCall` parts instead (see
`_function_calls` for when and which): one chunk of them when streamed, the first carrying a
`thoughtSignature` as thinking models' calls do, with the recorded
`finishMessage: "Model generated function call(s)."`; a script entry can name the calls.

`generationConfig` shapes it: `responseMimeType: application/json` makes the text a JSON value
(an instance of `responseSchema` / `responseJsonSchema`, see `_instance`, or
`{"reply": <the text above>}` without a schema); `text/x.enum` answers the schema's first enum
value; `stopSequences` cut the text before the first one found; `maxOutputTokens` keeps that many
tokens and sets `finishReason: MAX_TOKENS`; `candidateCount` repeats the candidate;
`thinkingConfig.includeThoughts` adds a thought part first and a `thoughtSignature` on the answer.

With a cached content, its turns come before the request's and its system instruction is the
one noted; `usageMetadata` then reports `cachedContentTokenCount` and `cacheTokensDetails`, and
`promptTokenCount` includes the cached tokens.

`responseId` and the signature are hashes of the request bytes: the same request gets the same
answer. Streams send the text in pieces of 4 words (the thought, if any, first); every chunk
carries the prompt usage, the last one `finishReason` and the full `usageMetadata`.
snake_case keys are read as well as camelCase ones.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from gemwire._serde import decode_base64
from gemwire.emulator import _fields as fields
from gemwire.emulator import _function_calls, _media, _models, _tokens
from gemwire.emulator._instance import instance
from gemwire.emulator._media import Attachment
from gemwire.errors import DecodeError

_WORDS_PER_CHUNK = 4
_PIECE = re.compile(r"\s*\S{1,32}\s*")  # a word with its spacing; long runs (JSON) cut at 32
_MAX_CANDIDATES = 8
_NO_FILES: Mapping[str, Attachment] = MappingProxyType({})
_CALLS_MESSAGE = "Model generated function call(s)."  # recorded with every call since 2.5


@dataclass(frozen=True)
class PromptTokens:
    """The prompt's token count and its split by modality (`promptTokensDetails`)."""

    total: int
    details: list[dict[str, Any]]


@dataclass(frozen=True)
class Reply:
    """Everything one answer says, before it is laid out as a body or as stream chunks."""

    model_version: str
    response_id: str
    prompt: PromptTokens
    text: str
    finish_reason: str
    thought: str | None
    signature: str | None
    candidate_count: int
    cached: PromptTokens | None = None
    calls: tuple[dict[str, Any], ...] = ()  # `functionCall`s, answered instead of text


def compose(
    model: str,
    request: dict[str, Any],
    raw: bytes,
    text: str | None = None,
    *,
    cached: PromptTokens | None = None,
    files: Mapping[str, Attachment] = _NO_FILES,
    calls: list[dict[str, Any]] | None = None,
) -> Reply:
    """The answer to a `generateContent` request body; `text` replaces the reply text,
    `calls` (`functionCall`s) the answer the request would get.

    `cached` counts the part of the prompt that came from a cached content (its turns are
    already in `request`); `files` describes the uploaded files `fileData` parts refer to, by
    URI."""
    contents = fields.items(fields.get(request, "contents"))
    system = _system_text(fields.get(request, "systemInstruction"))
    config = fields.get(request, "generationConfig")
    config = config if isinstance(config, dict) else {}
    last: dict[str, Any] = next(
        (c for c in reversed(contents) if fields.get(c, "role") != "model"), {}
    )
    if calls is None:
        calls = [] if text is not None else _function_calls.chosen(request)
    if calls:
        text = ""
    elif text is None:
        text = _json_reply(config, last, contents, system, files)
    finish = "STOP"
    stops = fields.get(config, "stopSequences")
    for stop in stops if isinstance(stops, list) else []:
        if isinstance(stop, str) and stop and stop in text:
            text = text[: text.index(stop)]
    limit = fields.get(config, "maxOutputTokens")
    if isinstance(limit, int) and limit > 0:
        cut = _tokens.truncate(text, limit)
        if cut is not None:
            text, finish = cut, "MAX_TOKENS"
    digest = hashlib.blake2b(raw, key=model.encode()[:64], digest_size=32).digest()
    thinking = fields.get(config, "thinkingConfig")
    thoughts = isinstance(thinking, dict) and fields.get(thinking, "includeThoughts") is True
    count = fields.get(config, "candidateCount")
    return Reply(
        model_version=_models.model_version(model),
        response_id=base64.urlsafe_b64encode(digest[:17]).decode().rstrip("="),
        prompt=prompt_tokens(
            contents, fields.get(request, "systemInstruction"), fields.get(request, "tools")
        ),
        text=text,
        finish_reason=finish,
        thought=_thought(last, contents, calls) if thoughts else None,
        signature=base64.b64encode(digest + digest[:16]).decode() if thoughts or calls else None,
        candidate_count=min(count, _MAX_CANDIDATES) if isinstance(count, int) and count > 1 else 1,
        cached=cached,
        calls=tuple(calls),
    )


def response(reply: Reply) -> dict[str, Any]:
    """The `GenerateContentResponse` body of a whole answer."""
    if reply.calls:
        return _calls_chunk(reply, [] if reply.thought is None else [_thought_part(reply)])
    parts = [] if reply.thought is None else [_thought_part(reply)]
    parts.append(_answer_part(reply, reply.text, first=True))
    candidates_tokens = _tokens.count(reply.text) * reply.candidate_count
    return _chunk(reply, parts, last=True, candidates_tokens=candidates_tokens)


def stream(reply: Reply, size: int | None = None, at_least: int = 2) -> list[dict[str, Any]]:
    """The chunks of a streamed answer: `size` of them if given, else at least `at_least`;
    function calls come in one chunk (after the thought, if any), whatever is asked."""
    thought = 0 if reply.thought is None else 1
    if reply.calls:
        thinking = (
            [] if reply.thought is None else [_chunk(reply, [_thought_part(reply)], last=False)]
        )
        return [*thinking, _calls_chunk(reply, [])]
    words = _PIECE.findall(reply.text) or [reply.text]
    natural = -(-len(words) // _WORDS_PER_CHUNK) + thought
    wanted = size if size is not None else max(natural, at_least)
    if wanted == 1:
        return [response(reply)]
    chunks: list[dict[str, Any]] = []
    if reply.thought is not None:
        chunks.append(_chunk(reply, [_thought_part(reply)], last=False))
    pieces = _split(words, None if wanted == natural else wanted - thought)
    emitted = 0
    for index, piece in enumerate(pieces):
        last = index == len(pieces) - 1
        emitted += _tokens.count(piece)
        tokens = emitted * reply.candidate_count if last else None
        parts = [_answer_part(reply, piece, first=index == 0)]
        chunks.append(_chunk(reply, parts, last=last, candidates_tokens=tokens))
    return chunks


def count_tokens(request: dict[str, Any]) -> dict[str, Any]:
    """The `countTokens` answer for `contents` or a whole `generateContentRequest`."""
    inner = fields.get(request, "generateContentRequest")
    source = inner if isinstance(inner, dict) else request
    tokens = prompt_tokens(
        fields.items(fields.get(source, "contents")),
        fields.get(source, "systemInstruction"),
        fields.get(source, "tools"),
    )
    body: dict[str, Any] = {"totalTokens": tokens.total}
    if tokens.details:
        body["promptTokensDetails"] = tokens.details
    return body


def prompt_tokens(contents: list[dict[str, Any]], system: Any, tools: Any = None) -> PromptTokens:
    """Tokens of every part of `contents` and of the system instruction, by modality, and
    of the tools (their JSON text)."""
    by_modality: dict[str, int] = {}
    system_parts = fields.items(fields.get(system, "parts")) if isinstance(system, dict) else []
    for part in [p for c in contents for p in fields.items(fields.get(c, "parts"))] + system_parts:
        modality, tokens = _part_tokens(part)
        by_modality[modality] = by_modality.get(modality, 0) + tokens
    if tools:
        text = json.dumps(tools, ensure_ascii=False, sort_keys=True)
        by_modality["TEXT"] = by_modality.get("TEXT", 0) + _tokens.count(text)
    details = [
        {"modality": modality, "tokenCount": tokens}
        for modality, tokens in sorted(by_modality.items())
        if tokens
    ]
    return PromptTokens(sum(by_modality.values()), details)


def _chunk(
    reply: Reply, parts: list[dict[str, Any]], *, last: bool, candidates_tokens: int | None = None
) -> dict[str, Any]:
    candidates = []
    for index in range(reply.candidate_count):
        candidate: dict[str, Any] = {"content": {"parts": parts, "role": "model"}}
        if last and reply.calls:
            candidate["finishMessage"] = _CALLS_MESSAGE
        if last:
            candidate["finishReason"] = reply.finish_reason
        candidate["index"] = index
        candidates.append(candidate)
    usage: dict[str, Any] = {"promptTokenCount": reply.prompt.total}
    thoughts = _tokens.count(reply.thought) if last and reply.thought is not None else 0
    if last and candidates_tokens:
        usage["candidatesTokenCount"] = candidates_tokens
    usage["totalTokenCount"] = reply.prompt.total + (candidates_tokens or 0) + thoughts
    if reply.cached is not None:
        usage["cachedContentTokenCount"] = reply.cached.total
    if reply.prompt.details:
        usage["promptTokensDetails"] = reply.prompt.details
    if reply.cached is not None and reply.cached.details:
        usage["cacheTokensDetails"] = reply.cached.details
    if thoughts:
        usage["thoughtsTokenCount"] = thoughts
    return {
        "candidates": candidates,
        "usageMetadata": usage,
        "modelVersion": reply.model_version,
        "responseId": reply.response_id,
    }


def _thought_part(reply: Reply) -> dict[str, Any]:
    return {"text": reply.thought, "thought": True}


def _calls_chunk(reply: Reply, before: list[dict[str, Any]]) -> dict[str, Any]:
    """The last chunk of a function-calling answer: the parts `before`, then the calls, the
    first signed."""
    calls: list[dict[str, Any]] = [{"functionCall": call} for call in reply.calls]
    if reply.signature is not None:
        calls[0]["thoughtSignature"] = reply.signature
    tokens = sum(_part_tokens(part)[1] for part in calls) * reply.candidate_count
    return _chunk(reply, [*before, *calls], last=True, candidates_tokens=tokens)


def _answer_part(reply: Reply, text: str, *, first: bool) -> dict[str, Any]:
    part: dict[str, Any] = {"text": text}
    if first and reply.signature is not None:
        part["thoughtSignature"] = reply.signature
    return part


def _split(words: list[str], count: int | None) -> list[str]:
    """The words in groups of 4, or in exactly `count` groups (groups repeat when too few)."""
    if count is None:
        step = _WORDS_PER_CHUNK
        return ["".join(words[i : i + step]) for i in range(0, len(words), step)]
    if count <= len(words):
        bounds = [len(words) * i // count for i in range(count + 1)]
        return ["".join(words[bounds[i] : bounds[i + 1]]) for i in range(count)]
    if len(words) == 1 and count == 2:
        return [words[0], ""]  # Google often ends a stream with an empty text part
    groups = _split(words, None)
    return [groups[i % len(groups)] for i in range(count)]


def _json_reply(
    config: dict[str, Any],
    last: dict[str, Any],
    contents: list[dict[str, Any]],
    system: str,
    files: Mapping[str, Attachment],
) -> str:
    mime = fields.get(config, "responseMimeType")
    schema = fields.get(config, "responseJsonSchema")
    if schema is None:
        schema = fields.get(config, "responseSchema")
    if mime == "application/json":
        if schema is None:
            reply = _describe(last, contents, system, config, files)
            return json.dumps({"reply": reply}, ensure_ascii=False)
        return json.dumps(instance(schema), ensure_ascii=False)
    if mime == "text/x.enum" and isinstance(schema, dict):
        enum = schema.get("enum")
        if isinstance(enum, list) and enum:
            return str(enum[0])
    return _describe(last, contents, system, config, files)


# Generation settings the reply mentions, and how.
_SETTINGS = (
    ("temperature", "temperature {}"),
    ("topP", "top-p {}"),
    ("topK", "top-k {}"),
    ("maxOutputTokens", "at most {} output tokens"),
)


def _describe(
    last: dict[str, Any],
    contents: list[dict[str, Any]],
    system: str,
    config: dict[str, Any],
    files: Mapping[str, Attachment],
) -> str:
    """The plain reply text: an echo of the last user turn and what came with it."""
    parts = fields.items(fields.get(last, "parts"))
    said = " ".join(
        p["text"] for p in parts if isinstance(p.get("text"), str) and not p.get("thought")
    ).strip()
    results = [
        f"The function {fields.get(called, 'name')} returned "
        f"{json.dumps(fields.get(called, 'response'), ensure_ascii=False, sort_keys=True)}."
        for called in (fields.get(part, "functionResponse") for part in parts)
        if isinstance(called, dict)
    ]
    sentences = [f'You said: "{said}".'] if said else [] if results else ["You sent no text."]
    turns = f"{len(contents)} turn{'' if len(contents) == 1 else 's'}"
    if system:
        sentences.append(f'I saw {turns} and the system instruction "{system}".')
    else:
        sentences.append(f"I saw {turns}.")
    settings = [
        text.format(v) for key, text in _SETTINGS if (v := fields.get(config, key)) is not None
    ]
    if settings:
        sentences.append(f"You asked for {' and '.join(settings)}.")
    media = [d for d in (_describe_media(p, files) for p in parts) if d is not None]
    if media:
        images = sum(1 for noun, _ in media if noun == "image")
        nouns = [_plural(images, "image"), _plural(len(media) - images, "file")]
        listing = "; ".join(text for _, text in media)
        sentences.append(f"The message has {' and '.join(n for n in nouns if n)}: {listing}.")
    return " ".join(sentences + results)


def _bytes_of(data: object) -> bytes | None:
    """The bytes of an inlineData.data value, decoded as the client decodes them, or None."""
    try:
        return decode_base64(data)
    except DecodeError:
        return None


def _describe_media(
    part: dict[str, Any], files: Mapping[str, Attachment] = _NO_FILES
) -> tuple[str, str] | None:
    """("image" or "file", "image/png, 640x480 pixels, 12,345 bytes") for a media part."""
    blob = fields.get(part, "inlineData")
    if isinstance(blob, dict):
        mime = str(fields.get(blob, "mimeType") or "application/octet-stream")
        raw = _bytes_of(fields.get(blob, "data"))
        return _describe_bytes(mime, raw, None if raw is None else len(raw))
    file = fields.get(part, "fileData")
    if isinstance(file, dict):
        uri = fields.get(file, "fileUri")
        attachment = files.get(uri) if isinstance(uri, str) else None
        if attachment is not None:
            mime = str(fields.get(file, "mimeType") or attachment.mime_type)
            noun, text = _describe_bytes(mime, attachment.data, attachment.size)
            return noun, f"{text}, uploaded as {attachment.name}"
        mime = str(fields.get(file, "mimeType") or "application/octet-stream")
        noun = "image" if mime.startswith("image/") else "file"
        return noun, f"{mime} at {uri}"
    return None


def _describe_bytes(mime: str, raw: bytes | None, size: int | None) -> tuple[str, str]:
    shown = f"{size:,} bytes" if size is not None else "unreadable bytes"
    if not mime.startswith("image/"):
        return "file", f"{mime}, {shown}"
    pixels = _media.image_size(raw) if raw else None
    shape = f"{pixels[0]}x{pixels[1]} pixels" if pixels else "unknown pixel size"
    return "image", f"{mime}, {shape}, {shown}"


def _thought(
    last: dict[str, Any], contents: list[dict[str, Any]], calls: list[dict[str, Any]]
) -> str:
    parts = fields.items(fields.get(last, "parts"))
    words = sum(_tokens.count(p["text"]) for p in parts if isinstance(p.get("text"), str))
    media = sum(1 for p in parts if _describe_media(p) is not None)
    names = ", ".join(dict.fromkeys(str(call["name"]) for call in calls))
    plan = (
        f"I will call {names}."
        if calls
        else "I will repeat it back and describe what came with it."
    )
    return (
        "**Reading the request**\n\n"
        f"The last user turn has {_plural(words, 'token') or 'no tokens'} of text and "
        f"{_plural(media, 'attachment') or 'no attachments'}, in a conversation of "
        f"{_plural(len(contents), 'turn') or 'no turns'}. {plan}\n\n"
    )


def _part_tokens(part: dict[str, Any]) -> tuple[str, int]:
    text = part.get("text")
    if isinstance(text, str):
        return "TEXT", _tokens.count(text)
    for key in ("inlineData", "fileData"):
        media = fields.get(part, key)
        if isinstance(media, dict):
            mime = str(fields.get(media, "mimeType") or "")
            return _modality(mime), _tokens.MEDIA_PART_TOKENS
    other = {k: v for k, v in part.items() if k not in ("thought", "thoughtSignature")}
    other.pop("thought_signature", None)
    return "TEXT", _tokens.count(json.dumps(other, ensure_ascii=False, sort_keys=True))


def _modality(mime: str) -> str:
    kind = mime.split("/", 1)[0]
    return {"image": "IMAGE", "audio": "AUDIO", "video": "VIDEO"}.get(kind, "DOCUMENT")


def _system_text(system: Any) -> str:
    if isinstance(system, str):
        return system.strip()
    parts = fields.items(fields.get(system, "parts")) if isinstance(system, dict) else []
    return " ".join(p["text"] for p in parts if isinstance(p.get("text"), str)).strip()


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}" if count else ""
