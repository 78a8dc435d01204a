"""The client end to end against the local emu: what a user of the API sees."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

import gemwire as genai
from gemwire import _request, errors, types
from gemwire.emulator import Emulator
from tests.conftest import MakeClient


def test_settings_come_from_arguments_then_the_environment(
    emu: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GEMINI_API_KEY", raising=False)
    monkeypatch.delenv("GOOGLE_API_KEY", raising=False)
    monkeypatch.delenv("GOOGLE_GEMINI_BASE_URL", raising=False)
    with pytest.raises(errors.MissingAPIKeyError, match="GEMINI_API_KEY"):
        genai.Client()
    monkeypatch.setenv("GOOGLE_API_KEY", "from-google-api-key")
    assert genai.Client().base_url == "https://generativelanguage.googleapis.com"
    monkeypatch.setenv("GOOGLE_GEMINI_BASE_URL", emu.base_url)
    client = genai.Client(api_version="v1")
    assert (client.base_url, client.api_version) == (emu.base_url, "v1")
    options = types.HttpOptions(base_url="http://127.0.0.1:1", api_version="v1alpha")
    client = genai.Client(http_options=options)
    assert (client.base_url, client.api_version) == ("http://127.0.0.1:1", "v1alpha")


def test_plain_http_is_refused_beyond_loopback() -> None:
    with pytest.raises(ValueError, match="clear text"):
        genai.Client(api_key="k", base_url="http://example.com")
    genai.Client(api_key="k", base_url="http://example.com", allow_insecure_http=True).close()


def test_model_names_with_and_without_the_models_prefix(
    client: genai.Client, emu: Emulator
) -> None:
    for model in ("gemini-2.0-flash", "models/gemini-2.0-flash"):
        client.models.generate_content(model=model, contents="hi")
    paths = [request["path"] for request in emu.requests]
    assert paths == ["/v1beta/models/gemini-2.0-flash:generateContent"] * 2


def test_the_user_agent_names_gemwire(client: genai.Client, emu: Emulator) -> None:
    client.models.generate_content(model="gemini-2.0-flash", contents="hi")
    headers = {k.lower(): v for k, v in emu.requests[-1]["headers"].items()}
    assert headers["user-agent"].startswith("gemwire/")


def test_count_tokens(client: genai.Client) -> None:
    counted = client.models.count_tokens(model="gemini-2.0-flash", contents="Hello, world!")
    assert counted.total_tokens == 4  # the emu counts words and punctuation marks


def test_an_unknown_model_is_a_client_error_with_the_servers_words(client: genai.Client) -> None:
    with pytest.raises(genai.ClientError) as caught:
        client.models.generate_content(model="nonexistent-model", contents="hi")
    assert caught.value.code == 404
    assert caught.value.status == "NOT_FOUND"
    assert "nonexistent-model" in caught.value.message


def test_an_invalid_request_names_the_field(client: genai.Client, emu: Emulator) -> None:
    with pytest.raises(genai.ClientError) as caught:
        client.models.generate_content(
            model="gemini-2.0-flash",
            contents="hi",
            config=types.GenerateContentConfig(temperature="hot"),  # type: ignore[arg-type]
        )
    assert caught.value.code == 400
    assert "generationConfig.temperature" in caught.value.message
    with pytest.raises(
        genai.DecodeError, match=r"^config\.temperature: expected a number, got string$"
    ):
        client.models.generate_content(
            model="gemini-2.0-flash",
            contents="hi",
            config={"temperature": "hot"},  # type: ignore[typeddict-item]
        )
    assert len(emu.requests) == 1  # a config dict is checked before anything is sent


def test_dicts_in_a_config_become_typed_objects(client: genai.Client, emu: Emulator) -> None:
    config: types.GenerateContentConfigDict = {
        "safety_settings": [{"category": "HARM_CATEGORY_HARASSMENT", "threshold": "BLOCK_NONE"}],
        "thinking_config": types.ThinkingConfig(thinking_budget=0),
        "toolConfig": {"functionCallingConfig": {"mode": "NONE"}},  # type: ignore[typeddict-unknown-key]
    }
    typed = _request.as_config(config)
    assert typed.safety_settings is not None
    assert typed.safety_settings[0].category is types.HarmCategory.HARM_CATEGORY_HARASSMENT
    assert typed.thinking_config == types.ThinkingConfig(thinking_budget=0)
    assert typed.tool_config is not None and typed.tool_config.function_calling_config is not None
    client.models.generate_content(model="gemini-2.0-flash", contents="hi", config=config)
    body = emu.requests[-1]["body"]
    assert body["toolConfig"] == {"functionCallingConfig": {"mode": "NONE"}}
    assert body["generationConfig"] == {"thinkingConfig": {"thinkingBudget": 0}}


def test_structured_output_parses_into_dataclasses(client: genai.Client) -> None:
    @dataclass
    class Recipe:
        recipe_name: str
        ingredients: list[str]

    response = client.models.generate_content(
        model="gemini-2.0-flash",
        contents="List a few cookie recipes.",
        config=types.GenerateContentConfig(response_schema=list[Recipe]),
    )
    assert response.parsed
    assert all(isinstance(recipe, Recipe) for recipe in response.parsed)
    assert all(isinstance(i, str) for recipe in response.parsed for i in recipe.ingredients)


def test_text_leaves_thoughts_out_and_chat_history_keeps_them(client: genai.Client) -> None:
    config = types.GenerateContentConfig(
        thinking_config=types.ThinkingConfig(include_thoughts=True)
    )
    chat = client.chats.create(model="gemini-2.0-flash", config=config)
    response = chat.send_message("Think first.")
    assert response.candidates is not None
    parts = response.candidates[0].content.parts  # type: ignore[union-attr]
    assert parts is not None and parts[0].thought
    assert response.text is not None and parts[0].text not in response.text
    model_turn = chat.get_history()[1]
    assert model_turn.to_dict() == response.candidates[0].content.to_dict()  # type: ignore[union-attr]
    assert any(p.thought_signature for p in model_turn.parts or ())


def test_a_streamed_thinking_turn_keeps_its_signature_in_history(client: genai.Client) -> None:
    config = {"thinking_config": {"include_thoughts": True}}
    chat = client.chats.create(model="gemini-2.0-flash", config=config)
    chunks = list(chat.send_message_stream("Think first."))
    assert len(chunks) > 2
    _, model = chat.get_history()
    assert [bool(p.thought) for p in model.parts or ()] == [True, False]
    assert model.parts is not None and model.parts[1].thought_signature
    assert model.parts[1].text == "".join(c.text or "" for c in chunks)


def test_a_stream_adds_up_to_the_answer_the_unary_call_gives(client: genai.Client) -> None:
    config = {"thinking_config": {"include_thoughts": True}}
    whole = client.models.generate_content(model="gemini-2.0-flash", contents="Hi", config=config)
    stream = client.models.generate_content_stream(
        model="gemini-2.0-flash", contents="Hi", config=config
    )
    streamed = stream.get_final_response()
    assert streamed.candidates is not None and whole.candidates is not None
    assert streamed.candidates[0].content == whole.candidates[0].content
    assert streamed.text == whole.text
    assert streamed.usage_metadata == whole.usage_metadata


def test_a_chat_turn_left_right_after_its_final_chunk_is_recorded(client: genai.Client) -> None:
    chat = client.chats.create(model="gemini-2.0-flash")
    stream = chat.send_message_stream("Hello there")
    text = ""
    for chunk in stream:
        text += chunk.text or ""
        if chunk.candidates and chunk.candidates[0].finish_reason:
            break
    assert [turn.to_dict() for turn in chat.get_history()] == [
        {"role": "user", "parts": [{"text": "Hello there"}]},
        {"role": "model", "parts": [{"text": text}]},
    ]


def test_a_chat_turn_left_before_its_final_chunk_is_not_recorded(
    client: genai.Client, emu: Emulator
) -> None:
    emu.push({"chunks": 5})
    chat = client.chats.create(model="gemini-2.0-flash")
    for _ in chat.send_message_stream("Hello there"):
        break
    assert chat.get_history() == []


def test_a_blocked_prompt_has_no_text_and_is_not_recorded(
    client: genai.Client, emu: Emulator
) -> None:
    blocked = {
        "promptFeedback": {"blockReason": "SAFETY"},
        "usageMetadata": {"promptTokenCount": 3},
    }
    chat = client.chats.create(model="gemini-2.0-flash")
    emu.push({"body": blocked})
    response = chat.send_message("something unsafe")
    assert response.text is None
    assert response.prompt_feedback is not None
    assert response.prompt_feedback.block_reason is types.BlockedReason.SAFETY
    assert chat.get_history() == []


def test_the_client_goes_on_after_a_stream_left_early(client: genai.Client, emu: Emulator) -> None:
    emu.push({"chunks": 2000, "chunk_delay": 0.05})  # 100 s if read to the end
    with client.models.generate_content_stream(model="gemini-2.0-flash", contents="hi") as stream:
        for _ in stream:
            break
    assert list(stream) == []
    # The client goes on working over a fresh connection.
    assert client.models.generate_content(model="gemini-2.0-flash", contents="again").text


def test_the_response_keeps_unknown_fields_and_the_raw_answer(
    client: genai.Client, emu: Emulator
) -> None:
    body = {
        "candidates": [{"content": {"role": "model", "parts": [{"text": "hi"}]}, "newField": 1}],
        "brandNewTopLevel": {"x": [1, 2]},
    }
    emu.push({"body": body})
    response = client.models.generate_content(model="gemini-2.0-flash", contents="hi")
    assert response.text == "hi"
    assert response.unknown_fields == {"brandNewTopLevel": {"x": [1, 2]}}
    assert response.to_dict() == body


def test_a_base_url_with_a_path_keeps_it(emu: Emulator) -> None:
    emu.reset()
    client = genai.Client(api_key="k", base_url=emu.base_url + "/gateway/", max_retries=0)
    with pytest.raises(genai.ClientError):  # the emu serves no /gateway
        client.models.generate_content(model="gemini-2.0-flash", contents="hi")
    assert emu.requests[-1]["path"] == "/gateway/v1beta/models/gemini-2.0-flash:generateContent"


def test_google_genai_constructor_arguments_are_accepted_and_vertex_ai_is_refused(
    emu: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GOOGLE_GENAI_USE_VERTEXAI", raising=False)
    client = genai.Client(
        vertexai=False,
        api_key="k",
        project=None,
        location=None,
        debug_config=None,
        http_options={"base_url": emu.base_url},
    )
    assert client.models.generate_content(model="gemini-2.0-flash", contents="hi").text
    with pytest.raises(ValueError, match=r"Vertex AI \(vertexai, project\) is not supported"):
        genai.Client(vertexai=True, api_key="k", project="p")
    monkeypatch.setenv("GOOGLE_GENAI_USE_VERTEXAI", "true")
    with pytest.raises(ValueError, match="unset GOOGLE_GENAI_USE_VERTEXAI"):
        genai.Client(api_key="k")
    assert genai.Client(api_key="k", vertexai=False).api_version == "v1beta"


def test_google_api_key_wins_over_gemini_api_key_as_in_google_genai(
    emu: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GOOGLE_API_KEY", "google-key")
    monkeypatch.setenv("GEMINI_API_KEY", "gemini-key")
    genai.Client(base_url=emu.base_url).models.generate_content(
        model="gemini-2.0-flash", contents="hi"
    )
    assert emu.requests[-1]["headers"].get("x-goog-api-key") is None  # the log drops keys
    assert genai.Client()._transport._secret == "google-key"


def test_the_public_modules_are_google_genais() -> None:
    from gemwire import chats, client, errors, models, types  # noqa: F401

    assert client.Client is genai.Client
    assert {client.AsyncClient.__name__, models.AsyncModels.__name__, chats.AsyncChat.__name__} == {
        "AsyncClient",
        "AsyncModels",
        "AsyncChat",
    }
    with pytest.raises(AttributeError, match="has no attribute 'Nope'"):
        client.Nope  # noqa: B018


def test_extra_body_is_merged_into_every_request_and_a_calls_own_replaces_the_clients(
    make_client: MakeClient, emu: Emulator
) -> None:
    client = make_client(
        http_options={"extra_body": {"generation_config": {"seed": 7}, "labels": {"team": "a"}}}
    )
    config = types.GenerateContentConfig(temperature=0.5)
    client.models.generate_content(model="gemini-2.0-flash", contents="hi", config=config)
    body = emu.requests[-1]["body"]
    # Merged key by key into the body's own (camelCase) object, as google-genai merges it.
    assert body["generationConfig"] == {"temperature": 0.5, "seed": 7}
    assert body["labels"] == {"team": "a"}

    config.http_options = types.HttpOptions(extra_body={"cachedContent": None})
    client.models.generate_content(model="gemini-2.0-flash", contents="hi", config=config)
    body = emu.requests[-1]["body"]
    assert body["generationConfig"] == {"temperature": 0.5}  # the client's is replaced
    assert body["cachedContent"] is None
    assert "labels" not in body
