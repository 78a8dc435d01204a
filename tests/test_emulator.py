"""The local emulator (gemwire.emulator) as a client sees it: raw HTTP through urllib3."""

from __future__ import annotations

import base64
import io
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
import urllib3

from gemwire.emulator import Emulator
from tests.emulator_http import COUNT, GENERATE, KEY, MODEL, STREAM, Client, ask, sse_events, user


def text_of(chunks: list[dict[str, Any]]) -> str:
    return "".join(
        p.get("text", "")
        for c in chunks
        for p in c["candidates"][0]["content"]["parts"]
        if not p.get("thought")
    )


# generateContent


def test_generate_content_answers_like_google(api: Client) -> None:
    response = api.post(GENERATE, ask())
    assert response.status == 200
    assert response.headers["Content-Type"] == "application/json; charset=UTF-8"
    body = json.loads(response.data)
    assert body == {
        "candidates": [
            {
                "content": {
                    "parts": [{"text": 'You said: "Why is the sky blue?". I saw 1 turn.'}],
                    "role": "model",
                },
                "finishReason": "STOP",
                "index": 0,
            }
        ],
        "usageMetadata": {
            "promptTokenCount": 6,
            "candidatesTokenCount": 17,
            "totalTokenCount": 23,
            "promptTokensDetails": [{"modality": "TEXT", "tokenCount": 6}],
        },
        "modelVersion": MODEL,
        "responseId": body["responseId"],
    }
    assert len(body["responseId"]) >= 20


def test_reply_notes_the_system_instruction_and_the_turns(api: Client) -> None:
    body = {
        "systemInstruction": {"parts": [{"text": "Be brief."}]},
        "contents": [
            user("Hi"),
            {"role": "model", "parts": [{"text": "Hello!"}]},
            user("What did I just say?"),
        ],
    }
    text = api.generate(body)["candidates"][0]["content"]["parts"][0]["text"]
    assert text == (
        'You said: "What did I just say?". I saw 3 turns and the system instruction "Be brief.".'
    )


def test_function_responses_are_reported(api: Client) -> None:
    body = {
        "contents": [
            user("Capital of France?"),
            {"role": "model", "parts": [{"functionCall": {"name": "capital", "args": {}}}]},
            user({"functionResponse": {"name": "capital", "response": {"city": "Paris"}}}),
        ]
    }
    text = api.generate(body)["candidates"][0]["content"]["parts"][0]["text"]
    assert 'The function capital returned {"city": "Paris"}.' in text


def test_any_api_version_and_latest_aliases(api: Client) -> None:
    answer = api.generate(ask(), path="/v1/models/gemini-flash-latest:generateContent")
    assert answer["modelVersion"] == "gemini-2.5-flash"
    assert api.generate(ask(), path="/v1alpha/models/gemini-9-ultra:generateContent")


def test_same_request_same_answer(api: Client) -> None:
    first = api.post(GENERATE, ask("Tell me a joke."))
    again = api.post(GENERATE, ask("Tell me a joke."))
    other = api.post(GENERATE, ask("Tell me two jokes."))
    assert first.data == again.data
    assert json.loads(first.data)["responseId"] != json.loads(other.data)["responseId"]
    stream = api.post(STREAM + "?alt=sse", ask("Tell me a joke."))
    assert stream.data == api.post(STREAM + "?alt=sse", ask("Tell me a joke.")).data


# images


def _image(kind: str) -> bytes:
    pil = pytest.importorskip("PIL.Image")
    mode = "RGBA" if kind == "WEBP-alpha" else "RGB"
    image = pil.new(mode, (37, 21), (200, 10, 10) + ((128,) if mode == "RGBA" else ()))
    out = io.BytesIO()
    if kind == "GIF":
        image.convert("P").save(out, "GIF")
    elif kind == "JPEG-progressive":
        image.save(out, "JPEG", progressive=True)
    elif kind.startswith("WEBP"):
        image.save(out, "WEBP", lossless=kind == "WEBP-lossless")
    else:
        image.save(out, kind)
    return out.getvalue()


