"""Every HTTP byte gemwire sends or receives goes through :class:`Transport`.

It owns the urllib3 pool, builds requests (URL, headers with the API key, JSON body), applies
timeouts, retries what is worth retrying with exponential backoff and full jitter, and turns
failures into :mod:`gemwire.errors` exceptions with the cause chained. Nothing above this
module sees urllib3.
"""

from __future__ import annotations

import email.utils
import json
import logging
import random
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

import urllib3
from urllib3.exceptions import (
    ConnectTimeoutError,
    HTTPError,
    NewConnectionError,
    ProtocolError,
    ReadTimeoutError,
)

from gemwire._version import __version__
from gemwire.errors import APIConnectionError, APIError, APITimeoutError, GemwireError

__all__ = ["RetryPolicy", "Transport"]

logger = logging.getLogger("gemwire")

USER_AGENT = f"gemwire/{__version__}"
RETRYABLE_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})


@dataclass(frozen=True)
class RetryPolicy:
    """How failed attempts are retried.

    ``max_retries`` retries follow the first attempt. Each waits ``min(max_backoff,
    initial_backoff * 2**n) * random()`` (full jitter), unless the server said how long to wait
    (``Retry-After`` or a ``google.rpc.RetryInfo`` detail), which is honoured up to
    ``max_delay``.
    """

    max_retries: int = 2
    initial_backoff: float = 0.5
    max_backoff: float = 8.0
    max_delay: float = 60.0

    def delay(self, retry: int, server_hint: float | None) -> float:
        if server_hint is not None:
            return min(max(server_hint, 0.0), self.max_delay)
        return min(self.max_backoff, self.initial_backoff * 2.0**retry) * random.random()


