"""``client.files`` and ``client.aio.files`` against the emulator: uploads (path, bytes,
stream; several chunks; resumed after a lost chunk or answer; 200 MB in bounded memory), get,
list, delete, download, waiting for ACTIVE, and a File in contents."""

from __future__ import annotations

import asyncio
import hashlib
import io
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import gemwire as genai
from gemwire import errors, types
from gemwire.emulator import Emulator
from tests.conftest import FAST_RETRIES, MakeClient

SMALL = 1024  # the granularity of the emulator of multi-chunk tests


@pytest.fixture(scope="module")
def chunky() -> Iterator[Emulator]:
    """An emulator that asks for 1 KiB chunks and keeps no file's bytes beyond 1 MiB."""
    with Emulator(upload_chunk_granularity=SMALL, files_memory_limit=2**20) as server:
        yield server


@pytest.fixture
def chunky_client(chunky: Emulator) -> Iterator[genai.Client]:
    chunky.reset()
    client = genai.Client(
        api_key="test-key", base_url=chunky.base_url, http_options={"retry_options": FAST_RETRIES}
    )
    yield client
    client.close()


def _commands(emu: Emulator) -> list[str]:
    return [
        r["headers"].get("x-goog-upload-command", "")
        for r in emu.requests
        if r["path"].startswith("/upload/")
    ]


def test_upload_a_path_guesses_the_media_type_and_returns_the_file(
    client: genai.Client, tmp_path: Path
) -> None:
    path = tmp_path / "notes.pdf"
    path.write_bytes(b"%PDF-1.4 tiny")
    file = client.files.upload(file=path, config=types.UploadFileConfig(display_name="Notes"))
    assert file.name is not None and file.name.startswith("files/")
    assert (file.mime_type, file.display_name, file.size_bytes) == ("application/pdf", "Notes", 13)
    assert file.state == types.FileState.ACTIVE
    assert file.sha256_hash == hashlib.sha256(b"%PDF-1.4 tiny").hexdigest().encode()
    assert client.files.get(name=file.name) == file


def test_upload_bytes_and_streams_in_chunks_of_the_servers_size_with_progress(
    chunky_client: genai.Client, chunky: Emulator
) -> None:
    seen: list[tuple[int, int | None]] = []
    data = bytes(range(256)) * 20  # 5,120 bytes: 5 chunks
    file = chunky_client.files.upload(
        file=data,
        config={"mime_type": "application/octet-stream"},
        progress=lambda sent, total: seen.append((sent, total)),
    )
    assert file.size_bytes == len(data)
    assert seen == [(1024, 5120), (2048, 5120), (3072, 5120), (4096, 5120), (5120, 5120)]
    assert _commands(chunky) == ["start", *["upload"] * 4, "upload, finalize"]

    class Pipe(io.RawIOBase):  # a stream that cannot seek: its size is not known
        def __init__(self, data: bytes) -> None:
            self._data = io.BytesIO(data)

        def readable(self) -> bool:
            return True

        def readinto(self, buffer: Any) -> int:
            return self._data.readinto(buffer)

    seen.clear()
    piped = chunky_client.files.upload(
        file=io.BufferedReader(Pipe(data[:1500])),
        config={"mime_type": "text/plain"},
        progress=lambda sent, total: seen.append((sent, total)),
    )
    assert piped.size_bytes == 1500
    assert seen == [(1024, None), (1500, None)]


@pytest.mark.parametrize("fault", ["drop", "drop_after"])
def test_an_upload_resumes_after_a_dropped_chunk(
    chunky_client: genai.Client, chunky: Emulator, fault: str
) -> None:
    chunky.push({"kind": "uploadChunk", fault: True})
    data = b"abcdefgh" * 400  # 3,200 bytes: 4 chunks
    file = chunky_client.files.upload(file=data, config={"mime_type": "text/plain"})
    assert file.size_bytes == len(data)
    assert file.sha256_hash == hashlib.sha256(data).hexdigest().encode()
    commands = _commands(chunky)
    assert "query" in commands
    # A lost chunk is sent again; a chunk whose answer was lost is not.
    assert commands.count("upload") == (4 if fault == "drop" else 3)


def test_a_200_mb_upload_holds_little_memory(tmp_path: Path) -> None:
    path = tmp_path / "big.bin"
    with path.open("wb") as out:
        block = bytes(range(256)) * 4096  # 1 MiB
        for _ in range(200):
            out.write(block)
    with Emulator(files_memory_limit=0) as emu:
        client = genai.Client(api_key="test-key", base_url=emu.base_url)
        tracemalloc.start()
        try:
            file = client.files.upload(file=path, config={"mime_type": "video/mp4"})
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
            client.close()
    assert file.size_bytes == 200 * 2**20
    assert peak < 64 * 2**20  # client and emulator together


