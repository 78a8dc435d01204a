"""``client.files``: the Files API: upload, get, list, delete, download, and waiting for a file
to be processed.

Uploads go through the resumable protocol (:mod:`gemwire._upload`), reading the source one
chunk at a time, so a file of any size never sits in memory. A :class:`~gemwire.types.File`
goes straight into ``contents`` (as a ``fileData`` part of its URI and media type).
"""

from __future__ import annotations

import io
import mimetypes
import os
import time
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING, Any, Union

from gemwire import _arguments, _request
from gemwire._pager import Pager
from gemwire._request import HttpConfig
from gemwire._serde import decode_answer
from gemwire._upload import Progress, upload
from gemwire.errors import APITimeoutError, ArgumentError, ArgumentTypeError, FileFailedError
from gemwire.types import File, FileState, ListFilesConfig, ListFilesResponse, UploadFileConfig

if TYPE_CHECKING:  # loaded on first use (the types) or by Client() (the transport)
    from gemwire._transport import Transport
    from gemwire.types import ListFilesConfigDict, UploadFileConfigDict

__all__ = ["FileSource", "Files", "file_name"]

FileSource = Union[str, "os.PathLike[str]", bytes, IO[bytes]]
"""What ``upload`` reads: a path, the bytes themselves, or a binary stream."""
URI_MARK = "/files/"


class Files:
    """The Files API of a :class:`~gemwire.Client`, as ``client.files``."""

    def __init__(self, transport: Transport, api_version: str) -> None:
        self._transport = transport
        self._api_version = api_version

    def upload(
        self,
        *,
        file: FileSource,
        config: UploadFileConfig | UploadFileConfigDict | None = None,
        progress: Progress | None = None,
    ) -> File:
        """Upload ``file`` (a path, bytes, or a binary stream read from where it stands) and
        return its :class:`~gemwire.types.File`. It can be used in prompts once its ``state``
        is ``ACTIVE``: videos are processed first (see :meth:`wait_until_active`).

        The media type comes from ``config.mime_type``, else from a path's name. The bytes go
        up in chunks of the size the server asks for (8 MiB), one in memory at a time; after
        each chunk, ``progress(bytes_sent, total_bytes)`` is called if given (``total_bytes``
        is ``None`` for a stream whose size cannot be known). A chunk whose answer is lost
        (a dropped connection, a 5xx) is resumed from what the server holds, within the
        client's retries.
        """
        options = _request.as_options(UploadFileConfig, config, "config")
        metadata = {
            key: value
            for key, value in (
                ("name", options.name and f"files/{file_id(options.name, 'config.name')}"),
                ("displayName", options.display_name),
                ("mimeType", options.mime_type),
            )
            if value
        }
        with _opened(file, options.mime_type) as (source, size, mime_type):
            prepared = _request.prepared(
                "POST", f"upload/{self._api_version}/files", None, options.http_options
            )
            answer = upload(
                self._transport,
                prepared.path,
                source,
                size=size,
                mime_type=mime_type,
                metadata={"file": metadata},
                headers=prepared.headers,
                timeout=prepared.timeout,
                progress=progress,
            )
        if not isinstance(answer, dict) or not isinstance(answer.get("file"), dict):
            return decode_answer(File, answer)  # raises, naming what came instead
        return decode_answer(File, answer["file"])

    def get(self, *, name: str | File, config: HttpConfig = None) -> File:
        """The file ``name`` (``files/abc``, ``abc``, its URI, or a ``File``)."""
        path = f"{self._api_version}/files/{file_id(name)}"
        return decode_answer(File, self._send("GET", path, config, has_error_field=True))

    def delete(self, *, name: str | File, config: HttpConfig = None) -> None:
        """Delete the file ``name`` (``files/abc``, ``abc``, its URI, or a ``File``)."""
        self._send("DELETE", f"{self._api_version}/files/{file_id(name)}", config)

    def list(self, *, config: ListFilesConfig | ListFilesConfigDict | None = None) -> Pager[File]:
        """The project's files, newest first: iterate the pager for all of them, a page
        (``config.page_size``, 10 by default) fetched at a time."""
        options = _request.as_options(ListFilesConfig, config, "config")
        query = {} if options.page_size is None else {"pageSize": str(options.page_size)}
        if options.page_size is not None:
            _arguments.count("config.page_size", options.page_size, minimum=1)

        def fetch(token: str | None) -> tuple[list[File], str | None]:
            page_query = {**query, "pageToken": token} if token else query
            answer = self._send(
                "GET", f"{self._api_version}/files", options.http_options, query=page_query
            )
            page = decode_answer(ListFilesResponse, answer)
            return page.files or [], page.next_page_token

        return Pager("files", fetch, page_token=options.page_token, page_size=options.page_size)

    def download(self, *, file: str | File, config: HttpConfig = None) -> bytes:
        """The bytes of a file the service generated (a batch job's results, for instance);
        the API refuses to hand back uploaded files. At most the client's
        ``max_response_bytes``; use :meth:`iter_download` for larger ones."""
        return b"".join(self.iter_download(file=file, config=config))

    def iter_download(
        self, *, file: str | File, config: HttpConfig = None, limit: int | None = None
    ) -> Iterator[bytes]:
        """The bytes of a generated file as they arrive (at most ``limit`` bytes, by default
        the client's ``max_response_bytes``), without holding them all."""
        path = f"download/{self._api_version}/files/{file_id(file, 'file')}:download"
        request = _request.prepared(
            "GET", path, None, _request.http_options_of(config), query={"alt": "media"}
        )
        return self._transport.download(request, limit=limit)

    def wait_until_active(
        self,
        *,
        name: str | File,
        timeout: float = 600.0,
        poll_interval: float = 2.0,
        config: HttpConfig = None,
    ) -> File:
        """Poll the file until its ``state`` is ``ACTIVE`` and return it.

        Raises :class:`~gemwire.errors.FileFailedError` if processing failed, and
        :class:`~gemwire.errors.APITimeoutError` if it is still processing after ``timeout``
        seconds.
        """
        deadline = wait_deadline(timeout, poll_interval)
        while (current := settled(self.get(name=name, config=config), deadline, timeout)) is None:
            time.sleep(min(poll_interval, max(deadline - time.monotonic(), 0.0)))
        return current

    def _send(
        self,
        method: str,
        path: str,
        http_options: HttpConfig,
        *,
        query: dict[str, str] | None = None,
        has_error_field: bool = False,
    ) -> Any:
        options = _request.http_options_of(http_options)
        return self._transport.request(
            _request.prepared(
                method, path, None, options, query=query, has_error_field=has_error_field
            )
        ).payload


