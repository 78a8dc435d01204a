"""Optional request validation: ``Client(validate=True)`` or ``GEMWIRE_VALIDATE=1`` checks each
body against the spec before sending it, with the same code (``gemwire._validation``) the
emulator answers 400 with."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from typing import Any

import pytest

import gemwire as genai
from gemwire import _validation, errors, types
from gemwire.emulator import Emulator
from gemwire.emulator import _checks as emulator_checks

MODEL = "gemini-2.5-flash"
BAD_CODE = {
    "role": "user",
    "parts": [{"text": "run this"}, {"executableCode": {"language": "COBOL", "code": "x"}}],
}


@pytest.fixture(autouse=True)
def _no_validation_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GEMWIRE_VALIDATE", raising=False)


def client_for(emu: Emulator, **kwargs: Any) -> genai.Client:
    return genai.Client(api_key="test-key", base_url=emu.base_url, max_retries=0, **kwargs)


def test_a_body_that_breaks_the_spec_is_refused_before_sending(emu: Emulator) -> None:
    with pytest.raises(errors.RequestValidationError) as caught:
        client_for(emu, validate=True).models.generate_content(model=MODEL, contents=[BAD_CODE])
    assert str(caught.value).startswith(
        'contents[0].parts[1].executableCode.language: invalid value "COBOL"; expected one of '
    )
    assert caught.value.violations[0][0] == "contents[0].parts[1].executableCode.language"
    assert isinstance(caught.value, ValueError)
    assert isinstance(caught.value, genai.errors.GemwireError)
    assert emu.requests == []  # nothing was sent


def test_every_violation_is_named_with_its_path(emu: Emulator) -> None:
    config = types.GenerateContentConfig(
        temperature="hot",  # type: ignore[arg-type]
        safety_settings=[{"category": "NOPE", "threshold": "X"}],  # type: ignore[list-item]
    )
    with pytest.raises(errors.RequestValidationError) as caught:
        client_for(emu, validate=True).models.generate_content(
            model=MODEL, contents="hi", config=config
        )
    assert [path for path, _ in caught.value.violations] == [
        "generationConfig.temperature",
        "safetySettings[0].category",
        "safetySettings[0].threshold",
    ]
    assert "generationConfig.temperature: expected a number, got string; " in str(caught.value)


def test_streams_and_count_tokens_are_validated_too(emu: Emulator) -> None:
    client = client_for(emu, validate=True)
    with pytest.raises(errors.RequestValidationError, match=r"executableCode\.language"):
        client.models.generate_content_stream(model=MODEL, contents=[BAD_CODE])
    with pytest.raises(errors.RequestValidationError, match=r"^contents\[0\]\.parts\[1\]"):
        client.models.count_tokens(model=MODEL, contents=[BAD_CODE])
    with pytest.raises(errors.RequestValidationError) as caught:  # a whole generateContentRequest
        client.models.count_tokens(
            model=MODEL,
            contents=[BAD_CODE],
            config=types.GenerateContentConfig(system_instruction="be brief"),
        )
    assert caught.value.violations[0][0] == (
        "generateContentRequest.contents[0].parts[1].executableCode.language"
    )
    assert emu.requests == []


def test_valid_requests_pass_and_are_sent_once(emu: Emulator) -> None:
    client = client_for(emu, validate=True)
    config = {"temperature": 0.5, "system_instruction": "Be brief.", "max_output_tokens": 50}
    assert client.models.generate_content(model=MODEL, contents="hi", config=config).text
    assert list(client.models.generate_content_stream(model=MODEL, contents="hi", config=config))
    assert client.models.count_tokens(model=MODEL, contents="hi").total_tokens == 1
    chat = client.chats.create(model=MODEL, config=config)
    chat.send_message("hi")
    chat.send_message("again")
    assert len(emu.requests) == 5


def test_without_validation_the_same_body_reaches_the_server(emu: Emulator) -> None:
    """Off by default: the emulator, running the same checks, answers 400 with the same words."""
    with pytest.raises(errors.RequestValidationError) as local:
        client_for(emu, validate=True).models.generate_content(model=MODEL, contents=[BAD_CODE])
    with pytest.raises(errors.ClientError) as remote:
        client_for(emu).models.generate_content(model=MODEL, contents=[BAD_CODE])
    assert remote.value.code == 400
    path, why = local.value.violations[0]
    assert f"Invalid value at '{path}': {why}" in remote.value.message
    assert len(emu.requests) == 1


@pytest.mark.parametrize(("value", "on"), [("1", True), ("true", True), ("0", False), ("", False)])
def test_the_environment_variable_turns_it_on(
    emu: Emulator, monkeypatch: pytest.MonkeyPatch, value: str, on: bool
) -> None:
    monkeypatch.setenv("GEMWIRE_VALIDATE", value)
    expected = errors.RequestValidationError if on else errors.ClientError
    with pytest.raises(expected):
        client_for(emu).models.generate_content(model=MODEL, contents=[BAD_CODE])
    assert len(emu.requests) == (0 if on else 1)


def test_an_explicit_argument_wins_over_the_environment(
    emu: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GEMWIRE_VALIDATE", "1")
    with pytest.raises(errors.ClientError):
        client_for(emu, validate=False).models.generate_content(model=MODEL, contents=[BAD_CODE])


def test_one_implementation_serves_the_client_and_the_emulator() -> None:
    assert emulator_checks._validation is _validation
    assert importlib.util.find_spec("gemwire.emulator._validation") is None


def test_jsonschema_is_imported_only_when_a_request_is_checked() -> None:
    script = (
        "import sys, gemwire\n"
        "client = gemwire.Client(api_key='k', validate=True)\n"
        "print('jsonschema' in sys.modules)\n"
        "try:\n"
        "    config = gemwire.types.GenerateContentConfig(temperature='x')\n"
        "    client.models.generate_content(model='m', contents='hi', config=config)\n"
        "except gemwire.errors.RequestValidationError:\n"
        "    pass\n"
        "print('jsonschema' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout
    assert out.split() == ["False", "True"]


def test_validate_without_jsonschema_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.util.find_spec

    def without_jsonschema(name: str, *args: Any) -> Any:
        return None if name == "jsonschema" else real(name, *args)

    monkeypatch.setattr(importlib.util, "find_spec", without_jsonschema)
    with pytest.raises(ImportError, match=r"gemwire\[validation\]"):
        genai.Client(api_key="k", validate=True)
    genai.Client(api_key="k")  # without validation, jsonschema is not needed
