"""Every Python snippet of Google's "Text generation" page runs on gemwire with only its
imports changed, sends what the API expects and prints what the answer says.

HTTP is replayed from cassettes under ``tests/cassettes/`` (``make record`` re-records them
against a fresh local emulator). The image snippet opens ``/path/to/organ.png``, a placeholder:
the test points it at ``examples/organ.png``.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gemwire.emulator import Emulator
from tests.conftest import ROOT
from tests.docs_page import DOCS_PAGE, snippets, with_gemwire_imports

pytestmark = [
    pytest.mark.skipif(not DOCS_PAGE.exists(), reason=f"{DOCS_PAGE} is not here"),
    pytest.mark.vcr,
]
ORGAN = ROOT / "examples" / "organ.png"
MODEL_PATH = "/v1beta/models/gemini-2.0-flash"


@pytest.fixture(scope="module")
def vcr_config() -> dict[str, Any]:
    return {
        "filter_headers": ["x-goog-api-key"],
        "filter_query_parameters": ["key"],
        # Not host and port: the emulator listens on a different free port each recording.
        "match_on": ["method", "path", "query", "body"],
    }


@pytest.fixture(autouse=True)
def gemini(record_mode: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Where the snippets' client goes: a fresh emulator while recording; while replaying any
    loopback address, since VCR answers from the cassette before connecting."""
    if record_mode == "none":
        monkeypatch.setenv("GOOGLE_GEMINI_BASE_URL", "http://127.0.0.1:9")
        yield
        return
    with Emulator() as emulator:
        monkeypatch.setenv("GOOGLE_GEMINI_BASE_URL", emulator.base_url)
        yield


def run(name: str, capsys: pytest.CaptureFixture[str], *edits: tuple[str, str]) -> str:
    source = with_gemwire_imports(snippets()[name])
    for old, new in edits:
        source = source.replace(old, new)
    exec(compile(source, f"<docs page: {name}>", "exec"), {"__name__": "__main__"})
    return capsys.readouterr().out


def sent(cassette: Any) -> list[dict[str, Any]]:
    """The JSON bodies the snippet sent, in order (replay only matches identical bodies)."""
    if cassette.record_mode == "none":
        assert cassette.all_played, "the snippet sent fewer requests than were recorded"
    return [json.loads(request.body) for request in cassette.requests]


def answered(cassette: Any, index: int = 0) -> list[dict[str, Any]]:
    """The JSON objects of one recorded answer (each SSE event for a stream)."""
    body = cassette.responses[index]["body"]["string"]
    text = body.decode() if isinstance(body, bytes) else body
    if text.startswith("data:"):
        return [json.loads(line[5:]) for line in text.splitlines() if line.startswith("data:")]
    return [json.loads(text)]


def answer_text(objects: list[dict[str, Any]]) -> str:
    return "".join(
        part.get("text", "")
        for obj in objects
        for part in obj["candidates"][0]["content"].get("parts", [])
        if not part.get("thought")
    )


def test_basic_text_generation(vcr: Any, capsys: pytest.CaptureFixture[str]) -> None:
    printed = run("generate_text", capsys)
    assert [r.path for r in vcr.requests] == [f"{MODEL_PATH}:generateContent"]
    assert sent(vcr) == [{"contents": [{"role": "user", "parts": [{"text": "How does AI work?"}]}]}]
    assert printed == answer_text(answered(vcr)) + "\n"
    assert "How does AI work?" in printed


def test_system_instruction(vcr: Any, capsys: pytest.CaptureFixture[str]) -> None:
    printed = run("system_instruction", capsys)
    (body,) = sent(vcr)
    assert body["systemInstruction"] == {"parts": [{"text": "You are a cat. Your name is Neko."}]}
    assert body["contents"] == [{"role": "user", "parts": [{"text": "Hello there"}]}]
    assert printed == answer_text(answered(vcr)) + "\n"


def test_generation_config(vcr: Any, capsys: pytest.CaptureFixture[str]) -> None:
    printed = run("generation_config", capsys)
    (body,) = sent(vcr)
    assert body["generationConfig"] == {"maxOutputTokens": 500, "temperature": 0.1}
    assert printed == answer_text(answered(vcr)) + "\n"


def test_image_input(vcr: Any, capsys: pytest.CaptureFixture[str]) -> None:
    printed = run("image_input", capsys, ("/path/to/organ.png", str(ORGAN)))
    (body,) = sent(vcr)
    image_part, text_part = body["contents"][0]["parts"]
    assert text_part == {"text": "Tell me about this instrument"}
    assert image_part["inlineData"]["mimeType"] == "image/png"
    data = base64.b64decode(image_part["inlineData"]["data"], validate=True)  # standard alphabet
    assert data == ORGAN.read_bytes()  # the file as opened, not encoded again
    assert printed == answer_text(answered(vcr)) + "\n"
    assert "image/png, 320x240" in printed


def test_streaming(vcr: Any, capsys: pytest.CaptureFixture[str]) -> None:
    printed = run("streaming", capsys)
    (request,) = vcr.requests
    assert request.path == f"{MODEL_PATH}:streamGenerateContent"
    assert request.query == [("alt", "sse")]
    events = answered(vcr)
    assert len(events) > 1
    assert printed == answer_text(events)


def _history_lines(printed: str) -> list[str]:
    return [line for line in printed.splitlines() if line.startswith("role - ")]


def test_chat(vcr: Any, capsys: pytest.CaptureFixture[str]) -> None:
    printed = run("chat", capsys)
    first, second = sent(vcr)
    assert [turn["role"] for turn in first["contents"]] == ["user"]
    assert [turn["role"] for turn in second["contents"]] == ["user", "model", "user"]
    assert second["contents"][1] == answered(vcr, 0)[0]["candidates"][0]["content"]
    replies = [answer_text(answered(vcr, i)) for i in (0, 1)]
    assert _history_lines(printed) == [
        "role - user: I have 2 dogs in my house.",
        f"role - model: {replies[0]}",
        "role - user: How many paws are in my house?",
        f"role - model: {replies[1]}",
    ]


def test_chat_streaming(vcr: Any, capsys: pytest.CaptureFixture[str]) -> None:
    printed = run("chat_streaming", capsys)
    _, second = sent(vcr)
    assert [turn["role"] for turn in second["contents"]] == ["user", "model", "user"]
    replies = [answer_text(answered(vcr, i)) for i in (0, 1)]
    # The streamed turn went into the history as one model Content holding the whole answer.
    assert second["contents"][1] == {"role": "model", "parts": [{"text": replies[0]}]}
    # Streamed text is printed with end="", so the history starts on the same line.
    assert printed == (
        replies[0]
        + replies[1]
        + "role - user: I have 2 dogs in my house.\n"
        + f"role - model: {replies[0]}\n"
        + "role - user: How many paws are in my house?\n"
        + f"role - model: {replies[1]}\n"
    )


def test_the_examples_are_the_docs_snippets(tmp_path: Path) -> None:
    """examples/ (what `make demo` runs) holds the same code, reading the key from the
    environment instead of the page's placeholder."""
    examples = sorted((ROOT / "examples").glob("0[1-7]_*.py"))
    for example, snippet in zip(examples, snippets().values(), strict=True):
        expected = with_gemwire_imports(snippet).replace(
            'genai.Client(api_key="GEMINI_API_KEY")', "genai.Client()"
        )
        actual = example.read_text(encoding="utf-8").replace(
            'Image.open(Path(__file__).with_name("organ.png"))', 'Image.open("/path/to/organ.png")'
        )
        assert actual.replace("from pathlib import Path\n\n", "") == expected, example.name