@pytest.mark.parametrize(
    ("kind", "mime"),
    [
        ("PNG", "image/png"),
        ("JPEG", "image/jpeg"),
        ("JPEG-progressive", "image/jpeg"),
        ("GIF", "image/gif"),
        ("WEBP", "image/webp"),
        ("WEBP-lossless", "image/webp"),
        ("WEBP-alpha", "image/webp"),
    ],
)
def test_images_are_described_with_type_pixels_and_bytes(api: Client, kind: str, mime: str) -> None:
    data = _image(kind)
    part = {"inlineData": {"mimeType": mime, "data": base64.b64encode(data).decode()}}
    answer = api.generate({"contents": [user("What is this?", part)]})
    text = answer["candidates"][0]["content"]["parts"][0]["text"]
    assert text == (
        f'You said: "What is this?". I saw 1 turn. '
        f"The message has 1 image: {mime}, 37x21 pixels, {len(data):,} bytes."
    )
    assert answer["usageMetadata"]["promptTokensDetails"] == [
        {"modality": "IMAGE", "tokenCount": 258},
        {"modality": "TEXT", "tokenCount": 4},
    ]


def test_google_genai_style_images_are_accepted(api: Client) -> None:
    """The official SDK sends URL-safe base64 under a snake_case `mime_type` key."""
    data = bytes(range(256)) * 3  # not an image; its base64 needs '-' and '_' when URL-safe
    part = {"inlineData": {"data": base64.urlsafe_b64encode(data).decode(), "mime_type": "x/y"}}
    text = api.generate({"contents": [user(part)]})["candidates"][0]["content"]["parts"][0]
    assert text["text"] == "You sent no text. I saw 1 turn. The message has 1 file: x/y, 768 bytes."


# generationConfig


def test_max_output_tokens_truncates(api: Client) -> None:
    answer = api.generate(ask(generationConfig={"maxOutputTokens": 3}))
    candidate = answer["candidates"][0]
    assert candidate["content"]["parts"] == [{"text": "You said:"}]
    assert candidate["finishReason"] == "MAX_TOKENS"
    assert answer["usageMetadata"]["candidatesTokenCount"] == 3
    chunks = api.sse(ask(generationConfig={"maxOutputTokens": 3}))
    assert text_of(chunks) == "You said:"
    assert chunks[-1]["candidates"][0]["finishReason"] == "MAX_TOKENS"


def test_stop_sequences_and_candidate_count(api: Client) -> None:
    config = {"stopSequences": ["sky"], "candidateCount": 2}
    answer = api.generate(ask(generationConfig=config))
    assert [c["index"] for c in answer["candidates"]] == [0, 1]
    assert {c["content"]["parts"][0]["text"] for c in answer["candidates"]} == {
        'You said: "Why is the '
    }


def test_json_mode_with_a_gemini_schema(api: Client) -> None:
    schema = {
        "type": "OBJECT",
        "properties": {
            "name": {"type": "STRING"},
            "age": {"type": "integer", "minimum": 18},
            "mood": {"type": "STRING", "enum": ["happy", "sad"]},
            "tags": {"type": "ARRAY", "items": {"type": "STRING"}, "maxItems": "3"},
            "address": {
                "type": "object",
                "properties": {"city": {"type": "string"}, "zip": {"type": "STRING"}},
                "propertyOrdering": ["zip", "city"],
            },
            "score": {"type": "NUMBER"},
            "ok": {"type": "BOOLEAN"},
        },
    }
    config = {"responseMimeType": "application/json", "responseSchema": schema}
    text = api.generate(ask(generationConfig=config))["candidates"][0]["content"]["parts"][0]
    assert json.loads(text["text"]) == {
        "name": "example name",
        "age": 18,
        "mood": "happy",
        "tags": ["example tags 1", "example tags 2"],
        "address": {"zip": "example zip", "city": "example city"},
        "score": 1.5,
        "ok": True,
    }
    assert list(json.loads(text["text"])["address"]) == ["zip", "city"]


