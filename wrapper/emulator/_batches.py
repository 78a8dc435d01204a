"""Batch jobs: `models/{id}:batchGenerateContent`, `GET batches/{id}`, list, `:cancel`, delete.

A batch is created from inline requests (`{"batch": {"displayName", "inputConfig": {"requests":
{"requests": [{"request": ..., "metadata": {"key": ...}}]}}}}`) or from an uploaded JSONL file
(`"inputConfig": {"fileName": "files/..."}`, one `{"key", "request"}` a line). Every request is
answered when the batch is created, through the same code as `generateContent`; one the
service would refuse keeps its error (a `google.rpc.Status`), and the script can fail others
(`failed_requests`).

A batch is an Operation whose `metadata` is the `GenerateContentBatch` (`@type` says `v1main`
under a `v1beta` URL, as recorded; `batchStats` counts are int64 strings). Its state moves one
step each `GET` along `batch_states` (default: `BATCH_STATE_PENDING` when created, then
`RUNNING`, then `SUCCEEDED`); the last state stays. Once `SUCCEEDED` it is `done` and both
`metadata.output` and `response` hold the results: `inlinedResponses.inlinedResponses`
(`{"response" | "error", "metadata"}` in request order) for inline requests, or `responsesFile:
"files/batch-{id}"`, a generated file of one `{"key", "response" | "error"}` line a request,
downloadable through the Files API. `FAILED`, `EXPIRED` and cancelled batches are `done` with an
`error`. Lists are `{"operations": [...]}`; cancel and delete answer `{}`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from gemwire.emulator import _errors
from gemwire.emulator import _fields as fields
from gemwire.emulator._clock import Clock, timestamp
from gemwire.emulator._errors import ApiError
from gemwire.emulator._files import Files, Handler, StoredFile
from gemwire.emulator._generation import Generation
from gemwire.emulator._routes import Call
from gemwire.emulator._server import Answer, json_answer
from gemwire.emulator._store import Store, page_size

STATES = (
    "BATCH_STATE_PENDING",
    "BATCH_STATE_RUNNING",
    "BATCH_STATE_SUCCEEDED",
    "BATCH_STATE_FAILED",
    "BATCH_STATE_CANCELLED",
    "BATCH_STATE_EXPIRED",
)
DEFAULT_STATES = ("BATCH_STATE_PENDING", "BATCH_STATE_RUNNING", "BATCH_STATE_SUCCEEDED")
_TYPE = "type.googleapis.com/google.ai.generativelanguage.v1main."
_ENDINGS = {  # terminal states other than success, and the operation's error
    "BATCH_STATE_FAILED": {"code": 13, "message": "The batch failed."},
    "BATCH_STATE_CANCELLED": {"code": 1, "message": "The batch was cancelled."},
    "BATCH_STATE_EXPIRED": {"code": 4, "message": "The batch expired before it could complete."},
}


@dataclass(frozen=True)
class Result:
    """One request's outcome: its `metadata` (inline) or `key` (file), response or error."""

    metadata: Any
    key: Any
    response: dict[str, Any] | None = None
    error: dict[str, Any] | None = None


@dataclass
class Batch:
    """A batch job: its results (known from the start) and where it is along its states."""

    batch_id: str
    model: str
    display_name: str
    input_file: str | None
    results: list[Result]
    states: list[str]
    created: int
    updated: int
    step: int = 0
    ended: int | None = None
    output: dict[str, Any] = field(default_factory=dict)

    @property
    def state(self) -> str:
        """The current `BATCH_STATE_*`."""
        return self.states[self.step]

    def operation(self) -> dict[str, Any]:
        """The batch as the Operation the service answers."""
        name = f"batches/{self.batch_id}"
        metadata: dict[str, Any] = {
            "@type": _TYPE + "GenerateContentBatch",
            "model": self.model,
            "displayName": self.display_name,
        }
        if self.input_file:
            metadata["inputConfig"] = {"fileName": self.input_file}
        if self.output:
            metadata["output"] = self.output
        metadata["createTime"] = timestamp(self.created, digits=9)
        if self.ended is not None:
            metadata["endTime"] = timestamp(self.ended, digits=9)
        metadata["updateTime"] = timestamp(self.updated, digits=9)
        metadata["batchStats"] = self._stats()
        metadata["state"] = self.state
        metadata["name"] = name
        operation: dict[str, Any] = {"name": name, "metadata": metadata}
        if self.ended is not None:
            operation["done"] = True
        if self.output:
            operation["response"] = {"@type": _TYPE + "GenerateContentBatchOutput", **self.output}
        elif self.state in _ENDINGS:
            operation["error"] = _ENDINGS[self.state]
        return operation

    def _stats(self) -> dict[str, str]:
        stats = {"requestCount": str(len(self.results))}
        if self.state != "BATCH_STATE_SUCCEEDED":
            if self.ended is None:
                stats["pendingRequestCount"] = str(len(self.results))
            return stats
        failed = sum(1 for r in self.results if r.error is not None)
        if failed < len(self.results):
            stats["successfulRequestCount"] = str(len(self.results) - failed)
        if failed:
            stats["failedRequestCount"] = str(failed)
        return stats


