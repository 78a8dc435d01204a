"""``client.caches`` and ``client.aio.caches`` against the emulator: create with contents,
system instruction and tools, use through ``config.cached_content``, get, list, update (ttl or
expire time), delete, expiry on the emulator's clock."""

from __future__ import annotations

import asyncio

import pytest

import gemwire as genai
from gemwire import errors, types
from gemwire.emulator import Emulator
from tests.conftest import MakeClient

MODEL = "gemini-2.5-flash"
LONG = " ".join(["Paris is the capital of France."] * 200)  # over 1,024 tokens


def _create(client: genai.Client, **options: object) -> types.CachedContent:
    return client.caches.create(
        model=MODEL,
        config=types.CreateCachedContentConfig(
            contents=[LONG],
            system_instruction="You answer questions about the text.",
            display_name="story",
            **options,  # type: ignore[arg-type]
        ),
    )


def test_create_and_use_a_cache(client: genai.Client, emu: Emulator) -> None:
    cache = _create(client, ttl="300s")
    assert cache.name is not None and cache.name.startswith("cachedContents/")
    assert (cache.model, cache.display_name) == (f"models/{MODEL}", "story")
    assert cache.usage_metadata is not None and (cache.usage_metadata.total_token_count or 0) > 1024
    sent = emu.requests[-1]["body"]
    assert sent["ttl"] == "300s" and sent["model"] == f"models/{MODEL}"
    assert "role" not in sent["systemInstruction"]
    response = client.models.generate_content(
        model=MODEL,
        contents="What is the capital of France?",
        config=types.GenerateContentConfig(cached_content=cache.name),
    )
    usage = response.usage_metadata
    assert usage is not None
    assert usage.cached_content_token_count == cache.usage_metadata.total_token_count
    assert 'system instruction "You answer questions about the text."' in response.text


def test_get_list_update_delete(client: genai.Client, emu: Emulator) -> None:
    first, second = _create(client), _create(client, expire_time="2099-01-01T00:00:00Z")
    assert first.name is not None and second.name is not None
    assert client.caches.get(name=first.name).name == first.name
    pager = client.caches.list(config={"page_size": 1})
    assert len(pager.page) == 1
    assert sorted(c.name or "" for c in pager) == sorted([first.name, second.name])
    moved = client.caches.update(
        name=first.name, config=types.UpdateCachedContentConfig(ttl="7200s")
    )
    assert (moved.expire_time or "") > (first.expire_time or "")
    later = client.caches.update(name=second.name, config={"expire_time": "2098-01-01T00:00:00Z"})
    assert (later.expire_time or "").startswith("2098-01-01T00:00:00")
    client.caches.delete(name=second.name)
    with pytest.raises(errors.ClientError) as caught:
        client.caches.get(name=second.name)
    assert caught.value.code == 403


def test_a_cache_expires_with_its_ttl(client: genai.Client, emu: Emulator) -> None:
    cache = _create(client, ttl="60s")
    emu.advance(61)
    assert cache.name is not None
    with pytest.raises(errors.ClientError, match="CachedContent not found"):
        client.models.generate_content(
            model=MODEL, contents="Hi", config={"cached_content": cache.name}
        )
    assert list(client.caches.list()) == []


def test_wrong_arguments_are_refused_before_sending(client: genai.Client, emu: Emulator) -> None:
    with pytest.raises(errors.ArgumentError, match="ttl or expire_time, not both"):
        _create(client, ttl="60s", expire_time="2099-01-01T00:00:00Z")
    with pytest.raises(errors.ArgumentTypeError, match=r"config\.ttl"):
        _create(client, ttl=60)
    with pytest.raises(errors.ArgumentError, match="new ttl or expire_time"):
        client.caches.update(name="cachedContents/abc", config={})
    with pytest.raises(errors.ArgumentError, match="name"):
        client.caches.get(name="../files/abc")
    with pytest.raises(errors.ArgumentError, match="model"):
        client.caches.create(model="../x", config={"contents": "x"})
    assert emu.requests == []


def test_async_caches(make_client: MakeClient) -> None:
    async def main() -> None:
        async with make_client().aio as aio:
            cache = await aio.caches.create(model=MODEL, config={"contents": [LONG]})
            assert cache.name is not None
            assert (await aio.caches.get(name=cache.name)).name == cache.name
            assert [c.name async for c in await aio.caches.list()] == [cache.name]
            await aio.caches.update(name=cache.name, config={"ttl": "600s"})
            response = await aio.models.generate_content(
                model=MODEL, contents="Hi", config={"cached_content": cache.name}
            )
            assert response.usage_metadata is not None
            assert response.usage_metadata.cached_content_token_count
            await aio.caches.delete(name=cache.name)
            assert [c async for c in await aio.caches.list()] == []

    asyncio.run(main())