def test_json_mode_with_a_json_schema_gives_a_valid_instance(api: Client) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = {  # what pydantic's model_json_schema() writes: $defs and $ref, anyOf with null
        "$defs": {
            "Item": {
                "type": "object",
                "properties": {
                    "sku": {"type": "string", "minLength": 12},
                    "qty": {"type": "integer", "exclusiveMinimum": 5, "maximum": 9},
                },
                "required": ["sku", "qty"],
            }
        },
        "type": "object",
        "properties": {
            "id": {"type": "string", "format": "uuid"},
            "when": {"type": "string", "format": "date-time"},
            "email": {"type": "string", "format": "email"},
            "items": {"type": "array", "items": {"$ref": "#/$defs/Item"}, "minItems": 3},
            "note": {"anyOf": [{"type": "null"}, {"type": "string", "maxLength": 4}]},
            "kind": {"const": "order"},
            "pair": {"type": "array", "prefixItems": [{"type": "integer"}, {"type": "boolean"}]},
        },
        "required": ["id", "items"],
        "additionalProperties": False,
    }
    config = {"responseMimeType": "application/json", "responseJsonSchema": schema}
    answer = api.generate(ask(generationConfig=config))
    value = json.loads(answer["candidates"][0]["content"]["parts"][0]["text"])
    jsonschema.validate(value, schema)
    assert len(value["items"]) == 3
    assert value["items"][1] == {"sku": "example sku 2", "qty": 6}


def test_json_mode_without_a_schema_and_enum_mode(api: Client) -> None:
    config = {"responseMimeType": "application/json"}
    text = api.generate(ask(generationConfig=config))["candidates"][0]["content"]["parts"][0]
    assert json.loads(text["text"]) == {"reply": 'You said: "Why is the sky blue?". I saw 1 turn.'}
    config = {
        "responseMimeType": "text/x.enum",
        "responseSchema": {"type": "STRING", "enum": ["B", "A"]},
    }
    text = api.generate(ask(generationConfig=config))["candidates"][0]["content"]["parts"][0]
    assert text == {"text": "B"}


def test_include_thoughts_adds_a_thought_and_a_signature(api: Client) -> None:
    config = {"thinkingConfig": {"includeThoughts": True, "thinkingBudget": 1024}}
    answer = api.generate(ask(generationConfig=config))
    thought, reply = answer["candidates"][0]["content"]["parts"]
    assert thought["thought"] is True and thought["text"].startswith("**Reading the request**")
    assert reply["text"] == 'You said: "Why is the sky blue?". I saw 1 turn.'
    assert len(base64.b64decode(reply["thoughtSignature"], validate=True)) >= 32
    usage = answer["usageMetadata"]
    assert usage["thoughtsTokenCount"] > 0
    assert usage["totalTokenCount"] == (
        usage["promptTokenCount"] + usage["candidatesTokenCount"] + usage["thoughtsTokenCount"]
    )
    chunks = api.sse(ask(generationConfig=config))
    assert chunks[0]["candidates"][0]["content"]["parts"] == [thought]
    signed = chunks[1]["candidates"][0]["content"]["parts"][0]
    assert signed["thoughtSignature"] == reply["thoughtSignature"]
    assert text_of(chunks) == reply["text"]
    assert chunks[-1]["usageMetadata"] == usage


# streamGenerateContent


def test_sse_stream_framing_and_chunks(api: Client) -> None:
    response = api.post(STREAM + "?alt=sse", ask())
    assert response.status == 200
    assert response.headers["Content-Type"] == "text/event-stream"
    assert response.headers["Transfer-Encoding"] == "chunked"
    chunks = sse_events(response.data)
    whole = api.generate(ask())
    assert len(chunks) >= 2
    assert text_of(chunks) == whole["candidates"][0]["content"]["parts"][0]["text"]
    assert {c["responseId"] for c in chunks} == {whole["responseId"]}
    assert all(c["modelVersion"] == MODEL for c in chunks)
    assert all("finishReason" not in c["candidates"][0] for c in chunks[:-1])
    assert chunks[-1]["candidates"][0]["finishReason"] == "STOP"
    assert chunks[-1]["usageMetadata"] == whole["usageMetadata"]
    assert all(c["candidates"][0]["content"]["role"] == "model" for c in chunks)


def test_a_one_word_reply_still_streams_two_chunks(api: Client) -> None:
    api.emu.push({"text": "Yes."})
    chunks = api.sse(ask())
    assert [c["candidates"][0]["content"]["parts"][0]["text"] for c in chunks] == ["Yes.", ""]


def test_stream_without_alt_sse_is_one_json_array(api: Client) -> None:
    response = api.post(STREAM, ask())
    assert response.status == 200
    assert response.headers["Content-Type"] == "application/json; charset=UTF-8"
    chunks = json.loads(response.data)
    assert isinstance(chunks, list) and len(chunks) >= 2
    assert chunks == api.sse(ask())


# countTokens


