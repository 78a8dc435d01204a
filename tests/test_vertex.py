"""Fields only Vertex AI takes are refused before anything is sent, as google-genai refuses
them: every call that sends them, sync and async, the error naming the field's path."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest

import gemwire as genai
from gemwire import errors, types
from gemwire.emulator import Emulator

MODEL = "gemini-2.5-flash"
Call = Callable[[genai.Client], Any]


def get_weather(city: str) -> str:
    """The weather in a city."""
    return f"sunny in {city}"


def generate(config: Any, contents: Any = "Hi") -> Call:
    return lambda client: client.models.generate_content(
        model=MODEL, contents=contents, config=config
    )


def stream(config: Any) -> Call:
    return lambda client: client.models.generate_content_stream(
        model=MODEL, contents="Hi", config=config
    )


def count(config: Any) -> Call:
    return lambda client: client.models.count_tokens(model=MODEL, contents="Hi", config=config)


def chat(config: Any) -> Call:
    return lambda client: client.chats.create(model=MODEL, config=config).send_message("Hi")


def embed(config: Any) -> Call:
    return lambda client: client.models.embed_content(
        model="gemini-embedding-001", contents="Hi", config=config
    )


def cache(config: Any) -> Call:
    return lambda client: client.caches.create(model=MODEL, config=config)


def batch(config: Any) -> Call:
    return lambda client: client.batches.create(
        model=MODEL, src=[{"contents": "Hi", "config": config}]
    )


PARTIAL_CALL = types.Content(
    role="model",
    parts=[
        types.Part(text="Let me look."),
        types.Part(
            function_call=types.FunctionCall(name="get_weather", args={}, will_continue=True)
        ),
    ],
)
REFUSED = [
    (generate({"routing_config": {"auto_mode": {}}}), "config.routing_config"),
    (generate(types.GenerateContentConfig(audio_timestamp=True)), "config.audio_timestamp"),
    (stream({"model_selection_config": {}}), "config.model_selection_config"),
    (chat({"model_armor_config": {}}), "config.model_armor_config"),
    (generate({"generation_output_config": {}}), "config.generation_output_config"),
    (
        generate({"tools": [get_weather, {"retrieval": {}}]}),
        "config.tools[1].retrieval",
    ),
    (
        generate({"tools": [{"google_search": {"exclude_domains": []}}]}),  # empty is set
        "config.tools[0].google_search.exclude_domains",
    ),
    (
        generate({"tools": [{"google_maps": {"auth_config": {"auth_type": "NO_AUTH"}}}]}),
        "config.tools[0].google_maps.auth_config.auth_type",
    ),
    (
        generate(
            {"safety_settings": [{"category": "HARM_CATEGORY_HARASSMENT", "method": "SEVERITY"}]}
        ),
        "config.safety_settings[0].method",
    ),
    (
        generate(
            {"tool_config": {"function_calling_config": {"stream_function_call_arguments": True}}}
        ),
        "config.tool_config.function_calling_config.stream_function_call_arguments",
    ),
    (
        generate({"image_config": {"person_generation": "ALLOW_ALL"}}),
        "config.image_config.person_generation",
    ),
    (
        generate(None, ["What's the weather?", PARTIAL_CALL]),
        "contents[1].parts[1].function_call.will_continue",
    ),
    (count(types.CountTokensConfig(system_instruction="Be brief.")), "config.system_instruction"),
    (count({"tools": [{"code_execution": {}}]}), "config.tools"),
    (count(types.CountTokensConfig(generation_config={})), "config.generation_config"),
    (count(types.GenerateContentConfig(tools=[{"retrieval": {}}])), "config.tools[0].retrieval"),
    (embed({"auto_truncate": True}), "config.auto_truncate"),
    (embed(types.EmbedContentConfig(mime_type="text/plain")), "config.mime_type"),
    (cache({"contents": "Hi", "kms_key_name": "key"}), "config.kms_key_name"),
    (
        cache({"contents": ["Hi", PARTIAL_CALL]}),
        "config.contents[1].parts[1].function_call.will_continue",
    ),
    (batch({"routing_config": {}}), "config.routing_config"),
    (
        generate({"system_instruction": PARTIAL_CALL}),
        "config.system_instruction.parts[1].function_call.will_continue",
    ),
    (
        cache({"contents": "Hi", "system_instruction": PARTIAL_CALL}),
        "config.system_instruction.parts[1].function_call.will_continue",
    ),
]


@pytest.mark.parametrize(("call", "field"), REFUSED)
def test_a_field_only_vertex_ai_takes_is_refused_before_sending(
    emu: Emulator, client: genai.Client, call: Call, field: str
) -> None:
    with pytest.raises(errors.VertexOnlyError) as refused:
        call(client)
    assert refused.value.field == field
    assert str(refused.value).startswith(f"{field}: only Vertex AI takes this field")
    assert isinstance(refused.value, ValueError)  # as google-genai's ValueError
    assert emu.requests == []


def test_count_tokens_says_how_to_count_a_system_instruction(client: genai.Client) -> None:
    with pytest.raises(errors.VertexOnlyError, match="pass them in a GenerateContentConfig"):
        client.models.count_tokens(
            model=MODEL, contents="Hi", config={"system_instruction": "Be brief."}
        )


def test_the_same_configs_fail_in_google_genai_before_sending(emu: Emulator) -> None:
    google = pytest.importorskip("google.genai")
    theirs = google.Client(api_key="test-key", http_options={"base_url": emu.base_url})
    for config in (
        {"routing_config": {"auto_mode": {}}},
        {"tools": [{"google_search": {"exclude_domains": []}}]},
        {"safety_settings": [{"category": "HARM_CATEGORY_HARASSMENT", "method": "SEVERITY"}]},
        {"image_config": {"person_generation": "ALLOW_ALL"}},
    ):
        with pytest.raises(ValueError, match="not in Gemini Developer API mode"):
            theirs.models.generate_content(model=MODEL, contents="Hi", config=config)
    for count_config in ({"system_instruction": "Be brief."}, {"tools": [{"code_execution": {}}]}):
        with pytest.raises(ValueError, match="not in Gemini Developer API mode"):
            theirs.models.count_tokens(model=MODEL, contents="Hi", config=count_config)
    assert emu.requests == []


def test_the_async_client_refuses_them_too(emu: Emulator, client: genai.Client) -> None:
    async def calls() -> None:
        with pytest.raises(errors.VertexOnlyError, match=r"^config\.tools:"):
            await client.aio.models.count_tokens(
                model=MODEL, contents="Hi", config=types.CountTokensConfig(tools=[])
            )
        with pytest.raises(errors.VertexOnlyError, match=r"^config\.routing_config:"):
            await client.aio.models.generate_content(
                model=MODEL, contents="Hi", config={"routing_config": {}}
            )
        await client.aio.aclose()

    asyncio.run(calls())
    assert emu.requests == []


def test_count_tokens_config_sends_the_contents_with_its_http_options(
    emu: Emulator, client: genai.Client
) -> None:
    config = types.CountTokensConfig(http_options=types.HttpOptions(headers={"x-trace": "7"}))
    counted = client.models.count_tokens(model=MODEL, contents="Hello, world!", config=config)
    assert counted.total_tokens == 4
    assert counted.prompt_tokens_details == [
        types.ModalityTokenCount(modality="TEXT", token_count=4)
    ]
    (request,) = emu.requests
    assert request["body"] == {"contents": [{"role": "user", "parts": [{"text": "Hello, world!"}]}]}
    assert request["headers"]["x-trace"] == "7"


def test_a_generate_content_config_counts_the_whole_request(
    emu: Emulator, client: genai.Client
) -> None:
    """gemwire's way to count a system instruction and tools with the Gemini API."""
    config = types.GenerateContentConfig(system_instruction="Be nice.", temperature=0.5)
    counted = client.models.count_tokens(model=MODEL, contents="Hi there", config=config)
    generated = client.models.generate_content(model=MODEL, contents="Hi there", config=config)
    assert generated.usage_metadata is not None
    assert counted.total_tokens == generated.usage_metadata.prompt_token_count == 5
    inner = emu.requests[0]["body"]["generateContentRequest"]
    assert inner["systemInstruction"] == {"parts": [{"text": "Be nice."}]}
    assert inner["generationConfig"] == {"temperature": 0.5}
    config.tools = [get_weather]  # declared and counted
    with_tools = client.models.count_tokens(model=MODEL, contents="Hi there", config=config)
    assert with_tools.total_tokens is not None and with_tools.total_tokens > 5
    declared = emu.requests[-1]["body"]["generateContentRequest"]["tools"]
    assert declared[0]["functionDeclarations"][0]["name"] == "get_weather"


def test_count_tokens_of_the_async_client_takes_the_same_configs(client: genai.Client) -> None:
    async def counts() -> list[int | None]:
        config = types.CountTokensConfig(http_options={"timeout": 30_000})
        plain = await client.aio.models.count_tokens(model=MODEL, contents="Hi", config=config)
        whole = await client.aio.models.count_tokens(
            model=MODEL,
            contents="Hi",
            config=types.GenerateContentConfig(system_instruction="Be nice."),
        )
        await client.aio.aclose()
        return [plain.total_tokens, whole.total_tokens]

    assert asyncio.run(counts()) == [1, 4]  # "Hi"; and "Be nice."


def test_a_chats_initial_history_is_checked_when_the_chat_is_made(
    emu: Emulator, client: genai.Client
) -> None:
    with pytest.raises(
        errors.VertexOnlyError, match=r"history\[1\]\.parts\[1\]\.function_call\.will_continue"
    ):
        client.chats.create(model=MODEL, history=["What's the weather?", PARTIAL_CALL])
    assert emu.requests == []
