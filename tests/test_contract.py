"""Real Gemini API traffic (../shared/contract) decodes into our types and round-trips exactly."""

from __future__ import annotations

import json
from typing import Any

from gemwire import types
from gemwire._serde import WireModel
from gemwire.testing._wire import unknown_fields


def _response_bodies(record: dict[str, Any]) -> list[dict[str, Any]]:
    """Every JSON object the server answered: one body, each SSE event, each array chunk."""
    if record.get("sse_events"):
        return list(record["sse_events"])
    body = record["response_body"]
    return list(body) if isinstance(body, list) else [body]


def _is_count_tokens(record: dict[str, Any]) -> bool:
    return str(record["endpoint"]).endswith(":countTokens")


def test_every_successful_response_round_trips_exactly(contract: list[dict[str, Any]]) -> None:
    checked = 0
    mismatches: list[str] = []
    for record in contract:
        if record["status"] != 200:
            continue
        model = (
            types.CountTokensResponse if _is_count_tokens(record) else types.GenerateContentResponse
        )
        for index, body in enumerate(_response_bodies(record)):
            decoded = model.from_dict(body)
            checked += 1
            if decoded.to_dict() != body:
                mismatches.append(f"{record['id']} #{index}")
    print(f"\n{checked} response objects from {len(contract)} interactions round-tripped")
    assert checked >= 600
    assert mismatches == []


def test_the_spec_knows_every_field_real_responses_carry(contract: list[dict[str, Any]]) -> None:
    unknown: list[str] = []
    for record in contract:
        if record["status"] != 200:
            continue
        model = (
            types.CountTokensResponse if _is_count_tokens(record) else types.GenerateContentResponse
        )
        for body in _response_bodies(record):
            unknown += [f"{record['id']} {p}" for p in unknown_fields(model.from_dict(body))]
    assert unknown == []


def test_every_request_body_decodes(contract: list[dict[str, Any]]) -> None:
    decoded = 0
    for record in contract:
        body = record["request_body"]
        if body is None:
            continue
        model = (
            types.CountTokensRequest if _is_count_tokens(record) else types.GenerateContentRequest
        )
        request = model.from_dict(body)
        request.to_dict()  # and encodes again, camelCase
        decoded += 1
    print(f"\n{decoded} request bodies decoded")
    assert decoded >= 500


def test_requests_with_snake_case_keys_encode_as_camel_case(contract: list[dict[str, Any]]) -> None:
    snake_requests = [
        r["request_body"]
        for r in contract
        if r["request_body"] is not None and '"thinking_budget"' in json.dumps(r["request_body"])
    ]
    assert snake_requests, "the corpus has requests that spell thinking_budget in snake_case"
    for body in snake_requests:
        encoded = json.dumps(types.GenerateContentRequest.from_dict(body).to_dict())
        assert '"thinkingBudget"' in encoded
        assert '"thinking_budget"' not in encoded


# --- files, cached contents, batches (endpoints.jsonl.gz) -----------------------------------

# The type of each recorded answer of these endpoints (a batch's metadata is checked below).
ANSWERS: dict[str, type[WireModel]] = {
    "GET v1beta/files/{id}": types.File,
    "GET v1beta/files": types.ListFilesResponse,
    "POST v1beta/cachedContents": types.CachedContent,
    "GET v1beta/cachedContents": types.ListCachedContentsResponse,
    "PATCH v1beta/cachedContents/{id}": types.CachedContent,
    "GET v1beta/batches/{id}": types.Operation,
}


def _resource_answers(endpoints: list[dict[str, Any]]) -> list[tuple[type[WireModel], Any, str]]:
    found: list[tuple[type[WireModel], Any, str]] = []
    for record in endpoints:
        body, endpoint = record.get("response_body"), record["endpoint"]
        if endpoint == "POST upload/v1beta/files" and isinstance(body, dict):
            found.append((types.File, body["file"], record["id"]))  # the final upload answer
        elif endpoint in ANSWERS:
            found.append((ANSWERS[endpoint], body, record["id"]))
        if endpoint == "GET v1beta/batches/{id}":
            found.append((types.GenerateContentBatch, body["metadata"], f"{record['id']} metadata"))
    return found


def test_file_cache_and_batch_answers_round_trip_exactly(
    endpoints: list[dict[str, Any]],
) -> None:
    answers = _resource_answers(endpoints)
    assert {model for model, _, _ in answers} >= {
        types.File,
        types.ListFilesResponse,
        types.CachedContent,
        types.ListCachedContentsResponse,
        types.Operation,
        types.GenerateContentBatch,
    }
    assert len(answers) == 19  # every recorded answer of these endpoints
    mismatches = [
        where for model, body, where in answers if model.from_dict(body).to_dict() != body
    ]
    assert mismatches == []


def test_the_spec_knows_every_field_of_file_cache_and_batch_answers(
    endpoints: list[dict[str, Any]],
) -> None:
    unknown: list[str] = []
    for model, body, where in _resource_answers(endpoints):
        # A batch's metadata names its own type in "@type", as Any does; nothing else is unknown.
        kept = [p for p in unknown_fields(model.from_dict(body)) if p != "@type"]
        unknown += [f"{where} {p}" for p in kept]
    assert unknown == []


def test_recorded_files_and_batches_read_as_the_api_sends_them(
    endpoints: list[dict[str, Any]],
) -> None:
    upload = next(
        r for r in endpoints if r["endpoint"] == "POST upload/v1beta/files" and r["response_body"]
    )
    file = types.File.from_dict(upload["response_body"]["file"])
    assert isinstance(file.size_bytes, int) and file.state in types.FileState
    batch = next(r for r in endpoints if r["endpoint"] == "GET v1beta/batches/{id}")
    job = types.GenerateContentBatch.from_dict(batch["response_body"]["metadata"])
    assert job.state == types.BatchState.BATCH_STATE_SUCCEEDED
    assert job.batch_stats is not None and job.batch_stats.request_count == 4