def test_count_tokens(api: Client) -> None:
    response = api.post(COUNT, {"contents": [user("Hello, world!")]})
    assert response.status == 200
    assert json.loads(response.data) == {
        "totalTokens": 4,
        "promptTokensDetails": [{"modality": "TEXT", "tokenCount": 4}],
    }


def test_count_tokens_of_a_generate_request_matches_its_prompt_usage(api: Client) -> None:
    request = {
        "contents": [user("Hi there")],
        "systemInstruction": {"parts": [{"text": "Be nice."}]},
    }
    counted = json.loads(api.post(COUNT, {"generateContentRequest": request}).data)
    usage = api.generate(request)["usageMetadata"]
    assert counted["totalTokens"] == usage["promptTokenCount"] == 5
    # Tools cost tokens too (their JSON text), counted or generated with.
    request["tools"] = [{"functionDeclarations": [{"name": "get_weather"}]}]
    counted = json.loads(api.post(COUNT, {"generateContentRequest": request}).data)
    usage = api.generate(request)["usageMetadata"]
    assert counted["totalTokens"] == usage["promptTokenCount"] > 5


# models


def test_list_and_get_models(api: Client) -> None:
    listing = json.loads(api.get("/v1beta/models").data)
    names = [m["name"] for m in listing["models"]]
    assert "models/gemini-2.5-flash" in names and len(names) >= 3
    for model in listing["models"]:
        methods = model["supportedGenerationMethods"]
        assert ("generateContent" in methods) != ("embedContent" in methods)
        assert model["inputTokenLimit"] > 0 and model["displayName"]
    one = json.loads(api.get("/v1/models/gemini-2.5-flash").data)
    assert one["name"] == "models/gemini-2.5-flash" and one["outputTokenLimit"] == 65536
    paged, token = [], ""
    while True:
        page = json.loads(api.get(f"/v1beta/models?pageSize=2&pageToken={token}").data)
        paged += [m["name"] for m in page["models"]]
        token = page.get("nextPageToken", "")
        if not token:
            break
    assert paged == names
    missing = api.get("/v1beta/models/gpt-4o")
    assert missing.status == 404 and json.loads(missing.data)["error"]["status"] == "NOT_FOUND"


# auth, routing, errors


@pytest.mark.parametrize("headers", [{}, {"x-goog-api-key": ""}])
def test_a_missing_api_key_is_permission_denied(api: Client, headers: dict[str, str]) -> None:
    response = api.post(GENERATE, ask(), headers=headers)
    assert response.status == 403
    assert json.loads(response.data) == {
        "error": {
            "code": 403,
            "message": "Method doesn't allow unregistered callers (callers without established "
            "identity). Please use API Key or other form of API consumer identity to call this API.",
            "status": "PERMISSION_DENIED",
        }
    }
    assert api.get("/v1beta/models", headers={}).status == 403


def test_the_key_query_parameter_works_and_is_never_logged(
    emu: Emulator, http: urllib3.PoolManager
) -> None:
    url = f"{emu.base_url}{GENERATE}?key=secret-query-key"
    response = http.request(
        "POST", url, body=json.dumps(ask()), headers={"Content-Type": "application/json"}
    )
    assert response.status == 200
    http.request("POST", emu.base_url + GENERATE, body=json.dumps(ask()), headers=KEY)
    logged = json.dumps(emu.requests)
    assert "secret-query-key" not in logged and "test-key-123" not in logged
    over_http = http.request("GET", emu.base_url + "/_emulator/requests").data.decode()
    assert "secret-query-key" not in over_http and "test-key-123" not in over_http
    assert emu.requests[0]["path"] == GENERATE
    assert emu.requests[0]["body"] == ask()


def test_verbose_logging_prints_paths_but_never_keys(capfd: pytest.CaptureFixture[str]) -> None:
    with Emulator(verbose=True) as emu:
        http = urllib3.PoolManager(retries=False)
        http.request(
            "POST", f"{emu.base_url}{GENERATE}?key=secret-query-key", body=json.dumps(ask())
        )
        http.request("POST", emu.base_url + GENERATE, body=json.dumps(ask()), headers=KEY)
    printed = capfd.readouterr()
    assert f"POST {GENERATE} 200" in printed.err
    assert "secret-query-key" not in printed.err + printed.out
    assert "test-key-123" not in printed.err + printed.out


