"""The sockets under the transport: the connection pool of the base URL's origin.

Three things urllib3 does not do on its own live here:

* **Deadlines.** A call's :class:`Deadline` is absolute. Every read and write of its
  connection (the proxy's CONNECT answer, the status line, headers and body) waits only for
  what is left of it, so a server that trickles bytes cannot stretch a call: urllib3's read
  timeout alone starts again at every byte.
* **Processes.** A pool is used only by the process that made it: in a forked child the
  first request starts a fresh pool, so parent and child never share a socket (and never
  read each other's answers).
* **Proxies.** ``HTTPS_PROXY``, ``HTTP_PROXY``, ``ALL_PROXY`` and ``NO_PROXY`` are read as
  requests and httpx read them, unless a proxy is given. An ``https`` base URL goes through
  a ``CONNECT`` tunnel with TLS verified end to end; an ``http`` one is forwarded.
"""

from __future__ import annotations

import http.client
import io
import ipaddress
import os
import socket
import ssl
import threading
import time
import urllib.request
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

import urllib3
from urllib3.util import Url, make_headers, parse_url

if TYPE_CHECKING:
    from urllib3.connection import HTTPConnection as _ConnectionBase
else:
    # A mixin at run time, on top of whatever class the pool has: urllib3's own or a test
    # recorder's stand-in, which may have replaced it when this module was imported (with
    # the first client).
    _ConnectionBase = object

__all__ = ["Deadline", "Origin", "proxy_for"]

# The deadline of the call this thread is making, for the connection it borrows; set by
# Origin.open around the one urllib3 call that cannot be given it as an argument.
_CURRENT: ContextVar[Deadline | None] = ContextVar("gemwire_deadline", default=None)


class Deadline:
    """When the wait of a call ends: ``span`` seconds after it starts or :meth:`restart`\\ s,
    and never after ``end`` (a monotonic time: the call's total limit), if given."""

    __slots__ = ("at", "end", "span")

    def __init__(self, span: float, end: float | None = None) -> None:
        self.span = span
        self.end = end
        self.at = 0.0
        self.restart()

    def restart(self) -> None:
        """Start a new wait of ``span`` seconds (a stream does, at each complete event)."""
        at = time.monotonic() + self.span
        self.at = at if self.end is None or at < self.end else self.end

    def remaining(self) -> float:
        """Seconds left; raises ``TimeoutError`` if none are."""
        left = self.at - time.monotonic()
        if left <= 0:
            raise TimeoutError("timed out")
        return left


class _TimedReader(socket.SocketIO):
    """A socket's reads (as ``socket.makefile`` makes them), each given only what is left
    of the deadline."""

    def __init__(self, sock: socket.socket, deadline: Deadline) -> None:
        super().__init__(sock, "rb")
        self._timed = sock
        self._deadline = deadline

    def readinto(self, buffer: Any) -> int | None:
        self._timed.settimeout(self._deadline.remaining())
        return super().readinto(buffer)


class _TimedSocket:
    """What ``http.client.HTTPResponse`` asks of a socket (``makefile``), reading against
    the deadline; the socket itself stays the connection's."""

    def __init__(self, sock: socket.socket, deadline: Deadline) -> None:
        self._sock = sock
        self._deadline = deadline

    def makefile(self, mode: str) -> io.BufferedReader:
        # As socket.makefile does: the socket stays open (a connection that closes once
        # its answer has been read) until this reader is closed too.
        self._sock._io_refs += 1  # type: ignore[attr-defined]
        return io.BufferedReader(_TimedReader(self._sock, self._deadline))


class _TimedResponse(http.client.HTTPResponse):
    def __init__(
        self, sock: Any, debuglevel: int = 0, method: str | None = None, url: str | None = None
    ) -> None:
        deadline = _CURRENT.get()
        if deadline is not None:
            sock = _TimedSocket(sock, deadline)
        super().__init__(sock, debuglevel, method, url)


class _Timed(_ConnectionBase):
    """What a pool's connection class gains: writes and reads that end at the current call's
    deadline (mixed into the class the pool has, which a test recorder may have replaced)."""

    response_class = _TimedResponse

    def send(self, data: Any) -> None:
        deadline = _CURRENT.get()
        if deadline is not None and self.sock is not None:
            self.sock.settimeout(deadline.remaining())
        super().send(data)


_TIMED: dict[type[Any], type[Any]] = {}
# What urllib3 makes of retries=False, made once rather than per request (the transport
# retries, by its own policy).
_NO_RETRIES = urllib3.Retry(total=False, redirect=False)


def _timed(cls: type[Any]) -> type[Any]:
    timed = _TIMED.get(cls)
    if timed is None:
        timed = _TIMED[cls] = type(f"Timed{cls.__name__}", (_Timed, cls), {})
    return timed


