"""Every HTTP byte gemwire sends or receives goes through :class:`Transport`.

It builds requests (URL, headers with the API key, JSON body), sends them over the origin's
connection pool (:mod:`gemwire._connection`: deadlines, fork safety, proxies), reads answers
within the size limits, retries what is worth retrying with exponential backoff and full
jitter, logs each exchange at DEBUG with the key redacted, and turns failures into
:mod:`gemwire.errors` exceptions. Nothing above this module sees urllib3.

Deadlines: ``timeout`` bounds each attempt of a call as a whole (connect, request, status,
headers and body); for a stream it bounds the wait for the first event and then each gap
between complete events (bytes that do not complete an event do not count). ``total_timeout``,
if set, bounds the whole call: every attempt, the waits between them and the whole stream.
"""

from __future__ import annotations

import contextlib
import email.utils
import json
import logging
import math
import random
import ssl
import time
from collections.abc import Callable, Generator, Iterator, Mapping
from typing import Any, NamedTuple, TypeVar
from urllib.parse import urlencode

import urllib3
from urllib3 import HTTPHeaderDict
from urllib3.exceptions import (
    ConnectTimeoutError,
    EmptyPoolError,
    HTTPError,
    LocationParseError,
    NewConnectionError,
    ProtocolError,
    ReadTimeoutError,
    SSLError,
)
from urllib3.util import Url, parse_url

from gemwire import _arguments
from gemwire._closeable import Closeable
from gemwire._connection import Deadline, Origin, proxy_for
from gemwire._headers import http_response
from gemwire._limits import MAX_CONNECTIONS, MAX_EVENT_BYTES, MAX_RESPONSE_BYTES
from gemwire._request import Request, with_extra_body
from gemwire._secrets import is_loopback, redact_headers, redact_url, redactor
from gemwire._sse import iter_sse_json
from gemwire._version import __version__
from gemwire.errors import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    ArgumentError,
    ArgumentTypeError,
    EncodeError,
    GemwireError,
    IncompleteStreamError,
    InvalidResponseError,
    ResponseTooLargeError,
    UsageError,
    error_in,
)
from gemwire.types import HttpResponse, HttpRetryOptions

__all__ = ["EventStream", "Reply", "RetryPolicy", "Transport"]

logger = logging.getLogger("gemwire")

USER_AGENT = f"gemwire/{__version__}"
RETRYABLE_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
NEVER_RETRIED = frozenset({400, 401, 403, 404})  # the same request can only fail the same way
LOGGED_BODY = 2000  # characters of a body a DEBUG record shows
READ_SIZE = 65536
PLAIN = (None, "", "/")  # a URL without a path
_T = TypeVar("_T")