@pytest.mark.parametrize(
    ("path", "method"), [(GENERATE, "generateContent"), (COUNT, "countTokens")]
)
def test_unknown_models_are_not_found_in_googles_words(api: Client, path: str, method: str) -> None:
    response = api.post(path.replace(MODEL, "gpt-4o"), ask())
    listing = "ListModels" if method == "countTokens" else "ModelService.ListModels"
    assert response.status == 404
    assert json.loads(response.data) == {
        "error": {
            "code": 404,
            "message": f"models/gpt-4o is not found for API version v1beta, or is not supported "
            f"for {method}. Call {listing} to see the list of available models and their "
            "supported methods.",
            "status": "NOT_FOUND",
        }
    }


def test_errors_on_an_sse_stream_are_one_json_object(api: Client) -> None:
    response = api.post(STREAM.replace(MODEL, "gpt-4o") + "?alt=sse", ask())
    assert response.status == 404
    assert response.headers["Content-Type"] == "text/event-stream"  # as recorded from Google
    assert json.loads(response.data)["error"]["status"] == "NOT_FOUND"


def test_unknown_urls_get_googles_html_404(api: Client) -> None:
    response = api.post("/v1beta/tunedModels/x:generate", ask())
    assert response.status == 404
    assert response.headers["Content-Type"].startswith("text/html")
    assert b"was not found on this server" in response.data
    assert api.get(GENERATE).status == 404  # right path, wrong HTTP method


def test_malformed_json_is_invalid_argument(api: Client) -> None:
    response = api.post(GENERATE, b'{"contents": [')
    error = json.loads(response.data)["error"]
    assert response.status == 400
    assert error["status"] == "INVALID_ARGUMENT"
    assert error["message"].startswith("Invalid JSON payload received.")
    assert json.loads(api.post(GENERATE, [1, 2]).data)["error"]["status"] == "INVALID_ARGUMENT"


def test_missing_contents_or_parts_are_invalid_argument(api: Client) -> None:
    for body in ({}, {"contents": []}):
        response = api.post(GENERATE, body)
        assert response.status == 400
        error = json.loads(response.data)["error"]
        assert error["message"] == "* GenerateContentRequest.contents: contents is not specified\n"
    response = api.post(GENERATE, {"contents": [{"role": "user", "parts": []}]})
    violation = json.loads(response.data)["error"]["details"][0]["fieldViolations"][0]
    assert response.status == 400 and violation["field"] == "contents[0].parts"


@pytest.mark.parametrize(
    ("body", "field", "says"),
    [
        (
            {
                "contents": [
                    user("Look", {"inlineData": {"mimeType": "image/png", "data": "not base64!"}})
                ]
            },
            "contents[0].parts[1].inlineData.data",
            "Base64 decoding failed",
        ),
        (
            {"contents": [user({"inlineData": {"mimeType": "image/png", "data": 12}})]},
            "contents[0].parts[0].inlineData.data",
            "expected a base64 string, got integer",
        ),
        (
            ask(generationConfig={"temperature": "hot"}),
            "generationConfig.temperature",
            "expected a number, got string",
        ),
        (
            ask(
                safetySettings=[{"category": "HARM_CATEGORY_HATE_SPEECH", "threshold": "SOMETIMES"}]
            ),
            "safetySettings[0].threshold",
            'invalid value "SOMETIMES"',
        ),
    ],
)
def test_spec_violations_name_the_field(
    api: Client, body: dict[str, Any], field: str, says: str
) -> None:
    pytest.importorskip("jsonschema")
    response = api.post(GENERATE, body)
    assert response.status == 400
    error = json.loads(response.data)["error"]
    assert error["status"] == "INVALID_ARGUMENT"
    assert f"Invalid value at '{field}'" in error["message"] and says in error["message"]
    assert error["details"] == [
        {
            "@type": "type.googleapis.com/google.rpc.BadRequest",
            "fieldViolations": [
                {"field": field, "description": error["message"].split("received. ")[1]}
            ],
        }
    ]


def test_count_tokens_bodies_are_validated_too(api: Client) -> None:
    pytest.importorskip("jsonschema")
    response = api.post(COUNT, {"contents": [{"role": 7, "parts": [{"text": "x"}]}]})
    assert response.status == 400
    assert "Invalid value at 'contents[0].role'" in json.loads(response.data)["error"]["message"]


