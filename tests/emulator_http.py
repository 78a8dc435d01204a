"""Raw HTTP to the emulator, as a client sees it: the helpers the emulator tests share."""

from __future__ import annotations

import json
from typing import Any

import urllib3

from gemwire.emulator import Emulator

MODEL = "gemini-2.5-flash"
KEY = {"x-goog-api-key": "test-key-123", "Content-Type": "application/json"}
GENERATE = f"/v1beta/models/{MODEL}:generateContent"
STREAM = f"/v1beta/models/{MODEL}:streamGenerateContent"
COUNT = f"/v1beta/models/{MODEL}:countTokens"
UPLOAD = "/upload/v1beta/files"


def user(*parts: Any) -> dict[str, Any]:
    return {"role": "user", "parts": [{"text": p} if isinstance(p, str) else p for p in parts]}


def ask(text: str = "Why is the sky blue?", **extra: Any) -> dict[str, Any]:
    return {"contents": [user(text)], **extra}


class Client:
    """The few calls the tests need, over one urllib3 pool."""

    def __init__(self, emu: Emulator, http: urllib3.PoolManager) -> None:
        self.emu, self.http = emu, http

    def request(
        self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
    ) -> urllib3.BaseHTTPResponse:
        """`path` on the emulator; a body that is not bytes is sent as JSON; the test key."""
        data = body if body is None or isinstance(body, bytes) else json.dumps(body).encode()
        url = path if path.startswith("http") else self.emu.base_url + path
        return self.http.request(
            method, url, body=data, headers=KEY if headers is None else headers
        )

    def json(self, method: str, path: str, body: Any = None, status: int = 200) -> Any:
        """The JSON answer, which must come with `status`."""
        response = self.request(method, path, body)
        assert response.status == status, response.data
        return json.loads(response.data)

    def post(
        self, path: str, body: Any, headers: dict[str, str] | None = None
    ) -> urllib3.BaseHTTPResponse:
        return self.request("POST", path, body, headers)

    def get(self, path: str, headers: dict[str, str] | None = None) -> urllib3.BaseHTTPResponse:
        return self.request("GET", path, None, headers)

    def generate(self, body: Any, path: str = GENERATE) -> dict[str, Any]:
        response = self.post(path, body)
        assert response.status == 200, response.data
        return json.loads(response.data)

    def sse(self, body: Any, path: str = STREAM) -> list[dict[str, Any]]:
        response = self.post(path + "?alt=sse", body)
        assert response.status == 200, response.data
        return sse_events(response.data)


def sse_events(data: bytes) -> list[dict[str, Any]]:
    """Google's framing, strictly: `data: {json}` events separated by CRLF CRLF."""
    assert data.endswith(b"\r\n\r\n")
    events = data[: -len(b"\r\n\r\n")].split(b"\r\n\r\n")
    assert all(event.startswith(b"data: ") for event in events)
    return [json.loads(event[len(b"data: ") :]) for event in events]


def reply_text(answer: dict[str, Any]) -> str:
    """The text of a whole answer's first candidate."""
    return "".join(p.get("text", "") for p in answer["candidates"][0]["content"]["parts"])


def start(
    api: Client, size: int | None = None, mime: str = "text/plain", file: Any = None
) -> urllib3.BaseHTTPResponse:
    """Step 1 of a resumable upload: announce `size` bytes of `mime` with `file` metadata."""
    headers = {**KEY, "X-Goog-Upload-Protocol": "resumable", "X-Goog-Upload-Command": "start"}
    if size is not None:
        headers["X-Goog-Upload-Header-Content-Length"] = str(size)
    headers["X-Goog-Upload-Header-Content-Type"] = mime
    return api.request("POST", UPLOAD, {} if file is None else {"file": file}, headers)


def send(
    api: Client, url: str, command: str, data: bytes = b"", offset: int | None = None
) -> urllib3.BaseHTTPResponse:
    """An `X-Goog-Upload-Command` to the session `url` (`upload`, `finalize`, `query`, ...)."""
    headers = {**KEY, "X-Goog-Upload-Command": command}
    if offset is not None:
        headers["X-Goog-Upload-Offset"] = str(offset)
    return api.request("POST", url, data, headers)


def upload(api: Client, data: bytes, mime: str = "text/plain", **file: Any) -> dict[str, Any]:
    """Upload `data` in one chunk; the `File` the service answers."""
    url = start(api, len(data), mime, file or None).headers["x-goog-upload-url"]
    finished = send(api, url, "upload, finalize", data, offset=0)
    assert finished.status == 200, finished.data
    return json.loads(finished.data)["file"]
