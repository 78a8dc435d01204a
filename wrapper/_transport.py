"""Every HTTP byte gemwire sends or receives goes through :class:`Transport`.

It owns the urllib3 pool, builds requests (URL, headers with the API key, JSON body), applies
timeouts, retries what is worth retrying with exponential backoff and full jitter, logs each
exchange at DEBUG with the key redacted, and turns failures into :mod:`gemwire.errors`
exceptions with the cause chained. Nothing above this module sees urllib3.
"""

from __future__ import annotations

import email.utils
import json
import logging
import math
import random
import time
from collections.abc import Generator, Iterator, Mapping
from typing import Any, NamedTuple
from urllib.parse import urlencode

import urllib3
from urllib3.exceptions import (
    ConnectTimeoutError,
    HTTPError,
    NewConnectionError,
    ProtocolError,
    ReadTimeoutError,
    SSLError,
)
from urllib3.util import parse_url

from gemwire._closeable import Closeable
from gemwire._request import Request
from gemwire._secrets import REDACTED, is_loopback, redact_headers, redact_url
from gemwire._sse import iter_sse_json
from gemwire._version import __version__
from gemwire.errors import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    GemwireError,
    IncompleteStreamError,
    InvalidResponseError,
)
from gemwire.types import HttpRetryOptions

__all__ = ["POOL_SIZE", "EventStream", "RetryPolicy", "Transport"]

logger = logging.getLogger("gemwire")

USER_AGENT = f"gemwire/{__version__}"
RETRYABLE_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
NEVER_RETRIED = frozenset({400, 401, 403, 404})  # the same request can only fail the same way
LOGGED_BODY = 2000  # characters of a body a DEBUG record shows
POOL_SIZE = 32  # connections kept open to the origin for reuse


class RetryPolicy(NamedTuple):
    """How failed attempts are retried (immutable: ``_replace`` makes a changed copy).

    ``max_retries`` retries follow the first attempt. Retry ``n`` (from 0) waits
    ``min(max_backoff, initial_backoff * exp_base**n)``, of which the share ``jitter`` is drawn
    at random (1: full jitter, a uniform draw between 0 and that; 0: no randomness), unless the
    server said how long to wait (``Retry-After`` or a ``google.rpc.RetryInfo`` detail), which
    is honoured up to ``max_delay``.

    Retried: connection failures (refused, reset, dropped, connect timeout) and the HTTP
    ``statuses``, never 400, 401, 403 or 404. Not retried: read timeouts (the server may still
    be working; a retry would double the wait) and TLS failures.
    """

    max_retries: int = 2
    initial_backoff: float = 0.5
    max_backoff: float = 8.0
    max_delay: float = 60.0
    exp_base: float = 2.0
    jitter: float = 1.0
    statuses: frozenset[int] = RETRYABLE_STATUSES

    def delay(self, retry: int, server_hint: float | None) -> float:
        """Seconds to wait before retry number ``retry`` (0 for the first)."""
        if server_hint is not None:
            return min(max(server_hint, 0.0), self.max_delay)
        try:
            backoff = min(self.max_backoff, self.initial_backoff * self.exp_base**retry)
        except OverflowError:
            backoff = self.max_backoff
        return backoff * (1.0 - self.jitter * random.random())

    def should_retry(self, failure: GemwireError) -> bool:
        """Whether ``failure`` is worth another attempt (the budget aside)."""
        if isinstance(failure, APIError):
            return failure.code in self.statuses and failure.code not in NEVER_RETRIED
        if isinstance(failure, APITimeoutError):
            return isinstance(failure.__cause__, ConnectTimeoutError)
        return isinstance(failure, APIConnectionError) and not isinstance(
            failure.__cause__, SSLError
        )

    def with_options(self, options: HttpRetryOptions | Mapping[str, Any] | None) -> RetryPolicy:
        """This policy with google-genai's ``HttpRetryOptions`` applied; unset fields stay.

        ``attempts`` counts the first try (``attempts=1``: no retry); ``max_delay`` caps every
        wait, the server's included; ``jitter`` is clamped to 0..1.
        """
        if options is None:
            return self
        if isinstance(options, Mapping):
            options = HttpRetryOptions(**options)
        changes: dict[str, Any] = {}
        if options.attempts is not None:
            if isinstance(options.attempts, bool) or options.attempts < 1:
                raise ValueError(
                    f"retry_options.attempts counts the first try: expected >= 1, "
                    f"got {options.attempts!r}"
                )
            changes["max_retries"] = int(options.attempts) - 1
        for name, value in (
            ("initial_backoff", options.initial_delay),
            ("max_backoff", options.max_delay),
            ("max_delay", options.max_delay),
            ("exp_base", options.exp_base),
        ):
            if value is not None:
                if value < 0:
                    raise ValueError(f"retry_options: expected seconds >= 0, got {value!r}")
                changes[name] = float(value)
        if options.jitter is not None:
            changes["jitter"] = min(max(float(options.jitter), 0.0), 1.0)
        if options.http_status_codes is not None:
            changes["statuses"] = frozenset(options.http_status_codes)
        return self._replace(**changes) if changes else self


