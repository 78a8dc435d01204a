"""Embeddings on the emulator (`embedContent`, `batchEmbedContents`) over raw HTTP."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest

from tests.emulator_http import GENERATE, Client

EMBED = "/v1beta/models/{}:embedContent"
BATCH = "/v1beta/models/{}:batchEmbedContents"


def text(value: str, **extra: Any) -> dict[str, Any]:
    return {"content": {"parts": [{"text": value}]}, **extra}


def vector(api: Client, value: str, model: str = "gemini-embedding-001", **extra: Any) -> Any:
    return api.json("POST", EMBED.format(model), text(value, **extra))["embedding"]["values"]


def norm(values: list[float]) -> float:
    return math.sqrt(sum(v * v for v in values))


def test_the_same_text_always_gets_the_same_unit_vector(api: Client) -> None:
    first = vector(api, "Why is the sky blue?")
    assert first == vector(api, "Why is the sky blue?")
    assert len(first) == 3072 and norm(first) == pytest.approx(1, abs=1e-6)
    other = vector(api, "Why is the sea blue?")
    cosine = sum(a * b for a, b in zip(first, other, strict=True))
    assert abs(cosine) < 0.2  # different texts: nearly orthogonal
    assert len(vector(api, "hi", "text-embedding-004")) == 768
    assert len(vector(api, "hi", "embedding-001")) == 768


def test_task_type_and_title_are_accepted_and_keep_the_vector(api: Client) -> None:
    plain = vector(api, "Paris")
    assert vector(api, "Paris", taskType="RETRIEVAL_DOCUMENT", title="Cities") == plain
    assert vector(api, "Paris", taskType="retrieval_query") == plain


def test_output_dimensionality_truncates(api: Client) -> None:
    full = vector(api, "Some text goes here", "gemini-embedding-2")
    short = vector(api, "Some text goes here", "gemini-embedding-2", outputDimensionality=768)
    assert len(short) == 768 and norm(short) == pytest.approx(1, abs=1e-6)
    scale = norm(full[:768])
    assert short == pytest.approx([v / scale for v in full[:768]], abs=1e-8)
    # gemini-embedding-001 sends its truncated vectors unscaled, as recorded
    unscaled = vector(api, "Some text goes here", outputDimensionality=768)
    assert unscaled == vector(api, "Some text goes here")[:768]
    assert norm(unscaled) < 0.9


def test_batch_embeddings_come_in_request_order(api: Client) -> None:
    model = "models/gemini-embedding-001"
    requests = [{**text(t), "model": model} for t in ("alpha", "beta", "alpha")]
    requests[1]["outputDimensionality"] = 10
    answer = api.json("POST", BATCH.format("gemini-embedding-001"), {"requests": requests})
    assert list(answer) == ["embeddings"]
    first, second, third = (e["values"] for e in answer["embeddings"])
    assert first == third == vector(api, "alpha")
    assert second == vector(api, "beta")[:10]


def test_the_parts_of_one_content_make_one_embedding(api: Client) -> None:
    content = {"parts": [{"text": "Why is the sky blue?"}, {"text": "What is the capital?"}]}
    answer = api.json(
        "POST", BATCH.format("gemini-embedding-001"), {"requests": [{"content": content}]}
    )
    assert len(answer["embeddings"]) == 1
    assert answer["embeddings"][0]["values"] != vector(api, "Why is the sky blue?")


def test_gemini_embedding_2_reports_usage_with_its_own_spelling(api: Client) -> None:
    requests = [text("First text"), text("Second text")]
    answer = api.json("POST", BATCH.format("gemini-embedding-2"), {"requests": requests})
    assert answer["usageMetadata"] == {
        "promptTokenCount": 4,
        "promptTokenDetails": [{"modality": "TEXT", "tokenCount": 4}],
    }


def test_recorded_embedding_requests_get_the_recorded_shapes(
    api: Client, endpoints: list[dict[str, Any]]
) -> None:
    """Status, number and length of vectors, usage and errors as the service answered."""
    replayed = 0
    for record in endpoints:
        if not record["endpoint"].endswith(("embedContent", "batchEmbedContents")):
            continue
        response = api.post(record["path"], record["request_body"])
        assert response.status == record["status"], (record["id"], response.data[:300])
        answer, recorded = json.loads(response.data), record["response_body"]
        if record["status"] != 200:
            assert answer == recorded
        elif "embedding" in recorded:
            assert len(answer["embedding"]["values"]) == len(recorded["embedding"]["values"])
        else:
            lengths = [len(e["values"]) for e in answer["embeddings"]]
            assert lengths == [len(e["values"]) for e in recorded["embeddings"]], record["id"]
            older = record["model"] == "gemini-embedding-2-preview"  # had no usage at first
            if "usageMetadata" in recorded or not older:
                assert answer.get("usageMetadata") == recorded.get("usageMetadata"), record["id"]
        replayed += 1
    assert replayed == 30


def test_models_that_do_not_embed_or_generate_are_not_found(api: Client) -> None:
    response = api.post(EMBED.format("gemini-2.5-flash"), text("hi"))
    assert response.status == 404
    assert json.loads(response.data)["error"]["message"] == (
        "models/gemini-2.5-flash is not found for API version v1beta, or is not supported for "
        "embedContent. Call ListModels to see the list of available models and their supported "
        "methods."
    )
    generate = GENERATE.replace("gemini-2.5-flash", "gemini-embedding-001")
    assert api.post(generate, {"contents": [{"parts": [{"text": "hi"}]}]}).status == 404
    model = json.loads(api.get("/v1beta/models/text-embedding-004").data)
    assert "embedContent" in model["supportedGenerationMethods"]


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        (EMBED, {"taskType": "RETRIEVAL_QUERY"}, "content"),
        (EMBED, text("hi", outputDimensionality=4000), "outputDimensionality"),
        (BATCH, {"requests": []}, "requests"),
        (BATCH, {"requests": [text("a"), {"content": {"parts": []}}]}, "requests[1].content"),
    ],
)
def test_bad_bodies_are_invalid_argument_naming_the_field(
    api: Client, path: str, body: dict[str, Any], field: str
) -> None:
    response = api.post(path.format("gemini-embedding-001"), body)
    assert response.status == 400
    error = json.loads(response.data)["error"]
    assert error["status"] == "INVALID_ARGUMENT"
    assert error["details"][0]["fieldViolations"][0]["field"] == field


def test_contents_are_checked_against_the_spec(api: Client) -> None:
    pytest.importorskip("jsonschema")
    body = {"content": {"parts": [{"text": 7}]}}
    response = api.post(EMBED.format("gemini-embedding-001"), body)
    assert response.status == 400
    assert (
        "Invalid value at 'content.parts[0].text'" in json.loads(response.data)["error"]["message"]
    )


def test_script_kinds_pick_one_embedding_method(api: Client) -> None:
    api.emu.push({"kind": "batchEmbedContents", "status": 429})
    assert api.post(EMBED.format("gemini-embedding-001"), text("a")).status == 200
    assert api.post(BATCH.format("gemini-embedding-001"), {"requests": [text("a")]}).status == 429
