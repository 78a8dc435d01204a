"""The Files API: stored files, `GET`/`DELETE files/{id}`, `GET files` and downloads.

Files come from uploads (`_upload`) and from batch jobs (their output, `source: GENERATED`).
They live in memory for 48 hours of the emulator's clock. Their bytes are kept while the total
stays under the memory limit; a file beyond it keeps its size and hash but not its bytes (it
can still be used in prompts, not as a batch's input). `GET files/{id}` is a poll: a file that
is `PROCESSING` answers so for its number of polls, then turns `ACTIVE` (or `FAILED`).

Shapes as recorded: `sizeBytes` an int64 string, `sha256Hash` base64 of the hex digest,
`createTime` / `updateTime` with microseconds and `expirationTime` with nanoseconds, `uri`
`<base>/v1beta/files/{id}`; the upload answers `{"file": File}`, `GET` the bare File, `GET
files` `{"files": [...], "nextPageToken"}` (`{}` when empty), `DELETE` `{}`. Unknown files
are 403 `PERMISSION_DENIED` ("You do not have permission to access the File ... or it may not
exist."); only generated files download (`GET files/{id}:download?alt=media`).
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from gemwire.emulator import _errors
from gemwire.emulator import _fields as fields
from gemwire.emulator._clock import NANOS, Clock, timestamp
from gemwire.emulator._errors import ApiError
from gemwire.emulator._media import Attachment
from gemwire.emulator._routes import Call
from gemwire.emulator._server import Answer, json_answer
from gemwire.emulator._store import Store, page_size

LIFETIME = 48 * 3600 * NANOS
_ID = re.compile(r"[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?")
_URI_PATH = re.compile(r"(?:.*/)?files/([a-z0-9-]+)")

Handler = Callable[[Call], Answer]


@dataclass
class StoredFile:
    """A file and what the service says of it; `polls` is how many more `GET`s answer
    `PROCESSING`, `outcome` the state after them."""

    file_id: str
    display_name: str | None
    mime_type: str
    size: int
    sha256_hex: str
    data: bytes | None
    created: int
    updated: int
    source: str = "UPLOADED"
    polls: int = 0
    outcome: str = "ACTIVE"

    @property
    def state(self) -> str:
        """`PROCESSING`, `ACTIVE` or `FAILED`."""
        return "PROCESSING" if self.polls > 0 else self.outcome

    def resource(self, base_url: str, version: str) -> dict[str, Any]:
        """The `File` as the service writes it."""
        body: dict[str, Any] = {"name": f"files/{self.file_id}"}
        if self.display_name:
            body["displayName"] = self.display_name
        body["mimeType"] = self.mime_type
        body["sizeBytes"] = str(self.size)
        body["createTime"] = timestamp(self.created)
        body["updateTime"] = timestamp(self.updated)
        body["expirationTime"] = timestamp(self.created + LIFETIME, digits=9)
        body["sha256Hash"] = base64.b64encode(self.sha256_hex.encode()).decode()
        body["uri"] = f"{base_url}/{version}/files/{self.file_id}"
        if self.source == "GENERATED":
            body["downloadUri"] = (
                f"{base_url}/download/{version}/files/{self.file_id}:download?alt=media"
            )
        body["state"] = self.state
        body["source"] = self.source
        if self.state == "FAILED":
            body["error"] = {"code": 13, "message": "File processing failed."}
        return body


class Files:
    """Every stored file, and the handlers of the file methods."""

    def __init__(self, clock: Clock, memory_limit: int) -> None:
        self.clock = clock
        self.memory_limit = memory_limit
        self._store: Store[StoredFile] = Store("files", 12)
        self._kept = 0  # bytes held by stored files

    def handlers(self) -> dict[str, Handler]:
        """The file methods by script kind."""
        return {
            "getFile": self._get,
            "listFiles": self._list,
            "deleteFile": self._delete,
            "downloadFile": self._download,
        }

    def clear(self) -> None:
        """Forget every file."""
        with self._store.lock:
            self._store.clear()
            self._kept = 0

    def new_id(self) -> str:
        """A fresh file id."""
        return self._store.new_id()

    def has_room(self, size: int) -> bool:
        """Whether `size` more bytes fit under the memory limit."""
        with self._store.lock:
            return self._kept + size <= self.memory_limit

    def check_name(self, name: object) -> str | None:
        """The id of a requested `files/{id}` name (None if none was asked for); 400 when it
        is malformed, 409 when it is taken."""
        if name is None or name == "":
            return None
        file_id = str(name).removeprefix("files/")
        if not _ID.fullmatch(file_id):
            message = (
                f"Invalid file name {name!r}: up to 40 lowercase letters, digits or dashes, "
                "not starting or ending with a dash."
            )
            raise ApiError(_errors.bad_request(message, [("file.name", message)]))
        if self.find(file_id) is not None:
            message = f"File files/{file_id} already exists."
            raise ApiError(_errors.error(409, message, status="ALREADY_EXISTS"))
        return file_id

    def add(self, stored: StoredFile) -> StoredFile:
        """Store a file; an uploaded one loses its bytes if they do not fit under the limit."""
        with self._store.lock:
            uploaded = stored.source == "UPLOADED"
            if uploaded and stored.data is not None and not self.has_room(len(stored.data)):
                stored.data = None
            self._kept += len(stored.data or b"")
            self._store.add(stored.file_id, stored)
        return stored

    def find(self, file_id: str) -> StoredFile | None:
        """The file with that id, unless it has expired (then it is gone)."""
        with self._store.lock:
            stored = self._store.get(file_id)
            if stored is not None and self.clock.now() >= stored.created + LIFETIME:
                self._remove(file_id)
                return None
            return stored

    def attachments(self, contents: list[dict[str, Any]], host: str) -> dict[str, Attachment]:
        """The uploaded files the `fileData` parts of `contents` refer to, by URI."""
        found = {}
        for content in contents:
            for part in fields.items(fields.get(content, "parts")):
                uri = fields.get(fields.get(part, "fileData"), "fileUri")
                attachment = self.attachment(uri, host) if isinstance(uri, str) else None
                if attachment is not None:
                    found[uri] = attachment
        return found

    def attachment(self, uri: str, host: str) -> Attachment | None:
        """The uploaded file a `fileData.fileUri` refers to, None for URIs elsewhere.

        A URI ending in `files/{id}` finds the file whatever its host; an unknown id at the
        emulator's own address (or a bare `files/{id}`) is the service's 403, and a file not
        `ACTIVE` its 400 FAILED_PRECONDITION."""
        parts = urlsplit(uri)
        found = _URI_PATH.fullmatch(parts.path)
        if found is None:
            return None
        stored = self.find(found[1])
        if stored is None:
            if parts.netloc in ("", host):
                raise ApiError(_errors.file_not_found(found[1]))
            return None
        if stored.state != "ACTIVE":
            raise ApiError(_errors.file_not_active(stored.file_id))
        return Attachment(f"files/{stored.file_id}", stored.mime_type, stored.size, stored.data)

    def _remove(self, file_id: str) -> None:
        with self._store.lock:
            stored = self._store.pop(file_id)
            if stored is not None:
                self._kept -= len(stored.data or b"")

    def _required(self, call: Call) -> StoredFile:
        stored = self.find(call.route.resource)
        if stored is None:
            raise ApiError(_errors.file_not_found(call.route.resource))
        return stored

    def _get(self, call: Call) -> Answer:
        with self._store.lock:
            stored = self._required(call)
            body = stored.resource(call.base_url, call.route.version)
            if stored.polls > 0:
                stored.polls -= 1
                if stored.polls == 0:
                    stored.updated = self.clock.now()
        return json_answer(body)

    def _list(self, call: Call) -> Answer:
        size = page_size(call.query("pageSize"), default=10, maximum=100)
        now = self.clock.now()
        page, token = self._store.page(
            size, call.query("pageToken"), lambda f: now < f.created + LIFETIME
        )
        body: dict[str, Any] = {}
        if page:
            body["files"] = [f.resource(call.base_url, call.route.version) for f in page]
        if token:
            body["nextPageToken"] = token
        return json_answer(body)

    def _delete(self, call: Call) -> Answer:
        self._remove(self._required(call).file_id)
        return json_answer({})

    def _download(self, call: Call) -> Answer:
        stored = self._required(call)
        if stored.source != "GENERATED":
            raise ApiError(_errors.error(400, "Only GENERATED files can be downloaded."))
        return Answer(200, stored.data or b"", content_type=stored.mime_type)
