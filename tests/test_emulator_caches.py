"""Context caching on the emulator (`cachedContents`, `cachedContent` in prompts), raw HTTP."""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

import pytest

from tests.emulator_http import COUNT, GENERATE, MODEL, Client, ask, reply_text, user

CACHES = "/v1beta/cachedContents"
LONG = "The quick brown fox jumps over the lazy dog. " * 110  # 1,100 tokens
CACHE_CONFLICT = (
    "CachedContent can not be used with GenerateContent request setting system_instruction, "
    "tools or tool_config.\n\nProposed fix: move those values to CachedContent from "
    "GenerateContent request."
)
GONE = {
    "code": 403,
    "message": "CachedContent not found (or permission denied)",
    "status": "PERMISSION_DENIED",
}


def cache_body(**extra: Any) -> dict[str, Any]:
    return {
        "model": f"models/{MODEL}",
        "contents": [user(LONG)],
        "systemInstruction": {"parts": [{"text": "Answer from the story."}], "role": "user"},
        **extra,
    }


def create(api: Client, **extra: Any) -> dict[str, Any]:
    return api.json("POST", CACHES, cache_body(**extra))


def test_create_answers_the_recorded_shape_without_the_contents(
    api: Client, endpoints: list[dict[str, Any]]
) -> None:
    cache = create(api)
    recorded = next(r for r in endpoints if r["endpoint"] == "POST v1beta/cachedContents")
    assert list(cache) == [
        "name",
        "model",
        "createTime",
        "updateTime",
        "expireTime",
        "displayName",
        "usageMetadata",
    ]
    assert sorted(cache) == sorted(recorded["response_body"])
    assert re.fullmatch("cachedContents/[a-z0-9]{40}", cache["name"])
    assert cache["model"] == f"models/{MODEL}" and cache["displayName"] == ""
    assert cache["createTime"] == cache["updateTime"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z", cache["expireTime"])
    lifetime = _moment(cache["expireTime"]) - _moment(cache["createTime"])
    assert lifetime.total_seconds() == pytest.approx(3600, abs=1)  # the default TTL
    counted = api.json("POST", COUNT, {"generateContentRequest": {**cache_body(), "model": None}})
    assert cache["usageMetadata"] == {"totalTokenCount": counted["totalTokens"]}


def test_a_cache_below_1024_tokens_is_refused(api: Client) -> None:
    response = api.post(CACHES, {"model": f"models/{MODEL}", "contents": [user("Too short.")]})
    assert response.status == 400
    assert json.loads(response.data)["error"] == {
        "code": 400,
        "message": "Cached content is too small. total_token_count=3, min_total_token_count=1024",
        "status": "INVALID_ARGUMENT",
    }


def test_a_prompt_with_the_cache_reports_its_tokens(api: Client) -> None:
    cache = create(api, displayName="story")
    answer = api.generate({"cachedContent": cache["name"], "contents": [user("Who jumps?")]})
    assert reply_text(answer) == (
        'You said: "Who jumps?". I saw 2 turns and the system instruction "Answer from the story.".'
    )
    cached = cache["usageMetadata"]["totalTokenCount"]
    usage = answer["usageMetadata"]
    assert usage["cachedContentTokenCount"] == cached
    assert usage["promptTokenCount"] == cached + 3
    assert usage["cacheTokensDetails"] == [{"modality": "TEXT", "tokenCount": cached}]
    assert usage["promptTokensDetails"] == [{"modality": "TEXT", "tokenCount": cached + 3}]
    assert usage["totalTokenCount"] == usage["promptTokenCount"] + usage["candidatesTokenCount"]
    chunks = api.sse({"cachedContent": cache["name"], "contents": [user("Who jumps?")]})
    assert chunks[-1]["usageMetadata"] == usage


@pytest.mark.parametrize(
    "extra",
    [
        {"systemInstruction": {"parts": [{"text": "Answer from the story."}]}},
        {"tools": [{"functionDeclarations": [{"name": "f"}]}]},
        {"toolConfig": {"functionCallingConfig": {"mode": "ANY"}}},
    ],
)
def test_the_cache_cannot_come_with_instructions_or_tools(
    api: Client, extra: dict[str, Any]
) -> None:
    cache = create(api)
    response = api.post(GENERATE, ask(cachedContent=cache["name"], **extra))
    assert response.status == 400
    assert json.loads(response.data)["error"]["message"] == CACHE_CONFLICT


def test_the_cache_belongs_to_its_model(api: Client) -> None:
    cache = create(api)
    response = api.post(GENERATE.replace(MODEL, "gemini-2.5-pro"), ask(cachedContent=cache["name"]))
    assert response.status == 400
    assert "has to be the same" in json.loads(response.data)["error"]["message"]
    alias = GENERATE.replace(MODEL, "gemini-flash-latest")
    assert api.post(alias, ask(cachedContent=cache["name"])).status == 200


def test_get_list_patch_delete(api: Client) -> None:
    assert api.json("GET", CACHES) == {}
    first, second = create(api), create(api, ttl="60s")
    assert api.json("GET", f"/v1beta/{first['name']}") == first
    listing = api.json("GET", CACHES)
    assert listing == {"cachedContents": [first, second]}
    paged = api.json("GET", f"{CACHES}?pageSize=1")
    assert paged["cachedContents"] == [first] and paged["nextPageToken"]
    patched = api.json("PATCH", f"/v1beta/{first['name']}", {"ttl": "7200s"})
    assert patched["expireTime"] > first["expireTime"]
    assert patched["updateTime"] >= first["updateTime"]
    assert patched["createTime"] == first["createTime"]
    moment = "2099-01-01T00:00:00Z"
    masked = api.json(
        "PATCH", f"/v1beta/{first['name']}?updateMask=expireTime", {"expireTime": moment}
    )
    assert masked["expireTime"] == "2099-01-01T00:00:00.000000000Z"
    assert api.request("PATCH", f"/v1beta/{first['name']}?updateMask=model", {}).status == 400
    assert api.json("DELETE", f"/v1beta/{first['name']}") == {}
    for response in (
        api.get(f"/v1beta/{first['name']}"),
        api.post(GENERATE, ask(cachedContent=first["name"])),
        api.request("DELETE", f"/v1beta/{first['name']}"),
    ):
        assert response.status == 403 and json.loads(response.data)["error"] == GONE
    assert api.json("GET", CACHES) == {"cachedContents": [second]}


def test_caches_expire_by_the_emulators_clock(api: Client) -> None:
    short, default = create(api, ttl="300s"), create(api)
    api.emu.advance(301)
    assert api.get(f"/v1beta/{short['name']}").status == 403
    assert api.post(GENERATE, ask(cachedContent=short["name"])).status == 403
    assert api.json("GET", CACHES) == {"cachedContents": [default]}
    api.emu.advance(3600)
    assert api.json("GET", CACHES) == {}


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"model": None}, "model"),
        ({"ttl": "5 minutes"}, "ttl"),
        ({"expireTime": "tomorrow"}, "expireTime"),
        ({"ttl": "60s", "expireTime": "2099-01-01T00:00:00Z"}, "ttl"),
    ],
)
def test_bad_bodies_are_invalid_argument(api: Client, extra: dict[str, Any], field: str) -> None:
    response = api.post(CACHES, cache_body(**extra))
    assert response.status == 400
    assert json.loads(response.data)["error"]["details"][0]["fieldViolations"][0]["field"] == field


