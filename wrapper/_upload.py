"""The resumable upload protocol of the Files API, one chunk in memory at a time.

``start`` announces the file (its size and media type, its metadata as JSON) and gets an upload
URL and the chunk granularity; the bytes then go up in chunks of that size (``upload``), the
last one with ``finalize``, each at the offset the server has received. A chunk whose answer is
lost (a dropped connection, a 5xx, a timeout) is not sent blindly again: ``query`` asks the
server how much it holds and the upload goes on from there, resending only what is missing.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import IO, TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

from gemwire._request import Request
from gemwire.errors import APIConnectionError, APIError, GemwireError, InvalidResponseError
from gemwire.types import HttpRetryOptions

if TYPE_CHECKING:  # imported by Client(), with urllib3
    from gemwire._transport import Reply, Transport

__all__ = ["Progress", "upload"]

Progress = Callable[[int, "int | None"], object]
"""Called after each chunk with the bytes the server holds and the size (``None``: unknown)."""

DEFAULT_GRANULARITY = 8 * 2**20  # what the service announces
ONCE = HttpRetryOptions(attempts=1)  # a chunk is resumed here, never re-sent by the transport


def upload(
    transport: Transport,
    path: str,
    source: IO[bytes],
    *,
    size: int | None,
    mime_type: str,
    metadata: dict[str, Any],
    headers: Mapping[str, str] | None = None,
    timeout: float | None = None,
    progress: Progress | None = None,
) -> Any:
    """Upload what ``source`` reads (from its current position) to ``path`` (``upload/v1beta/
    files``) and return the final answer's JSON (``{"file": {...}}``)."""
    start_headers = {
        **(headers or {}),
        "x-goog-upload-protocol": "resumable",
        "x-goog-upload-command": "start",
        "x-goog-upload-header-content-type": mime_type,
    }
    if size is not None:
        start_headers["x-goog-upload-header-content-length"] = str(size)
    started = transport.exchange(
        Request("POST", path, metadata, headers=start_headers, timeout=timeout)
    )
    session = _Session(transport, started, headers, timeout)
    offset = 0
    chunk = source.read(session.granularity)
    while True:
        after = source.read(session.granularity) if chunk else b""
        reply = session.send(offset, chunk, last=not after)
        offset += len(chunk)
        if progress is not None:
            progress(offset, size)
        if reply is not None:
            return reply
        chunk = after


class _Session:
    """One upload session: its URL, its granularity, and resumption of a chunk."""

    def __init__(
        self,
        transport: Transport,
        started: Reply,
        headers: Mapping[str, str] | None,
        timeout: float | None,
    ) -> None:
        self._transport = transport
        self._headers = dict(headers or {})
        self._timeout = timeout
        url = started.headers.get("x-goog-upload-url")
        if not url:
            raise InvalidResponseError("the start of the upload gave no x-goog-upload-url")
        self._path, self._query = _relative(url, transport.base_url)
        granularity = started.headers.get("x-goog-upload-chunk-granularity", "")
        self.granularity = (
            int(granularity)
            if granularity.isdigit() and int(granularity) > 0
            else DEFAULT_GRANULARITY
        )

    def send(self, offset: int, chunk: bytes, *, last: bool) -> Any:
        """Send ``chunk`` at ``offset`` (``finalize`` too if ``last``) and return the final
        answer's JSON, or ``None`` while more is expected. A lost answer is resumed from what
        the server says it holds, within the client's retry budget."""
        policy = self._transport.retry
        failures = 0
        start = offset
        while True:
            command = "upload, finalize" if last else "upload"
            try:
                reply = self._command(command, chunk[offset - start :], offset)
            except (APIConnectionError, APIError) as failure:
                if failures >= policy.max_retries or not _resumable(failure, policy.statuses):
                    raise
                time.sleep(policy.delay(failures, None))
                failures += 1
                state = self._command("query", b"", None, retried=True)
                if state.headers.get("x-goog-upload-status") == "final":
                    return state.payload
                received = state.headers.get("x-goog-upload-size-received", "")
                if not received.isdigit() or not start <= int(received) <= start + len(chunk):
                    raise InvalidResponseError(
                        f"the upload server holds {received or 'an unknown number of'} bytes; "
                        f"expected {start} to {start + len(chunk)}"
                    ) from failure
                offset = int(received)
                if offset == start + len(chunk) and not last:
                    return None  # the chunk arrived; only its answer was lost
                continue
            return reply.payload if last else None

    def _command(
        self, command: str, body: bytes, offset: int | None, *, retried: bool = False
    ) -> Reply:
        headers = {**self._headers, "x-goog-upload-command": command}
        if offset is not None:
            headers["x-goog-upload-offset"] = str(offset)
        return self._transport.exchange(
            Request(
                "POST",
                self._path,
                body,
                self._query,
                timeout=self._timeout,
                headers=headers,
                retry_options=None if retried else ONCE,
            )
        )


def _resumable(failure: GemwireError, statuses: frozenset[int]) -> bool:
    """Whether a chunk's failure may be resumed: its answer was lost or was a transient one."""
    if isinstance(failure, APIError):
        return failure.code in statuses
    return True


def _relative(url: str, base_url: str) -> tuple[str, dict[str, str]]:
    """The path under ``base_url`` and the query of the server's upload URL, which must be on
    the same origin (the API key goes with every chunk)."""
    target, base = urlsplit(url), urlsplit(base_url)
    prefix = base.path.rstrip("/") + "/"
    if (target.scheme, target.netloc) != (base.scheme, base.netloc) or not target.path.startswith(
        prefix
    ):
        raise InvalidResponseError(
            "the upload URL the server gave is not under the client's base URL; refusing to "
            "send the API key there"
        )
    return target.path.removeprefix(prefix), dict(parse_qsl(target.query))