def test_what_the_real_service_accepts_is_accepted(api: Client) -> None:
    """Lower-case enums, nulls, a lone object for a list: seen in recorded traffic."""
    tool = {
        "functionDeclarations": [
            {"name": "f", "description": None, "parameters": {"type": "object"}}
        ]
    }
    response = api.post(GENERATE, ask(tools=tool, safetySettings=[{"threshold": "block_none"}]))
    assert response.status == 200, response.data


def test_every_recorded_request_the_service_accepted_is_answered(
    api: Client, contract: list[dict[str, Any]]
) -> None:
    answered = 0
    for record in contract:
        body = record["request_body"]
        if record["status"] != 200 or body is None or not record["model"].startswith("gemini-"):
            continue
        if "cachedContent" in body:
            continue  # a cache made during the recording: tests/test_emulator_caches.py replays it
        path = record["path"] + ("?alt=sse" if record["query"].get("alt") == "sse" else "")
        response = api.post(path, body)
        assert response.status == 200, (record["id"], response.data[:500])
        answered += 1
    assert answered >= 500


# the script of faults and canned replies


def test_status_fault_is_a_google_error_once(api: Client) -> None:
    api.emu.push({"status": 503})
    response = api.post(GENERATE, ask())
    assert response.status == 503
    assert json.loads(response.data) == {
        "error": {
            "code": 503,
            "message": "The model is overloaded. Please try again later.",
            "status": "UNAVAILABLE",
        }
    }
    assert api.post(GENERATE, ask()).status == 200


def test_429_with_retry_after_header(api: Client) -> None:
    api.emu.push({"status": 429, "headers": {"Retry-After": "1"}})
    response = api.post(GENERATE, ask())
    assert response.status == 429
    assert response.headers["Retry-After"] == "1"
    assert json.loads(response.data)["error"]["status"] == "RESOURCE_EXHAUSTED"


def test_429_with_retry_info(api: Client) -> None:
    api.emu.push({"retry_delay": 2.5})
    response = api.post(GENERATE, ask())
    error = json.loads(response.data)["error"]
    assert response.status == 429 and error["code"] == 429
    retry_info = {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "2.5s"}
    assert retry_info in error["details"]


def test_delay_holds_the_answer(api: Client) -> None:
    api.emu.push({"delay": 0.3})
    started = time.monotonic()
    assert api.post(GENERATE, ask()).status == 200
    assert time.monotonic() - started >= 0.3


def test_drop_closes_the_connection_without_an_answer(api: Client) -> None:
    api.emu.push({"drop": True})
    with pytest.raises(urllib3.exceptions.ProtocolError):
        api.post(GENERATE, ask())
    assert api.post(GENERATE, ask()).status == 200


def test_html_fault_is_a_proxy_page(api: Client) -> None:
    api.emu.push({"html": True})
    response = api.post(GENERATE, ask())
    assert response.status == 502
    assert response.headers["Content-Type"].startswith("text/html")
    assert response.data.lstrip().startswith(b"<!DOCTYPE html>")


def test_stream_error_after_sends_an_error_event(api: Client) -> None:
    api.emu.push({"stream_error_after": 2, "status": 503})
    events = api.sse(ask())
    assert len(events) == 3
    assert all("candidates" in e for e in events[:2])
    assert events[2] == {
        "error": {
            "code": 503,
            "message": "The model is overloaded. Please try again later.",
            "status": "UNAVAILABLE",
        }
    }
    api.emu.push({"stream_error_after": 1})
    chunks = json.loads(api.post(STREAM, ask()).data)
    assert chunks[1]["error"]["code"] == 500 and len(chunks) == 2


def test_truncate_after_cuts_the_stream_mid_event(api: Client) -> None:
    api.emu.push({"truncate_after": 2})
    response = api.http.request(
        "POST",
        api.emu.base_url + STREAM + "?alt=sse",
        body=json.dumps(ask()),
        headers=KEY,
        preload_content=False,
    )
    received = b""
    with pytest.raises(urllib3.exceptions.ProtocolError):
        for piece in response.stream(64):
            received += piece
    complete = received.split(b"\r\n\r\n")
    assert len(complete) == 3 and complete[2].startswith(b"data: {")
    assert [json.loads(e[6:])["responseId"] for e in complete[:2]]
    with pytest.raises(json.JSONDecodeError):
        json.loads(complete[2][6:])


