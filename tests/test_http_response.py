"""The HTTP answer behind a result, as google-genai hands it out: ``response.sdk_http_response``
on every response (each chunk of a stream too) and ``APIError.response`` on every error."""

from __future__ import annotations

import asyncio
import json

import pytest

import gemwire as genai
from gemwire import errors, types
from gemwire.emulator import Emulator

MODEL = "gemini-2.5-flash"


def test_a_response_carries_the_answers_headers(client: genai.Client) -> None:
    response = client.models.generate_content(model=MODEL, contents="Hello")
    http = response.sdk_http_response
    assert isinstance(http, types.HttpResponse)
    assert http.headers is not None
    assert http.headers["content-type"].startswith("application/json")
    assert all(name == name.lower() for name in http.headers)  # as google-genai's (httpx's)
    # Client-side only: never sent back, and not part of the wire form.
    assert "sdkHttpResponse" not in response.to_dict()


def test_counted_tokens_carry_the_answers_headers(client: genai.Client) -> None:
    counted = client.models.count_tokens(model=MODEL, contents="Hello there")
    assert counted.total_tokens == 2
    assert counted.sdk_http_response is not None
    assert counted.sdk_http_response.headers is not None
    assert "content-type" in counted.sdk_http_response.headers


def test_every_chunk_of_a_stream_and_the_final_response_carry_the_streams_headers(
    client: genai.Client,
) -> None:
    stream = client.models.generate_content_stream(model=MODEL, contents="one two three four five")
    chunks = list(stream)
    assert len(chunks) > 1
    for chunk in chunks:
        assert chunk.sdk_http_response is not None
        assert chunk.sdk_http_response.headers is not None
        assert chunk.sdk_http_response.headers["content-type"].startswith("text/event-stream")
    final = stream.get_final_response()
    assert final.sdk_http_response == chunks[0].sdk_http_response


def test_the_headers_are_those_of_the_attempt_that_answered(
    client: genai.Client, emu: Emulator
) -> None:
    emu.push({"status": 503, "headers": {"X-Attempt": "first"}})
    response = client.models.generate_content(model=MODEL, contents="Hello")
    assert response.sdk_http_response is not None
    assert response.sdk_http_response.headers is not None
    assert "x-attempt" not in response.sdk_http_response.headers


def test_an_awaited_call_carries_the_answers_headers(client: genai.Client) -> None:
    async def call() -> types.GenerateContentResponse:
        return await client.aio.models.generate_content(model=MODEL, contents="Hello")

    response = asyncio.run(call())
    assert response.sdk_http_response is not None
    assert response.sdk_http_response.headers is not None


def test_an_api_error_carries_the_http_response(client: genai.Client, emu: Emulator) -> None:
    emu.push({"status": 400, "message": "Bad value.", "headers": {"X-Debug": "a"}})
    with pytest.raises(errors.ClientError) as caught:
        client.models.generate_content(model=MODEL, contents="Hello")
    error = caught.value
    assert isinstance(error.response, types.HttpResponse)
    assert error.response.headers is not None
    assert error.response.headers["x-debug"] == "a"
    assert error.response.body is not None
    assert json.loads(error.response.body) == error.response_json
    assert error.response_json["error"]["message"] == "Bad value."


def test_an_error_that_is_not_json_keeps_its_body_text(client: genai.Client, emu: Emulator) -> None:
    emu.push({"html": True, "status": 502})
    with pytest.raises(errors.ServerError) as caught:
        client.models.generate_content(
            model=MODEL,
            contents="Hello",
            config={"http_options": {"retry_options": {"attempts": 1}}},
        )
    assert caught.value.response_json is None
    assert caught.value.response is not None
    assert caught.value.response.body is not None
    assert "<html" in caught.value.response.body.lower()


def test_an_api_error_built_as_google_genai_builds_it_keeps_what_it_is_given() -> None:
    response = types.HttpResponse(headers={"a": "b"}, body="{}")
    error = errors.APIError(404, {"error": {"message": "gone", "status": "NOT_FOUND"}}, response)
    assert error.response is response
    assert error.headers == {"a": "b"}
    assert (error.code, error.status, error.message) == (404, "NOT_FOUND", "gone")
