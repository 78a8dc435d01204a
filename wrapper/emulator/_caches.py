"""Context caching: `cachedContents` create, get, list, patch and delete.

A cached content holds `contents`, `systemInstruction`, `tools` and `toolConfig` for one model
until its `expireTime` on the emulator's clock (`ttl` or `expireTime` when created or patched,
an hour by default). As recorded, answers never echo the cached members or the `ttl`: `name`,
`model`, `createTime` / `updateTime` (microseconds), `expireTime` (nanoseconds), `displayName`
(`""` when unset) and `usageMetadata.totalTokenCount`; a list is `{"cachedContents": [...]}`
(`{}` when empty), a delete `{}`; `PATCH` takes `ttl` or `expireTime` with or without an
`updateMask`. As reported by people probing the service: fewer than 1,024 tokens is a 400
("Cached content is too small ..."), and a missing, expired or deleted cache is 403
"CachedContent not found (or permission denied)" for `GET` and for `generateContent` alike.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from gemwire.emulator import _errors, _models
from gemwire.emulator import _fields as fields
from gemwire.emulator._checks import Checker
from gemwire.emulator._clock import NANOS, Clock, parse_duration, parse_timestamp, timestamp
from gemwire.emulator._errors import ApiError
from gemwire.emulator._files import Files, Handler
from gemwire.emulator._responder import PromptTokens, prompt_tokens
from gemwire.emulator._routes import Call
from gemwire.emulator._server import Answer, json_answer
from gemwire.emulator._store import Store, page_size

MIN_TOKENS = 1024
DEFAULT_TTL = 3600 * NANOS
_MEMBERS = ("contents", "systemInstruction", "tools", "toolConfig")


@dataclass
class Cache:
    """A cached content: what it holds, its token count and its times."""

    cache_id: str
    model: str  # models/{id}
    display_name: str
    members: dict[str, Any]  # contents, systemInstruction, tools, toolConfig as sent
    tokens: PromptTokens
    created: int
    updated: int
    expires: int

    def resource(self) -> dict[str, Any]:
        """The `CachedContent` as the service answers it (without the cached members)."""
        return {
            "name": f"cachedContents/{self.cache_id}",
            "model": self.model,
            "createTime": timestamp(self.created),
            "updateTime": timestamp(self.updated),
            "expireTime": timestamp(self.expires, digits=9),
            "displayName": self.display_name,
            "usageMetadata": {"totalTokenCount": self.tokens.total},
        }


class Caches:
    """Every cached content, and the handlers of the cache methods."""

    def __init__(self, clock: Clock, checker: Checker, files: Files) -> None:
        self.clock = clock
        self.checker = checker
        self.files = files
        self._store: Store[Cache] = Store("cachedContents", 40)

    def handlers(self) -> dict[str, Handler]:
        """The cache methods by script kind."""
        return {
            "createCachedContent": self._create,
            "getCachedContent": self._get,
            "listCachedContents": self._list,
            "updateCachedContent": self._update,
            "deleteCachedContent": self._delete,
        }

    def clear(self) -> None:
        """Forget every cached content."""
        self._store.clear()

    def find(self, name: str) -> Cache:
        """The live cache named `cachedContents/{id}` (or `{id}`); 403 otherwise."""
        cache_id = name.removeprefix("cachedContents/")
        with self._store.lock:
            cache = self._store.get(cache_id)
            if cache is not None and self.clock.now() >= cache.expires:
                self._store.pop(cache_id)
                cache = None
        if cache is None:
            raise ApiError(_errors.cache_not_found())
        return cache

    def _create(self, call: Call) -> Answer:
        body = call.json_object()
        model = fields.get(body, "model")
        if not isinstance(model, str) or not model:
            why = "model is not specified"
            raise _errors.invalid_field("model", why, f"* CachedContent.model: {why}\n")
        model_id = model.removeprefix("models/")
        if not _models.serves(model_id, "createCachedContent"):
            raise ApiError(
                _errors.model_not_found(model_id, call.route.version, "createCachedContent")
            )
        members = {k: v for k in _MEMBERS if (v := fields.get(body, k)) is not None}
        raw = json.dumps(members, sort_keys=True).encode()
        invalid = self.checker.bad_request("GenerateContentRequest", members, raw)
        if invalid is not None:
            raise ApiError(invalid)
        contents = fields.items(members.get("contents"))
        self.files.attachments(contents, call.header("host"))
        tokens = prompt_tokens(contents, members.get("systemInstruction"), members.get("tools"))
        if tokens.total < MIN_TOKENS:
            message = (
                f"Cached content is too small. total_token_count={tokens.total}, "
                f"min_total_token_count={MIN_TOKENS}"
            )
            raise ApiError(_errors.error(400, message))
        now = self.clock.now()
        display = fields.get(body, "displayName")
        cache = Cache(
            cache_id=self._store.new_id(),
            model=f"models/{model_id}",
            display_name=display if isinstance(display, str) else "",
            members=members,
            tokens=tokens,
            created=now,
            updated=now,
            expires=self._expiry(body, now, DEFAULT_TTL),
        )
        self._store.add(cache.cache_id, cache)
        return json_answer(cache.resource())

    def _get(self, call: Call) -> Answer:
        return json_answer(self.find(call.route.resource).resource())

    def _list(self, call: Call) -> Answer:
        size = page_size(call.query("pageSize"), default=100, maximum=1000)
        now = self.clock.now()
        page, token = self._store.page(size, call.query("pageToken"), lambda c: now < c.expires)
        body: dict[str, Any] = {}
        if page:
            body["cachedContents"] = [cache.resource() for cache in page]
        if token:
            body["nextPageToken"] = token
        return json_answer(body)

    def _update(self, call: Call) -> Answer:
        body = call.json_object()
        mask = {name.strip() for name in call.query("updateMask").split(",")}
        unknown = sorted(mask - {"", "ttl", "expireTime", "expire_time"})
        if unknown:
            message = f"Only ttl and expireTime can be updated, not {', '.join(unknown)}."
            raise _errors.invalid_field("updateMask", message)
        with self._store.lock:
            cache = self.find(call.route.resource)
            now = self.clock.now()
            cache.expires = self._expiry(body, now, None)
            cache.updated = now
            answer = cache.resource()
        return json_answer(answer)

    def _delete(self, call: Call) -> Answer:
        self.find(call.route.resource)
        self._store.pop(call.route.resource.removeprefix("cachedContents/"))
        return json_answer({})

    @staticmethod
    def _expiry(body: dict[str, Any], now: int, default: int | None) -> int:
        """When a cache created or updated `now` with this body expires (400 if unclear)."""
        ttl, expire = fields.get(body, "ttl"), fields.get(body, "expireTime")
        if ttl is not None and expire is not None:
            raise _errors.invalid_field("ttl", "Set either ttl or expireTime, not both.")
        if ttl is not None:
            duration = parse_duration(ttl)
            if duration is None:
                why = f"{json.dumps(ttl)} is not a duration like '300s'."
                raise _errors.invalid_field("ttl", f"Invalid value at 'ttl': {why}")
            return now + duration
        if expire is not None:
            moment = parse_timestamp(expire)
            if moment is None:
                why = f"{json.dumps(expire)} is not a timestamp."
                raise _errors.invalid_field("expireTime", f"Invalid value at 'expire_time': {why}")
            return moment
        if default is None:
            raise _errors.invalid_field("ttl", "Nothing to update: send ttl or expireTime.")
        return now + default