class _Call:
    """One logical request: what is sent, under which policy, and the retries spent on it."""

    __slots__ = (
        "headers",
        "method",
        "path",
        "payload",
        "policy",
        "retries",
        "seconds",
        "target",
        "timeout",
        "url",
    )

    def __init__(
        self,
        *,
        method: str,
        path: str,
        url: str,
        target: str,
        payload: bytes | None,
        headers: dict[str, str],
        seconds: float,
        timeout: urllib3.Timeout,
        policy: RetryPolicy,
    ) -> None:
        self.method = method
        self.path = path
        self.url = url  # for messages and logs
        self.target = target  # what the request line carries: the path under base_url, and query
        self.payload = payload
        self.headers = headers
        self.seconds = seconds
        self.timeout = timeout
        self.policy = policy
        self.retries = 0


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
        pool_size: int = POOL_SIZE,
    ) -> None:
        base_url = base_url.rstrip("/")
        # Parsed as urllib3 parses it, so that the host checked is the host connected to.
        url = parse_url(base_url)
        if url.scheme not in ("http", "https") or not url.host:
            raise ValueError(f"base_url must be an http(s) URL, got {redact_url(base_url)!r}")
        if url.scheme == "http" and not is_loopback(url.host) and not allow_insecure_http:
            raise ValueError(
                f"refusing to send the API key in clear text to {url.host}: use https, "
                "or pass allow_insecure_http=True if you really mean it"
            )
        if not api_key.isascii() or not api_key.isprintable() or api_key != api_key.strip():
            raise ValueError("the API key has characters an HTTP header cannot carry")
        self.base_url = base_url
        self.timeout = timeout
        self._timeout = _timeout(timeout)
        self.retry = retry
        self._secret = api_key
        self._headers = {
            "content-type": "application/json",
            "user-agent": USER_AGENT,
            **_lower(headers or {}),
            "x-goog-api-key": api_key,
        }
        # TLS certificates are always verified, against the system's CA store.
        self._pool = urllib3.PoolManager(
            maxsize=pool_size, retries=False, cert_reqs="CERT_REQUIRED"
        )
        # Every request goes to the origin of base_url: look its connection pool up once
        # rather than parse and normalise the URL on every request.
        self._origin = self._pool.connection_from_url(base_url)
        self._prefix = (url.path or "").rstrip("/")  # a base URL may carry a path (a proxy's)

    def __repr__(self) -> str:
        return f"Transport(base_url={self.base_url!r})"

    def close(self) -> None:
        """Close every pooled connection."""
        self._pool.clear()

    def request(self, request: Request) -> Any:
        """Send ``request`` (retrying as the policy says) and return its decoded JSON answer."""
        call = self._call(request)
        response = self._send(call, stream=False)
        try:
            return json.loads(response.data)
        except (ValueError, RecursionError) as error:
            raise InvalidResponseError(
                f"the answer to {call.method} {call.path} is not JSON ({len(response.data)} bytes)"
            ) from error

    def stream(self, request: Request) -> EventStream:
        """Send ``request`` and return its server-sent events once the status is a success.

        A failure before the first event reaches the caller (an error status, a dropped
        connection, an error event in place of the first chunk) is retried as the policy says,
        by sending the request again; after that, a failure raises.
        """
        call = self._call(request)
        return EventStream(self, call, self._send(call, stream=True))

    def _call(self, request: Request) -> _Call:
        path = request.path
        target = f"{self._prefix}/{path}"
        if request.query:
            target += "?" + urlencode(request.query)
        timeout = request.timeout
        return _Call(
            method=request.method,
            path=path,
            url=self.base_url.removesuffix(self._prefix) + target,
            target=target,
            payload=(
                None
                if request.body is None
                else json.dumps(request.body, separators=(",", ":")).encode()
            ),
            headers=(
                {**self._headers, **_lower(request.headers)} if request.headers else self._headers
            ),
            seconds=self.timeout if timeout is None else timeout,
            timeout=self._timeout if timeout is None else _timeout(timeout),
            policy=self.retry.with_options(request.retry_options),
        )

    def _send(self, call: _Call, *, stream: bool) -> urllib3.BaseHTTPResponse:
        """Attempt ``call`` until it succeeds, fails in a way not retried, or runs out."""
        while True:
            try:
                return self._attempt(call, stream=stream)
            except GemwireError as failure:
                self._back_off(call, failure)

    def _back_off(self, call: _Call, failure: GemwireError, *, retry: bool = True) -> None:
        """Sleep before the next attempt of ``call``, or raise ``failure`` if there is none:
        every failure leaves the transport here, with the key redacted."""
        failure = self._redacted(failure)
        if (
            not retry
            or call.retries >= call.policy.max_retries
            or not call.policy.should_retry(failure)
        ):
            raise failure
        hint = _server_delay(failure) if isinstance(failure, APIError) else None
        delay = call.policy.delay(call.retries, hint)
        call.retries += 1
        logger.info(
            "retrying %s %s in %.3f s (retry %d of %d) after: %s",
            call.method,
            call.path,
            delay,
            call.retries,
            call.policy.max_retries,
            failure,
        )
        time.sleep(delay)

    def _attempt(self, call: _Call, *, stream: bool) -> urllib3.BaseHTTPResponse:
        """One HTTP exchange; a failure raises the matching gemwire error."""
        debug = logger.isEnabledFor(logging.DEBUG)
        if debug:
            logger.debug(
                "request %s %s headers=%s body=%s",
                call.method,
                self._redact(redact_url(call.url)),
                self._redact_headers(call.headers),
                self._excerpt(call.payload),
            )
        started = time.monotonic()
        try:
            response = self._origin.urlopen(
                call.method,
                call.target,
                body=call.payload,
                headers=call.headers,
                timeout=call.timeout,
                preload_content=not stream,
                redirect=False,
                retries=False,
            )
            if response.status >= 400 and stream:
                response.data  # noqa: B018  # read the error body here, where failures are caught
        except HTTPError as error:
            failure = self._failure(call, error)
            if debug:
                logger.debug(
                    "failed %s %s after %.3f s: %s",
                    call.method,
                    self._redact(redact_url(call.url)),
                    time.monotonic() - started,
                    failure,
                )
            raise failure from error
        if debug:
            logger.debug(
                "response %s %s -> %d in %.3f s headers=%s body=%s",
                call.method,
                self._redact(redact_url(call.url)),
                response.status,
                time.monotonic() - started,
                self._redact_headers(response.headers),
                "<streamed>" if stream and response.status < 400 else self._excerpt(response.data),
            )
        if response.status < 400:
            return response
        body = response.data
        response.release_conn()
        raise APIError.from_response(response.status, body, response.headers)

    def _failure(self, call: _Call, error: HTTPError) -> GemwireError:
        """The gemwire error for a urllib3 failure (the caller chains ``error`` as its cause)."""
        what = f"{call.method} {call.path}"
        # NewConnectionError subclasses ConnectTimeoutError: test it first.
        if isinstance(error, NewConnectionError):
            return APIConnectionError(f"{what}: could not connect: {_describe(error)}")
        if isinstance(error, ConnectTimeoutError):
            return APITimeoutError(f"{what}: connecting timed out after {call.seconds:g} s")
        if isinstance(error, ReadTimeoutError):
            return APITimeoutError(f"{what}: no answer within the timeout of {call.seconds:g} s")
        return APIConnectionError(f"{what} failed: {self._redact(_describe(error))}")

    def _redacted(self, failure: GemwireError) -> GemwireError:
        """``failure`` with the key replaced wherever the server echoed it back (an error
        message, a proxy page, an error event of a stream)."""
        payload = failure.response_json if isinstance(failure, APIError) else None
        if self._secret not in repr(failure.args) and self._secret not in repr(payload):
            return failure
        failure.args = tuple(self._redact(a) if isinstance(a, str) else a for a in failure.args)
        if isinstance(failure, APIError):
            failure.message = self._redact(failure.message)
            failure.response_json = json.loads(self._redact(json.dumps(payload)))
            failure.details = json.loads(self._redact(json.dumps(failure.details)))
        return failure

    def _redact(self, text: str) -> str:
        return text.replace(self._secret, REDACTED)

    def _redact_headers(self, headers: Mapping[str, str]) -> dict[str, str]:
        return redact_headers(headers, self._secret)

    def _excerpt(self, body: bytes | None) -> str:
        if not body:
            return "<none>"
        text = self._redact(body[: LOGGED_BODY * 4].decode("utf-8", errors="replace"))
        if len(body) <= LOGGED_BODY and len(text) <= LOGGED_BODY:
            return text
        return f"{text[:LOGGED_BODY]}... ({len(body)} bytes)"


