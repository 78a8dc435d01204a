"""The generated constructors take what google-genai's pydantic models take: camelCase
keywords, dicts for messages, enum values as strings, a message type for its empty instance."""

from __future__ import annotations

from typing import Any

import pytest

from gemwire import DecodeError, types


def test_camel_case_keywords_are_the_python_fields() -> None:
    assert types.ModalityTokenCount(tokenCount=3).token_count == 3
    part = types.Part(inlineData=types.Blob(mimeType="image/png", data=b"\x00"), thought=True)
    assert part == types.Part(
        inline_data=types.Blob(mime_type="image/png", data=b"\x00"), thought=True
    )
    config = types.GenerateContentConfig(maxOutputTokens=5, temperature=0.1)
    assert (config.max_output_tokens, config.temperature) == (5, 0.1)


def test_unknown_keywords_are_named() -> None:
    with pytest.raises(TypeError, match=r"^Part\(\) got unexpected keyword argument 'txt'$"):
        types.Part(txt="hi")  # type: ignore[call-arg]
    with pytest.raises(TypeError, match=r"unexpected keyword arguments 'tempreature', 'topp'"):
        types.GenerateContentConfig(tempreature=0.1, topp=1)  # type: ignore[call-arg]


def test_a_field_given_in_both_spellings_is_refused() -> None:
    with pytest.raises(TypeError, match="got 'token_count' twice, as 'token_count' and as "):
        types.ModalityTokenCount(token_count=1, tokenCount=2)  # type: ignore[call-arg]


def test_dicts_become_the_typed_objects() -> None:
    config = types.GenerateContentConfig(
        safety_settings=[
            {"category": "HARM_CATEGORY_HARASSMENT", "threshold": "BLOCK_ONLY_HIGH"},
            {"category": types.HarmCategory.HARM_CATEGORY_HATE_SPEECH, "threshold": "BLOCK_NONE"},
        ],
        thinking_config={"thinking_budget": 0, "includeThoughts": True},
        tools=[{"function_declarations": [{"name": "f", "parameters": {"type": "OBJECT"}}]}],
        http_options={"timeout": 1000, "retry_options": {"attempts": 1}},
    )
    assert config.safety_settings is not None
    assert config.safety_settings[0].category is types.HarmCategory.HARM_CATEGORY_HARASSMENT
    assert config.safety_settings[1].threshold is types.HarmBlockThreshold.BLOCK_NONE
    assert config.thinking_config == types.ThinkingConfig(thinking_budget=0, include_thoughts=True)
    assert config.tools is not None and config.tools[0].function_declarations is not None
    assert config.tools[0].function_declarations[0].parameters == types.Schema(
        type=types.Type.OBJECT
    )
    assert config.http_options is not None and config.http_options.retry_options is not None
    assert config.http_options.retry_options.attempts == 1


def test_bytes_in_a_dict_may_be_raw_or_base64_text() -> None:
    raw = types.Part(inline_data={"mime_type": "image/png", "data": b"\x89PNG"})
    text = types.Part(inline_data={"mime_type": "image/png", "data": "iVBORw=="})
    assert raw == text
    assert raw.inline_data is not None and raw.inline_data.data == b"\x89PNG"


def test_a_message_type_stands_for_its_empty_instance() -> None:
    tool = types.Tool(code_execution=types.ToolCodeExecution, google_search=types.GoogleSearch)  # type: ignore[arg-type]
    assert tool.code_execution == types.ToolCodeExecution()
    assert tool.to_dict() == {"codeExecution": {}, "googleSearch": {}}
    from_dict = types.Tool.from_dict({"code_execution": types.ToolCodeExecution})
    assert from_dict == types.Tool(code_execution=types.ToolCodeExecution())


def test_enum_values_become_members_whatever_their_case() -> None:
    setting = types.SafetySetting(category="harm_category_harassment", threshold="OFF")  # type: ignore[arg-type]
    assert setting.category is types.HarmCategory.HARM_CATEGORY_HARASSMENT
    assert setting.threshold is types.HarmBlockThreshold.OFF
    config = types.GenerationConfig(response_modalities=["TEXT", "IMAGE"])  # type: ignore[list-item]
    assert config.response_modalities == [types.Modality.TEXT, types.Modality.IMAGE]


def test_values_of_the_right_type_are_stored_as_they_are() -> None:
    parts = [types.Part(text="a")]
    blob = types.Blob(data=b"x")
    assert types.Content(parts=parts).parts is parts
    assert types.Part(inline_data=blob).inline_data is blob
    tupled = types.Content(parts=(types.Part(text="a"),))
    assert tupled.parts == [types.Part(text="a")]


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (
            lambda: types.Part(inline_data=42),
            r"^Part\.inline_data: expected Blob, a dict of its fields or None, got int$",
        ),
        (
            lambda: types.Content(parts="hello"),
            r"^Content\.parts: expected a list of Part, got str$",
        ),
        (
            lambda: types.SafetySetting(category=3),
            r"^SafetySetting\.category: expected HarmCategory or its value as a string, got int$",
        ),
        (
            lambda: types.GenerateContentConfig(safety_settings=[{"categry": "X"}]),
            r"^GenerateContentConfig\.safety_settings\[0\]: SafetySetting has no field 'categry'$",
        ),
        (
            lambda: types.Content(parts=[{"function_call": {"name": "f", "argz": {}}}]),
            r"^Content\.parts\[0\]\.function_call: FunctionCall has no field 'argz'$",
        ),
    ],
)
def test_a_value_that_fits_nowhere_is_a_type_error_naming_the_field(
    build: Any, message: str
) -> None:
    with pytest.raises(TypeError, match=message):
        build()


def test_a_dict_with_a_wrong_value_is_a_decode_error_with_its_path() -> None:
    with pytest.raises(
        DecodeError,
        match=r"^GenerateContentConfig\.safety_settings\[0\]\.category: "
        "expected a HarmCategory string, got integer$",
    ):
        types.GenerateContentConfig(safety_settings=[{"category": 5}])


def test_none_in_a_dict_means_unset() -> None:
    part = types.Part(function_call={"name": "f", "args": None})
    assert part.function_call == types.FunctionCall(name="f")
    assert part.to_dict() == {"functionCall": {"name": "f"}}


def test_decoding_bypasses_the_constructor() -> None:
    # Wire JSON keeps what the spec does not know; the constructor's strictness is for Python.
    decoded = types.SafetySetting.from_dict({"category": "HARM_CATEGORY_HARASSMENT", "new": 1})
    assert decoded.unknown_fields == {"new": 1}


def test_python_functions_are_tools_of_a_config_and_nowhere_else() -> None:
    def get_weather(city: str) -> str:
        """The weather in a city."""
        return city

    config = types.GenerateContentConfig(tools=[get_weather, {"google_search": {}}])
    assert config.tools is not None
    assert config.tools[0] is get_weather  # kept for automatic function calling
    assert isinstance(config.tools[1], types.Tool)
    with pytest.raises(TypeError, match=r"CreateCachedContentConfig\.tools\[0\]: expected Tool"):
        types.CreateCachedContentConfig(tools=[get_weather])  # type: ignore[list-item]
    with pytest.raises(TypeError, match=r"GenerateContentConfig\.tools: expected a list of Tool"):
        types.GenerateContentConfig(tools=get_weather)  # type: ignore[arg-type]
