"""`Emulator`: the server, its thread and its state behind one small object."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterable, Mapping
from types import TracebackType
from typing import Any

from gemwire import _validation
from gemwire._secrets import is_loopback
from gemwire.emulator._app import App
from gemwire.emulator._script import Script
from gemwire.emulator._server import EmulatorServer, EmulatorServer6
from gemwire.emulator._upload import GRANULARITY


class Emulator:
    """A local server that speaks the Gemini REST API, for tests and offline demos.

    ``with Emulator() as emu:`` starts it on a free loopback port in a background thread and
    stops it on exit; point a client at ``emu.base_url`` with any non-empty API key.

    Args:
        script: entries of the fault script (see ``push``), consumed in order by the next
            matching requests.
        host: the address to listen on; only loopback addresses unless ``allow_remote``.
        port: the port; 0 picks a free one (read it back from ``port`` / ``base_url``).
        allow_remote: allow a non-loopback ``host`` (the emulator accepts any API key).
        validate: check request bodies against gemwire's spec with ``jsonschema``; None (the
            default) checks when ``jsonschema`` is installed.
        verbose: print one line per request (method, path, status; never the query string).
        log_limit: how many requests ``requests`` keeps (the oldest are dropped first).
        files_memory_limit: how many bytes of uploaded files to keep in memory; a file past it
            keeps its metadata (size, hash) but not its bytes.
        upload_chunk_granularity: the ``x-goog-upload-chunk-granularity`` announced to
            uploads (8 MiB, as the service); every chunk but the last must be a multiple of it.
    """

    def __init__(
        self,
        script: Iterable[Mapping[str, Any]] = (),
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        allow_remote: bool = False,
        validate: bool | None = None,
        verbose: bool = False,
        log_limit: int = 100_000,
        files_memory_limit: int = 256 * 1024 * 1024,
        upload_chunk_granularity: int = GRANULARITY,
    ) -> None:
        if not allow_remote and not is_loopback(host):
            raise ValueError(
                f"refusing to listen on {host!r}, which is not a loopback address: the emulator "
                "accepts any API key. Pass allow_remote=True (--allow-remote) to do it anyway."
            )
        self.host = host
        self._port = port
        self._verbose = verbose
        self._script = Script(script)
        if validate:
            _validation.require()
        validating = _validation.available() if validate is None else validate
        self._app = App(
            self._script,
            validate=validating,
            log_limit=log_limit,
            files_memory_limit=files_memory_limit,
            chunk_granularity=upload_chunk_granularity,
        )
        self._server: EmulatorServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> Emulator:
        """Listen and serve in a daemon thread; returns self. OSError if the port is taken."""
        server = self._bind()
        if self._thread is None:
            self._thread = threading.Thread(
                target=server.serve_forever, args=(0.05,), name="gemwire-emulator", daemon=True
            )
            self._thread.start()
        return self

    def close(self) -> None:
        """Stop serving and end open connections; safe to call twice."""
        self._app.closing.set()
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()
            server.close_all()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def port(self) -> int:
        """The port it listens on (known once started)."""
        if self._server is None:
            raise RuntimeError("the emulator is not started: call start() or use `with`")
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>``: the base URL to give a client (no API version)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def requests(self) -> list[dict[str, Any]]:
        """The API requests received, oldest first: method, path, query, headers, body.

        The API key is never kept: the ``x-goog-api-key`` and ``Authorization`` headers and the
        ``key`` query parameter are removed. ``body`` is the parsed JSON (None if malformed).
        Requests to ``/_emulator/...`` are not logged.
        """
        return self._app.requests()

    @property
    def script(self) -> list[dict[str, Any]]:
        """The script entries not used yet."""
        return self._script.pending()

    def push(self, *entries: Mapping[str, Any]) -> None:
        """Append script entries, e.g. ``push({"status": 503}, {"delay": 1.5})``.

        Each entry applies to the next request it matches; keys are listed in the package
        docstring (``help(gemwire.emulator)``). Raises ValueError for an unknown key or a value
        of the wrong type, before adding any entry.
        """
        self._script.push(*entries)

    def reset(self) -> None:
        """Forget the pending script entries, the request log, the files, cached contents and
        batches, and any ``advance`` of the clock."""
        self._app.reset()

    def advance(self, seconds: float) -> None:
        """Move the emulator's clock forward: cached contents and files expire by it."""
        self._app.clock.advance(seconds)

    def _bind(self) -> EmulatorServer:
        if self._server is None:
            self._app.closing.clear()
            family = EmulatorServer6 if ":" in self.host else EmulatorServer
            self._server = family((self.host, self._port), self._app, verbose=self._verbose)
            if self._app.validate:
                threading.Thread(
                    target=_warm_up, name="gemwire-emulator-warm-up", daemon=True
                ).start()
        return self._server


def _warm_up() -> None:
    """Import jsonschema and build the validators before the first request needs them."""
    with contextlib.suppress(Exception):  # if it fails, the first request reports why
        _validation.warm_up()
