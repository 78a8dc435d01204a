"""``client.batches``: batch jobs: many generateContent requests run by the service at half the
price, from a list sent with the job or an uploaded JSONL file.

A job is a :class:`~gemwire.types.GenerateContentBatch` (the API's name; google-genai calls its
view ``BatchJob``), whose ``state`` keeps the API's ``BATCH_STATE_*`` names (google-genai
renames them ``JOB_STATE_*``). :meth:`Batches.results` yields one :class:`BatchResult` at a
time, in request order, read from the inline answers or streamed from the output file, so
100,000 results never sit in memory together.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from gemwire import _arguments, _request
from gemwire._pager import Pager
from gemwire._request import HttpConfig, http_options_of
from gemwire._serde import decode_answer
from gemwire.errors import APITimeoutError, ArgumentError, ArgumentTypeError, UsageError
from gemwire.files import Files, file_name
from gemwire.types import (
    BatchState,
    CreateBatchJobConfig,
    GenerateContentBatch,
    GenerateContentResponse,
    ListBatchJobsConfig,
    ListOperationsResponse,
    Operation,
    Status,
)

if TYPE_CHECKING:  # loaded on first use (the types) or by Client() (the transport)
    from gemwire._transport import Transport
    from gemwire.types import CreateBatchJobConfigDict, File, ListBatchJobsConfigDict

__all__ = ["DONE", "BatchRequest", "BatchResult", "Batches", "write_jsonl"]

DONE = frozenset(
    {
        BatchState.BATCH_STATE_SUCCEEDED,
        BatchState.BATCH_STATE_FAILED,
        BatchState.BATCH_STATE_CANCELLED,
        BatchState.BATCH_STATE_EXPIRED,
    }
)
"""The states a job does not leave."""
OUTPUT_LIMIT = 2**31  # bytes of an output file read (the Files API's limit is 2 GB)

BatchRequest = Mapping[str, Any]
"""One request of a batch, as google-genai's ``InlinedRequest`` dict: ``contents`` (anything
a call's ``contents`` take), optional ``config`` (a ``GenerateContentConfig`` or dict) and
``metadata`` (free JSON returned with the answer; a ``key`` in it names the result)."""


class BatchResult(NamedTuple):
    """The outcome of one request of a batch: its ``key`` (``metadata["key"]`` for inline
    requests), the ``response`` or the ``error`` (a ``google.rpc.Status``), and the request's
    ``metadata`` (inline requests only)."""

    key: str | None
    response: GenerateContentResponse | None
    error: Status | None
    metadata: dict[str, Any] | None = None


class Batches:
    """The batch jobs of a :class:`~gemwire.Client`, as ``client.batches``."""

    def __init__(self, transport: Transport, api_version: str, files: Files) -> None:
        self._transport = transport
        self._api_version = api_version
        self._files = files

    def create(
        self,
        *,
        model: str,
        src: str | File | Iterable[BatchRequest],
        config: CreateBatchJobConfig | CreateBatchJobConfigDict | None = None,
    ) -> GenerateContentBatch:
        """Start a batch job of ``model`` over ``src``: an uploaded JSONL file (its name, such
        as ``files/abc``, or the ``File``; see :func:`write_jsonl`) or a list of requests
        (``{"contents": ..., "config": ..., "metadata": {"key": ...}}``), sent with the job
        (the API takes up to 20 MB that way)."""
        options = _request.as_options(CreateBatchJobConfig, config, "config")
        path = f"{self._api_version}/{_request.model_path(model)}:batchGenerateContent"
        if isinstance(src, (str, Mapping)) or not isinstance(src, Iterable):
            source: dict[str, Any] = {"fileName": file_name(src, "src")}
        else:
            requests = [_inlined(item, f"src[{i}]") for i, item in enumerate(src)]
            if not requests:
                raise ArgumentError("src: is empty; pass at least one request")
            source = {"requests": {"requests": requests}}
        display_name = options.display_name or f"gemwire-{time.time_ns()}"
        body = {"batch": {"displayName": display_name, "inputConfig": source}}
        return _job(self._call("POST", path, options.http_options, body=body))

    def get(self, *, name: str, config: HttpConfig = None) -> GenerateContentBatch:
        """The job ``name`` (``batches/abc`` or ``abc``), as it stands now."""
        return _job(self._call("GET", self._path(name), http_options_of(config)))

    def cancel(self, *, name: str, config: HttpConfig = None) -> None:
        """Ask the service to stop the job ``name``; a finished job stays as it is."""
        self._call("POST", f"{self._path(name)}:cancel", http_options_of(config), body={})

    def delete(self, *, name: str, config: HttpConfig = None) -> None:
        """Delete the job ``name`` (not its files)."""
        self._call("DELETE", self._path(name), http_options_of(config))

    def list(
        self, *, config: ListBatchJobsConfig | ListBatchJobsConfigDict | None = None
    ) -> Pager[GenerateContentBatch]:
        """The project's jobs: iterate the pager for all of them, a page at a time."""
        options = _request.as_options(ListBatchJobsConfig, config, "config")
        query: dict[str, str] = {}
        if options.page_size is not None:
            query["pageSize"] = str(_arguments.count("config.page_size", options.page_size))
        path = f"{self._api_version}/batches"

        def fetch(token: str | None) -> tuple[list[GenerateContentBatch], str | None]:
            page_query = {**query, "pageToken": token} if token else query
            answer = self._call("GET", path, options.http_options, query=page_query)
            page = decode_answer(ListOperationsResponse, answer)
            return [_job_of(op) for op in page.operations or []], page.next_page_token

        return Pager("batches", fetch, page_token=options.page_token, page_size=options.page_size)

    def wait(
        self,
        *,
        name: str | GenerateContentBatch,
        timeout: float = 24 * 3600.0,
        poll_interval: float = 30.0,
        progress: Progress | None = None,
    ) -> GenerateContentBatch:
        """Poll the job until it is done (succeeded, failed, cancelled or expired) and return
        it; ``progress(job)`` sees each poll (``job.state``, ``job.batch_stats``). Raises
        :class:`~gemwire.errors.APITimeoutError` if it is not done after ``timeout`` seconds
        (the job goes on)."""
        job_name, deadline = wait_args(name, timeout, poll_interval)
        while (job := polled(self.get(name=job_name), deadline, timeout, progress)) is None:
            time.sleep(min(poll_interval, max(deadline - time.monotonic(), 0.0)))
        return job

    def results(self, job: GenerateContentBatch) -> Generator[BatchResult, None, None]:
        """The outcome of each request of a succeeded ``job``, one at a time in request order:
        from the answers inline, or read line by line from the output file as it downloads."""
        if job.state != BatchState.BATCH_STATE_SUCCEEDED or job.output is None:
            raise UsageError(f"{job.name} has no results: it is {_state(job)}")
        if job.output.inlined_responses is not None:
            for item in job.output.inlined_responses.inlined_responses or []:
                metadata = item.metadata if isinstance(item.metadata, dict) else None
                key = metadata.get("key") if metadata else None
                yield BatchResult(_text(key), item.response, item.error, metadata)
            return
        if not job.output.responses_file:
            raise UsageError(f"{job.name} has no results file")
        body = self._files.iter_download(file=job.output.responses_file, limit=OUTPUT_LIMIT)
        for line in _lines(body):
            yield _result(json.loads(line))

    def _path(self, name: str) -> str:
        job_id = _arguments.text("name", name).removeprefix("batches/")
        return f"{self._api_version}/batches/{_arguments.path_segment('name', job_id, 'abc')}"

    def _call(
        self,
        method: str,
        path: str,
        http_options: Any,
        *,
        body: dict[str, Any] | None = None,
        query: dict[str, str] | None = None,
    ) -> Any:
        request = _request.prepared(
            method, path, body, http_options, query=query, has_error_field=True
        )
        return self._transport.request(request).payload