class RetryPolicy(NamedTuple):
    """How failed attempts are retried (immutable: ``_replace`` makes a changed copy).

    ``max_retries`` retries follow the first attempt. Retry ``n`` (from 0) waits
    ``min(max_backoff, initial_backoff * exp_base**n)``, of which the share ``jitter`` is drawn
    at random (1: full jitter, a uniform draw between 0 and that; 0: no randomness), unless the
    server said how long to wait (``Retry-After`` or a ``google.rpc.RetryInfo`` detail), which
    is honoured up to ``max_delay``.

    Retried: the HTTP ``statuses`` (never 400, 401, 403 or 404, also when an error object
    carries them in a success answer or a stream), connections that could not be made
    (refused, connect timeout), and, if ``retry_unanswered``, requests that may have reached
    the server but got no answer: the connection dropped or was reset after the request was
    sent, or a stream was cut off before its first event. The server may have received those
    and be generating (and billing) an answer nobody reads; ``retry_unanswered=False`` never
    sends them twice. Not retried: timeouts once the request was sent (the server may still
    be working; a retry would double the wait) and TLS failures.
    """

    max_retries: int = 2
    initial_backoff: float = 0.5
    max_backoff: float = 8.0
    max_delay: float = 60.0
    exp_base: float = 2.0
    jitter: float = 1.0
    statuses: frozenset[int] = RETRYABLE_STATUSES
    retry_unanswered: bool = True

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
        if not isinstance(failure, APIConnectionError) or _is_tls(failure):
            return False
        if _never_sent(failure):
            return True
        return self.retry_unanswered and not isinstance(failure, APITimeoutError)

    def with_options(self, options: HttpRetryOptions | Mapping[str, Any] | None) -> RetryPolicy:
        """This policy with google-genai's ``HttpRetryOptions`` applied; unset fields stay.

        ``attempts`` counts the first try (``attempts=1``: no retry); ``max_delay`` caps every
        wait, the server's included; ``jitter`` is clamped to 0..1.
        """
        if options is None:
            return self
        if isinstance(options, Mapping):
            try:
                options = HttpRetryOptions(**options)
            except TypeError as error:
                raise ArgumentTypeError(f"retry_options: {error}") from None
        changes: dict[str, Any] = {}
        if options.attempts is not None:
            if isinstance(options.attempts, bool) or options.attempts < 1:
                raise ArgumentError(
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
                if not math.isfinite(value) or value < 0:
                    raise ArgumentError(f"retry_options: expected seconds >= 0, got {value!r}")
                changes[name] = float(value)
        if options.jitter is not None:
            changes["jitter"] = min(max(float(options.jitter), 0.0), 1.0)
        if options.http_status_codes is not None:
            changes["statuses"] = frozenset(options.http_status_codes)
        return self._replace(**changes) if changes else self


class Reply(NamedTuple):
    """An answer with its headers: ``payload`` is its decoded JSON (``None`` for an empty
    body, as the start of an upload has)."""

    headers: Mapping[str, str]
    payload: Any

    def http_response(self) -> HttpResponse:
        """The headers as a response's ``sdk_http_response`` holds them."""
        return http_response(self.headers)


class _Call:
    """One logical request: what is sent, under which policy, and the retries spent on it."""

    __slots__ = (
        "deadline",
        "end",
        "has_error_field",
        "headers",
        "method",
        "path",
        "payload",
        "policy",
        "retries",
        "seconds",
        "target",
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
        end: float | None,
        policy: RetryPolicy,
        has_error_field: bool = False,
    ) -> None:
        self.method = method
        self.path = path
        self.url = url  # for messages and logs
        self.target = target  # what the request line carries: the path under base_url, and query
        self.payload = payload
        self.headers = headers
        self.seconds = seconds  # the timeout of an attempt (of a wait, in a stream)
        self.end = end  # when the total limit runs out (time.monotonic()), if there is one
        self.policy = policy
        self.has_error_field = has_error_field  # an `error` in the answer is the resource's
        self.retries = 0

    deadline: Deadline  # the current attempt's, made by each attempt


class Transport:
    """Sends JSON requests to the Gemini API over one thread-safe connection pool.

    ``base_url`` must be ``http(s)://host[:port][/path]``: user-info (``user@``), a query, a
    fragment, backslashes and whitespace are refused, and plain ``http`` carries the key only
    to a loopback host (through a loopback proxy, if any) unless ``allow_insecure_http``.
    ``proxy`` (``None``: the environment's ``HTTPS_PROXY`` / ``HTTP_PROXY`` / ``NO_PROXY``;
    ``""``: none) is an ``http(s)://[user:password@]host:port`` URL. ``verify`` is what the
    server's certificate is checked against: ``None`` (the system's CA store), the path of a
    CA bundle, or an ``ssl.SSLContext`` that checks certificates and host names; nothing
    turns the check off. ``extra_body`` is merged into every JSON body (a call's own
    ``extra_body`` replaces it).
    """

    def __init__(
        self,
        *,
        base_url: str,
        api_key: str,
        timeout: float,
        retry: RetryPolicy,
        headers: Mapping[str, str] | None = None,
        allow_insecure_http: bool = False,
        proxy: str | None = None,
        total_timeout: float | None = None,
        max_response_bytes: int = MAX_RESPONSE_BYTES,
        max_event_bytes: int = MAX_EVENT_BYTES,
        max_connections: int = MAX_CONNECTIONS,
        verify: str | ssl.SSLContext | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> None:
        _arguments.text("api_key", api_key)
        if not api_key.isascii() or not api_key.isprintable() or api_key != api_key.strip():
            raise ArgumentError("api_key: has characters an HTTP header cannot carry")
        self._redact = redactor(api_key)
        base_url = _arguments.text("base_url", base_url).rstrip("/")
        url = _checked_url("base_url", base_url)
        proxy_url = proxy_for(url, None if proxy is None else _arguments.text("proxy", proxy))
        if proxy_url is not None:
            proxy_url = _checked_url("proxy", proxy_url.url, proxy=True)
        if url.scheme == "http" and not allow_insecure_http:
            for what, where in (("base_url", url), ("proxy", proxy_url)):
                if where is not None and not is_loopback(where.host):
                    raise ArgumentError(
                        f"{what}: refusing to send the API key in clear text to {where.host}: "
                        "use https, or pass allow_insecure_http=True if you really mean it"
                    )
        self.base_url = base_url
        self.timeout = _arguments.seconds("timeout", timeout)
        self.total_timeout = (
            None if total_timeout is None else _arguments.seconds("total_timeout", total_timeout)
        )
        self.max_response_bytes = _arguments.count(
            "max_response_bytes", max_response_bytes, minimum=1
        )
        self.max_event_bytes = _arguments.count("max_event_bytes", max_event_bytes, minimum=1)
        self.retry = retry
        self._secret = api_key
        self._closed = False
        self._headers = {
            "content-type": "application/json",
            "user-agent": USER_AGENT,
            **_lower(headers or {}),
            "x-goog-api-key": api_key,
        }
        self.max_connections = _arguments.count("max_connections", max_connections, minimum=1)
        self._origin = Origin(
            url, proxy=proxy_url, max_connections=self.max_connections, verify=_verify(verify)
        )
        self.extra_body = extra_body
        self._prefix = (url.path or "").rstrip("/")  # a base URL may carry a path (a proxy's)

    def __repr__(self) -> str:
        return f"Transport(base_url={self.base_url!r})"

    def close(self) -> None:
        """Close every pooled connection; calls made afterwards raise ``UsageError``."""
        self._closed = True
        self._origin.close()

    def request(self, request: Request) -> Reply:
        """Send ``request`` (retrying as the policy says) and return its answer: its decoded
        JSON and headers."""
        call = self._call(request)
        return self._retrying(call, self._answer)

    def exchange(self, request: Request) -> Reply:
        """Like :meth:`request`, for answers whose body may be empty (the upload protocol's)."""
        call = self._call(request)
        return self._retrying(call, self._reply)

    def download(self, request: Request, *, limit: int | None = None) -> Iterator[bytes]:
        """Send ``request`` and return its body as it arrives, raw; at most ``limit`` bytes
        (``None``: ``max_response_bytes``). Failures before the body starts are retried as
        the policy says; the connection goes back to the pool when the body has been read,
        and is closed if the iterator is closed early."""
        call = self._call(request)
        response = self._retrying(call, self._open)
        return self._download(call, response, limit)

    def _download(
        self, call: _Call, response: urllib3.BaseHTTPResponse, limit: int | None
    ) -> Iterator[bytes]:
        for chunk in self._body(call, response, "bytes", limit):
            yield chunk
            call.deadline.restart()  # each read of a long body gets the timeout anew
        response.release_conn()

    def stream(self, request: Request) -> EventStream:
        """Send ``request`` and return its server-sent events once the status is a success.

        A failure before the first event reaches the caller (an error status, a dropped
        connection, an error event in place of the first chunk) is retried as the policy says,
        by sending the request again; after that, a failure raises.
        """
        call = self._call(request)
        return EventStream(self, call, self._retrying(call, self._open))

    def _call(self, request: Request) -> _Call:
        if self._closed:
            raise UsageError("this client was closed; make a new one")
        path = request.path
        target = f"{self._prefix}/{path}"
        body = request.body
        if isinstance(body, dict):
            extra = self.extra_body if request.extra_body is None else request.extra_body
            body = _json_bytes(with_extra_body(body, extra) if extra else body)
        if request.query:
            target += "?" + urlencode(request.query)
        seconds = self.timeout if request.timeout is None else request.timeout
        return _Call(
            method=request.method,
            path=path,
            url=self.base_url.removesuffix(self._prefix) + target,
            target=target,
            payload=body,
            headers=(
                {**self._headers, **_lower(request.headers)} if request.headers else self._headers
            ),
            seconds=seconds,
            end=None if self.total_timeout is None else time.monotonic() + self.total_timeout,
            policy=self.retry.with_options(request.retry_options),
            has_error_field=request.has_error_field,
        )

    def _retrying(self, call: _Call, attempt: Callable[[_Call], _T]) -> _T:
        """``attempt(call)`` until it succeeds, fails in a way not retried, or runs out."""
        while True:
            try:
                return attempt(call)
            except GemwireError as failure:
                self._back_off(call, failure)

    def _reply(self, call: _Call) -> Reply:
        """One attempt of a unary call whose headers are wanted, or whose body may be empty."""
        response, body = self._attempt(call)
        payload = self._decoded(call, response, body) if body else None
        return Reply(response.headers, payload)

    def _answer(self, call: _Call) -> Reply:
        """One attempt of a unary call: its JSON answer (an error object in it raises)."""
        response, body = self._attempt(call)
        return Reply(response.headers, self._decoded(call, response, body))

    def _decoded(self, call: _Call, response: urllib3.BaseHTTPResponse, body: bytes) -> Any:
        """The JSON of an answer's ``body`` (an error object in it raises)."""
        try:
            payload = json.loads(body)
        except (ValueError, RecursionError) as error:
            # Raised below with only the reason: the decoder's error holds the whole body,
            # which may echo the key, and so would the exception's context.
            problem = str(error)
        else:
            carried = None if call.has_error_field else error_in(payload, response.headers)
            if carried is not None:
                raise carried
            return payload
        raise InvalidResponseError(
            f"the answer to {call.method} {call.path} is not JSON ({len(body)} bytes)"
        ) from ValueError(problem)

    def _open(self, call: _Call) -> urllib3.BaseHTTPResponse:
        """One attempt of a stream: its response, the body left to read."""
        return self._attempt(call, stream=True)[0]

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
        if call.end is not None and time.monotonic() + delay >= call.end:
            raise failure  # the total limit would run out before the next attempt
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

    def _attempt(
        self, call: _Call, *, stream: bool = False
    ) -> tuple[urllib3.BaseHTTPResponse, bytes]:
        """One HTTP exchange: the response and its body (``b""`` for a stream's success,
        left to read); a failure raises the matching gemwire error."""
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
        call.deadline = deadline = Deadline(call.seconds, call.end)
        try:
            left = deadline.remaining()
            response = self._origin.open(
                deadline,
                call.method,
                call.target,
                body=call.payload,
                headers=call.headers,
                timeout=urllib3.Timeout(connect=left, read=left),
            )
        except (HTTPError, TimeoutError) as error:
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
        streamed = stream and response.status < 400
        body = b"" if streamed else self._read(call, response, "answer")
        if debug:
            logger.debug(
                "response %s %s -> %d in %.3f s headers=%s body=%s",
                call.method,
                self._redact(redact_url(call.url)),
                response.status,
                time.monotonic() - started,
                self._redact_headers(response.headers),
                "<streamed>" if streamed else self._excerpt(body),
            )
        if response.status >= 400:
            raise APIError.from_response(response.status, body, response.headers)
        return response, body

    def _read(self, call: _Call, response: urllib3.BaseHTTPResponse, waiting: str) -> bytes:
        """The whole body of ``response``; the connection goes back to the pool."""
        body = b"".join(self._body(call, response, waiting))
        response.release_conn()
        return body

    def _body(
        self,
        call: _Call,
        response: urllib3.BaseHTTPResponse,
        waiting: str,
        limit: int | None = None,
    ) -> Iterator[bytes]:
        """The body of ``response`` as it arrives (decompressed, at most ``limit`` bytes, by
        default the size limit, each read within the deadline): an HTTP chunk at a time (of at
        most ``READ_SIZE``) when it comes chunked and uncompressed, as the API sends it, else
        what each read gets (urllib3 2.8's chunk reader drops data it decompresses). A failure
        becomes a gemwire error ("no ``waiting`` within the timeout") and closes the
        connection."""
        what = f"the answer to {call.method} {call.path}"
        limit = self.max_response_bytes if limit is None else limit
        size = 0
        try:
            # (A test recorder's stand-in for the response may read chunks in no other way.)
            if getattr(response, "chunked", False) and "content-encoding" not in response.headers:
                pieces: Iterator[bytes] = response.read_chunked(READ_SIZE)
            else:
                pieces = iter(lambda: response.read1(READ_SIZE), b"")
            for chunk in pieces:
                size += len(chunk)
                if size > limit:
                    raise ResponseTooLargeError(
                        f"{what} is larger than the limit of {limit} bytes"
                        + (" (max_response_bytes)" if limit == self.max_response_bytes else "")
                    )
                yield chunk
            return
        except (ReadTimeoutError, TimeoutError) as error:
            failure: GemwireError = APITimeoutError(f"{what}: no {waiting} within {_limit(call)}")
            cause: BaseException | None = error
        except ProtocolError as error:  # the connection ended before the body did
            failure, cause = IncompleteStreamError(f"{what} was cut off: {_describe(error)}"), error
        except HTTPError as error:
            failure = APIConnectionError(f"{what} broke: {self._redact(_describe(error))}")
            cause = error
        except BaseException:
            _discard(response)  # unread bytes may follow: this connection cannot be reused
            raise
        _discard(response)
        raise failure from cause

    def _failure(self, call: _Call, error: HTTPError | TimeoutError) -> GemwireError:
        """The gemwire error for a urllib3 failure (the caller chains ``error`` as its cause)."""
        what = f"{call.method} {call.path}"
        # NewConnectionError subclasses ConnectTimeoutError: test it first.
        if isinstance(error, NewConnectionError):
            return APIConnectionError(f"{what}: could not connect: {_describe(error)}")
        if isinstance(error, ConnectTimeoutError):
            return APITimeoutError(f"{what}: connecting timed out after {_limit(call)}")
        if isinstance(error, EmptyPoolError):  # not sent; not retried: the wait would double
            return APITimeoutError(
                f"{what}: no connection came free within {_limit(call)} (all "
                "max_connections were busy)"
            )
        if isinstance(error, (ReadTimeoutError, TimeoutError)) or isinstance(
            _reason(error), TimeoutError
        ):
            return APITimeoutError(f"{what}: no answer within {_limit(call)}")
        return APIConnectionError(f"{what} failed: {self._redact(_describe(error))}")

    def _redacted(self, failure: GemwireError) -> GemwireError:
        """``failure`` with the key replaced wherever the server echoed it back (an error
        message or body, a header, a proxy page, an event of a stream), down its chain of
        causes."""
        chain: list[BaseException] = []
        current: BaseException | None = failure
        while current is not None and current not in chain:
            chain.append(current)
            current = current.__cause__ or current.__context__
        for error in chain:
            self._scrub(error)
        return failure

    def _scrub(self, error: BaseException) -> None:
        secret, redact = self._secret, self._redact
        if secret in repr(error.args):
            error.args = tuple(redact(a) if isinstance(a, str) else a for a in error.args)
        for name, value in list(vars(error).items()):
            if isinstance(value, str) and secret in value:
                setattr(error, name, redact(value))
        if isinstance(error, APIError):
            if secret in repr(error.response_json) or secret in repr(error.details):
                error.response_json = json.loads(redact(json.dumps(error.response_json)))
                error.details = json.loads(redact(json.dumps(error.details)))
            error.headers = HTTPHeaderDict(self._redact_headers(error.headers))
            if isinstance(error.response, HttpResponse):
                body = error.response.body
                error.response = http_response(
                    error.headers, None if body is None else self._redact(body)
                )

    def _redact_headers(self, headers: Mapping[str, str]) -> dict[str, str]:
        return redact_headers(headers, self._redact)

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
    end, and is closed by :meth:`close` (also before any event was read, and from another
    thread) or when iteration stops early. Each wait for an event gets the call's timeout
    anew (within its total limit). The rule of retries lives here: a failure before the first
    event has been handed out is sent to the transport's retry policy (which may send the
    request again); after it, the failure raises.
    """

    def __init__(
        self, transport: Transport, call: _Call, response: urllib3.BaseHTTPResponse
    ) -> None:
        self._transport = transport
        self._call = call
        self._response: urllib3.BaseHTTPResponse | None = response
        self.headers: Mapping[str, str] = response.headers  # the last attempt's
        self._closed = False
        self._events = self._read()

    def __iter__(self) -> Iterator[Any]:
        return self._events

    def close(self) -> None:
        """Stop reading and close the connection (a no-op once the body has been read)."""
        self._closed = True
        response, self._response = self._response, None
        reading = getattr(self._events, "gi_running", False)  # in another thread
        if response is not None:
            with contextlib.suppress(ValueError, RuntimeError, OSError):
                response.shutdown()  # wakes a thread blocked reading it
            if reading:
                response.close()  # the reader, woken, gives the connection's place back
            else:
                _discard(response)
        if not reading:
            self._events.close()

    def __del__(self) -> None:
        # A stream dropped unread and unclosed gives its connection's place back too (but
        # not at interpreter exit, when what closing needs may be gone).
        with contextlib.suppress(Exception):
            self.close()

    def _read(self) -> Generator[Any, None, None]:
        call, transport, handed = self._call, self._transport, False
        while (response := self._response) is not None:
            try:
                body = transport._body(call, response, "event")
                for event in iter_sse_json(body, max_event=transport.max_event_bytes):
                    handed = True
                    yield event
                    call.deadline.restart()  # the wait for the next event starts now
                if not handed:
                    raise IncompleteStreamError(f"the stream of {call.path} ended with no event")
            except GemwireError as failure:
                self._response = None
                _discard(response)  # unread bytes may follow: this connection cannot be reused
                if self._closed:
                    return
                transport._back_off(call, failure, retry=not handed)  # raises if not
                self._response = transport._retrying(call, transport._open)
                self.headers = self._response.headers
                continue
            except BaseException:  # GeneratorExit when the reader stops early, ^C, ...
                self._response = None
                _discard(response)
                raise
            self._response = None
            response.release_conn()


def _verify(verify: object) -> str | ssl.SSLContext | None:
    """``verify`` if it checks the server's certificate: a CA bundle's path or a context that
    requires a valid certificate for the host name."""
    if verify is None or verify is True:
        return None
    if isinstance(verify, str):
        return _arguments.text("verify", verify)
    if isinstance(verify, ssl.SSLContext):
        if verify.verify_mode != ssl.CERT_REQUIRED or not verify.check_hostname:
            raise ArgumentError(
                "verify: the SSLContext must require certificates and check host names "
                "(gemwire never turns TLS verification off)"
            )
        return verify
    if verify is False:
        raise ArgumentError("verify: gemwire never turns TLS verification off")
    raise ArgumentTypeError(
        f"verify: expected a CA bundle's path or an ssl.SSLContext, got {type(verify).__name__}"
    )


def _discard(response: urllib3.BaseHTTPResponse) -> None:
    """Close ``response``'s connection and give its place back to the pool (closing alone
    would keep the place taken: the pool blocks once all its places are)."""
    response.close()
    response.release_conn()


def _checked_url(name: str, text: str, *, proxy: bool = False) -> Url:
    """``text`` parsed as urllib3 parses it (the parser of the connection made), if it is a
    plain ``http(s)://host[:port][/path]`` (a proxy: ``http(s)://[user:password@]host:port``)."""
    shown = redact_url(text)
    if "\\" in text or any(c.isspace() or not c.isprintable() for c in text):
        raise ArgumentError(f"{name}: has backslashes, whitespace or control characters")
    try:
        url = parse_url(text)
    except LocationParseError:
        raise ArgumentError(f"{name}: is not a URL") from None
    if url.scheme not in ("http", "https") or not url.host:
        raise ArgumentError(f"{name}: expected an http(s) URL, got {shown!r}")
    if url.auth is not None and not proxy:
        raise ArgumentError(f"{name}: must not carry a user name or password (user@host)")
    if url.query is not None or url.fragment is not None or (proxy and url.path not in PLAIN):
        raise ArgumentError(f"{name}: must not carry a query, fragment or path here")
    return url