def test_get_list_and_delete(client: genai.Client) -> None:
    names = [
        client.files.upload(file=b"x" * n, config={"mime_type": "text/plain"}).name
        for n in (1, 2, 3)
    ]
    pager = client.files.list(config=types.ListFilesConfig(page_size=2))
    assert len(pager.page) == 2 and pager.next_page_token
    assert sorted(f.name or "" for f in pager) == sorted(n or "" for n in names)
    first = names[0]
    assert first is not None
    assert client.files.get(name=first.removeprefix("files/")).name == first
    client.files.delete(name=first)
    assert first not in [f.name for f in client.files.list()]
    with pytest.raises(errors.ClientError) as caught:
        client.files.get(name=first)
    assert caught.value.code == 403


def test_uploaded_files_cannot_be_downloaded(client: genai.Client) -> None:
    file = client.files.upload(file=b"data", config={"mime_type": "text/plain"})
    with pytest.raises(errors.ClientError, match="Only GENERATED files"):
        client.files.download(file=file)


def test_a_file_goes_straight_into_contents(client: genai.Client) -> None:
    file = client.files.upload(file=b"x" * 30, config={"mime_type": "text/plain"})
    response = client.models.generate_content(
        model="gemini-2.0-flash", contents=[file, "What is in this file?"]
    )
    assert f"uploaded as {file.name}" in response.text


def test_wait_until_active_polls_until_processing_ends(client: genai.Client, emu: Emulator) -> None:
    emu.push({"kind": "startUpload", "processing_polls": 2})
    video = client.files.upload(file=b"\x00" * 64, config={"mime_type": "video/mp4"})
    assert video.state == types.FileState.PROCESSING
    with pytest.raises(errors.ClientError, match="not in an ACTIVE state"):
        client.models.generate_content(model="gemini-2.0-flash", contents=[video])
    ready = client.files.wait_until_active(name=video, poll_interval=0.01)
    assert ready.state == types.FileState.ACTIVE


def test_wait_until_active_raises_when_processing_fails(
    client: genai.Client, emu: Emulator
) -> None:
    emu.push({"kind": "startUpload", "processing_polls": 1, "file_state": "FAILED"})
    video = client.files.upload(file=b"\x00" * 64, config={"mime_type": "video/mp4"})
    with pytest.raises(errors.FileFailedError, match=str(video.name)):
        client.files.wait_until_active(name=video.name or "", poll_interval=0.01)


def test_wrong_arguments_are_refused_before_sending(
    client: genai.Client, emu: Emulator, tmp_path: Path
) -> None:
    with pytest.raises(errors.ArgumentError, match=r"config\.mime_type"):
        client.files.upload(file=b"data")
    with pytest.raises(errors.ArgumentError, match="is not a file"):
        client.files.upload(file=tmp_path / "missing.txt")
    with pytest.raises(errors.ArgumentTypeError, match="file: expected a path"):
        client.files.upload(file=123)  # type: ignore[arg-type]
    with pytest.raises(errors.ArgumentTypeError, match="has no option 'mime'"):
        client.files.upload(file=b"data", config={"mime": "text/plain"})  # type: ignore[typeddict-unknown-key]
    with pytest.raises(errors.ArgumentError, match="name"):
        client.files.get(name="../models/x")
    with pytest.raises(errors.ArgumentError, match="timeout"):
        client.files.wait_until_active(name="files/abc", timeout=0)
    assert emu.requests == []


def test_async_files(make_client: MakeClient, emu: Emulator) -> None:
    async def main() -> None:
        async with make_client().aio as aio:
            emu.push({"kind": "startUpload", "processing_polls": 1})
            video = await aio.files.upload(file=b"\x00" * 64, config={"mime_type": "video/mp4"})
            ready = await aio.files.wait_until_active(name=video, poll_interval=0.01)
            assert ready.state == types.FileState.ACTIVE
            other = await aio.files.upload(file=b"text", config={"mime_type": "text/plain"})
            assert (await aio.files.get(name=other)).size_bytes == 4
            names = [f.name async for f in await aio.files.list(config={"page_size": 1})]
            assert sorted(names) == sorted([video.name, other.name])
            await aio.files.delete(name=other)
            with pytest.raises(errors.ClientError):
                await aio.files.download(file=video)
            response = await aio.models.generate_content(
                model="gemini-2.0-flash", contents=[ready, "Describe it"]
            )
            assert f"uploaded as {video.name}" in response.text

    asyncio.run(main())