def test_chunks_gives_a_long_stream(api: Client) -> None:
    api.emu.push({"chunks": 2000})
    events = api.sse(ask())
    assert len(events) == 2000
    assert events[-1]["candidates"][0]["finishReason"] == "STOP"
    assert events[-1]["usageMetadata"]["candidatesTokenCount"] > 2000


def test_canned_bodies_and_texts(api: Client) -> None:
    canned = {"candidates": [{"content": {"parts": [{"text": "canned"}], "role": "model"}}]}
    api.emu.push({"body": canned}, {"body": [canned, canned], "kind": "streamGenerateContent"})
    api.emu.push({"body": {"error": {"code": 400, "message": "no"}}, "status": 400})
    assert api.generate(ask()) == canned
    assert api.sse(ask()) == [canned, canned]
    assert api.post(GENERATE, ask()).status == 400
    api.emu.push({"text": "Paris is the capital of France."})
    answer = api.generate(ask())
    assert answer["candidates"][0]["content"]["parts"] == [
        {"text": "Paris is the capital of France."}
    ]
    assert answer["usageMetadata"]["candidatesTokenCount"] == 7


def test_entries_apply_in_order_to_matching_requests(api: Client) -> None:
    api.emu.push(
        {"status": 500, "match": ":countTokens"},
        {"status": 503, "times": 2},
        {"status": 504, "kind": "generateContent"},
    )
    assert api.post(GENERATE, ask()).status == 503
    assert api.post(COUNT, ask()).status == 500
    assert api.emu.script == [
        {"status": 503, "times": 1},
        {"status": 504, "kind": "generateContent"},
    ]
    assert api.post(COUNT, ask()).status == 503
    assert api.post(COUNT, ask()).status == 200
    assert api.post(GENERATE, ask()).status == 504
    assert api.post(GENERATE, ask()).status == 200
    api.emu.push({"chunks": 3})  # stream keys only ever match streams
    assert api.post(GENERATE, ask()).status == 200
    assert len(api.sse(ask())) == 3


def test_an_entry_can_name_several_kinds(api: Client) -> None:
    api.emu.push({"status": 503, "kind": ["generateContent", "streamGenerateContent"], "times": 2})
    assert api.post(COUNT, ask()).status == 200
    assert api.post(STREAM + "?alt=sse", ask()).status == 503
    assert api.post(GENERATE, ask()).status == 503
    assert api.emu.script == []


def test_bad_script_entries_are_refused(emu: Emulator) -> None:
    with pytest.raises(ValueError, match="stauts"):
        emu.push({"stauts": 503})
    with pytest.raises(ValueError, match="delay"):
        emu.push({"status": 503}, {"delay": "soon"})
    with pytest.raises(ValueError, match="kind"):
        emu.push({"chunks": 3, "kind": "countTokens"})
    with pytest.raises(ValueError, match="kind"):
        emu.push({"chunks": 3, "kind": ["streamGenerateContent", "countTokens"]})
    with pytest.raises(ValueError, match="kind"):
        emu.push({"status": 503, "kind": []})
    assert emu.script == []


def test_script_given_at_start(http: urllib3.PoolManager) -> None:
    with Emulator(script=[{"status": 500}]) as emu:
        url = emu.base_url + GENERATE
        assert http.request("POST", url, body=json.dumps(ask()), headers=KEY).status == 500
        assert http.request("POST", url, body=json.dumps(ask()), headers=KEY).status == 200


def test_script_and_log_over_http(api: Client) -> None:
    control = api.emu.base_url + "/_emulator/"
    pushed = api.http.request("POST", control + "script", body=json.dumps([{"status": 503}]))
    assert json.loads(pushed.data) == {"script": [{"status": 503}]}
    refused = api.http.request("POST", control + "script", body=b'{"nope": 1}')
    assert refused.status == 400 and "nope" in json.loads(refused.data)["error"]["message"]
    assert api.post(GENERATE, ask()).status == 503
    log = json.loads(api.http.request("GET", control + "requests").data)["requests"]
    assert [(r["method"], r["path"], r["body"]) for r in log] == [("POST", GENERATE, ask())]
    assert "x-goog-api-key" not in {k.lower() for k in log[0]["headers"]}
    api.http.request("POST", control + "script", body=b'{"status": 500}')
    assert api.http.request("POST", control + "reset").status == 200
    assert api.emu.requests == [] and api.emu.script == []


# connections and lifecycle


