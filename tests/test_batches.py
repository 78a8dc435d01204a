"""``client.batches`` and ``client.aio.batches`` against the emulator: inline and file jobs,
states per poll with progress, results matched to keys with per-request errors, a 1,000-request
job end to end, cancel, delete, list, and arguments refused before sending."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

import gemwire as genai
from gemwire import errors, types
from gemwire.batches import BatchResult, write_jsonl
from gemwire.emulator import Emulator
from tests.conftest import MakeClient

MODEL = "gemini-2.0-flash"
SUCCEEDED = types.BatchState.BATCH_STATE_SUCCEEDED


def test_an_inline_batch_goes_through_its_states_to_results(client: genai.Client) -> None:
    job = client.batches.create(
        model=MODEL,
        src=[
            {"contents": "Hello", "metadata": {"key": "first"}},
            {"contents": "Bonjour", "config": {"temperature": 0.2}},
        ],
        config=types.CreateBatchJobConfig(display_name="greetings"),
    )
    assert job.state == types.BatchState.BATCH_STATE_PENDING
    assert job.display_name == "greetings" and job.model == f"models/{MODEL}"
    seen: list[tuple[types.BatchState | None, int | None]] = []
    done = client.batches.wait(
        name=job,
        poll_interval=0.01,
        progress=lambda j: seen.append((j.state, j.batch_stats and j.batch_stats.request_count)),
    )
    assert seen == [(types.BatchState.BATCH_STATE_RUNNING, 2), (SUCCEEDED, 2)]
    results = list(client.batches.results(done))
    assert [r.key for r in results] == ["first", None]
    assert [r.response.text for r in results if r.response] == [
        'You said: "Hello". I saw 1 turn.',
        'You said: "Bonjour". I saw 1 turn. You asked for temperature 0.2.',
    ]
    assert results[0].metadata == {"key": "first"}


def test_a_1000_request_file_batch_runs_end_to_end(
    client: genai.Client, emu: Emulator, tmp_path: Path
) -> None:
    prompts = ((f"q{i}", {"contents": f"Question {i}"}) for i in range(1000))
    path = write_jsonl(prompts, tmp_path / "requests.jsonl")
    first = json.loads(path.read_text().splitlines()[0])
    assert first == {
        "key": "q0",
        "request": {"contents": [{"role": "user", "parts": [{"text": "Question 0"}]}]},
    }
    source = client.files.upload(file=path, config={"mime_type": "application/jsonl"})
    emu.push({"kind": "batchGenerateContent", "failed_requests": ["q7", 500]})
    job = client.batches.create(model=MODEL, src=source)
    done = client.batches.wait(name=job.name or "", poll_interval=0.01)
    assert done.batch_stats is not None
    assert (done.batch_stats.successful_request_count, done.batch_stats.failed_request_count) == (
        998,
        2,
    )
    results = client.batches.results(done)
    count, failed = 0, []
    for result in results:
        assert isinstance(result, BatchResult)
        if result.error is not None:
            failed.append((result.key, result.error.code))
        else:
            assert result.response is not None
            assert result.response.text.startswith(f'You said: "Question {result.key[1:]}"')  # type: ignore[index]
        count += 1
    assert count == 1000
    assert failed == [("q7", 13), ("q500", 13)]


def test_cancel_delete_and_list(client: genai.Client, emu: Emulator) -> None:
    jobs = [client.batches.create(model=MODEL, src=[{"contents": "Hi"}]) for _ in range(3)]
    names = [j.name for j in jobs]
    pager = client.batches.list(config={"page_size": 2})
    assert len(pager.page) == 2
    assert sorted(j.name or "" for j in pager) == sorted(n or "" for n in names)
    client.batches.cancel(name=names[0] or "")
    cancelled = client.batches.get(name=names[0] or "")
    assert cancelled.state == types.BatchState.BATCH_STATE_CANCELLED
    with pytest.raises(errors.UsageError, match="no results"):
        next(client.batches.results(cancelled))
    client.batches.delete(name=names[1] or "")
    with pytest.raises(errors.ClientError) as caught:
        client.batches.get(name=names[1] or "")
    assert caught.value.code == 404


def test_wait_gives_up_after_its_timeout(client: genai.Client, emu: Emulator) -> None:
    emu.push({"kind": "batchGenerateContent", "batch_states": ["BATCH_STATE_RUNNING"]})
    job = client.batches.create(model=MODEL, src=[{"contents": "Hi"}])
    with pytest.raises(errors.APITimeoutError, match="still BATCH_STATE_RUNNING"):
        client.batches.wait(name=job, timeout=0.05, poll_interval=0.01)


def test_wrong_arguments_are_refused_before_sending(client: genai.Client, emu: Emulator) -> None:
    with pytest.raises(errors.ArgumentError, match="is empty"):
        client.batches.create(model=MODEL, src=[])
    with pytest.raises(errors.ArgumentError, match=r"src\[0\]: expected contents"):
        client.batches.create(model=MODEL, src=[{"prompt": "Hi"}])
    with pytest.raises(errors.ArgumentTypeError, match=r"src\[0\]"):
        client.batches.create(model=MODEL, src=["Hi"])  # type: ignore[list-item]
    with pytest.raises(errors.ArgumentError, match="src"):
        client.batches.create(model=MODEL, src="../models/x")
    with pytest.raises(errors.ArgumentError, match="name"):
        client.batches.get(name="a/b")
    with pytest.raises(errors.ArgumentError, match="timeout"):
        client.batches.wait(name="batches/abc", timeout=-1)
    assert emu.requests == []


def test_async_batches(make_client: MakeClient) -> None:
    async def main() -> None:
        async with make_client().aio as aio:
            job = await aio.batches.create(
                model=MODEL, src=[{"contents": f"Hi {i}", "metadata": {"key": i}} for i in range(3)]
            )
            done = await aio.batches.wait(name=job, poll_interval=0.01)
            assert done.state == SUCCEEDED
            keys = [r.key async for r in aio.batches.results(done)]
            assert keys == ["0", "1", "2"]
            assert [j.name async for j in await aio.batches.list()] == [job.name]
            await aio.batches.cancel(name=job.name or "")
            assert (await aio.batches.get(name=job.name or "")).state == SUCCEEDED
            await aio.batches.delete(name=job.name or "")

    asyncio.run(main())
