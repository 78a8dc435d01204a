"""The script: canned replies and injected faults, consumed in order by matching requests.

Each entry is a JSON object. The first pending entry that matches a request is used for it
(and removed, or its `times` counted down); requests that match no entry get the normal answer.

| key | effect |
|---|---|
| `match` | only requests whose path contains this string |
| `kind` | only this kind of request (`KINDS`: `generateContent`, `getFile`, ...) or a list |
| `times` | how many requests the entry applies to (default 1) |
| `delay` | seconds to wait before answering (combines with every other key) |
| `status` | answer this HTTP status with a Google error body (`message` overrides its text) |
| `retry_delay` | a 429 (or `status`) whose details carry `google.rpc.RetryInfo` (`"2.5s"`) |
| `headers` | extra response headers, e.g. `{"Retry-After": "1"}` |
| `html` | answer an HTML page (a proxy's 502 unless `status` says otherwise) |
| `drop` | close the connection without answering |
| `drop_after` | handle the request, then close the connection without answering |
| `body` | answer this JSON (a list is sent as the chunks of a stream) with `status` (200) |
| `text` | the normal answer, with this reply text |
| `function_calls` | the normal answer made of these calls: `[{"name", "args", "id"?}, ...]` |
| `chunks` | stream: this many chunks (the reply's pieces repeated) |
| `chunk_delay` | stream: seconds to wait before each chunk |
| `stream_error_after` | stream: an `{"error": ...}` event (`status`, default 500) after N chunks |
| `truncate_after` | stream: N chunks, half of the next one, then the connection is cut |
| `processing_polls` | upload start: the file answers `PROCESSING` to this many `GET`s |
| `file_state` | upload start: the state after processing, `ACTIVE` (default) or `FAILED` |
| `batch_states` | batch create: the `BATCH_STATE_*`s it answers, one more each `GET` |
| `failed_requests` | batch create: these requests (index or key) fail with a 500 status |

Entries with stream keys apply to `streamGenerateContent` only, entries with `text` to the two
generate methods, upload keys to `startUpload`, batch keys to `batchGenerateContent`, unless
`kind` says otherwise.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gemwire.emulator._batches import STATES

KINDS = (
    "generateContent",
    "streamGenerateContent",
    "countTokens",
    "listModels",
    "getModel",
    "embedContent",
    "batchEmbedContents",
    "startUpload",
    "uploadChunk",
    "queryUpload",
    "getFile",
    "listFiles",
    "deleteFile",
    "downloadFile",
    "createCachedContent",
    "getCachedContent",
    "listCachedContents",
    "updateCachedContent",
    "deleteCachedContent",
    "batchGenerateContent",
    "getBatch",
    "listBatches",
    "cancelBatch",
    "deleteBatch",
)
_STREAM_KEYS = ("chunks", "chunk_delay", "stream_error_after", "truncate_after")
_GENERATE = frozenset({"generateContent", "streamGenerateContent"})
# keys that only make sense for some kinds of request
_KEY_KINDS = {
    **{key: frozenset({"streamGenerateContent"}) for key in _STREAM_KEYS},
    "text": _GENERATE,
    "function_calls": _GENERATE,
    "processing_polls": frozenset({"startUpload"}),
    "file_state": frozenset({"startUpload"}),
    "batch_states": frozenset({"batchGenerateContent"}),
    "failed_requests": frozenset({"batchGenerateContent"}),
}
_KEYS = frozenset(
    {"match", "kind", "times", "delay", "status", "message", "retry_delay", "headers", "html"}
    | {"drop", "drop_after", "body", "text", *_KEY_KINDS}
)


@dataclass(frozen=True)
class Fault:
    """One parsed script entry; `Fault.parse` checks its keys and value types."""

    spec: dict[str, Any]
    kinds: frozenset[str]
    match: str | None = None
    times: int = 1
    delay: float = 0.0
    status: int | None = None
    message: str | None = None
    retry_delay: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    html: bool = False
    drop: bool = False
    drop_after: bool = False
    body: Any = None
    has_body: bool = False
    text: str | None = None
    function_calls: list[dict[str, Any]] | None = None
    chunks: int | None = None
    chunk_delay: float = 0.0
    stream_error_after: int | None = None
    truncate_after: int | None = None
    processing_polls: int | None = None
    file_state: str | None = None
    batch_states: tuple[str, ...] | None = None
    failed_requests: tuple[int | str, ...] | None = None

    @classmethod
    def parse(cls, spec: Mapping[str, Any]) -> Fault:
        """Check an entry; raises ValueError naming the offending key."""
        if not isinstance(spec, Mapping):
            raise ValueError(f"a script entry must be a JSON object, got {type(spec).__name__}")
        unknown = sorted(set(spec) - _KEYS)
        if unknown:
            raise ValueError(f"unknown script keys {unknown}; known: {sorted(_KEYS)}")
        kind = spec.get("kind")
        named = [kind] if isinstance(kind, str) else kind
        known = isinstance(named, list) and named and all(name in KINDS for name in named)
        if named is not None and not known:
            raise ValueError(f"kind must be one of {list(KINDS)} or a list of them, got {kind!r}")
        implied = _implied_kinds(spec)
        if named is not None and not set(named) <= implied:
            raise ValueError(f"kind {kind!r} cannot use the keys given (they need {implied})")
        retry = spec.get("retry_delay")
        status = _integer(spec, "status", 100, 599)
        if retry is not None and status is None:
            status = 429
        return cls(
            spec=dict(spec),
            kinds=frozenset(named) if named else implied,
            match=_typed(spec, "match", str),
            times=_integer(spec, "times", 1) or 1,
            delay=_seconds(spec, "delay"),
            status=status,
            message=_typed(spec, "message", str),
            retry_delay=_duration(retry),
            headers={str(k): str(v) for k, v in (_typed(spec, "headers", dict) or {}).items()},
            html=bool(_typed(spec, "html", bool)),
            drop=bool(_typed(spec, "drop", bool)),
            drop_after=bool(_typed(spec, "drop_after", bool)),
            body=spec.get("body"),
            has_body="body" in spec,
            text=_typed(spec, "text", str),
            function_calls=_calls(spec),
            chunks=_integer(spec, "chunks", 1),
            chunk_delay=_seconds(spec, "chunk_delay"),
            stream_error_after=_integer(spec, "stream_error_after", 0),
            truncate_after=_integer(spec, "truncate_after", 0),
            processing_polls=_integer(spec, "processing_polls", 0),
            file_state=_choice(spec, "file_state", ("ACTIVE", "FAILED")),
            batch_states=_names(spec, "batch_states", STATES, str),
            failed_requests=_names(spec, "failed_requests", None, (int, str)),
        )

    def matches(self, kind: str | None, path: str) -> bool:
        """Whether this entry applies to a request of that kind and path."""
        if kind not in self.kinds:
            return False
        return self.match is None or self.match in path


class Script:
    """A thread-safe queue of `Fault`s."""

    def __init__(self, entries: Iterable[Mapping[str, Any]] = ()) -> None:
        self._lock = threading.Lock()
        self._pending: list[list[Any]] = []  # [fault, uses left]
        self.push(*entries)

    def push(self, *entries: Mapping[str, Any]) -> None:
        """Append entries; all are checked before any is added."""
        faults = [Fault.parse(entry) for entry in entries]
        with self._lock:
            self._pending += [[fault, fault.times] for fault in faults]

    def take(self, kind: str | None, path: str) -> Fault | None:
        """The first pending entry matching the request, counted as used once."""
        with self._lock:
            for index, slot in enumerate(self._pending):
                fault: Fault = slot[0]
                if fault.matches(kind, path):
                    slot[1] -= 1
                    if slot[1] <= 0:
                        del self._pending[index]
                    return fault
        return None

    def pending(self) -> list[dict[str, Any]]:
        """The entries not used up yet, as given (with `times` showing the uses left)."""
        with self._lock:
            return [
                {**fault.spec, "times": left} if "times" in fault.spec else dict(fault.spec)
                for fault, left in self._pending
            ]

    def clear(self) -> None:
        """Forget every pending entry."""
        with self._lock:
            self._pending.clear()


def load(path: str | Path) -> list[dict[str, Any]]:
    """Script entries from a JSON file: a list of entries or `{"script": [...]}`."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    entries = data.get("script") if isinstance(data, dict) else data
    if not isinstance(entries, list):
        raise ValueError(f"{path}: expected a JSON list of script entries")
    for entry in entries:
        Fault.parse(entry)
    return entries