def test_unknown_models_and_bad_contents(api: Client) -> None:
    response = api.post(CACHES, cache_body(model="models/gpt-4o"))
    assert response.status == 404
    assert "not supported for createCachedContent" in json.loads(response.data)["error"]["message"]
    pytest.importorskip("jsonschema")
    response = api.post(CACHES, cache_body(contents=[{"role": 7, "parts": [{"text": LONG}]}]))
    assert response.status == 400
    assert "Invalid value at 'contents[0].role'" in json.loads(response.data)["error"]["message"]


def test_the_recorded_cache_session_replays(
    api: Client, endpoints: list[dict[str, Any]], contract: list[dict[str, Any]]
) -> None:
    """pydantic-ai made a cache, then asked two questions with it."""
    made = next(
        r
        for r in endpoints
        if r["endpoint"] == "POST v1beta/cachedContents" and r["source"] == "pydantic/pydantic-ai"
    )
    cache = api.json("POST", "/" + made["path"].lstrip("/"), made["request_body"])
    recorded_name = made["response_body"]["name"]
    asked = [r for r in contract if (r["request_body"] or {}).get("cachedContent") == recorded_name]
    assert len(asked) == 2
    for record in asked:
        body = {**record["request_body"], "cachedContent": cache["name"]}
        usage = api.generate(body, path=record["path"])["usageMetadata"]
        assert usage["cachedContentTokenCount"] == cache["usageMetadata"]["totalTokenCount"]
        recorded = record["response_body"]["usageMetadata"]
        assert sorted(recorded) == sorted([*usage, "serviceTier", "thoughtsTokenCount"])


def test_script_kinds_of_the_cache_methods(api: Client) -> None:
    cache = create(api)
    api.emu.push({"kind": "updateCachedContent", "status": 503})
    assert api.get(f"/v1beta/{cache['name']}").status == 200
    assert api.request("PATCH", f"/v1beta/{cache['name']}", {"ttl": "1s"}).status == 503


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text[:26] + "+00:00")