class Origin:
    """The connection pool of one origin (through ``proxy``, if given), for the process
    using it. Thread-safe."""

    def __init__(
        self,
        url: Url,
        *,
        proxy: Url | None,
        max_connections: int,
        verify: str | ssl.SSLContext | None = None,
    ) -> None:
        self.url = url
        self.proxy = proxy
        self._max_connections = max_connections
        self._verify = verify
        # Forwarded through a proxy (plain http), the request line carries the whole URL.
        forwarded = proxy is not None and url.scheme == "http"
        self.prefix = f"{url.scheme}://{url.netloc}" if forwarded else ""
        self._lock = threading.Lock()
        self._pid = -1
        self._manager: urllib3.PoolManager | None = None
        self._pool: urllib3.HTTPConnectionPool | None = None

    def pool(self) -> urllib3.HTTPConnectionPool:
        """This process's pool of connections to the origin."""
        pool = self._pool
        if pool is None or self._pid != os.getpid():
            with self._lock:
                if self._pool is None or self._pid != os.getpid():
                    self._start()
                pool = self._pool
        assert pool is not None
        return pool

    def open(
        self, deadline: Deadline, method: str, target: str, **kwargs: Any
    ) -> urllib3.BaseHTTPResponse:
        """Send a request over a pooled connection, its reads and writes bound by ``deadline``
        (and the wait for a connection to come free, when all are busy: ``EmptyPoolError``);
        the body is left to read (``preload_content=False``)."""
        pool = self.pool()
        token = _CURRENT.set(deadline)
        try:
            return pool.urlopen(
                method,
                self.prefix + target,
                # urllib3 types it int; it is a queue's wait, which takes any number.
                pool_timeout=deadline.remaining(),  # type: ignore[arg-type]
                preload_content=False,
                redirect=False,
                assert_same_host=False,  # the pool of a forwarding proxy is the proxy's
                retries=_NO_RETRIES,
                **kwargs,
            )
        finally:
            _CURRENT.reset(token)

    def close(self) -> None:
        """Close the pooled connections (a forked child only forgets its parent's)."""
        with self._lock:
            manager, self._manager, self._pool = self._manager, None, None
            if manager is not None and self._pid == os.getpid():
                manager.clear()

    def _start(self) -> None:
        if self._manager is not None and self._pid == os.getpid():
            self._manager.clear()
        # TLS certificates are always verified, against the system's CA store unless a CA
        # bundle or a (verifying) context is given. The pool blocks: a call waits for a
        # connection rather than opening one it cannot keep.
        options: dict[str, Any] = {
            "maxsize": self._max_connections,
            "block": True,
            "retries": False,
            "cert_reqs": "CERT_REQUIRED",
        }
        if isinstance(self._verify, str):
            options["ca_certs"] = self._verify
        elif self._verify is not None:
            options["ssl_context"] = self._verify
        if self.proxy is None:
            manager = urllib3.PoolManager(**options)
        else:
            auth = self.proxy.auth
            manager = urllib3.ProxyManager(
                self.proxy._replace(auth=None).url,
                proxy_headers=make_headers(proxy_basic_auth=auth) if auth else None,
                **options,
            )
        pool = manager.connection_from_url(self.url.url)
        pool.ConnectionCls = _timed(pool.ConnectionCls)
        self._manager, self._pool, self._pid = manager, pool, os.getpid()


def proxy_for(url: Url, proxy: str | None) -> Url | None:
    """The proxy to reach ``url`` through: ``proxy`` if given (``""``: none), else the one
    the environment names for its scheme, unless ``NO_PROXY`` lists its host."""
    if proxy is None:
        # urllib's reading of *_proxy variables: lowercase first, HTTP_PROXY ignored under CGI.
        proxies = urllib.request.getproxies_environment()
        if _bypassed(url.host or "", url.port, proxies.get("no", "")):
            return None
        proxy = proxies.get(url.scheme or "") or proxies.get("all")
    if not proxy:
        return None
    if "://" not in proxy:
        proxy = "http://" + proxy  # as requests and httpx read "proxy.example:3128"
    return parse_url(proxy)


def _bypassed(host: str, port: int | None, no_proxy: str) -> bool:
    """Whether ``NO_PROXY`` lists ``host``: ``*``, the host or a parent domain (with or
    without a leading dot), ``host:port``, or an IP network such as ``10.0.0.0/8``."""
    host = host.strip("[]").lower()
    for entry in (e.strip().lower() for e in no_proxy.split(",")):
        if not entry:
            continue
        if entry == "*":
            return True
        name, _, entry_port = entry.rpartition(":") if entry.count(":") == 1 else ("", "", "")
        if not name:
            name, entry_port = entry, ""
        if entry_port and str(port) != entry_port:
            continue
        name = name.strip("[]").lstrip(".")
        if host == name or host.endswith("." + name) or _in_network(host, name):
            return True
    return False


def _in_network(host: str, network: str) -> bool:
    try:
        return ipaddress.ip_address(host) in ipaddress.ip_network(network, strict=False)
    except ValueError:
        return False
