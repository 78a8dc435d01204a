"""The resumable upload protocol of `POST /upload/v1beta/files`, as recorded.

1. `start` (`X-Goog-Upload-Protocol: resumable`, `X-Goog-Upload-Command: start`,
   `X-Goog-Upload-Header-Content-Length` / `-Content-Type`, body `{"file": {...}}`): 200 with an
   empty `text/plain` body and `x-goog-upload-status: active`, `x-goog-upload-url` (=
   `x-goog-upload-control-url`: the same path plus `?upload_id=...&upload_protocol=resumable`),
   `x-goog-upload-chunk-granularity` (8 MiB unless configured) and
   `x-goog-upload-header-content-type: application/json; charset=UTF-8`.
2. `upload` chunks, each at `X-Goog-Upload-Offset` = the bytes received so far and a multiple of
   the granularity long; `upload, finalize` with the last one (or `finalize` alone): 200,
   `x-goog-upload-status: final`, `{"file": File}`.

Not recorded, from Google's protocol documentation: `query` answers `x-goog-upload-status` and
`x-goog-upload-size-received` (and the `{"file": ...}` once final), so a client can resume after
a dropped connection; `cancel` ends the session. A wrong offset, a chunk off the granularity, or
more bytes than announced are 400s; an unknown `upload_id` is a 404.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field
from typing import Any

from gemwire.emulator import _errors
from gemwire.emulator import _fields as fields
from gemwire.emulator._errors import ApiError
from gemwire.emulator._files import Files, Handler, StoredFile
from gemwire.emulator._routes import Call
from gemwire.emulator._server import MAX_UPLOAD, Answer, json_answer
from gemwire.emulator._store import Store

GRANULARITY = 8 * 1024 * 1024
_FINAL_TYPE = "application/json; charset=UTF-8"
_DEFAULT_TYPE = "application/octet-stream"


@dataclass
class Session:
    """One upload in progress: what the start announced, and what has arrived."""

    upload_id: str
    version: str
    file_id: str | None
    display_name: str | None
    mime_type: str
    announced: int | None
    polls: int
    outcome: str
    received: int = 0
    data: bytearray | None = field(default_factory=bytearray)
    digest: Any = field(default_factory=hashlib.sha256)
    final: StoredFile | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)


class Uploads:
    """Upload sessions; finished uploads become files of `files`."""

    def __init__(self, files: Files, granularity: int = GRANULARITY) -> None:
        self.files = files
        self.granularity = granularity
        self._sessions: Store[Session] = Store("uploads", 64)

    def handlers(self) -> dict[str, Handler]:
        """The upload steps by script kind."""
        return {"startUpload": self._start, "uploadChunk": self._chunk, "queryUpload": self._query}

    def clear(self) -> None:
        """Forget every session."""
        self._sessions.clear()

    def _start(self, call: Call) -> Answer:
        if call.header("x-goog-upload-protocol").lower() != "resumable":
            message = "The emulator speaks only the resumable upload protocol."
            raise ApiError(_errors.error(400, message))
        if call.header("x-goog-upload-command").strip().lower() != "start":
            raise ApiError(_errors.error(400, "The first upload command must be 'start'."))
        meta = fields.get(call.json_object(), "file")
        meta = meta if isinstance(meta, dict) else {}
        length = call.header("x-goog-upload-header-content-length")
        announced = int(length) if length.isdigit() else None
        if announced is not None and announced > MAX_UPLOAD:
            message = f"The file is {announced} bytes; the limit is {MAX_UPLOAD} bytes (2 GB)."
            raise ApiError(_errors.error(400, message))
        mime = call.header("x-goog-upload-header-content-type") or fields.get(meta, "mimeType")
        fault = call.fault
        if fault and fault.processing_polls is not None:
            polls = fault.processing_polls
        else:
            polls = 1 if str(mime).startswith("video/") else 0  # as videos are, recorded
        session = Session(
            upload_id=self._sessions.new_id(),
            version=call.route.version,
            file_id=self.files.check_name(fields.get(meta, "name")),
            display_name=fields.get(meta, "displayName"),
            mime_type=str(mime or _DEFAULT_TYPE),
            announced=announced,
            polls=polls,
            outcome=fault.file_state if fault and fault.file_state else "ACTIVE",
        )
        self._sessions.add(session.upload_id, session)
        url = (
            f"{call.base_url}{call.request.path}"
            f"?upload_id={session.upload_id}&upload_protocol=resumable"
        )
        headers = {
            "x-goog-upload-status": "active",
            "x-goog-upload-url": url,
            "x-goog-upload-control-url": url,
            "x-goog-upload-chunk-granularity": str(self.granularity),
            "x-goog-upload-header-content-type": _FINAL_TYPE,
        }
        return Answer(200, b"", "text/plain; charset=utf-8", headers)

    def _chunk(self, call: Call) -> Answer:
        session = self._session(call)
        commands = {c.strip().lower() for c in call.header("x-goog-upload-command").split(",")}
        if "cancel" in commands:
            self._sessions.pop(session.upload_id)
            return Answer(200, b"", "text/plain; charset=utf-8", _status("cancelled"))
        if not commands & {"upload", "finalize"} or commands - {"upload", "finalize"}:
            message = f"Unknown upload command {call.header('x-goog-upload-command')!r}."
            raise ApiError(_errors.error(400, message), _status("active"))
        with session.lock:
            if session.final is not None:
                raise ApiError(_errors.error(400, "The upload is already final."), _status("final"))
            chunk = call.request.body if "upload" in commands else b""
            if "upload" in commands:
                self._receive(session, call, chunk, last="finalize" in commands)
            if "finalize" not in commands:
                return Answer(200, b"", "text/plain; charset=utf-8", _status("active"))
            session.final = self._finish(session)
            body = {"file": session.final.resource(call.base_url, session.version)}
        return json_answer(body, _status("final"))

    def _query(self, call: Call) -> Answer:
        session = self._session(call)
        with session.lock:
            headers = {
                **_status("final" if session.final else "active"),
                "x-goog-upload-size-received": str(session.received),
            }
            if session.final is None:
                return Answer(200, b"", "text/plain; charset=utf-8", headers)
            return json_answer(
                {"file": session.final.resource(call.base_url, session.version)}, headers
            )

    def _session(self, call: Call) -> Session:
        session = self._sessions.get(call.query("upload_id"))
        if session is None:
            raise ApiError(_errors.error(404, "No upload session with this upload_id."))
        return session

    def _receive(self, session: Session, call: Call, chunk: bytes, last: bool) -> None:
        offset = call.header("x-goog-upload-offset")
        if not offset.isdigit() or int(offset) != session.received:
            message = (
                f"X-Goog-Upload-Offset is {offset or 'missing'}; the upload has received "
                f"{session.received} bytes."
            )
            raise ApiError(_errors.error(400, message), _status("active"))
        if not last and len(chunk) % self.granularity:
            message = (
                f"A chunk of {len(chunk)} bytes: every chunk but the last must be a multiple "
                f"of {self.granularity} bytes (x-goog-upload-chunk-granularity)."
            )
            raise ApiError(_errors.error(400, message), _status("active"))
        total = session.received + len(chunk)
        if session.announced is not None and total > session.announced:
            message = f"{total} bytes received, more than the {session.announced} announced."
            raise ApiError(_errors.error(400, message), _status("active"))
        session.digest.update(chunk)
        session.received = total
        if session.data is not None:
            if self.files.has_room(total):
                session.data += chunk
            else:
                session.data = None  # over the memory limit: keep the size and hash only

    def _finish(self, session: Session) -> StoredFile:
        if session.announced is not None and session.received != session.announced:
            message = (
                f"The upload was finalized after {session.received} bytes; "
                f"{session.announced} were announced."
            )
            raise ApiError(_errors.error(400, message), _status("active"))
        now = self.files.clock.now()
        stored = StoredFile(
            file_id=session.file_id or self.files.new_id(),
            display_name=session.display_name,
            mime_type=session.mime_type,
            size=session.received,
            sha256_hex=session.digest.hexdigest(),
            data=None if session.data is None else bytes(session.data),
            created=now,
            updated=now,
            polls=session.polls,
            outcome=session.outcome,
        )
        session.data = None
        return self.files.add(stored)


def _status(status: str) -> dict[str, str]:
    return {"x-goog-upload-status": status}