def _implied_kinds(spec: Mapping[str, Any]) -> frozenset[str]:
    kinds = frozenset(KINDS)
    for key, only in _KEY_KINDS.items():
        if key in spec:
            kinds &= only
    if not kinds:
        used = sorted(key for key in _KEY_KINDS if key in spec)
        raise ValueError(f"script keys {used} apply to different kinds of request")
    return kinds


def _calls(spec: Mapping[str, Any]) -> list[dict[str, Any]] | None:
    """`function_calls`: a non-empty list of `{"name": str, "args": {...}, "id": str}` (`args`
    and `id` optional), which `text` cannot come with; `args` default to `{}`."""
    value = spec.get("function_calls")
    if value is None:
        return None
    if "text" in spec:
        raise ValueError("script keys 'text' and 'function_calls' exclude each other")
    valid = isinstance(value, list) and bool(value) and all(map(_is_call, value))
    if not valid:
        raise ValueError(
            "script key 'function_calls' must be a non-empty list of "
            f'{{"name": str, "args": object, "id": str}} (args and id optional): {value!r}'
        )
    return [{"name": call["name"], "args": call.get("args", {}), **call} for call in value]


def _is_call(call: Any) -> bool:
    return (
        isinstance(call, dict)
        and set(call) <= {"name", "args", "id"}
        and isinstance(call.get("name"), str)
        and isinstance(call.get("args", {}), dict)
        and isinstance(call.get("id", ""), str)
    )