Progress = Callable[[GenerateContentBatch], object]
"""Called with the job at each poll of a wait."""


def wait_args(
    name: str | GenerateContentBatch, timeout: float, poll_interval: float
) -> tuple[str, float]:
    """The job's name and when a wait ends (``time.monotonic()``), once the arguments are
    checked."""
    job_name = name.name if isinstance(name, GenerateContentBatch) else name
    _arguments.seconds("poll_interval", poll_interval)
    deadline = time.monotonic() + _arguments.seconds("timeout", timeout)
    return _arguments.text("name", job_name), deadline


def polled(
    job: GenerateContentBatch, deadline: float, timeout: float, progress: Progress | None
) -> GenerateContentBatch | None:
    """``job`` once done, ``None`` while it runs and time is left; shows it to ``progress``
    first. Raises :class:`~gemwire.errors.APITimeoutError` when the time is up."""
    if progress is not None:
        progress(job)
    if job.state in DONE:
        return job
    if time.monotonic() >= deadline:
        raise APITimeoutError(f"{job.name} is still {_state(job)} after {timeout:g} s")
    return None


def write_jsonl(requests: Iterable[tuple[str, BatchRequest]], path: str | Path) -> Path:
    """Write the input file of a batch: one ``{"key", "request"}`` line per ``(key,
    request)`` (a request as :meth:`Batches.create` takes it), one at a time, so a generator
    of 100,000 prompts is never held whole. Upload it with ``client.files.upload(file=path,
    config={"mime_type": "application/jsonl"})`` and pass the ``File`` as ``src``."""
    target = Path(path)
    with target.open("w", encoding="utf-8") as out:
        for index, (key, request) in enumerate(requests):
            entry = _inlined(request, f"requests[{index}]")
            line = {"key": _arguments.text(f"requests[{index}] key", key), **entry}
            out.write(json.dumps(line, separators=(",", ":"), allow_nan=False) + "\n")
    return target