_JSON = json.JSONEncoder(separators=(",", ":"), allow_nan=False)  # made once, not per call


def _json_bytes(body: Any) -> bytes:
    """``body`` as compact JSON; a value JSON cannot carry raises ``EncodeError``."""
    try:
        return _JSON.encode(body).encode()
    except ValueError:
        problem = "holds NaN or infinity, which JSON cannot carry"
    except RecursionError:
        problem = "is nested too deeply to be written as JSON"
    raise EncodeError(f"the request {problem}")


def _limit(call: _Call) -> str:
    total = "" if call.end is None else " (or the total limit)"
    return f"the timeout of {call.seconds:g} s{total}"


def _never_sent(failure: GemwireError) -> bool:
    """Whether ``failure`` happened before the request could leave (no connection)."""
    return any(isinstance(e, (NewConnectionError, ConnectTimeoutError)) for e in _chain(failure))


def _is_tls(failure: GemwireError) -> bool:
    return any(isinstance(e, SSLError) for e in _chain(failure))


def _chain(failure: GemwireError) -> Iterator[BaseException]:
    """The urllib3 error a failure was raised from, and the reasons it wraps, outermost first."""
    error: object = failure.__cause__
    while isinstance(error, BaseException):
        yield error
        if not isinstance(error, HTTPError):
            return
        error = getattr(error, "reason", None) or getattr(error, "original_error", None)


