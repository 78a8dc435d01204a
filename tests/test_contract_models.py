"""Real traffic of the embedding and model-list endpoints (../shared/contract/endpoints.jsonl.gz)
decodes into our types, round-trips exactly, and needs no field the spec lacks."""

from __future__ import annotations

from typing import Any

import pytest

from gemwire import types
from gemwire._serde import WireModel
from gemwire.testing._wire import unknown_fields

# endpoint template -> (request type, response type); None: a GET without a body
TYPES: dict[str, tuple[type[WireModel] | None, type[WireModel]]] = {
    "POST v1beta/models/{id}:embedContent": (types.EmbedContentRequest, types.EmbedContentResponse),
    "POST v1beta/models/{id}:batchEmbedContents": (
        types.BatchEmbedContentsRequest,
        types.EmbedContentResponse,
    ),
    "GET v1beta/models": (None, types.ListModelsResponse),
    "GET v1beta/models/{id}": (None, types.Model),
}


@pytest.fixture(scope="module")
def records(endpoints: list[dict[str, Any]]) -> list[dict[str, Any]]:
    found = [r for r in endpoints if r["endpoint"] in TYPES]
    assert {r["endpoint"] for r in found} == set(TYPES)
    return found


def test_every_response_round_trips_exactly_with_no_unknown_field(
    records: list[dict[str, Any]],
) -> None:
    checked = 0
    for record in records:
        if record["status"] != 200:
            continue
        response = TYPES[record["endpoint"]][1].from_dict(record["response_body"])
        assert response.to_dict() == record["response_body"], record["id"]
        assert unknown_fields(response) == [], record["id"]
        checked += 1
    assert checked == 33  # 28 batch + 1 single embedding answers, 3 model lists, 1 model


def test_every_request_body_decodes_and_round_trips(records: list[dict[str, Any]]) -> None:
    checked = 0
    for record in records:
        request_type = TYPES[record["endpoint"]][0]
        if request_type is None or record["request_body"] is None:
            continue
        request = request_type.from_dict(record["request_body"])
        assert request.to_dict() == record["request_body"], record["id"]
        assert unknown_fields(request) == [], record["id"]
        checked += 1
    assert checked == 30


def test_the_recorded_answers_read_as_google_genai_users_read_them(
    records: list[dict[str, Any]],
) -> None:
    by_endpoint = {r["endpoint"]: r for r in records if r["status"] == 200}
    batch = types.EmbedContentResponse.from_dict(
        by_endpoint["POST v1beta/models/{id}:batchEmbedContents"]["response_body"]
    )
    assert batch.embeddings and batch.embeddings[0].values
    page = types.ListModelsResponse.from_dict(by_endpoint["GET v1beta/models"]["response_body"])
    assert page.next_page_token and page.models
    assert all(isinstance(m.supported_actions, list) for m in page.models)
