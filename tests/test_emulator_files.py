"""The Files API on the emulator: resumable uploads, files, downloads, over raw HTTP."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import threading
import zlib
from collections.abc import Iterator
from typing import Any

import pytest
import urllib3

from gemwire.emulator import Emulator
from tests.emulator_http import (
    GENERATE,
    KEY,
    UPLOAD,
    Client,
    ask,
    reply_text,
    send,
    start,
    upload,
    user,
)

GRANULARITY = 16


def png(width: int, height: int) -> bytes:
    """The smallest PNG whose header says its size."""
    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + b"\x08\x02\x00\x00\x00"
    chunk = b"IHDR" + header
    return (
        b"\x89PNG\r\n\x1a\n"
        + (13).to_bytes(4, "big")
        + chunk
        + zlib.crc32(chunk).to_bytes(4, "big")
    )


@pytest.fixture(scope="module")
def small_emulator() -> Iterator[Emulator]:
    """An emulator with a 16-byte chunk granularity and 64 bytes of file memory."""
    with Emulator(upload_chunk_granularity=GRANULARITY, files_memory_limit=64) as server:
        yield server


@pytest.fixture
def small(small_emulator: Emulator, http: urllib3.PoolManager) -> Client:
    small_emulator.reset()
    return Client(small_emulator, http)


# the two steps, as recorded


def test_start_answers_the_recorded_headers_and_an_empty_body(api: Client) -> None:
    response = start(api, 10, "application/pdf", {"display_name": "apples.pdf"})
    assert response.status == 200 and response.data == b""
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    url = response.headers["x-goog-upload-url"]
    assert re.fullmatch(
        rf"{api.emu.base_url}/upload/v1beta/files\?upload_id=[a-z0-9]+&upload_protocol=resumable",
        url,
    )
    assert response.headers["x-goog-upload-control-url"] == url
    assert response.headers["x-goog-upload-status"] == "active"
    assert response.headers["x-goog-upload-chunk-granularity"] == "8388608"
    assert (
        response.headers["x-goog-upload-header-content-type"] == "application/json; charset=UTF-8"
    )


def test_finalize_answers_the_wrapped_file_and_get_the_bare_one(
    api: Client, endpoints: list[dict[str, Any]]
) -> None:
    data = b"%PDF-1.4 apples"
    url = start(api, len(data), "application/pdf", {"displayName": "apples.pdf"}).headers[
        "x-goog-upload-url"
    ]
    response = send(api, url, "upload, finalize", data, offset=0)
    assert response.status == 200
    assert response.headers["x-goog-upload-status"] == "final"
    file = json.loads(response.data)["file"]
    file_id = file["name"].removeprefix("files/")
    assert re.fullmatch("[a-z0-9]{12}", file_id)
    assert file["displayName"] == "apples.pdf" and file["mimeType"] == "application/pdf"
    assert file["sizeBytes"] == str(len(data))
    assert base64.b64decode(file["sha256Hash"]).decode() == hashlib.sha256(data).hexdigest()
    assert file["state"] == "ACTIVE" and file["source"] == "UPLOADED"
    assert file["uri"] == f"{api.emu.base_url}/v1beta/files/{file_id}"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", file["createTime"])
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z", file["expirationTime"])
    assert file["expirationTime"][:10] > file["createTime"][:10]  # 48 hours later
    recorded = next(
        r["response_body"]["file"]
        for r in endpoints
        if r["endpoint"] == "POST upload/v1beta/files"
        and r["source"] == "tidyverse/ellmer"
        and r["response_body"]
    )
    assert sorted(file) == sorted(recorded)
    assert api.json("GET", f"/v1beta/files/{file_id}") == file
    assert api.json("GET", file["uri"]) == file  # the uri is the emulator's own


def test_list_pages_and_delete(api: Client) -> None:
    assert api.json("GET", "/v1beta/files") == {}
    names = [upload(api, f"file {i}".encode())["name"] for i in range(3)]
    first = api.json("GET", "/v1beta/files?pageSize=2")
    rest = api.json("GET", f"/v1beta/files?pageSize=2&pageToken={first['nextPageToken']}")
    assert [f["name"] for f in first["files"] + rest["files"]] == names
    assert "nextPageToken" not in rest
    assert api.json("DELETE", f"/v1beta/{names[1]}") == {}
    assert [f["name"] for f in api.json("GET", "/v1beta/files")["files"]] == [names[0], names[2]]
    missing = api.request("GET", f"/v1beta/{names[1]}")
    assert missing.status == 403
    assert json.loads(missing.data)["error"] == {
        "code": 403,
        "message": f"You do not have permission to access the File {names[1][6:]} or it may "
        "not exist.",
        "status": "PERMISSION_DENIED",
    }
    assert api.request("DELETE", f"/v1beta/{names[1]}").status == 403


def test_a_name_can_be_chosen_once(api: Client) -> None:
    assert upload(api, b"notes", name="files/my-notes")["name"] == "files/my-notes"
    taken = start(api, 5, file={"name": "my-notes"})
    assert taken.status == 409 and json.loads(taken.data)["error"]["status"] == "ALREADY_EXISTS"
    assert start(api, 5, file={"name": "-bad-"}).status == 400


def test_files_expire_after_48_hours_of_the_emulators_clock(api: Client) -> None:
    name = upload(api, b"short-lived")["name"]
    api.emu.advance(47 * 3600)
    assert api.request("GET", f"/v1beta/{name}").status == 200
    api.emu.advance(3600)
    assert api.request("GET", f"/v1beta/{name}").status == 403
    assert api.json("GET", "/v1beta/files") == {}


# chunks, offsets, resumption


def test_a_multi_chunk_upload_is_assembled(small: Client) -> None:
    data = bytes(range(40))
    url = start(small, len(data)).headers["x-goog-upload-url"]
    assert (
        send(small, url, "upload", data[:16], offset=0).headers["x-goog-upload-status"] == "active"
    )
    assert send(small, url, "upload", data[16:32], offset=16).status == 200
    file = json.loads(send(small, url, "upload, finalize", data[32:], offset=32).data)["file"]
    assert file["sizeBytes"] == "40"
    assert base64.b64decode(file["sha256Hash"]).decode() == hashlib.sha256(data).hexdigest()


def test_finalize_alone_ends_an_upload(small: Client) -> None:
    url = start(small).headers["x-goog-upload-url"]
    send(small, url, "upload", bytes(16), offset=0)
    file = json.loads(send(small, url, "finalize").data)["file"]
    assert file["sizeBytes"] == "16"


def test_query_tells_what_arrived_so_an_upload_can_resume(small: Client) -> None:
    data = bytes(range(48))
    url = start(small, len(data)).headers["x-goog-upload-url"]
    send(small, url, "upload", data[:16], offset=0)
    small.emu.push({"kind": "uploadChunk", "drop": True})
    with pytest.raises(urllib3.exceptions.ProtocolError):
        send(small, url, "upload", data[16:32], offset=16)
    query = send(small, url, "query")
    assert query.status == 200 and query.data == b""
    assert query.headers["x-goog-upload-status"] == "active"
    assert query.headers["x-goog-upload-size-received"] == "16"
    small.emu.push({"kind": "uploadChunk", "drop_after": True})  # arrives, the answer is lost
    with pytest.raises(urllib3.exceptions.ProtocolError):
        send(small, url, "upload", data[16:32], offset=16)
    assert send(small, url, "query").headers["x-goog-upload-size-received"] == "32"
    again = send(small, url, "upload", data[16:32], offset=16)
    assert again.status == 400 and again.headers["x-goog-upload-status"] == "active"
    assert "has received 32 bytes" in json.loads(again.data)["error"]["message"]
    file = json.loads(send(small, url, "upload, finalize", data[32:], offset=32).data)["file"]
    final = send(small, url, "query")
    assert final.headers["x-goog-upload-status"] == "final"
    assert final.headers["x-goog-upload-size-received"] == "48"
    assert json.loads(final.data) == {"file": file}


@pytest.mark.parametrize(
    ("chunks", "says"),
    [
        ([("upload", b"x" * 10)], "multiple of 16 bytes"),
        ([("upload, finalize", b"x" * 33)], "more than the 32 announced"),
        ([("upload, finalize", b"x" * 20)], "20 bytes; 32 were announced"),
        ([("upload, finalize", b"x" * 32), ("upload", b"")], "already final"),
        ([("upload", b"x" * 16), ("upload, finalize", b"x" * 16)], "X-Goog-Upload-Offset is 0"),
    ],
)
def test_protocol_mistakes_are_400s(
    small: Client, chunks: list[tuple[str, bytes]], says: str
) -> None:
    url = start(small, 32).headers["x-goog-upload-url"]
    for command, data in chunks:
        response = send(small, url, command, data, offset=0)
    assert response.status == 400
    assert says in json.loads(response.data)["error"]["message"]


def test_cancel_ends_the_session(small: Client) -> None:
    url = start(small, 32).headers["x-goog-upload-url"]
    assert send(small, url, "cancel").headers["x-goog-upload-status"] == "cancelled"
    assert send(small, url, "query").status == 404
    assert small.json("GET", "/v1beta/files") == {}


def test_only_the_resumable_protocol_is_spoken(api: Client) -> None:
    headers = {**KEY, "X-Goog-Upload-Protocol": "multipart"}
    response = api.request("POST", UPLOAD, {}, headers)
    assert response.status == 400 and "resumable" in json.loads(response.data)["error"]["message"]


def test_bytes_over_the_memory_limit_are_not_kept(small: Client) -> None:
    big = upload(small, bytes(100), "application/jsonl")
    assert big["sizeBytes"] == "100" and big["state"] == "ACTIVE"
    assert base64.b64decode(big["sha256Hash"]).decode() == hashlib.sha256(bytes(100)).hexdigest()
    batch = {"batch": {"displayName": "b", "inputConfig": {"fileName": big["name"]}}}
    refused = small.post("/v1beta/models/gemini-2.5-flash:batchGenerateContent", batch)
    assert refused.status == 400
    assert "did not keep the bytes" in json.loads(refused.data)["error"]["message"]


def test_the_log_keeps_neither_keys_nor_file_bytes(api: Client) -> None:
    upload(api, b"secret bytes")
    logged = json.dumps(api.emu.requests)
    assert "test-key-123" not in logged and "secret bytes" not in logged
    assert [r["body"] for r in api.emu.requests] == [{}, None]


# processing


def test_videos_are_processing_for_one_poll(api: Client) -> None:
    file = upload(api, b"\x00\x00\x00\x18ftypmp42", "video/mp4")
    assert file["state"] == "PROCESSING"
    path = f"/v1beta/{file['name']}"
    prompt = {"contents": [user("Describe", {"fileData": {"fileUri": file["uri"]}})]}
    refused = api.post(GENERATE, prompt)
    assert refused.status == 400
    assert json.loads(refused.data)["error"] == {
        "code": 400,
        "message": f"The File {file['name'][6:]} is not in an ACTIVE state and usage is not "
        "allowed.",
        "status": "FAILED_PRECONDITION",
    }
    assert api.json("GET", path)["state"] == "PROCESSING"
    active = api.json("GET", path)
    assert active["state"] == "ACTIVE" and active["updateTime"] >= file["updateTime"]
    assert api.post(GENERATE, prompt).status == 200


def test_the_script_sets_the_polls_and_the_outcome(api: Client) -> None:
    api.emu.push({"processing_polls": 3, "file_state": "FAILED"})
    file = upload(api, b"a document")
    states = [api.json("GET", f"/v1beta/{file['name']}")["state"] for _ in range(5)]
    assert states == ["PROCESSING"] * 3 + ["FAILED"] * 2
    failed = api.json("GET", f"/v1beta/{file['name']}")
    assert failed["error"]["code"] == 13
    api.emu.push({"processing_polls": 0})
    assert upload(api, b"video", "video/mp4")["state"] == "ACTIVE"


# files in prompts


def test_an_uploaded_file_is_described_like_inline_media(api: Client) -> None:
    image = png(640, 480)
    file = upload(api, image, "image/png")
    part = {"fileData": {"fileUri": file["uri"], "mimeType": "image/png"}}
    answer = api.generate({"contents": [user("What is this?", part)]})
    assert reply_text(answer) == (
        'You said: "What is this?". I saw 1 turn. The message has 1 image: image/png, '
        f"640x480 pixels, {len(image)} bytes, uploaded as {file['name']}."
    )
    assert answer["usageMetadata"]["promptTokensDetails"][0] == {
        "modality": "IMAGE",
        "tokenCount": 258,
    }


def test_unknown_files_of_the_emulator_are_refused_others_described(api: Client) -> None:
    ours = {"fileData": {"fileUri": f"{api.emu.base_url}/v1beta/files/nothere12345"}}
    response = api.post(GENERATE, {"contents": [user("Hi", ours)]})
    assert response.status == 403
    assert "File nothere12345" in json.loads(response.data)["error"]["message"]
    elsewhere = "https://generativelanguage.googleapis.com/v1beta/files/recorded1234"
    part = {"fileData": {"fileUri": elsewhere, "mimeType": "audio/mpeg"}}
    assert f"audio/mpeg at {elsewhere}" in reply_text(api.generate({"contents": [user(part)]}))


def test_uploaded_files_cannot_be_downloaded(api: Client) -> None:
    file = upload(api, b"mine")
    response = api.get(f"/v1beta/{file['name']}:download?alt=media")
    assert response.status == 400
    assert (
        json.loads(response.data)["error"]["message"] == "Only GENERATED files can be downloaded."
    )


def test_script_kinds_of_the_file_methods(api: Client) -> None:
    file = upload(api, b"x")
    api.emu.push({"kind": "getFile", "status": 503}, {"kind": "listFiles", "status": 500})
    assert api.get("/v1beta/files").status == 500
    assert api.get(f"/v1beta/{file['name']}").status == 503
    assert api.get(f"/v1beta/{file['name']}").status == 200
    api.emu.push({"kind": "startUpload", "status": 429})
    assert start(api, 1).status == 429


def test_concurrent_uploads_get_their_own_files(api: Client) -> None:
    made: list[dict[str, Any]] = []

    def work(n: int) -> None:
        for i in range(10):
            made.append(upload(api, f"{n}-{i}".encode()))

    threads = [threading.Thread(target=work, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({f["name"] for f in made}) == 60
    listed = api.json("GET", "/v1beta/files?pageSize=100")["files"]
    assert sorted(f["name"] for f in listed) == sorted(f["name"] for f in made)
    assert api.post(GENERATE, ask()).status == 200
