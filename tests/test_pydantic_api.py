"""google-genai's types are pydantic models; code calls their methods. The expected values are
what google-genai 3.6.1 returns for the same calls."""

from __future__ import annotations

import pytest

from gemwire import DecodeError, types

BLOB = types.Part(inline_data=types.Blob(data=b"\xfb\xff\xfe", mime_type="image/png"))


def test_model_dump_uses_python_names_and_keeps_python_values() -> None:
    assert BLOB.model_dump(exclude_none=True) == {
        "inline_data": {"mime_type": "image/png", "data": b"\xfb\xff\xfe"}
    }
    dumped = BLOB.model_dump()
    assert dumped["text"] is None and dumped["inline_data"]["mime_type"] == "image/png"
    assert "unknown_fields" not in dumped


def test_json_mode_writes_enum_values_and_url_safe_base64_as_google_genai_does() -> None:
    assert BLOB.model_dump(mode="json", exclude_none=True) == {
        "inline_data": {"mime_type": "image/png", "data": "-__-"}
    }
    finished = types.Candidate(finish_reason=types.FinishReason.STOP)
    assert finished.model_dump(exclude_none=True) == {"finish_reason": types.FinishReason.STOP}
    assert finished.model_dump(mode="json", exclude_none=True) == {"finish_reason": "STOP"}
    assert BLOB.to_json_dict() == {"inline_data": {"mime_type": "image/png", "data": "-__-"}}
    assert BLOB.model_dump_json(exclude_none=True) == (
        '{"inline_data":{"mime_type":"image/png","data":"-__-"}}'
    )


def test_by_alias_gives_the_wire_names() -> None:
    assert BLOB.model_dump(mode="json", exclude_none=True, by_alias=True) == {
        "inlineData": {"mimeType": "image/png", "data": "-__-"}
    }


def test_include_exclude_and_exclude_unset() -> None:
    part = types.Part(text="hi", thought=True)
    assert part.model_dump(include={"text"}) == {"text": "hi"}
    assert part.model_dump(exclude={"text"}, exclude_unset=True) == {"thought": True}


def test_fields_the_spec_does_not_know_are_dumped_like_pydantic_extras() -> None:
    response = types.GenerateContentResponse.from_dict(
        {"candidates": [{"content": {"parts": [{"text": "hi"}]}}], "newThing": 1}
    )
    assert response.model_dump(exclude_none=True) == {
        "candidates": [{"content": {"parts": [{"text": "hi"}]}}],
        "newThing": 1,
    }


def test_model_validate_takes_dicts_in_either_spelling_and_instances() -> None:
    wire = types.Content.model_validate(
        {"role": "user", "parts": [{"inlineData": {"data": "AAE="}}]}
    )
    python = types.Content.model_validate(
        {"role": "user", "parts": [{"inline_data": {"data": "AAE="}}]}
    )
    assert wire == python
    assert wire.parts is not None and wire.parts[0].inline_data is not None
    assert wire.parts[0].inline_data.data == b"\x00\x01"
    assert types.Content.model_validate(wire) is wire
    assert types.Content.model_validate_json('{"parts": [{"text": "x"}]}').parts == [
        types.Part(text="x")
    ]
    with pytest.raises(DecodeError, match=r"parts\[0\]\.text: expected a string, got integer"):
        types.Content.model_validate({"parts": [{"text": 1}]})


def test_model_copy_with_update_and_deep() -> None:
    original = types.Content(role="user", parts=[types.Part(text="a")])
    shallow = original.model_copy(update={"role": "model"})
    assert (shallow.role, original.role) == ("model", "user")
    assert shallow.parts is original.parts
    deep = original.model_copy(deep=True)
    assert deep == original and deep.parts is not original.parts
    with pytest.raises(TypeError, match="no field 'rol'"):
        original.model_copy(update={"rol": "model"})


def test_an_unknown_mode_is_named() -> None:
    with pytest.raises(ValueError, match="mode: expected 'python' or 'json', got 'yaml'"):
        BLOB.model_dump(mode="yaml")


def test_model_construct_and_pydantics_serializer_options() -> None:
    assert types.Part.model_construct(text="hi") == types.Part(text="hi")
    accent = types.Part(text="café")
    assert accent.model_dump_json(exclude_none=True) == '{"text":"café"}'
    assert accent.model_dump_json(exclude_none=True, ensure_ascii=True) == '{"text":"caf\\u00e9"}'
    # Accepted as pydantic accepts them; with no custom serializers there is nothing to change.
    assert accent.model_dump(exclude_none=True, round_trip=True, warnings=False) == {"text": "café"}
