"""``Client``: resolves the settings (key, base URL, version, timeout, retries) and owns the
transport and the resources (``client.models``, ``client.chats``, ``client.aio``)."""

from __future__ import annotations

import functools
import logging
import os
from typing import TYPE_CHECKING, Any

from gemwire import _arguments
from gemwire._closeable import Closeable
from gemwire._limits import MAX_CONNECTIONS, MAX_EVENT_BYTES, MAX_RESPONSE_BYTES
from gemwire._request import as_http_options, timeout_seconds
from gemwire.batches import Batches
from gemwire.caches import Caches
from gemwire.chats import Chats
from gemwire.errors import ArgumentError, MissingAPIKeyError
from gemwire.files import Files
from gemwire.models import Models

if TYPE_CHECKING:  # gemwire.types loads these on first use; annotations need not
    from gemwire._async_client import AsyncClient
    from gemwire.types import HttpOptions, HttpOptionsOrDict

__all__ = ["Client"]

DEFAULT_BASE_URL = "https://generativelanguage.googleapis.com"
logger = logging.getLogger("gemwire")


class Client(Closeable):
    """A client of the Gemini API. Thread-safe: share one across threads.

    The key comes from ``api_key``, else ``GOOGLE_API_KEY``, else ``GEMINI_API_KEY`` (the
    order google-genai reads them in); it is sent only in the ``x-goog-api-key`` header. The
    base URL comes from ``base_url`` (or ``http_options.base_url``), else
    ``GOOGLE_GEMINI_BASE_URL``, else Google's endpoint.

    ``timeout`` is in seconds (``http_options.timeout`` is in milliseconds, as in
    google-genai; default 60 s) and bounds each attempt as a whole: connecting, sending, the
    status, headers and body together, however slowly the server trickles them. For a stream
    it bounds the wait for the first event and then each gap between complete events.
    ``total_timeout`` (seconds, default none) bounds a whole call: every attempt, the waits
    between them and all of a stream. Either raises :class:`~gemwire.errors.APITimeoutError`.

    Failed attempts are retried with exponential backoff and full jitter (see
    :class:`~gemwire._transport.RetryPolicy` for which failures): ``max_retries`` retries
    (default 2) follow the first attempt, or ``http_options.retry_options`` (google-genai's
    ``HttpRetryOptions``, whose ``attempts`` counts the first try) sets them; ``max_retries``
    wins when both are given. A call's ``config.http_options`` overrides the timeout and retry
    options for that call. A request whose connection dropped after it was sent (or whose
    stream was cut off before its first event) may have reached the server, which may be
    generating, and billing, an answer: it is retried too unless ``retry_unanswered=False``.

    ``proxy`` (``"http://[user:password@]host:port"``) sends every request through that
    proxy; by default the environment's ``HTTPS_PROXY``, ``HTTP_PROXY``, ``ALL_PROXY`` and
    ``NO_PROXY`` are honoured as requests and httpx honour them, and ``proxy=""`` ignores them.
    An ``https`` base URL goes through a ``CONNECT`` tunnel, its certificate verified end to
    end.

    ``http_options`` takes google-genai's ``HttpOptions``: ``base_url``, ``api_version``,
    ``timeout``, ``headers``, ``retry_options`` and ``extra_body`` (merged into every request
    body) apply as there. Of ``client_args`` / ``async_client_args`` (httpx's arguments in
    google-genai; one set of connections serves both here) what maps onto urllib3 applies:
    ``proxy`` (``proxy=`` wins), ``verify`` (a CA bundle's path or an ``ssl.SSLContext``;
    ``False`` is refused: TLS verification is never off) and ``trust_env=False`` (no proxy from
    the environment). httpx or aiohttp client objects (``httpx_client``, ...) and the other
    arguments cannot apply to urllib3: they are accepted and logged once at INFO.

    An answer larger than ``max_response_bytes`` (128 MiB, a whole stream included, counted
    after decompression) or a stream event larger than ``max_event_bytes`` (64 MiB) raises
    :class:`~gemwire.errors.ResponseTooLargeError`.

    At most ``max_connections`` (default 100) connections are open at once, and they are kept
    for the next calls: a call made while all are busy waits for one to come free, within
    its timeout (then :class:`~gemwire.errors.APITimeoutError`), rather than opening a
    connection it would throw away (against the real API, each is a TLS handshake).

    A client may be shared by threads, and used in a process forked from the one that made it
    (``multiprocessing``): the child opens connections of its own. After :meth:`close`, calls
    raise :class:`~gemwire.errors.UsageError`. Wrong arguments raise
    :class:`~gemwire.errors.ArgumentError` (a ``ValueError``; ``TypeError`` too for a wrong
    type) naming the argument, before anything is sent.

    ``validate=True`` (or the environment variable ``GEMWIRE_VALIDATE=1``) checks each request
    body against the spec before sending it, with ``jsonschema`` (``gemwire[validation]``);
    a body that breaks it raises :class:`~gemwire.errors.RequestValidationError`, naming the
    field (``generationConfig.temperature: expected a number, got string``).

    Plain ``http://`` is refused except to loopback addresses (the local emulator), through a
    loopback proxy if any, unless ``allow_insecure_http=True``. A base URL with user-info,
    a query, backslashes or whitespace is refused.

    gemwire talks to the Gemini Developer API with an API key. google-genai's other arguments
    are accepted so that code written for it runs: ``vertexai`` may be ``None`` or ``False``
    (``True``, or ``GOOGLE_GENAI_USE_VERTEXAI=true``, raises ``ValueError``), as may
    ``enterprise``; ``credentials``, ``project`` and ``location`` (Vertex AI settings) must be
    ``None``; ``debug_config`` (google-genai's record/replay mode) is ignored.
    """

    def __init__(
        self,
        api_key: str | None = None,
        *,
        base_url: str | None = None,
        api_version: str | None = None,
        timeout: float | None = None,
        max_retries: int | None = None,
        http_options: HttpOptionsOrDict | None = None,
        allow_insecure_http: bool = False,
        validate: bool | None = None,
        vertexai: bool | None = None,
        enterprise: bool | None = None,
        credentials: Any = None,
        project: str | None = None,
        location: str | None = None,
        debug_config: Any = None,
        proxy: str | None = None,
        total_timeout: float | None = None,
        retry_unanswered: bool = True,
        max_response_bytes: int = MAX_RESPONSE_BYTES,
        max_event_bytes: int = MAX_EVENT_BYTES,
        max_connections: int = MAX_CONNECTIONS,
    ) -> None:
        # The transport (and urllib3 with it) is imported by the first client, not by
        # `import gemwire` or `gemwire.types`.
        from gemwire._transport import RetryPolicy, Transport

        _refuse_vertex_ai(vertexai, enterprise, credentials, project, location)
        options = as_http_options(http_options)
        connection = _connection_settings(options)
        if proxy is None:
            proxy = connection.get("proxy")
        if api_key is not None:
            _arguments.text("api_key", api_key)
        key = api_key or os.environ.get("GOOGLE_API_KEY") or os.environ.get("GEMINI_API_KEY")
        if not key:
            raise MissingAPIKeyError(
                "no API key: pass Client(api_key=...) or set GEMINI_API_KEY (or GOOGLE_API_KEY)"
            )
        self.base_url = (
            base_url
            or options.base_url
            or os.environ.get("GOOGLE_GEMINI_BASE_URL")
            or DEFAULT_BASE_URL
        ).rstrip("/")
        self.api_version = _arguments.path_segment(
            "api_version", api_version or options.api_version or "v1beta", "v1beta"
        )
        if timeout is None:
            timeout = timeout_seconds(options)
        retry = (
            RetryPolicy()
            .with_options(options.retry_options)
            ._replace(retry_unanswered=_arguments.flag("retry_unanswered", retry_unanswered))
        )
        if max_retries is not None:
            retry = retry._replace(max_retries=_arguments.count("max_retries", max_retries))
        if validate is None:
            validate = os.environ.get("GEMWIRE_VALIDATE", "").lower() in ("1", "true", "yes", "on")
        if validate:
            from gemwire import _validation

            _validation.require()
        self._transport = Transport(
            base_url=self.base_url,
            api_key=key,
            timeout=60.0 if timeout is None else timeout,
            retry=retry,
            headers=options.headers,
            allow_insecure_http=allow_insecure_http,
            proxy=proxy,
            total_timeout=total_timeout,
            max_response_bytes=max_response_bytes,
            max_event_bytes=max_event_bytes,
            max_connections=max_connections,
            verify=connection.get("verify"),
            extra_body=options.extra_body,
        )
        self.models = Models(self._transport, self.api_version, validate=validate)
        self.chats = Chats(self.models)
        self.files = Files(self._transport, self.api_version)
        self.caches = Caches(self._transport, self.api_version)
        self.batches = Batches(self._transport, self.api_version, self.files)

    @functools.cached_property
    def aio(self) -> AsyncClient:
        """The async twin of this client: the same methods, awaited (``await
        client.aio.models.generate_content(...)``), on the same settings and connections."""
        from gemwire._async_client import AsyncClient  # asyncio takes ~30 ms to import

        return AsyncClient(self)

    def close(self) -> None:
        """Close the pooled connections; calls made afterwards raise ``UsageError``."""
        self._transport.close()

    def __repr__(self) -> str:
        return f"Client(base_url={self.base_url!r}, api_version={self.api_version!r})"


