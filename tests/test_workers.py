"""``Workers``: the threads ``client.aio`` runs the sync client's calls on (unit level; the
async client against servers lives in test_aio.py).

Jobs wait on ``threading.Event`` gates that the test opens, so nothing depends on timing.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator

import pytest

from gemwire import errors
from gemwire._workers import Workers
from tests.test_aio import WAIT, run, until


@pytest.fixture
def workers() -> Iterator[Workers]:
    pool = Workers(2)
    yield pool
    pool.close()


def blocked(gate: threading.Event, value: str) -> str:
    if not gate.wait(WAIT):
        raise TimeoutError("the test never opened the gate")
    return value


@run
async def test_a_job_runs_off_the_loop_and_its_outcome_comes_back(workers: Workers) -> None:
    loop_thread = threading.get_ident()
    assert await workers.run(threading.get_ident) != loop_thread

    def fail() -> None:
        raise errors.APIConnectionError("refused")

    with pytest.raises(errors.APIConnectionError, match="refused"):
        await workers.run(fail)


@run
async def test_a_job_whose_task_is_cancelled_runs_on_and_hands_its_result_to_release(
    workers: Workers,
) -> None:
    started, gate, released = threading.Event(), threading.Event(), []

    def job() -> str:
        started.set()
        return blocked(gate, "stream")

    task = asyncio.create_task(workers.run(job, release=released.append))
    await until(started.is_set)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert released == []  # still running
    gate.set()
    await until(lambda: bool(released))
    assert released == ["stream"]


@run
async def test_a_job_cancelled_before_it_started_never_runs() -> None:
    workers, gate, ran = Workers(1), threading.Event(), []
    busy = asyncio.create_task(workers.run(lambda: blocked(gate, "busy")))
    queued = asyncio.create_task(workers.run(lambda: ran.append("queued")))
    await asyncio.sleep(0)  # both submitted: the queued job waits for the one thread
    queued.cancel()
    with pytest.raises(asyncio.CancelledError):
        await queued
    gate.set()
    assert await busy == "busy"
    assert await workers.run(lambda: "after") == "after"  # the one thread went past it
    assert ran == []
    workers.close()


@run
async def test_a_job_started_after_another_waits_for_it_however_it_ends(
    workers: Workers,
) -> None:
    gate, order = threading.Event(), []

    def first() -> None:
        blocked(gate, "")
        order.append("first")
        raise errors.IncompleteStreamError("cut off")

    earlier = workers.start(first)
    later = workers.start(lambda: order.append("later"), after=earlier)
    gate.set()
    await asyncio.wrap_future(later)
    assert order == ["first", "later"]


@run
async def test_a_closed_pool_refuses_work_but_still_runs_cleanups(workers: Workers) -> None:
    workers.close()
    with pytest.raises(errors.APIConnectionError, match="closed"):
        await workers.run(lambda: "late")
    cleanup = workers.start(threading.get_ident, cleanup=True)
    assert cleanup.result(WAIT) == threading.get_ident()  # no worker left: here and now
