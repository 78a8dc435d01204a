"""``gemwire check-cassettes``: cassettes recorded through urllib3, httpx and requests are
read and checked; planted keys, unknown fields, invalid requests and lossy answers are
reported; the exit status and the JSON report say so to CI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import gemwire as genai
from gemwire.emulator import Emulator
from gemwire.testing import check_cassettes, vcr_config
from gemwire.testing._cli import main
from tests.conftest import ROOT
from tests.recording import (
    CALLS,
    MODEL,
    PLANTED_KEY,
    gemwire_call,
    gzipping_server,
    httpx_call,
    record,
    requests_call,
)

CASSETTES = ROOT / "tests" / "cassettes"
GENERATE = f"http://127.0.0.1:9/v1beta/models/{MODEL}:generateContent"
ANSWER = {
    "candidates": [
        {"content": {"role": "model", "parts": [{"text": "Hi."}]}, "finishReason": "STOP"}
    ]
}


def findings(path: Path, **environ: str) -> list[str]:
    """``check: message`` for each finding in the cassettes under ``path``."""
    reports = check_cassettes([path], environ=environ)
    assert all(report.error is None for report in reports)
    return [f"{f.check}: {f.message}" for report in reports for f in report.findings]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    status = main(["check-cassettes", *args])
    return status, capsys.readouterr().out


def interaction(
    uri: str, request: Any, status: int, response: Any, **headers: str
) -> dict[str, Any]:
    """One interaction as vcrpy writes it."""
    text = response if isinstance(response, str) else json.dumps(response)
    return {
        "request": {"method": "POST", "uri": uri, "headers": {}, "body": json.dumps(request)},
        "response": {
            "status": {"code": status, "message": ""},
            "headers": {name.replace("_", "-"): [value] for name, value in headers.items()},
            "body": {"string": text},
        },
    }


def test_gemwires_own_cassettes_pass(capsys: pytest.CaptureFixture[str]) -> None:
    status, out = run(capsys, str(CASSETTES))
    assert status == 0, out
    lines = out.splitlines()
    assert lines[-1] == "7 cassette(s), 9 interaction(s), 9 checked against the spec: 0 finding(s)"
    assert sum(line.endswith(": ok") for line in lines) == 9


@pytest.mark.parametrize("library", CALLS)
def test_cassettes_recorded_through_each_library_pass(
    emu: Emulator, tmp_path: Path, library: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / f"{library}.yaml"
    record(path, CALLS[library], emu.base_url, **vcr_config())
    status, out = run(capsys, "--format", "json", str(path))
    assert status == 0, out
    (cassette,) = json.loads(out)["cassettes"]
    (checked,) = cassette["interactions"]
    kind = "streamGenerateContent" if library == "httpx" else "generateContent"
    assert (checked["kind"], checked["status"], checked["checked"]) == (kind, 200, True)
    assert checked["findings"] == []


def test_a_json_cassette_is_read(emu: Emulator, tmp_path: Path) -> None:
    path = tmp_path / "cassette.json"
    record(path, gemwire_call, emu.base_url, **vcr_config(serializer="json"))
    (report,) = check_cassettes([path])
    assert [result.kind for result in report.results] == ["generateContent"]
    assert report.findings == []


def test_a_key_in_a_header_or_a_query_is_flagged(emu: Emulator, tmp_path: Path) -> None:
    record(tmp_path / "header.yaml", requests_call, emu.base_url)  # vcrpy's defaults
    record(tmp_path / "query.yaml", httpx_call, emu.base_url)
    assert findings(tmp_path / "header.yaml") == [
        "secret: request header x-goog-api-key holds a credential"
    ]
    assert findings(tmp_path / "query.yaml") == [
        "secret: request query parameter key holds a credential"
    ]


def test_a_key_the_server_echoed_is_flagged(emu: Emulator, tmp_path: Path) -> None:
    emu.push({"status": 400, "message": f"API key {PLANTED_KEY} not valid."})
    path = tmp_path / "echo.yaml"
    with pytest.raises(genai.errors.ClientError):
        # The usual hand-written filter: the header goes, the echo stays.
        record(path, gemwire_call, emu.base_url, filter_headers=["x-goog-api-key"])
    assert findings(path) == ["secret: response body holds a Google API key"]


@pytest.mark.parametrize("call", [httpx_call, requests_call])
def test_a_key_echoed_in_a_gzip_body_is_flagged(tmp_path: Path, call: Any) -> None:
    path = tmp_path / "gzip.yaml"
    with gzipping_server() as base_url:
        record(
            path, call, base_url, filter_headers=["x-goog-api-key"], filter_query_parameters=["key"]
        )
    if call is httpx_call:  # stored as it came: gzip, base64 in the file
        assert "!!binary" in path.read_text(encoding="utf-8")
    else:  # stored decoded by vcrpy, under a header that still says gzip
        assert "Content-Encoding:\n      - gzip" in path.read_text(encoding="utf-8")
    assert findings(path) == ["secret: response body holds a Google API key"]


def test_the_environments_key_is_looked_for_also_in_base64(emu: Emulator, tmp_path: Path) -> None:
    env_key = "my-own-key-format-12345"  # not shaped like a Google key
    data = __import__("base64").b64encode(b"PNG" + env_key.encode()).decode()
    part = {"inlineData": {"mimeType": "image/png", "data": data}}
    emu.push({"body": {"candidates": [{"content": {"role": "model", "parts": [part]}}]}})
    path = tmp_path / "env.yaml"
    record(path, requests_call, emu.base_url, **vcr_config())
    assert findings(path) == []
    assert findings(path, GEMINI_API_KEY=env_key) == [
        "secret: response body holds the value of GEMINI_API_KEY in base64"
    ]


def test_unknown_fields_and_enum_values_are_flagged(emu: Emulator, tmp_path: Path) -> None:
    answer = {
        "candidates": [
            {
                "content": {"role": "model", "parts": [{"text": "Hi", "sparkle": True}]},
                "finishReason": "NEW_REASON",
            }
        ],
        "serverHint": {"region": "eu"},
    }
    emu.push({"body": answer})
    path = tmp_path / "drift.yaml"
    record(path, gemwire_call, emu.base_url, **vcr_config())
    assert findings(path) == [
        "unknown-field: response candidates[0].content.parts[0].sparkle",
        'unknown-field: response candidates[0].finishReason = "NEW_REASON"',
        "unknown-field: response serverHint",
    ]


def test_invalid_requests_lossy_answers_and_cut_streams_are_flagged(tmp_path: Path) -> None:
    stream = GENERATE.replace(":generateContent", ":streamGenerateContent?alt=sse")
    event = "data: " + json.dumps(ANSWER) + "\r\n\r\n"
    cassette = {
        "interactions": [
            interaction(GENERATE, {"contents": [{"parts": [{"text": 5}]}]}, 200, ANSWER),
            interaction(GENERATE, {"contents": [], "temperature": 1}, 200, ANSWER),
            interaction(
                GENERATE, {"contents": []}, 200, {"candidates": [{"finish_reason": "stop"}]}
            ),
            interaction(
                stream, {"contents": []}, 200, event + event[:30], content_type="text/event-stream"
            ),
        ],
        "version": 1,
    }
    path = tmp_path / "problems.json"
    path.write_text(json.dumps(cassette), encoding="utf-8")
    assert findings(path) == [
        "request: contents[0].parts[0].text: expected a string, got integer",
        "unknown-field: request temperature",
        "response: not lossless: candidates[0].finishReason: written back, not recorded",
        "response: the body is unreadable: the stream was cut off in the middle of an event (30 bytes of it received)",
    ]


def test_errors_other_apis_and_other_hosts_are_noted_not_flagged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    error = {"error": {"code": 429, "message": "Quota.", "status": "RESOURCE_EXHAUSTED"}}
    embed = GENERATE.replace(":generateContent", ":embedContent")
    cassette = {
        "interactions": [
            interaction(GENERATE, {"contents": []}, 429, error),
            interaction(GENERATE, {"contents": []}, 200, error),
            interaction(embed, {"content": {"parts": []}}, 200, {"embedding": {"values": [1]}}),
            interaction("https://example.com/search?q=x", {}, 200, "<html></html>"),
        ]
    }
    path = tmp_path / "notes.json"
    path.write_text(json.dumps(cassette), encoding="utf-8")
    status, out = run(capsys, str(path))
    assert status == 0, out
    assert out.splitlines()[1:] == [
        f"  #0 POST /v1beta/models/{MODEL}:generateContent 429: ok (answered 429 RESOURCE_EXHAUSTED)",
        f"  #1 POST /v1beta/models/{MODEL}:generateContent 200: ok (an error object: 429 RESOURCE_EXHAUSTED)",
        f"  #2 POST /v1beta/models/{MODEL}:embedContent 200: ok (embedContent is not in gemwire's spec: not checked)",
        "1 cassette(s), 4 interaction(s), 2 checked against the spec: 0 finding(s)",
    ]


def test_exit_status_and_json_report_through_python_m(emu: Emulator, tmp_path: Path) -> None:
    record(tmp_path / "leaky.yaml", requests_call, emu.base_url)
    record(tmp_path / "clean.yaml", gemwire_call, emu.base_url, **vcr_config())
    (tmp_path / "package.json").write_text('{"name": "not a cassette"}', encoding="utf-8")
    command = [sys.executable, "-m", "gemwire.testing", "check-cassettes", "--format", "json"]
    done = subprocess.run([*command, str(tmp_path)], capture_output=True, text=True)
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    assert [Path(c["path"]).name for c in report["cassettes"]] == ["clean.yaml", "leaky.yaml"]
    assert report["summary"] == {
        "cassettes": 2,
        "interactions": 2,
        "checked": 2,
        "findings": 1,
        "errors": 0,
    }
    assert PLANTED_KEY not in done.stdout + done.stderr


def test_unreadable_files_and_empty_paths_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("interactions: [\n", encoding="utf-8")
    status, out = run(capsys, str(broken))
    assert status == 2
    assert f"error: {broken}: not YAML" in out
    (tmp_path / "empty").mkdir()
    assert run(capsys, str(tmp_path / "empty"))[0] == 2
    named = tmp_path / "other.json"
    named.write_text("{}", encoding="utf-8")
    status, out = run(capsys, str(named))
    assert (status, f"error: {named}: not a cassette" in out) == (2, True)