def wait_deadline(timeout: float, poll_interval: float) -> float:
    """When a wait of ``timeout`` seconds ends (``time.monotonic()``), once both are checked."""
    _arguments.seconds("poll_interval", poll_interval)
    return time.monotonic() + _arguments.seconds("timeout", timeout)


def settled(file: File, deadline: float, timeout: float) -> File | None:
    """``file`` if it is ``ACTIVE``, ``None`` while it is processing and time is left; raises
    :class:`~gemwire.errors.FileFailedError` or :class:`~gemwire.errors.APITimeoutError`."""
    if file.state == FileState.ACTIVE:
        return file
    if file.state == FileState.FAILED:
        reason = file.error.message if file.error else None
        raise FileFailedError(f"{file.name} failed processing: {reason or 'no reason given'}")
    if time.monotonic() >= deadline:
        state = getattr(file.state, "value", file.state)
        raise APITimeoutError(f"{file.name} is still {state} after {timeout:g} s")
    return None


def file_id(name: Any, argument: str = "name") -> str:
    """The id of a file given as ``files/abc``, ``abc``, its URI, or a ``File``."""
    if isinstance(name, File):
        name = name.name
    if not isinstance(name, str):
        raise ArgumentTypeError(
            f"{argument}: expected a file name or File, got {type(name).__name__}"
        )
    if URI_MARK in name:
        name = name.rsplit(URI_MARK, 1)[1]
    return _arguments.path_segment(argument, name.removeprefix("files/"), "files/abc123")


def file_name(name: Any, argument: str = "name") -> str:
    """``files/<id>`` of a file given as ``files/abc``, ``abc``, its URI, or a ``File``."""
    return f"files/{file_id(name, argument)}"


class _opened:
    """``with _opened(file, mime_type) as (stream, size, mime_type)``: the source of an upload,
    opened if it is a path (and closed after), checked before anything is sent."""

    def __init__(self, file: Any, mime_type: str | None) -> None:
        self._close: IO[bytes] | None = None
        if isinstance(file, (str, os.PathLike)):
            path = os.fspath(file)
            if not os.path.isfile(path):
                raise ArgumentError(f"file: {path!r} is not a file")
            mime_type = mime_type or mimetypes.guess_type(path)[0]
            self._close = open(path, "rb")  # noqa: SIM115 (closed by __exit__)
            stream: IO[bytes] = self._close
            size: int | None = os.fstat(stream.fileno()).st_size
        elif isinstance(file, (bytes, bytearray, memoryview)):
            stream, size = io.BytesIO(file), len(file)
        elif callable(getattr(file, "read", None)):
            stream, size = file, _size_left(file)
        else:
            raise ArgumentTypeError(
                f"file: expected a path, bytes or a binary stream, got {type(file).__name__}"
            )
        if not mime_type:
            if self._close is not None:
                self._close.close()
            raise ArgumentError(
                "config.mime_type: cannot tell the media type of the file; pass "
                "config=UploadFileConfig(mime_type=...)"
            )
        self._opened = (stream, size, mime_type)

    def __enter__(self) -> tuple[IO[bytes], int | None, str]:
        return self._opened

    def __exit__(self, *_: object) -> None:
        if self._close is not None:
            self._close.close()


def _size_left(stream: IO[bytes]) -> int | None:
    """Bytes from the stream's position to its end, if it can seek; else ``None``."""
    try:
        if not stream.seekable():
            return None
        here = stream.tell()
        end = stream.seek(0, io.SEEK_END)
        stream.seek(here)
    except (OSError, AttributeError, ValueError):
        return None
    return end - here
