"""The ``gemini`` fixture of the gemwire.testing pytest plugin, used as an application's
tests would use it: scripted answers, faults, and the requests received."""

from __future__ import annotations

import asyncio
import dataclasses
import os
import subprocess
import sys
from pathlib import Path

import pytest
import urllib3

import gemwire as genai
from gemwire import errors, types
from gemwire.emulator import Emulator
from gemwire.testing import ReceivedRequest, ScriptedGemini
from tests.conftest import ROOT
from tests.recording import PLANTED_KEY

MODEL = "gemini-2.5-flash"


def ask(gemini: ScriptedGemini, prompt: str = "Hi") -> types.GenerateContentResponse:
    return gemini.client.models.generate_content(model=MODEL, contents=prompt)


def ask_stream(gemini: ScriptedGemini, prompt: str = "Hi") -> list[str]:
    stream = gemini.client.models.generate_content_stream(model=MODEL, contents=prompt)
    return [chunk.text or "" for chunk in stream]


def test_unscripted_calls_get_the_emulators_answer(gemini: ScriptedGemini) -> None:
    assert ask(gemini, "Why is the sky blue?").text == (
        'You said: "Why is the sky blue?". I saw 1 turn.'
    )


def test_a_text_answers_the_next_call_streamed_or_not(gemini: ScriptedGemini) -> None:
    gemini.reply("Paris is the capital of France.")
    gemini.reply("Rome is the capital of Italy.")
    assert ask(gemini).text == "Paris is the capital of France."
    assert "".join(ask_stream(gemini)) == "Rome is the capital of Italy."
    assert ask(gemini).text == 'You said: "Hi". I saw 1 turn.'


def test_a_stream_of_chunks(gemini: ScriptedGemini) -> None:
    gemini.reply_stream(["Once ", "upon ", "a time."])
    assert ask_stream(gemini) == ["Once ", "upon ", "a time."]


def test_a_function_call(gemini: ScriptedGemini) -> None:
    gemini.reply_function_call("get_weather", {"city": "Paris"}, times=2)
    (call,) = ask(gemini, "Weather in Paris?").function_calls or []
    assert (call.name, call.args) == ("get_weather", {"city": "Paris"})
    stream = gemini.client.models.generate_content_stream(model=MODEL, contents="And now?")
    assert stream.get_final_response().function_calls == [call]


@dataclasses.dataclass
class City:
    name: str
    population: int


def test_a_structured_answer(gemini: ScriptedGemini) -> None:
    gemini.reply_json({"name": "Paris", "population": 2_100_000})
    config = types.GenerateContentConfig(
        response_mime_type="application/json", response_schema=City
    )
    response = gemini.client.models.generate_content(model=MODEL, contents="?", config=config)
    assert response.parsed == City("Paris", 2_100_000)


def test_an_error_with_its_status(gemini: ScriptedGemini) -> None:
    gemini.reply_error(400, "Bad prompt.")
    with pytest.raises(errors.ClientError) as refused:
        ask(gemini)
    assert (refused.value.code, refused.value.status) == (400, "INVALID_ARGUMENT")
    assert refused.value.message == "Bad prompt."


def test_errors_the_client_retries_need_times(gemini: ScriptedGemini) -> None:
    gemini.reply_error(503)
    assert ask(gemini).text  # retried once, answered
    gemini.reply_error(429, times=3)
    with pytest.raises(errors.ClientError) as refused:
        ask(gemini)
    assert refused.value.status == "RESOURCE_EXHAUSTED"
    assert len(gemini.requests) == 5


def test_a_dropped_connection(gemini: ScriptedGemini) -> None:
    gemini.drop(times=3)
    with pytest.raises(errors.APIConnectionError):
        ask(gemini)
    assert gemini.pending == []


def test_a_delay(gemini: ScriptedGemini) -> None:
    gemini.delay(0.5)
    with (
        genai.Client(api_key=gemini.api_key, timeout=0.2, max_retries=0) as impatient,
        pytest.raises(errors.APITimeoutError),
    ):
        impatient.models.generate_content(model=MODEL, contents="Hi")


def test_a_truncated_stream(gemini: ScriptedGemini) -> None:
    gemini.truncate(after=1)
    with pytest.raises(errors.IncompleteStreamError):
        ask_stream(gemini, "one two three four five six seven eight nine ten")


def test_the_requests_received_are_decoded(gemini: ScriptedGemini) -> None:
    config = types.GenerateContentConfig(system_instruction="Be brief.", temperature=0.2)
    gemini.client.models.generate_content(model=MODEL, contents="Hello", config=config)
    ask_stream(gemini, "Tell me more")
    gemini.client.models.count_tokens(model="gemini-2.0-flash", contents="Count me")
    first, second, third = gemini.requests
    assert isinstance(first.body, types.GenerateContentRequest)
    assert (first.kind, first.model, first.stream) == ("generateContent", MODEL, False)
    assert first.body.contents[0].parts[0].text == "Hello"
    assert first.body.generation_config.temperature == 0.2
    assert first.body.system_instruction.parts[0].text == "Be brief."
    assert (second.kind, second.stream, second.generate) == ("streamGenerateContent", True, True)
    assert second.query == {"alt": "sse"}
    assert isinstance(third.body, types.CountTokensRequest)
    assert (third.kind, third.model, third.generate) == ("countTokens", "gemini-2.0-flash", False)
    assert third.json == {"contents": [{"parts": [{"text": "Count me"}], "role": "user"}]}
    assert all("x-goog-api-key" not in {k.lower() for k in r.headers} for r in gemini.requests)