class Transport:
    """Sends JSON requests to the Gemini API over one thread-safe urllib3 pool."""

    def __init__(
        self,
        *,
        base_url: str,
        api_key: str,
        timeout: float,
        retry: RetryPolicy,
        headers: Mapping[str, str] | None = None,
        allow_insecure_http: bool = False,
        pool_size: int = 32,
    ) -> None:
        base_url = base_url.rstrip("/")
        url = urlsplit(base_url)
        if url.scheme not in ("http", "https"):
            raise ValueError(f"base_url must be an http(s) URL, got {base_url!r}")
        if url.scheme == "http" and url.hostname not in LOOPBACK_HOSTS and not allow_insecure_http:
            raise ValueError(
                f"refusing to send the API key in clear text to {url.hostname}: use https, "
                "or pass allow_insecure_http=True if you really mean it"
            )
        self.base_url = base_url
        self.timeout = timeout
        self.retry = retry
        self._headers = {
            "content-type": "application/json",
            "user-agent": USER_AGENT,
            "x-goog-api-client": USER_AGENT,
            **{k.lower(): v for k, v in (headers or {}).items()},
            "x-goog-api-key": api_key,
        }
        # TLS certificates are always verified (urllib3's default with certifi-less system CAs).
        self._pool = urllib3.PoolManager(
            maxsize=pool_size, retries=False, cert_reqs="CERT_REQUIRED"
        )

    def close(self) -> None:
        """Close every pooled connection."""
        self._pool.clear()

    def request_json(
        self,
        method: str,
        path: str,
        *,
        body: Any = None,
        query: Mapping[str, str] | None = None,
        timeout: float | None = None,
        max_retries: int | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Any:
        """Send one request and return the decoded JSON answer (retrying as the policy says)."""
        response = self._send(
            method, path, body, query, timeout, max_retries, headers, stream=False
        )
        try:
            return json.loads(response.data)
        except ValueError as error:
            raise APIConnectionError(
                f"the answer to {method} {path} is not JSON ({len(response.data)} bytes)"
            ) from error

    def stream(
        self,
        method: str,
        path: str,
        *,
        body: Any = None,
        query: Mapping[str, str] | None = None,
        timeout: float | None = None,
        max_retries: int | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> urllib3.BaseHTTPResponse:
        """Send one request and return the open response once its status is a success.

        Retries happen only here, before the caller has seen any of the body. The caller reads
        it with :func:`iter_body` and must ``close()`` it.
        """
        return self._send(method, path, body, query, timeout, max_retries, headers, stream=True)

    def _send(
        self,
        method: str,
        path: str,
        body: Any,
        query: Mapping[str, str] | None,
        timeout: float | None,
        max_retries: int | None,
        headers: Mapping[str, str] | None,
        *,
        stream: bool,
    ) -> urllib3.BaseHTTPResponse:
        url = f"{self.base_url}/{path}"
        if query:
            url += "?" + urlencode(query)
        payload = None if body is None else json.dumps(body, separators=(",", ":")).encode()
        request_headers = self._headers if not headers else {**self._headers, **_lower(headers)}
        seconds = self.timeout if timeout is None else timeout
        retries = self.retry.max_retries if max_retries is None else max_retries
        attempt = 0
        while True:
            started = time.monotonic()
            try:
                response = self._pool.request(
                    method,
                    url,
                    body=payload,
                    headers=request_headers,
                    timeout=urllib3.Timeout(connect=seconds, read=seconds),
                    preload_content=not stream,
                    redirect=False,
                )
            except (ReadTimeoutError, ConnectTimeoutError) as error:
                # Not retried: the server may be working on it, and a retry would double the wait.
                raise APITimeoutError(f"{method} {path} timed out after {seconds:g} s") from error
            except (NewConnectionError, ProtocolError, HTTPError) as error:
                failure: GemwireError = APIConnectionError(
                    f"{method} {path} failed: {_describe(error)}"
                )
                failure.__cause__ = error
                hint = None
            else:
                logger.debug(
                    "%s %s -> %d in %.3f s (attempt %d)",
                    method,
                    path,
                    response.status,
                    time.monotonic() - started,
                    attempt + 1,
                )
                if response.status < 400:
                    return response
                error_body = response.data if not stream else response.read()
                response.release_conn()
                failure = APIError.from_response(response.status, error_body, response.headers)
                if response.status not in RETRYABLE_STATUSES:
                    raise failure
                hint = _server_delay(response.headers, failure)
            if attempt >= retries:
                raise failure
            delay = self.retry.delay(attempt, hint)
            attempt += 1
            logger.info("retrying %s %s in %.2f s after: %s", method, path, delay, failure)
            time.sleep(delay)


def iter_body(response: urllib3.BaseHTTPResponse, path: str) -> Iterator[bytes]:
    """The body of a streamed response, as it arrives; transport failures become gemwire errors."""
    try:
        yield from response.stream(65536)
    except ReadTimeoutError as error:
        raise APITimeoutError(f"reading the stream of {path} timed out") from error
    except (ProtocolError, HTTPError) as error:
        raise APIConnectionError(f"the stream of {path} broke: {_describe(error)}") from error


def _server_delay(headers: Mapping[str, str], error: APIError) -> float | None:
    """How long the server asked us to wait: ``Retry-After`` or ``google.rpc.RetryInfo``."""
    retry_after = headers.get("retry-after")
    if retry_after:
        try:
            return float(retry_after)
        except ValueError:
            try:
                return email.utils.parsedate_to_datetime(retry_after).timestamp() - time.time()
            except (TypeError, ValueError):
                pass  # neither seconds nor an HTTP date: fall back to our own backoff
    for detail in error.details:
        if isinstance(detail, dict) and str(detail.get("@type", "")).endswith("RetryInfo"):
            delay = detail.get("retryDelay")
            if isinstance(delay, str) and delay.endswith("s"):
                try:
                    return float(delay[:-1])
                except ValueError:
                    return None
    return None


def _describe(error: BaseException) -> str:
    """The innermost reason of a urllib3 failure, without its object reprs."""
    reason: object = error
    while isinstance(reason, HTTPError) and (inner := getattr(reason, "reason", None)):
        reason = inner
    text = str(reason)
    return text.split(": ", 1)[1] if text.startswith("<") and ": " in text else text


def _lower(headers: Mapping[str, str]) -> dict[str, str]:
    return {k.lower(): v for k, v in headers.items()}