def _reason(error: BaseException) -> BaseException:
    """The innermost reason a urllib3 error wraps."""
    while isinstance(error, HTTPError) and isinstance(
        inner := getattr(error, "reason", None) or getattr(error, "original_error", None),
        BaseException,
    ):
        error = inner
    return error


def _server_delay(error: APIError) -> float | None:
    """How long the server asked us to wait: ``Retry-After`` or ``google.rpc.RetryInfo``;
    ``None`` (our own backoff) for anything but a finite number of seconds >= 0."""
    retry_after = error.headers.get("retry-after")
    if retry_after:
        seconds = _seconds(retry_after)
        if seconds is not None:
            return seconds
        try:
            when = email.utils.parsedate_to_datetime(retry_after).timestamp() - time.time()
        except (TypeError, ValueError, OverflowError):
            when = -1.0  # neither seconds nor an HTTP date
        return when if when >= 0 else None
    for detail in error.details:
        if isinstance(detail, dict) and str(detail.get("@type", "")).endswith("RetryInfo"):
            delay = detail.get("retryDelay")
            if isinstance(delay, str) and delay.endswith("s"):
                return _seconds(delay[:-1])
    return None


def _seconds(text: str) -> float | None:
    """A number of seconds >= 0, or ``None`` if ``text`` is none (``nan``, ``inf`` and ``-1``
    are none)."""
    try:
        seconds = float(text)
    except ValueError:
        return None
    return seconds if math.isfinite(seconds) and seconds >= 0 else None


def _describe(error: BaseException) -> str:
    """The innermost reason of a urllib3 failure, without its object reprs."""
    text = str(_reason(error))
    return text.split(": ", 1)[1] if text.startswith("<") and ": " in text else text


def _lower(headers: Mapping[str, str]) -> dict[str, str]:
    return {k.lower(): v for k, v in headers.items()}