# google-genai's HttpOptions fields that hand it an HTTP client of httpx's or aiohttp's.
_CLIENT_OBJECTS = ("httpx_client", "httpx_async_client", "aiohttp_client")
_logged: set[str] = set()  # what was logged once already


def _connection_settings(options: HttpOptions) -> dict[str, Any]:
    """``proxy`` and ``verify`` from google-genai's ``client_args`` / ``async_client_args``
    (the former first); what cannot apply to urllib3 is logged once, at INFO."""
    settings: dict[str, Any] = {}
    ignored: list[str] = [name for name in _CLIENT_OBJECTS if getattr(options, name) is not None]
    trust_env = True
    for field in ("client_args", "async_client_args"):
        for key, value in (getattr(options, field) or {}).items():
            if key == "proxy" and value is not None:
                settings.setdefault("proxy", str(getattr(value, "url", value)))  # httpx.Proxy
            elif key == "verify":
                settings.setdefault("verify", value)
            elif key == "trust_env":
                trust_env = trust_env and value is not False
            else:
                ignored.append(f"{field}[{key!r}]")
    if not trust_env:  # as httpx: no proxy from the environment, a given one still applies
        settings.setdefault("proxy", "")
    message = (
        f"http_options: {', '.join(ignored)} cannot apply to gemwire's urllib3 connections "
        "and are ignored (see Client's documentation for what applies)"
    )
    if ignored and message not in _logged:
        _logged.add(message)
        logger.info(message)
    return settings


