"""GenerateContentConfig maps onto the request the API expects."""

from __future__ import annotations

import pytest

from gemwire import types
from gemwire._request import as_config, generate_content


def request(config: object) -> dict[str, object]:
    body = generate_content("m", "Hello", as_config(config), api_version="v1beta").body  # type: ignore[arg-type]
    assert body is not None
    return body


def test_system_instruction_and_generation_parameters_are_placed_where_the_api_wants_them() -> None:
    body = request(
        types.GenerateContentConfig(
            system_instruction="You are a cat. Your name is Neko.",
            max_output_tokens=500,
            temperature=0.1,
            stop_sequences=["END"],
            thinking_config=types.ThinkingConfig(thinking_budget=0),
            safety_settings=[
                types.SafetySetting(
                    category=types.HarmCategory.HARM_CATEGORY_HARASSMENT,
                    threshold=types.HarmBlockThreshold.BLOCK_ONLY_HIGH,
                )
            ],
            cached_content="cachedContents/abc",
        )
    )
    assert body == {
        "contents": [{"role": "user", "parts": [{"text": "Hello"}]}],
        "systemInstruction": {"parts": [{"text": "You are a cat. Your name is Neko."}]},
        "generationConfig": {
            "maxOutputTokens": 500,
            "temperature": 0.1,
            "stopSequences": ["END"],
            "thinkingConfig": {"thinkingBudget": 0},
        },
        "safetySettings": [
            {"category": "HARM_CATEGORY_HARASSMENT", "threshold": "BLOCK_ONLY_HIGH"}
        ],
        "cachedContent": "cachedContents/abc",
    }


def test_a_dict_config_works_and_an_unknown_option_is_named() -> None:
    assert request({"temperature": 0.5})["generationConfig"] == {"temperature": 0.5}
    with pytest.raises(TypeError, match="'temprature'"):
        request({"temprature": 0.5})
    with pytest.raises(TypeError, match="temprature"):
        types.GenerateContentConfig(temprature=0.5)  # type: ignore[call-arg]


def test_no_config_sends_only_contents() -> None:
    assert request(None) == {"contents": [{"role": "user", "parts": [{"text": "Hello"}]}]}


def test_system_instruction_accepts_parts_and_contents() -> None:
    part = types.Part(text="Be brief.")
    assert request({"system_instruction": part})["systemInstruction"] == {
        "parts": [{"text": "Be brief."}]
    }
    content = types.Content(parts=[part])
    assert request({"system_instruction": content})["systemInstruction"] == {
        "parts": [{"text": "Be brief."}]
    }


def test_request_level_options_reach_the_top_level() -> None:
    body = request(
        {"service_tier": "flex", "labels": {"team": "search"}, "store": False, "seed": 7}
    )
    assert {key: body[key] for key in ("serviceTier", "labels", "store")} == {
        "serviceTier": "flex",
        "labels": {"team": "search"},
        "store": False,
    }
    assert body["generationConfig"] == {"seed": 7}


def test_client_side_options_are_not_sent() -> None:
    config = types.GenerateContentConfig(
        should_return_http_response=True,
        automatic_function_calling={"disable": True},
        automatic_continuation=False,
        http_options={"client_args": {"verify": True}, "httpx_client": object()},
    )
    assert request(config) == {"contents": [{"role": "user", "parts": [{"text": "Hello"}]}]}