class Batches:
    """Every batch job, and the handlers of the batch methods."""

    def __init__(self, clock: Clock, generation: Generation, files: Files) -> None:
        self.clock = clock
        self.generation = generation
        self.files = files
        self._store: Store[Batch] = Store("batches", 36)

    def handlers(self) -> dict[str, Handler]:
        """The batch methods by script kind."""
        return {
            "batchGenerateContent": self._create,
            "getBatch": self._get,
            "listBatches": self._list,
            "cancelBatch": self._cancel,
            "deleteBatch": self._delete,
        }

    def clear(self) -> None:
        """Forget every batch."""
        self._store.clear()

    def _create(self, call: Call) -> Answer:
        model = call.route.model
        spec = fields.get(call.json_object(), "batch")
        if not isinstance(spec, dict):
            why = "batch is not specified"
            raise _errors.invalid_field("batch", why, f"* BatchGenerateContentRequest.{why}\n")
        display = fields.get(spec, "displayName")
        if not isinstance(display, str) or not display:
            why = "display_name is not specified"
            message = f"* GenerateContentBatch.display_name: {why}\n"
            raise _errors.invalid_field("batch.displayName", why, message)
        config = fields.get(spec, "inputConfig")
        config = config if isinstance(config, dict) else {}
        inline, file_name = fields.get(config, "requests"), fields.get(config, "fileName")
        if (inline is None) == (file_name is None):
            why = "set exactly one of requests or fileName"
            message = f"* GenerateContentBatch.input_config: {why}\n"
            raise _errors.invalid_field("batch.inputConfig", why, message)
        fault = call.fault
        failing = set(fault.failed_requests) if fault and fault.failed_requests else set()
        host = call.header("host")
        if inline is not None:
            requests = list(self._inline(inline))
        else:
            requests = list(self._from_file(str(file_name)))
        results = [
            self._answer(model, index, metadata, key, request, failing, host)
            for index, (metadata, key, request) in enumerate(requests)
        ]
        now = self.clock.now()
        states = fault.batch_states if fault and fault.batch_states else DEFAULT_STATES
        batch = Batch(
            batch_id=self._store.new_id(),
            model=f"models/{model}",
            display_name=display,
            input_file=None if file_name is None else str(file_name),
            results=results,
            states=list(states),
            created=now,
            updated=now,
        )
        self._settle(batch)
        self._store.add(batch.batch_id, batch)
        return json_answer(batch.operation())

    def _get(self, call: Call) -> Answer:
        batch = self._find(call)
        with self._store.lock:
            if batch.step < len(batch.states) - 1:
                batch.step += 1
                batch.updated = self.clock.now()
                self._settle(batch)
            return json_answer(batch.operation())

    def _list(self, call: Call) -> Answer:
        size = page_size(call.query("pageSize"), default=100, maximum=1000)
        page, token = self._store.page(size, call.query("pageToken"))
        body: dict[str, Any] = {}
        if page:
            with self._store.lock:
                body["operations"] = [batch.operation() for batch in page]
        if token:
            body["nextPageToken"] = token
        return json_answer(body)

    def _cancel(self, call: Call) -> Answer:
        batch = self._find(call)
        with self._store.lock:
            if batch.ended is None:
                batch.states, batch.step = ["BATCH_STATE_CANCELLED"], 0
                batch.updated = self.clock.now()
                self._settle(batch)
        return json_answer({})

    def _delete(self, call: Call) -> Answer:
        self._store.pop(self._find(call).batch_id)
        return json_answer({})

    def _find(self, call: Call) -> Batch:
        batch = self._store.get(call.route.resource)
        if batch is None:
            raise ApiError(_errors.error(404))
        return batch

    def _settle(self, batch: Batch) -> None:
        """A batch that reached a terminal state ends; one that succeeded gets its output."""
        if batch.state not in _ENDINGS and batch.state != "BATCH_STATE_SUCCEEDED":
            return
        batch.ended = batch.updated
        if batch.state != "BATCH_STATE_SUCCEEDED":
            return
        if batch.input_file is None:
            inlined = [_inlined(result) for result in batch.results]
            batch.output = {"inlinedResponses": {"inlinedResponses": inlined}}
            return
        lines = b"".join(_line(result) for result in batch.results)
        stored = StoredFile(
            file_id=f"batch-{batch.batch_id}",
            display_name=None,
            mime_type="application/jsonl",
            size=len(lines),
            sha256_hex=hashlib.sha256(lines).hexdigest(),
            data=lines,
            created=batch.updated,
            updated=batch.updated,
            source="GENERATED",
        )
        self.files.add(stored)
        batch.output = {"responsesFile": f"files/{stored.file_id}"}

    def _inline(self, inline: Any) -> Iterator[tuple[Any, Any, Any]]:
        """(metadata, key, request) of each inline request."""
        requests = fields.get(inline, "requests") if isinstance(inline, dict) else None
        if not isinstance(requests, list) or not requests:
            why = "requests is not specified"
            message = f"* InlinedRequests.requests: {why}\n"
            raise _errors.invalid_field("batch.inputConfig.requests.requests", why, message)
        for index, item in enumerate(requests):
            where = f"batch.inputConfig.requests.requests[{index}].request"
            request = fields.get(item, "request")
            if request is not None:
                raw = json.dumps(request, sort_keys=True).encode()
                checker = self.generation.checker
                invalid = checker.bad_request("GenerateContentRequest", request, raw, where)
                if invalid is not None:
                    raise ApiError(invalid)
            metadata = fields.get(item, "metadata")
            key = fields.get(metadata, "key") if isinstance(metadata, dict) else None
            yield metadata, key, request

    def _from_file(self, name: str) -> Iterator[tuple[Any, Any, Any]]:
        """(None, key, request) of each line of an uploaded JSONL file."""
        stored = self.files.find(name.removeprefix("files/"))
        if stored is None:
            raise ApiError(_errors.file_not_found(name.removeprefix("files/")))
        if stored.data is None:
            message = (
                f"The emulator did not keep the bytes of {name}: they were over its memory "
                "limit for files."
            )
            raise ApiError(_errors.error(400, message, status="FAILED_PRECONDITION"))
        for line in stored.data.decode("utf-8", errors="replace").splitlines():
            if not line.strip():
                continue
            try:
                item = json.loads(line)
            except json.JSONDecodeError as exc:
                yield None, None, _Unreadable(f"{exc.msg} at column {exc.colno}.")
                continue
            yield None, fields.get(item, "key"), fields.get(item, "request")

    def _answer(
        self,
        model: str,
        index: int,
        metadata: Any,
        key: Any,
        request: Any,
        failing: set[Any],
        host: str,
    ) -> Result:
        if index in failing or (isinstance(key, str) and key in failing):
            return Result(metadata, key, error=_errors.rpc_status(_errors.error(500)))
        if isinstance(request, _Unreadable):
            message = f"Invalid JSON payload received. {request.problem}"
            return Result(metadata, key, error=_errors.rpc_status(_errors.error(400, message)))
        raw = json.dumps(request, sort_keys=True).encode()
        try:
            response = self.generation.response(model, request, raw, host)
        except ApiError as refused:
            return Result(metadata, key, error=_errors.rpc_status(refused.body))
        return Result(metadata, key, response=response)


@dataclass(frozen=True)
class _Unreadable:
    """A line of an input file that is not JSON."""

    problem: str


def _inlined(result: Result) -> dict[str, Any]:
    entry: dict[str, Any] = {}
    if result.error is not None:
        entry["error"] = result.error
    else:
        entry["response"] = result.response
    if result.metadata is not None:
        entry["metadata"] = result.metadata
    return entry


def _line(result: Result) -> bytes:
    entry: dict[str, Any] = {}
    if result.key is not None:
        entry["key"] = result.key
    if result.error is not None:
        entry["error"] = result.error
    else:
        entry["response"] = result.response
    return json.dumps(entry, ensure_ascii=False).encode() + b"\n"
