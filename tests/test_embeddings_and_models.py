"""``client.models.embed_content``, ``list`` and ``get`` against the emulator, sync and async,
as google-genai users write them."""

from __future__ import annotations

import asyncio
import math
from typing import Any

import pytest

import gemwire as genai
from gemwire import errors, types
from gemwire.emulator import Emulator


def embed_requests(emu: Emulator) -> list[dict[str, Any]]:
    return [r for r in emu.requests if "mbed" in r["path"]]


def test_one_text_gives_one_vector_through_batch_embed_contents(
    emu: Emulator, client: genai.Client
) -> None:
    result = client.models.embed_content(
        model="gemini-embedding-001", contents="What is the meaning of life?"
    )
    assert result.embeddings is not None and len(result.embeddings) == 1
    assert len(result.embeddings[0].values or []) == 3072
    [request] = embed_requests(emu)
    assert request["path"].endswith("/models/gemini-embedding-001:batchEmbedContents")
    assert request["body"] == {
        "requests": [
            {
                "model": "models/gemini-embedding-001",
                "content": {"role": "user", "parts": [{"text": "What is the meaning of life?"}]},
            }
        ]
    }


def test_several_texts_with_task_type_title_and_dimensions(
    emu: Emulator, client: genai.Client
) -> None:
    texts = [
        "What is the meaning of life?",
        "How do I bake a cake?",
        "What is the meaning of life?",
    ]
    result = client.models.embed_content(
        model="text-embedding-004",
        contents=texts,
        config=types.EmbedContentConfig(
            task_type="RETRIEVAL_DOCUMENT", title="Notes", output_dimensionality=64
        ),
    )
    vectors = [e.values or [] for e in result.embeddings or []]
    assert [len(v) for v in vectors] == [64, 64, 64]
    assert vectors[0] == vectors[2] != vectors[1]  # the emulator: same text, same vector
    assert math.isclose(sum(x * x for x in vectors[0]), 1.0, rel_tol=1e-6)
    [request] = embed_requests(emu)
    sent = request["body"]["requests"]
    assert [r["content"]["parts"][0]["text"] for r in sent] == texts
    assert {(r["taskType"], r["title"], r["outputDimensionality"]) for r in sent} == {
        ("RETRIEVAL_DOCUMENT", "Notes", 64)
    }


def test_a_multimodal_embedding_model_embeds_loose_parts_as_one_content(
    emu: Emulator, client: genai.Client
) -> None:
    result = client.models.embed_content(
        model="gemini-embedding-2", contents=["hello", "world"], config={"output_dimensionality": 8}
    )
    assert result.embeddings is not None and len(result.embeddings) == 1
    assert result.usage_metadata is not None and result.usage_metadata.prompt_token_count
    [request] = embed_requests(emu)
    assert len(request["body"]["requests"]) == 1


def test_an_unknown_config_key_is_refused_before_sending(
    emu: Emulator, client: genai.Client
) -> None:
    with pytest.raises(errors.ArgumentTypeError, match="config: EmbedContentConfig has no option"):
        client.models.embed_content(
            model="gemini-embedding-001",
            contents="x",
            config={"output_dimensions": 8},  # type: ignore[typeddict-unknown-key]
        )
    assert emu.requests == []


def test_embedding_with_a_generation_model_is_the_apis_error(client: genai.Client) -> None:
    with pytest.raises(errors.ClientError) as raised:
        client.models.embed_content(model="gemini-2.0-flash", contents="x")
    assert raised.value.code in (400, 404)


def test_the_model_list_iterates_over_every_page(emu: Emulator, client: genai.Client) -> None:
    everything = [m.name for m in client.models.list()]
    assert "models/gemini-2.0-flash" in everything
    pager = client.models.list(config={"page_size": 2})
    assert pager.page_size == 2 and len(pager.page) == 2
    assert [m.name for m in pager] == everything
    pages = [r["query"] for r in emu.requests if r["path"].endswith("/models")][1:]
    assert len(pages) == math.ceil(len(everything) / 2)
    assert "pageToken" not in pages[0] and all("pageToken" in q for q in pages[1:])


def test_a_page_token_resumes_the_list_where_it_left_off(client: genai.Client) -> None:
    first = client.models.list(config=types.ListModelsConfig(page_size=2))
    token = first.next_page_token
    assert token is not None
    second = client.models.list(config=types.ListModelsConfig(page_size=2, page_token=token))
    assert second.page == first.next_page()
    with pytest.raises(IndexError):
        pager = client.models.list(config={"page_size": 1000})
        pager.next_page()


def test_get_describes_one_model(client: genai.Client) -> None:
    model = client.models.get(model="gemini-2.0-flash")
    assert model.name == "models/gemini-2.0-flash"
    assert model.supported_actions and "generateContent" in model.supported_actions
    assert model.input_token_limit
    embedding = client.models.get(model="models/gemini-embedding-001")
    assert embedding.supported_actions and "embedContent" in embedding.supported_actions


def test_get_of_an_unknown_model_is_not_found(client: genai.Client) -> None:
    with pytest.raises(errors.ClientError) as raised:
        client.models.get(model="no-such-model")
    assert raised.value.code == 404


def test_the_async_client_embeds_lists_and_gets(emu: Emulator, client: genai.Client) -> None:
    async def main() -> tuple[types.EmbedContentResponse, list[str | None], types.Model]:
        aio = client.aio
        embedded = await aio.models.embed_content(
            model="gemini-embedding-001",
            contents=["a", "b"],
            config={"output_dimensionality": 16},
        )
        names = [m.name async for m in await aio.models.list(config={"page_size": 3})]
        model = await aio.models.get(model="gemini-2.0-flash")
        return embedded, names, model

    embedded, names, model = asyncio.run(main())
    assert [len(e.values or []) for e in embedded.embeddings or []] == [16, 16]
    assert names == [m.name for m in client.models.list()]
    assert model.display_name
