"""Encodings (proto3 JSON) and error paths of from_dict / to_dict."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from gemwire import DecodeError, EncodeError, types


def test_bytes_decode_from_standard_and_url_safe_base64_and_encode_standard() -> None:
    raw = bytes(range(250, 256)) + b"\xfb\xff"
    standard = base64.b64encode(raw).decode()
    url_safe = base64.urlsafe_b64encode(raw).decode().rstrip("=")
    assert standard != url_safe
    for text in (standard, url_safe):
        blob = types.Blob.from_dict({"mimeType": "image/png", "data": text})
        assert blob.data == raw
        assert blob.to_dict()["data"] == standard


def test_a_bytes_field_keeps_its_text_until_read_and_goes_back_out_as_it_came() -> None:
    raw = bytes(range(250, 256)) + b"\xfb\xff"
    url_safe = base64.urlsafe_b64encode(raw).decode().rstrip("=")
    wire = {"parts": [{"text": "", "thoughtSignature": url_safe}]}
    content = types.Content.from_dict(wire)
    assert content.to_dict() == wire  # never read: not decoded, written back unchanged
    assert types.Content.from_dict(wire) == content  # compared by their bytes
    part = (content.parts or [])[0]
    assert part.thought_signature == raw
    assert part.thought_signature is part.thought_signature  # decoded once
    assert content.to_dict()["parts"][0]["thoughtSignature"] == base64.b64encode(raw).decode()


def test_a_bytes_field_that_is_not_base64_raises_naming_it_when_read() -> None:
    wire = {"candidates": [{"content": {"parts": [{"inlineData": {"data": "not base64!"}}]}}]}
    response = types.GenerateContentResponse.from_dict(wire)
    assert response.to_dict() == wire  # lossless, whatever the text
    blob = response.parts[0].inline_data  # type: ignore[index]
    assert blob is not None
    with pytest.raises(DecodeError, match=r"^data: expected a base64 string, got string$"):
        blob.data  # noqa: B018


def test_int64_travels_as_a_string_and_decodes_to_int() -> None:
    schema = types.Schema.from_dict({"type": "ARRAY", "maxItems": "9007199254740993"})
    assert schema.max_items == 9007199254740993
    assert schema.to_dict()["maxItems"] == "9007199254740993"
    assert types.Schema.from_dict({"minItems": 3}).min_items == 3


def test_duration_stays_a_proto_duration_string() -> None:
    meta = types.VideoMetadata.from_dict({"startOffset": "3.5s", "fps": 2})
    assert meta.start_offset == "3.5s"
    assert meta.to_dict() == {"startOffset": "3.5s", "fps": 2}


def test_free_json_is_never_key_renamed() -> None:
    args = {"snake_key": 1, "camelKey": {"inner_snake": [1, 2]}}
    call = types.FunctionCall.from_dict({"name": "f", "args": args})
    assert call.args == args
    assert call.to_dict() == {"name": "f", "args": args}
    config = types.GenerationConfig.from_dict({"response_json_schema": {"max_items": 1}})
    assert config.to_dict() == {"responseJsonSchema": {"max_items": 1}}


def test_unknown_fields_are_kept_at_every_level_and_written_back() -> None:
    wire = {
        "candidates": [
            {
                "content": {"parts": [{"text": "hi", "futurePart": {"x": 1}}], "role": "model"},
                "futureCandidateField": [1, 2, 3],
            }
        ],
        "futureTopLevel": "yes",
    }
    response = types.GenerateContentResponse.from_dict(wire)
    assert response.unknown_fields == {"futureTopLevel": "yes"}
    assert response.candidates is not None
    part = response.candidates[0].content.parts[0]  # type: ignore[union-attr,index]
    assert part.unknown_fields == {"futurePart": {"x": 1}}
    assert response.to_dict() == wire


def test_unknown_enum_values_are_kept_as_their_string() -> None:
    candidate = types.Candidate.from_dict({"finishReason": "SOMETHING_NEW"})
    assert candidate.finish_reason == "SOMETHING_NEW"
    assert isinstance(candidate.finish_reason, types.FinishReason)
    assert candidate.to_dict() == {"finishReason": "SOMETHING_NEW"}
    assert (
        types.Candidate.from_dict({"finishReason": "STOP"}).finish_reason is types.FinishReason.STOP
    )


def test_enum_values_are_matched_regardless_of_case() -> None:
    assert types.Schema.from_dict({"type": "object"}).type is types.Type.OBJECT


def test_snake_case_keys_are_accepted_and_encoded_camel_case() -> None:
    wire = {"inline_data": {"mime_type": "image/png", "data": "AAEC"}, "thought_signature": "AAEC"}
    part = types.Part.from_dict(wire)
    assert part.inline_data == types.Blob(mime_type="image/png", data=b"\x00\x01\x02")
    assert part.to_dict() == {
        "inlineData": {"mimeType": "image/png", "data": "AAEC"},
        "thoughtSignature": "AAEC",
    }


def test_a_lone_object_where_a_list_is_expected_is_accepted() -> None:
    request = types.GenerateContentRequest.from_dict(
        {"tools": {"function_declarations": [{"name": "f"}]}}
    )
    assert request.to_dict() == {"tools": [{"functionDeclarations": [{"name": "f"}]}]}


def test_explicit_nulls_are_written_back_unless_the_field_is_set_later() -> None:
    declaration = types.FunctionDeclaration.from_dict({"name": "f", "description": None})
    assert declaration.description is None
    assert declaration.to_dict() == {"name": "f", "description": None}
    declaration.description = "now set"
    assert declaration.to_dict() == {"name": "f", "description": "now set"}


def test_recursive_schema_round_trips() -> None:
    wire = {"type": "OBJECT", "properties": {"a": {"type": "ARRAY", "items": {"type": "STRING"}}}}
    assert types.Schema.from_dict(wire).to_dict() == wire


@pytest.mark.parametrize(
    ("wire", "message"),
    [
        (
            {"candidates": [{"content": {"parts": [{}, {}, {"inlineData": {"data": 5}}]}}]},
            "candidates[0].content.parts[2].inlineData.data: expected a base64 string, got integer",
        ),
        ({"candidates": {"index": "x"}}, "candidates.index: expected an integer, got string"),
        ({"candidates": "oops"}, "candidates: expected an array, got string"),
        ({"usageMetadata": []}, "usageMetadata: expected an object, got array"),
        ({"modelVersion": 3}, "modelVersion: expected a string, got integer"),
        (
            {"candidates": [{"finishReason": 7}]},
            "candidates[0].finishReason: expected a CandidateFinishReason string, got integer",
        ),
        (
            {"candidates": [{}, {"safetyRatings": [{"blocked": "yes"}]}]},
            "candidates[1].safetyRatings[0].blocked: expected a boolean, got string",
        ),
    ],
)
def test_wrong_types_raise_a_value_error_naming_the_path(
    wire: dict[str, Any], message: str
) -> None:
    with pytest.raises(DecodeError) as caught:
        types.GenerateContentResponse.from_dict(wire)
    assert isinstance(caught.value, ValueError)
    assert str(caught.value) == message


def test_top_level_must_be_an_object() -> None:
    with pytest.raises(DecodeError, match="expected an object, got array"):
        types.GenerateContentResponse.from_dict([])  # type: ignore[arg-type]


def test_map_errors_name_the_key() -> None:
    with pytest.raises(
        DecodeError, match=r"^properties\.age\.type: expected a Type string, got integer$"
    ):
        types.Schema.from_dict({"properties": {"name": {}, "age": {"type": 1}}})


def test_encoding_a_bad_value_names_the_attribute_path() -> None:
    request = types.GenerateContentRequest(
        contents=[
            types.Content(
                parts=[types.Part(text="hi"), types.Part(inline_data=types.Blob(data="text"))]
            )
        ]  # type: ignore[arg-type]
    )
    with pytest.raises(
        EncodeError,
        match=r"^contents\[0\]\.parts\[1\]\.inline_data\.data: expected bytes, got str$",
    ):
        request.to_dict()


def test_dicts_are_accepted_where_types_are_expected_when_encoding() -> None:
    config = types.GenerationConfig(thinking_config={"thinking_budget": 0})  # type: ignore[arg-type]
    assert config.to_dict() == {"thinkingConfig": {"thinkingBudget": 0}}


def test_repr_shows_only_the_fields_that_are_set() -> None:
    assert repr(types.Part(text="hi")) == "Part(text='hi')"


def test_a_tool_class_where_an_instance_is_expected_means_its_empty_instance() -> None:
    tool = types.Tool(code_execution=types.CodeExecution)  # type: ignore[arg-type]
    assert tool.to_dict() == {"codeExecution": {}}


def test_fields_only_vertex_ai_has_are_plain_fields() -> None:
    # google-genai's names for them work; a request that sets one is refused before sending
    # (tests/test_vertex.py).
    wire = {"googleSearch": {"excludeDomains": ["example.com"]}}
    tool = types.Tool(google_search=types.GoogleSearch(exclude_domains=["example.com"]))
    assert tool.to_dict() == wire
    assert types.Tool.from_dict(wire) == tool
    rating = types.SafetyRating.from_dict({"severity": "HARM_SEVERITY_LOW"})
    assert rating.severity is types.HarmSeverity.HARM_SEVERITY_LOW


def test_client_side_fields_are_never_written_to_the_wire() -> None:
    response = types.GenerateContentResponse(
        response_id="r1", sdk_http_response=types.HttpResponse(headers={"x-ratelimit": "9"})
    )
    assert response.to_dict() == {"responseId": "r1"}
    assert response.model_dump(exclude_none=True)["sdk_http_response"] == {
        "headers": {"x-ratelimit": "9"}
    }


def test_a_python_name_other_than_the_wire_name() -> None:
    wire = {"citationSources": [{"uri": "https://a.test", "startIndex": 3}]}
    metadata = types.CitationMetadata.from_dict(wire)
    assert metadata.citations == [types.Citation(uri="https://a.test", start_index=3)]
    assert metadata.to_dict() == wire
    assert types.CitationMetadata.from_dict({"citations": wire["citationSources"]}) == metadata