def _typed(spec: Mapping[str, Any], key: str, kind: type) -> Any:
    value = spec.get(key)
    if value is not None and not isinstance(value, kind):
        raise ValueError(f"script key {key!r} must be a {kind.__name__}, got {value!r}")
    return value


def _integer(spec: Mapping[str, Any], key: str, low: int, high: int | None = None) -> int | None:
    value = spec.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise ValueError(f"script key {key!r} must be an integer >= {low}, got {value!r}")
    if high is not None and value > high:
        raise ValueError(f"script key {key!r} must be an integer <= {high}, got {value!r}")
    return value


def _choice(spec: Mapping[str, Any], key: str, allowed: tuple[str, ...]) -> str | None:
    value = spec.get(key)
    if value is None:
        return None
    if value not in allowed:
        raise ValueError(f"script key {key!r} must be one of {list(allowed)}, got {value!r}")
    return str(value)


def _names(
    spec: Mapping[str, Any],
    key: str,
    allowed: tuple[str, ...] | None,
    kind: type | tuple[type, ...],
) -> tuple[Any, ...] | None:
    """A non-empty list of values of `kind` (each one of `allowed` if given), as a tuple."""
    value = spec.get(key)
    if value is None:
        return None
    valid = isinstance(value, list) and bool(value)
    valid = valid and all(isinstance(v, kind) and not isinstance(v, bool) for v in value)
    if not valid or (allowed is not None and not set(value) <= set(allowed)):
        expected = f"one of {list(allowed)}" if allowed else "request indexes or keys"
        raise ValueError(f"script key {key!r} must be a non-empty list of {expected}: {value!r}")
    return tuple(value)


def _seconds(spec: Mapping[str, Any], key: str) -> float:
    value = spec.get(key, 0)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise ValueError(f"script key {key!r} must be a number of seconds >= 0, got {value!r}")
    return float(value)


def _duration(value: Any) -> str | None:
    """`retry_delay` as Google writes durations: seconds (`2.5`) become `"2.5s"`."""
    if value is None:
        return None
    if isinstance(value, str) and value.endswith("s"):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0:
        return f"{value:g}s"
    raise ValueError(f"script key 'retry_delay' must be seconds or a string like '2.5s': {value!r}")
