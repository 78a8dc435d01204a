"""What users pass as contents becomes the turns the API expects."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from gemwire import DecodeError, types
from gemwire._content import to_content, to_contents


def wire(contents: object) -> list[dict[str, object]]:
    return [c.to_dict() for c in to_contents(contents)]


def test_a_string_is_one_user_turn() -> None:
    assert wire("Hello there") == [{"role": "user", "parts": [{"text": "Hello there"}]}]


def test_consecutive_loose_items_form_one_user_turn() -> None:
    part = types.Part.from_bytes(data=b"\x00", mime_type="application/octet-stream")
    assert wire(["a", part, {"text": "b"}]) == [
        {
            "role": "user",
            "parts": [
                {"text": "a"},
                {"inlineData": {"data": "AA==", "mimeType": "application/octet-stream"}},
                {"text": "b"},
            ],
        }
    ]


def test_contents_turns_split_loose_parts() -> None:
    model_turn = types.Content(role="model", parts=[types.Part(text="hi")])
    assert wire(["a", model_turn, "b", {"role": "model", "parts": [{"text": "c"}]}]) == [
        {"role": "user", "parts": [{"text": "a"}]},
        {"role": "model", "parts": [{"text": "hi"}]},
        {"role": "user", "parts": [{"text": "b"}]},
        {"role": "model", "parts": [{"text": "c"}]},
    ]


def test_from_uri_makes_file_data() -> None:
    part = types.Part.from_uri(file_uri="gs://bucket/a.pdf", mime_type="application/pdf")
    assert part.to_dict() == {
        "fileData": {"fileUri": "gs://bucket/a.pdf", "mimeType": "application/pdf"}
    }


def _image(fmt: str | None, mode: str = "RGB") -> Image.Image:
    image = Image.new(mode, (3, 2))
    if fmt is None:
        return image
    buffer = io.BytesIO()
    image.save(buffer, format=fmt)
    buffer.seek(0)
    return Image.open(buffer)


@pytest.mark.parametrize(
    ("image", "mime_type", "format_"),
    [
        (_image("JPEG"), "image/jpeg", "JPEG"),
        (_image("PNG"), "image/png", "PNG"),
        (_image("GIF"), "image/png", "PNG"),
        (_image(None, "CMYK"), "image/png", "PNG"),
        (_image(None, "RGBA"), "image/png", "PNG"),
    ],
)
def test_a_pil_image_becomes_inline_data_keeping_jpeg(
    image: Image.Image, mime_type: str, format_: str
) -> None:
    (turn,) = to_contents([image, "Tell me about this instrument"])
    blob = turn.parts[0].inline_data  # type: ignore[index]
    assert blob is not None and blob.mime_type == mime_type
    decoded = Image.open(io.BytesIO(blob.data or b""))
    assert decoded.format == format_
    assert decoded.size == (3, 2)
    assert turn.to_dict()["parts"][1] == {"text": "Tell me about this instrument"}


def test_a_wrong_item_names_its_path() -> None:
    with pytest.raises(
        TypeError,
        match=r"^contents\[1\]: expected str, Part, Content, dict, File or PIL.Image.Image, got int$",
    ):
        to_contents(["a", 3])


def test_empty_contents_are_refused() -> None:
    with pytest.raises(ValueError, match="empty"):
        to_contents([])


def test_a_chat_message_may_be_a_list_of_parts() -> None:
    turn = to_content(["a", types.Part(text="b")], path="message")
    assert turn.to_dict() == {"role": "user", "parts": [{"text": "a"}, {"text": "b"}]}


def test_a_bad_dict_names_its_path_within_contents() -> None:
    bad = {"role": "user", "parts": [{"text": "hi"}, {"inlineData": {"data": 5}}]}
    with pytest.raises(
        DecodeError,
        match=r"^contents\[1\]\.parts\[1\]\.inlineData\.data: expected a base64 string, got integer$",
    ):
        to_contents(["a", bad])


def test_part_constructors_build_the_wire_shapes_google_genai_users_know() -> None:
    assert types.Part.from_text(text="hi").to_dict() == {"text": "hi"}
    answer = types.Part.from_function_response(name="get_weather", response={"temp_c": 21})
    assert answer.to_dict() == {
        "functionResponse": {"name": "get_weather", "response": {"temp_c": 21}}
    }


def test_function_calls_lists_the_calls_of_the_first_candidate() -> None:
    call = {"functionCall": {"name": "get_weather", "args": {"city": "Oslo"}}}
    wire = {
        "candidates": [{"content": {"role": "model", "parts": [{"text": "Let me look."}, call]}}]
    }
    response = types.GenerateContentResponse.from_dict(wire)
    assert response.function_calls == [
        types.FunctionCall(name="get_weather", args={"city": "Oslo"})
    ]
    assert response.text == "Let me look."
    assert types.GenerateContentResponse.from_dict({"candidates": []}).function_calls is None


def test_more_part_constructors_as_google_genai_has_them() -> None:
    assert types.Part.from_function_call(name="f", args={"x": 1}).to_dict() == {
        "functionCall": {"name": "f", "args": {"x": 1}}
    }
    assert types.Part.from_executable_code(code="print(1)", language="PYTHON").to_dict() == {
        "executableCode": {"language": "PYTHON", "code": "print(1)"}
    }
    result = types.Part.from_code_execution_result(outcome="OUTCOME_OK", output="1\n")
    assert result.to_dict() == {"codeExecutionResult": {"outcome": "OUTCOME_OK", "output": "1\n"}}
    assert types.Part.from_uri(file_uri="https://x.test/cat.png").to_dict() == {
        "fileData": {"fileUri": "https://x.test/cat.png", "mimeType": "image/png"}
    }
    with pytest.raises(ValueError, match="mime_type: cannot tell the media type"):
        types.Part.from_uri(file_uri="https://x.test/blob")


def test_response_parts_and_code_execution_accessors() -> None:
    wire = {
        "candidates": [
            {
                "content": {
                    "role": "model",
                    "parts": [
                        {"executableCode": {"language": "PYTHON", "code": "print(2)"}},
                        {"codeExecutionResult": {"outcome": "OUTCOME_OK", "output": "2\n"}},
                    ],
                }
            }
        ]
    }
    response = types.GenerateContentResponse.from_dict(wire)
    assert response.parts is not None and len(response.parts) == 2
    assert response.executable_code == "print(2)"
    assert response.code_execution_result == "2\n"
    empty = types.GenerateContentResponse.from_dict({})
    assert (empty.parts, empty.executable_code, empty.code_execution_result) == (None, None, None)


def test_a_list_inside_contents_is_a_user_turn_of_its_own() -> None:
    turns = to_contents(["a", ["b", types.Part(text="c")], "d"])
    assert [turn.to_dict() for turn in turns] == [
        {"role": "user", "parts": [{"text": "a"}]},
        {"role": "user", "parts": [{"text": "b"}, {"text": "c"}]},
        {"role": "user", "parts": [{"text": "d"}]},
    ]
    with pytest.raises(ValueError, match=r"contents\[1\]: is empty"):
        to_contents(["a", []])
    with pytest.raises(TypeError, match=r"contents\[1\]\[0\]: expected str"):
        to_contents(["a", [["deeper"]]])


def test_media_resolution_of_a_part_and_function_response_parts() -> None:
    low = types.Part.from_bytes(
        data=b"\x00", mime_type="image/png", media_resolution="MEDIA_RESOLUTION_LOW"
    )
    assert low.to_dict()["mediaResolution"] == {"level": "MEDIA_RESOLUTION_LOW"}
    exact = types.Part.from_uri(
        file_uri="gs://b/v.mp4", media_resolution=types.PartMediaResolution(num_tokens=64)
    )
    assert exact.to_dict() == {
        "fileData": {"fileUri": "gs://b/v.mp4", "mimeType": "video/mp4"},
        "mediaResolution": {"numTokens": 64},
    }
    blob = types.FunctionResponsePart.from_bytes(data=b"\x00", mime_type="image/png")
    assert blob.to_dict() == {"inlineData": {"mimeType": "image/png", "data": "AA=="}}
    uploaded = "https://generativelanguage.googleapis.com/v1beta/files/abc-123"
    assert types.FunctionResponsePart.from_uri(file_uri=uploaded).to_dict() == {
        "fileData": {"fileUri": uploaded}
    }
    with pytest.raises(ValueError, match="mime_type: cannot tell the media type"):
        types.FunctionResponsePart.from_uri(file_uri="files/abc-123")


def test_initial_prompt_token_count_is_the_prompt_token_count() -> None:
    response = types.GenerateContentResponse.from_dict({"usageMetadata": {"promptTokenCount": 7}})
    assert response.initial_prompt_token_count == 7
    assert types.GenerateContentResponse().initial_prompt_token_count is None