def test_a_request_the_spec_refuses_is_listed_undecoded(gemini: ScriptedGemini) -> None:
    url = f"{gemini.base_url}/v1beta/models/{MODEL}:generateContent"
    body = b'{"contents": [{"parts": [{"text": 5}]}]}'
    answer = urllib3.request("POST", url, body=body, headers={"x-goog-api-key": "k"})
    assert answer.status == 400
    (received,) = gemini.requests
    assert received == ReceivedRequest(
        kind="generateContent",
        model=MODEL,
        http_method="POST",
        path=f"/v1beta/models/{MODEL}:generateContent",
        query={},
        headers=received.headers,
        json={"contents": [{"parts": [{"text": 5}]}]},
        body=None,
    )


def test_code_that_makes_its_own_client_finds_the_emulator(gemini: ScriptedGemini) -> None:
    gemini.reply("From the emulator.")
    assert os.environ["GOOGLE_GEMINI_BASE_URL"] == gemini.base_url
    assert os.environ["GEMINI_API_KEY"] == os.environ["GOOGLE_API_KEY"] == gemini.api_key
    with genai.Client() as own:
        assert own.models.generate_content(model=MODEL, contents="Hi").text == "From the emulator."


def test_the_async_client(gemini: ScriptedGemini) -> None:
    gemini.reply("Awaited.")

    async def main() -> str | None:
        response = await gemini.client.aio.models.generate_content(model=MODEL, contents="Hi")
        return response.text

    assert asyncio.run(main()) == "Awaited."


def test_each_test_starts_with_no_script_and_no_log(gemini: ScriptedGemini) -> None:
    assert gemini.pending == [] and gemini.requests == []
    gemini.reply("left over")  # the next test must not see it
    assert gemini.pending == [{"text": "left over", "times": 1}]


def test_each_test_starts_with_no_script_and_no_log_again(gemini: ScriptedGemini) -> None:
    assert gemini.pending == [] and gemini.requests == []


def test_wrong_script_arguments_are_argument_errors(gemini: ScriptedGemini) -> None:
    with pytest.raises(errors.ArgumentError, match="status"):
        gemini.reply_error(99)
    with pytest.raises(errors.ArgumentError, match="times"):
        gemini.reply("x", times=0)
    with pytest.raises(errors.ArgumentError, match="chunks"):
        gemini.reply_stream("not a list")
    with pytest.raises(errors.ArgumentTypeError, match="JSON"):
        gemini.reply_json({"when": object()})
    assert gemini.pending == []


def test_the_plugin_is_inert_until_used() -> None:
    """Loading it imports neither the emulator, vcrpy nor the checker, and `import gemwire`
    does not load it."""
    probe = (
        "import sys, gemwire; assert 'gemwire.testing' not in sys.modules; "
        "import gemwire.testing.plugin; "
        "print(sorted(m for m in sys.modules if m.startswith(('vcr', 'yaml', 'jsonschema', "
        "'gemwire.emulator', 'gemwire.testing._c'))))"
    )
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert loaded.stdout.strip() == "[]", loaded.stderr


def _readme_example() -> str:
    section = (
        (ROOT / "README.md").read_text(encoding="utf-8").split("## Testing your application")[1]
    )
    return section.split("```python\n")[1].split("```")[0]


def test_the_readme_example_records_replays_and_checks(emu: Emulator, tmp_path: Path) -> None:
    """The README's example file, run as a user would: pytest finds the plugin through its
    entry point; the recorded test records once (against the emulator standing in for the
    API), then replays offline; the cassette holds no key and passes the checker."""
    (tmp_path / "test_summaries.py").write_text(_readme_example(), encoding="utf-8")
    environ = {k: v for k, v in os.environ.items() if k not in ("GOOGLE_API_KEY", "GEMINI_API_KEY")}
    # Without the dev environment's hypothesis plugin, which takes seconds to load.
    pytest_run = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    pytest_run += ["-p", "no:hypothesispytest"]

    def run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*pytest_run, *args],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            env={**environ, **env},
        )

    recorded = run(
        "--record-mode=once", GEMINI_API_KEY=PLANTED_KEY, GOOGLE_GEMINI_BASE_URL=emu.base_url
    )
    assert recorded.returncode == 0, recorded.stdout + recorded.stderr
    assert "5 passed" in recorded.stdout
    (cassette,) = (tmp_path / "cassettes").rglob("*.yaml")
    assert PLANTED_KEY not in cassette.read_text(encoding="utf-8")
    replayed = run(GEMINI_API_KEY="another-key", GOOGLE_GEMINI_BASE_URL="http://127.0.0.1:9")
    assert replayed.returncode == 0, replayed.stdout + replayed.stderr
    checked = subprocess.run(
        [sys.executable, "-m", "gemwire.testing", "check-cassettes", str(cassette)],
        capture_output=True,
        text=True,
        env={**environ, "GEMINI_API_KEY": PLANTED_KEY},
    )
    assert checked.returncode == 0, checked.stdout