class EventStream(Closeable):
    """The JSON events of a streamed answer (``alt=sse``), decoded as they arrive.

    Iterate it once. The connection goes back to the pool when the body has been read to the
    end, and is closed by :meth:`close` (also before any event was read) or when iteration
    stops early. The rule of retries lives here: a failure before the first event has been
    handed out is sent to the transport's retry policy (which may send the request again);
    after it, the failure raises.
    """

    def __init__(
        self, transport: Transport, call: _Call, response: urllib3.BaseHTTPResponse
    ) -> None:
        self._transport = transport
        self._call = call
        self._response: urllib3.BaseHTTPResponse | None = response
        self._events = self._read()

    def __iter__(self) -> Iterator[Any]:
        return self._events

    def close(self) -> None:
        """Stop reading and close the connection (a no-op once the body has been read)."""
        self._events.close()
        response, self._response = self._response, None
        if response is not None:
            response.close()

    def _read(self) -> Generator[Any, None, None]:
        call, handed = self._call, False
        while self._response is not None:
            response = self._response
            try:
                for event in iter_sse_json(_iter_body(response, call.path)):
                    handed = True
                    yield event
                if not handed:
                    raise IncompleteStreamError(f"the stream of {call.path} ended with no event")
            except GemwireError as failure:
                self._response = None
                response.close()  # unread bytes may follow: this connection cannot be reused
                self._transport._back_off(call, failure, retry=not handed)  # raises if not
                self._response = self._transport._send(call, stream=True)
                continue
            except BaseException:  # GeneratorExit when the reader stops early, ^C, ...
                self._response = None
                response.close()
                raise
            self._response = None
            response.release_conn()