def _inlined(item: Any, path: str) -> dict[str, Any]:
    """``{"request": ..., "metadata": ...}`` of one request given as google-genai's dict."""
    if not isinstance(item, Mapping):
        raise ArgumentTypeError(f"{path}: expected a dict with contents, got {type(item).__name__}")
    unknown = sorted(set(item) - {"contents", "config", "metadata"})
    if unknown or "contents" not in item:
        raise ArgumentError(f"{path}: expected contents, config and metadata, got {sorted(item)}")
    config = _request.as_config(item.get("config"))
    entry: dict[str, Any] = {"request": _request.generate_body(item["contents"], config)}
    if item.get("metadata") is not None:
        entry["metadata"] = dict(item["metadata"])
    return entry


def _job(answer: Any) -> GenerateContentBatch:
    """The job an Operation answer carries in its metadata."""
    return _job_of(decode_answer(Operation, answer))


def _job_of(operation: Operation) -> GenerateContentBatch:
    return decode_answer(GenerateContentBatch, operation.metadata or {"name": operation.name})


def _lines(body: Iterable[bytes]) -> Iterator[bytes]:
    """The non-empty lines of a body that arrives in chunks."""
    pending = b""
    for chunk in body:
        *complete, pending = (pending + chunk).split(b"\n")
        yield from (line for line in complete if line.strip())
    if pending.strip():
        yield pending


def _result(entry: Any) -> BatchResult:
    if not isinstance(entry, dict):
        entry = {}
    response = entry.get("response")
    error = entry.get("error")
    return BatchResult(
        _text(entry.get("key")),
        None if response is None else decode_answer(GenerateContentResponse, response),
        None if error is None else decode_answer(Status, error),
    )


def _state(job: GenerateContentBatch) -> str:
    return str(getattr(job.state, "value", job.state))


def _text(key: Any) -> str | None:
    return None if key is None else str(key)