def test_keep_alive_reuses_one_connection(emu: Emulator) -> None:
    pool = urllib3.HTTPConnectionPool("127.0.0.1", emu.port, maxsize=1, retries=False)
    body = json.dumps(ask())
    assert pool.request("POST", GENERATE, body=body, headers=KEY).status == 200
    assert pool.request("POST", STREAM + "?alt=sse", body=body, headers=KEY).status == 200
    assert pool.request("POST", STREAM, body=body, headers=KEY).status == 200
    assert pool.request("POST", GENERATE, body=b"{", headers=KEY).status == 400
    assert pool.request("POST", GENERATE, body=body, headers={}).status == 403
    assert pool.request("GET", "/v1beta/models", headers=KEY).status == 200
    assert pool.num_connections == 1


def test_chunked_request_bodies_are_read(emu: Emulator, http: urllib3.PoolManager) -> None:
    pieces = iter([b'{"contents": [{"role": "user", ', b'"parts": [{"text": "Hi"}]}]}'])
    response = http.request("POST", emu.base_url + GENERATE, body=pieces, headers=KEY, chunked=True)
    assert response.status == 200
    assert '"Hi"' in json.loads(response.data)["candidates"][0]["content"]["parts"][0]["text"]


def test_bodies_over_the_api_limit_are_refused(emu: Emulator) -> None:
    pool = urllib3.HTTPConnectionPool("127.0.0.1", emu.port, maxsize=1, retries=False)
    huge = b'{"contents": "' + b"x" * (20 * 1024 * 1024) + b'"}'
    response = pool.request("POST", GENERATE, body=huge, headers=KEY)
    assert response.status == 400
    assert "Request payload size exceeds the limit" in json.loads(response.data)["error"]["message"]
    assert pool.request("POST", GENERATE, body=json.dumps(ask()), headers=KEY).status == 200
    assert pool.num_connections == 1


def test_concurrent_clients(emu: Emulator) -> None:
    pool = urllib3.PoolManager(maxsize=8, retries=False)
    statuses: list[int] = []

    def work(n: int) -> None:
        for i in range(50):
            body = json.dumps(ask(f"question {n}-{i}"))
            statuses.append(
                pool.request("POST", emu.base_url + GENERATE, body=body, headers=KEY).status
            )

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * 400
    assert len(emu.requests) == 400
    assert len({json.dumps(r["body"]) for r in emu.requests}) == 400


def test_close_stops_serving(http: urllib3.PoolManager) -> None:
    emu = Emulator().start()
    url = emu.base_url + GENERATE
    assert http.request("POST", url, body=json.dumps(ask()), headers=KEY).status == 200
    emu.close()
    emu.close()
    with pytest.raises(urllib3.exceptions.HTTPError):
        urllib3.PoolManager(retries=False).request("POST", url, body=json.dumps(ask()), headers=KEY)


def test_non_loopback_hosts_are_refused() -> None:
    with pytest.raises(ValueError, match="loopback"):
        Emulator(host="0.0.0.0")
    assert Emulator(host="localhost").host == "localhost"


# the command line


def _run_cli(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "gemwire.emulator", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


def test_cli_serves_a_script_file_until_ctrl_c(tmp_path: Path) -> None:
    script = tmp_path / "faults.json"
    script.write_text(json.dumps([{"status": 503}]))
    process = _run_cli("--port", "0", "--script", str(script))
    try:
        assert process.stdout is not None
        base_url = process.stdout.readline().strip()
        assert base_url.startswith("http://127.0.0.1:")
        http = urllib3.PoolManager(retries=False)
        url = f"{base_url}{GENERATE}?key=cli-secret"
        assert http.request("POST", url, body=json.dumps(ask())).status == 503
        assert http.request("POST", url, body=json.dumps(ask())).status == 200
    finally:
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=10)
    assert process.returncode == 0
    assert f"POST {GENERATE} 503" in err and "cli-secret" not in err


def test_cli_refuses_remote_hosts_and_bad_scripts(tmp_path: Path) -> None:
    process = _run_cli("--host", "0.0.0.0", "--port", "0")
    _, err = process.communicate(timeout=10)
    assert process.returncode == 2 and "--allow-remote" in err
    script = tmp_path / "bad.json"
    script.write_text(json.dumps([{"explode": True}]))
    process = _run_cli("--port", "0", "--script", str(script))
    _, err = process.communicate(timeout=10)
    assert process.returncode == 2 and "explode" in err