def _iter_body(response: urllib3.BaseHTTPResponse, path: str) -> Iterator[bytes]:
    """The body of a streamed response, as it arrives; transport failures become gemwire errors."""
    try:
        yield from response.stream(65536)
    except ReadTimeoutError as error:
        raise APITimeoutError(f"reading the stream of {path} timed out") from error
    except ProtocolError as error:  # the connection ended before the body did
        raise IncompleteStreamError(
            f"the stream of {path} was cut off: {_describe(error)}"
        ) from error
    except HTTPError as error:
        raise APIConnectionError(f"the stream of {path} broke: {_describe(error)}") from error


def _server_delay(error: APIError) -> float | None:
    """How long the server asked us to wait: ``Retry-After`` or ``google.rpc.RetryInfo``."""
    retry_after = error.headers.get("retry-after")
    if retry_after:
        seconds = _seconds(retry_after)
        if seconds is not None:
            return seconds
        try:
            return email.utils.parsedate_to_datetime(retry_after).timestamp() - time.time()
        except (TypeError, ValueError, OverflowError):
            pass  # neither seconds nor an HTTP date: fall back to our own backoff
    for detail in error.details:
        if isinstance(detail, dict) and str(detail.get("@type", "")).endswith("RetryInfo"):
            delay = detail.get("retryDelay")
            if isinstance(delay, str) and delay.endswith("s"):
                return _seconds(delay[:-1])
    return None


def _seconds(text: str) -> float | None:
    """A number of seconds, or ``None`` if ``text`` is none (``nan`` and ``inf`` are none)."""
    try:
        seconds = float(text)
    except ValueError:
        return None
    return seconds if math.isfinite(seconds) else None


def _describe(error: BaseException) -> str:
    """The innermost reason of a urllib3 failure, without its object reprs."""
    reason: object = error
    while isinstance(reason, HTTPError) and (inner := getattr(reason, "reason", None)):
        reason = inner
    text = str(reason)
    return text.split(": ", 1)[1] if text.startswith("<") and ": " in text else text


def _timeout(seconds: float) -> urllib3.Timeout:
    """The same limit for connecting and for each read."""
    return urllib3.Timeout(connect=seconds, read=seconds)


def _lower(headers: Mapping[str, str]) -> dict[str, str]:
    return {k.lower(): v for k, v in headers.items()}