def _refuse_vertex_ai(
    vertexai: bool | None,
    enterprise: bool | None,
    credentials: Any,
    project: str | None,
    location: str | None,
) -> None:
    """Raise ``ValueError`` if the arguments (or the environment) ask for Vertex AI."""
    from_environment = os.environ.get("GOOGLE_GENAI_USE_VERTEXAI", "").lower() in ("1", "true")
    wanted = [
        name
        for name, value in (
            ("vertexai", vertexai if vertexai is not None else from_environment),
            ("enterprise", enterprise),
            ("credentials", credentials is not None),
            ("project", project is not None),
            ("location", location is not None),
        )
        if value
    ]
    if wanted:
        raise ArgumentError(
            f"gemwire talks to the Gemini Developer API with an API key; Vertex AI "
            f"({', '.join(wanted)}) is not supported. Pass api_key=... (or set GEMINI_API_KEY)"
            + (" and unset GOOGLE_GENAI_USE_VERTEXAI" if from_environment else "")
            + "."
        )


def __getattr__(name: str) -> object:
    # The async twins, as google-genai's module has them; imported on first use, since
    # asyncio takes ~30 ms to import.
    if name in {"AsyncClient"}:
        from gemwire._async_client import AsyncClient

        return {"AsyncClient": AsyncClient}[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
