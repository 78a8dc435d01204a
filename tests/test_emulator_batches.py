"""Batch jobs on the emulator (`:batchGenerateContent`, `batches/...`), over raw HTTP."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from tests.emulator_http import GENERATE, MODEL, Client, ask, upload

CREATE = f"/v1beta/models/{MODEL}:batchGenerateContent"
TYPE = "type.googleapis.com/google.ai.generativelanguage.v1main."


def inline(*requests: dict[str, Any], name: str = "my batch") -> dict[str, Any]:
    items = [{"request": r, "metadata": {"key": f"request-{i}"}} for i, r in enumerate(requests)]
    return {"batch": {"displayName": name, "inputConfig": {"requests": {"requests": items}}}}


def from_file(file_name: str) -> dict[str, Any]:
    return {"batch": {"displayName": "from a file", "inputConfig": {"fileName": file_name}}}


def poll(api: Client, name: str, times: int = 1) -> dict[str, Any]:
    for _ in range(times):
        operation = api.json("GET", f"/v1beta/{name}")
    return operation


def canonical(request: dict[str, Any]) -> bytes:
    """The bytes the emulator answers a batch request for (so generateContent can match)."""
    return json.dumps(request, sort_keys=True).encode()


def test_an_inline_batch_moves_through_its_states_to_inline_responses(api: Client) -> None:
    requests = [ask("One?"), ask("Two?", generationConfig={"maxOutputTokens": 3})]
    created = api.json("POST", CREATE, inline(*requests))
    name = created["name"]
    assert re.fullmatch("batches/[a-z0-9]{36}", name)
    assert list(created) == ["name", "metadata"]  # not done: no `done`, no `response`
    metadata = created["metadata"]
    assert metadata["@type"] == TYPE + "GenerateContentBatch"
    assert metadata["model"] == f"models/{MODEL}" and metadata["displayName"] == "my batch"
    assert metadata["name"] == name and metadata["state"] == "BATCH_STATE_PENDING"
    assert metadata["batchStats"] == {"requestCount": "2", "pendingRequestCount": "2"}
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z", metadata["createTime"])
    assert poll(api, name)["metadata"]["state"] == "BATCH_STATE_RUNNING"
    done = poll(api, name)
    assert done["done"] is True and done["metadata"]["state"] == "BATCH_STATE_SUCCEEDED"
    assert done["metadata"]["batchStats"] == {"requestCount": "2", "successfulRequestCount": "2"}
    assert done["metadata"]["endTime"] == done["metadata"]["updateTime"]
    output = {
        "inlinedResponses": {
            "inlinedResponses": [
                {
                    "response": api.generate(canonical(request)),
                    "metadata": {"key": f"request-{i}"},
                }
                for i, request in enumerate(requests)
            ]
        }
    }
    assert done["metadata"]["output"] == output
    assert done["response"] == {"@type": TYPE + "GenerateContentBatchOutput", **output}
    assert poll(api, name) == done  # the last state stays


def test_per_request_errors_are_kept(api: Client) -> None:
    api.emu.push({"failed_requests": [2]})
    body = inline(ask("Fine."), {"contents": []}, ask("Scripted to fail."))
    name = api.json("POST", CREATE, body)["name"]
    done = poll(api, name, 2)
    results = done["response"]["inlinedResponses"]["inlinedResponses"]
    assert "response" in results[0]
    assert results[1]["error"]["code"] == 3  # INVALID_ARGUMENT, as the request alone would get
    assert results[1]["error"]["message"] == (
        "* GenerateContentRequest.contents: contents is not specified\n"
    )
    assert results[2] == {
        "error": {"code": 13, "message": results[2]["error"]["message"]},
        "metadata": {"key": "request-2"},
    }
    assert done["metadata"]["batchStats"] == {
        "requestCount": "3",
        "successfulRequestCount": "1",
        "failedRequestCount": "2",
    }


def test_a_file_batch_writes_a_downloadable_responses_file(
    api: Client, endpoints: list[dict[str, Any]]
) -> None:
    requests = [ask("First?"), ask("Second?")]
    lines = [json.dumps({"key": f"k{i}", "request": r}) for i, r in enumerate(requests)]
    lines.insert(1, "this is not JSON")
    source = upload(api, "\n".join(lines).encode(), "application/jsonl")
    api.emu.push({"failed_requests": ["k1"]})
    name = api.json("POST", CREATE, from_file(source["name"]))["name"]
    done = poll(api, name, 2)
    batch_id = name.removeprefix("batches/")
    result = {"responsesFile": f"files/batch-{batch_id}"}
    assert done["metadata"]["inputConfig"] == {"fileName": source["name"]}
    assert done["metadata"]["output"] == result
    assert done["response"] == {"@type": TYPE + "GenerateContentBatchOutput", **result}
    recorded = next(r for r in endpoints if r["endpoint"] == "GET v1beta/batches/{id}")
    expected = _shape(recorded["response_body"])  # all of its requests succeeded
    expected["metadata"]["batchStats"]["failedRequestCount"] = "str"
    assert _shape(done) == expected
    file = api.json("GET", f"/v1beta/files/batch-{batch_id}")
    assert file["source"] == "GENERATED" and file["state"] == "ACTIVE"
    downloaded = api.request("GET", file["downloadUri"])
    assert downloaded.status == 200
    assert file["sizeBytes"] == str(len(downloaded.data))
    got = [json.loads(line) for line in downloaded.data.decode().splitlines()]
    assert got[0] == {"key": "k0", "response": api.generate(canonical(requests[0]))}
    assert got[1]["error"]["code"] == 3 and "key" not in got[1]  # the line that is not JSON
    assert got[2]["key"] == "k1" and got[2]["error"]["code"] == 13
    assert len(got) == 3
    direct = api.get(f"/v1beta/files/batch-{batch_id}:download?alt=media")
    assert direct.data == downloaded.data


def test_scripted_states_can_fail_expire_or_never_end(api: Client) -> None:
    states = ["BATCH_STATE_PENDING", "BATCH_STATE_RUNNING", "BATCH_STATE_FAILED"]
    api.emu.push(
        {"batch_states": states},
        {"batch_states": ["BATCH_STATE_EXPIRED"]},
        {"batch_states": ["BATCH_STATE_RUNNING"]},
    )
    failing, expired, endless = (api.json("POST", CREATE, inline(ask()))["name"] for _ in range(3))
    assert [poll(api, failing)["metadata"]["state"] for _ in range(3)] == states[1:] + states[2:]
    failed = poll(api, failing)
    assert failed["done"] is True and failed["error"]["code"] == 13 and "response" not in failed
    assert poll(api, expired)["error"]["code"] == 4
    running = poll(api, endless, 5)
    assert running["metadata"]["state"] == "BATCH_STATE_RUNNING" and "done" not in running


def test_cancel_list_delete(api: Client) -> None:
    assert api.json("GET", "/v1beta/batches") == {}
    first = api.json("POST", CREATE, inline(ask()))["name"]
    second = api.json("POST", CREATE, inline(ask()))["name"]
    assert api.json("POST", f"/v1beta/{first}:cancel", {}) == {}
    cancelled = poll(api, first)
    assert cancelled["metadata"]["state"] == "BATCH_STATE_CANCELLED"
    assert cancelled["done"] is True and cancelled["error"]["code"] == 1
    finished = poll(api, second, 2)
    assert api.json("POST", f"/v1beta/{second}:cancel", {}) == {}
    assert poll(api, second) == finished  # a finished batch stays as it is
    listing = api.json("GET", "/v1beta/batches?pageSize=1")
    assert [o["name"] for o in listing["operations"]] == [first]
    rest = api.json("GET", f"/v1beta/batches?pageToken={listing['nextPageToken']}")
    assert [o["name"] for o in rest["operations"]] == [second] and "nextPageToken" not in rest
    assert api.json("DELETE", f"/v1beta/{first}") == {}
    missing = api.get(f"/v1beta/{first}")
    assert missing.status == 404 and json.loads(missing.data)["error"]["status"] == "NOT_FOUND"
    assert [o["name"] for o in api.json("GET", "/v1beta/batches")["operations"]] == [second]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "batch"),
        ({"batch": {"inputConfig": {"fileName": "files/x"}}}, "batch.displayName"),
        ({"batch": {"displayName": "b", "inputConfig": {}}}, "batch.inputConfig"),
        (
            {"batch": {"displayName": "b", "inputConfig": {"requests": {"requests": []}}}},
            "batch.inputConfig.requests.requests",
        ),
    ],
)
def test_bad_bodies_are_invalid_argument(api: Client, body: dict[str, Any], field: str) -> None:
    response = api.post(CREATE, body)
    assert response.status == 400
    assert json.loads(response.data)["error"]["details"][0]["fieldViolations"][0]["field"] == field


def test_requests_break_the_spec_at_creation(api: Client) -> None:
    pytest.importorskip("jsonschema")
    response = api.post(CREATE, inline(ask(), {"contents": [{"role": 7, "parts": []}]}))
    assert response.status == 400
    field = "batch.inputConfig.requests.requests[1].request.contents[0].role"
    assert f"Invalid value at '{field}'" in json.loads(response.data)["error"]["message"]


def test_unknown_models_and_files(api: Client) -> None:
    response = api.post(CREATE.replace(MODEL, "gpt-4o"), inline(ask()))
    assert response.status == 404
    assert "not supported for batchGenerateContent" in json.loads(response.data)["error"]["message"]
    missing = api.post(CREATE, from_file("files/nothere12345"))
    assert missing.status == 403


def test_a_thousand_requests_run_end_to_end(api: Client) -> None:
    requests = [ask(f"Question {i}?") for i in range(1000)]
    name = api.json("POST", CREATE, inline(*requests))["name"]
    done = poll(api, name, 2)
    results = done["response"]["inlinedResponses"]["inlinedResponses"]
    assert [r["metadata"]["key"] for r in results] == [f"request-{i}" for i in range(1000)]
    assert all("response" in r for r in results)
    assert done["metadata"]["batchStats"]["successfulRequestCount"] == "1000"


def test_script_kinds_and_bad_batch_keys(api: Client) -> None:
    name = api.json("POST", CREATE, inline(ask()))["name"]
    api.emu.push({"kind": "getBatch", "status": 503})
    assert api.get(f"/v1beta/{name}").status == 503
    assert api.json("GET", f"/v1beta/{name}")["metadata"]["state"] == "BATCH_STATE_RUNNING"
    with pytest.raises(ValueError, match="batch_states"):
        api.emu.push({"batch_states": ["DONE"]})
    with pytest.raises(ValueError, match="different kinds"):
        api.emu.push({"batch_states": ["BATCH_STATE_RUNNING"], "processing_polls": 1})
    with pytest.raises(ValueError, match="kind"):
        api.emu.push({"kind": "getBatch", "failed_requests": [0]})
    assert api.post(GENERATE, ask()).status == 200


def _shape(value: Any) -> Any:
    """The keys of every object, recursively (values of the same type stand for themselves)."""
    if isinstance(value, dict):
        return {key: _shape(item) for key, item in value.items()}
    return type(value).__name__
