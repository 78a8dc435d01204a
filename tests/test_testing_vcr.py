"""gemwire.testing.vcr_config(): cassettes recorded through urllib3 (gemwire), httpx and
requests hold no key, wherever the key travelled or was echoed, and replay."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import vcr
import yaml
from vcr.errors import CannotOverwriteExistingCassetteException

import gemwire as genai
from gemwire.emulator import Emulator
from gemwire.testing import vcr_config
from tests.recording import (
    CALLS,
    MODEL,
    PLANTED_KEY,
    gemwire_call,
    gzipping_server,
    httpx_call,
    on_disk,
    record,
    replay,
    requests_call,
)

ECHO = f"API key {PLANTED_KEY} not valid. Please pass a valid API key."


@pytest.mark.parametrize("library", CALLS)
def test_no_key_in_a_cassette_and_it_replays(emu: Emulator, tmp_path: Path, library: str) -> None:
    call, path = CALLS[library], tmp_path / f"{library}.yaml"
    recorded = record(path, call, emu.base_url, **vcr_config())
    assert PLANTED_KEY not in on_disk(path)
    assert "<redacted>" in path.read_text(encoding="utf-8")  # where the key was: shown, not kept
    assert replay(path, call, **vcr_config()) == recorded


def test_a_key_the_server_echoes_is_removed_from_the_body(emu: Emulator, tmp_path: Path) -> None:
    emu.push({"status": 400, "message": ECHO}, {"status": 400, "message": ECHO})
    path = tmp_path / "echo.yaml"
    with pytest.raises(genai.errors.ClientError):
        record(path, gemwire_call, emu.base_url, **vcr_config())
    assert PLANTED_KEY not in on_disk(path)
    assert "API key <redacted> not valid" in on_disk(path)
    with pytest.raises(genai.errors.ClientError) as replayed:  # the shorter body replays whole
        replay(path, gemwire_call, **vcr_config())
    assert replayed.value.message.startswith("API key <redacted> not valid")


def test_a_key_echoed_in_a_stream_event_is_removed(emu: Emulator, tmp_path: Path) -> None:
    chunk = {"candidates": [{"content": {"role": "model", "parts": [{"text": ECHO}]}}]}
    emu.push({"body": [chunk, chunk], "kind": "streamGenerateContent"})
    path = tmp_path / "sse.yaml"
    answer = record(path, httpx_call, emu.base_url, **vcr_config())
    assert answer.count(PLANTED_KEY) == 2
    assert PLANTED_KEY not in on_disk(path)
    assert replay(path, httpx_call, **vcr_config()).count("API key <redacted> not valid") == 2


@pytest.mark.parametrize("call", [httpx_call, requests_call])
def test_gzip_answers_lose_the_key_stored_compressed_or_not(tmp_path: Path, call: Any) -> None:
    with gzipping_server() as base_url:
        readable, compressed = tmp_path / "readable.yaml", tmp_path / "compressed.yaml"
        record(readable, call, base_url, **vcr_config())
        record(compressed, call, base_url, **vcr_config(decode_compressed_response=False))
    for path in (readable, compressed):
        assert PLANTED_KEY not in on_disk(path)
        assert "<redacted>" in on_disk(path).partition("You sent")[2]
        assert replay(path, call, **vcr_config()).count("<redacted>") == 1
    if call is httpx_call:  # requests' bodies are recorded decompressed whatever the setting
        body = yaml.safe_load(compressed.read_text(encoding="utf-8"))["interactions"][0]
        assert body["response"]["body"]["string"][:2] == b"\x1f\x8b"  # !!binary in the file


def test_the_environments_key_is_removed_wherever_it_appears(
    emu: Emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env_key = "AIzaFROM-the-environment-0123456789abcd"
    monkeypatch.setenv("GEMINI_API_KEY", env_key)
    emu.push({"text": f"Your key is {env_key}."})
    path = tmp_path / "env.yaml"
    record(path, requests_call, emu.base_url, **vcr_config())
    assert env_key not in on_disk(path)
    assert "Your key is <redacted>." in on_disk(path)


def test_secrets_given_are_removed_too(emu: Emulator, tmp_path: Path) -> None:
    emu.push({"text": "The session id is s3cr3t-session-id."})
    path = tmp_path / "given.yaml"
    record(path, requests_call, emu.base_url, **vcr_config(secrets=["s3cr3t-session-id"]))
    assert "s3cr3t-session-id" not in on_disk(path)


def test_a_changed_prompt_does_not_replay_an_old_answer(emu: Emulator, tmp_path: Path) -> None:
    path = tmp_path / "prompt.yaml"
    record(path, gemwire_call, emu.base_url, **vcr_config())

    def other_prompt(base_url: str) -> Any:
        with genai.Client(api_key=PLANTED_KEY, base_url=base_url, max_retries=0) as client:
            return client.models.generate_content(model=MODEL, contents="Why is grass green?")

    with pytest.raises(CannotOverwriteExistingCassetteException, match="body differs"):
        replay(path, other_prompt, **vcr_config())


def test_user_hooks_run_after_gemwires(emu: Emulator, tmp_path: Path) -> None:
    seen: list[str] = []

    def note(request: Any) -> Any:
        seen.append(request.uri)
        return request

    path = tmp_path / "hooks.yaml"
    record(path, httpx_call, emu.base_url, **vcr_config(before_record_request=note))
    assert seen and all(PLANTED_KEY not in uri and "key=<redacted>" in uri for uri in seen)


def test_vcrpys_defaults_would_have_kept_the_key(emu: Emulator, tmp_path: Path) -> None:
    """Why vcr_config exists: with vcrpy's defaults the header is recorded as sent."""
    path = tmp_path / "defaults.yaml"
    record(path, requests_call, emu.base_url)
    assert PLANTED_KEY in path.read_text(encoding="utf-8")
    assert vcr.__name__ == "vcr"
