"""``client.aio.batches``: the methods of ``client.batches``, awaited."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterable
from functools import partial
from typing import TYPE_CHECKING

from gemwire._pager import AsyncPager
from gemwire._request import HttpConfig
from gemwire._workers import Workers
from gemwire.batches import Batches, BatchRequest, BatchResult, Progress, polled, wait_args
from gemwire.types import GenerateContentBatch

if TYPE_CHECKING:  # gemwire.types loads these on first use; annotations need not
    from gemwire.types import (
        CreateBatchJobConfig,
        CreateBatchJobConfigDict,
        File,
        ListBatchJobsConfig,
        ListBatchJobsConfigDict,
    )

__all__ = ["AsyncBatches"]


class AsyncBatches:
    """The batch jobs of ``client.aio``. Each method runs the same method of
    :class:`~gemwire.batches.Batches` on a worker thread; waits between polls take none."""

    def __init__(self, batches: Batches, workers: Workers) -> None:
        self._batches = batches
        self._workers = workers

    async def create(
        self,
        *,
        model: str,
        src: str | File | Iterable[BatchRequest],
        config: CreateBatchJobConfig | CreateBatchJobConfigDict | None = None,
    ) -> GenerateContentBatch:
        """Start a batch job (see :meth:`Batches.create`)."""
        job = partial(self._batches.create, model=model, src=src, config=config)
        return await self._workers.run(job)

    async def get(self, *, name: str, config: HttpConfig = None) -> GenerateContentBatch:
        """The job ``name`` (see :meth:`Batches.get`)."""
        return await self._workers.run(partial(self._batches.get, name=name, config=config))

    async def cancel(self, *, name: str, config: HttpConfig = None) -> None:
        """Ask the service to stop the job (see :meth:`Batches.cancel`)."""
        await self._workers.run(partial(self._batches.cancel, name=name, config=config))

    async def delete(self, *, name: str, config: HttpConfig = None) -> None:
        """Delete the job (see :meth:`Batches.delete`)."""
        await self._workers.run(partial(self._batches.delete, name=name, config=config))

    async def list(
        self, *, config: ListBatchJobsConfig | ListBatchJobsConfigDict | None = None
    ) -> AsyncPager[GenerateContentBatch]:
        """The project's jobs: ``async for job in await client.aio.batches.list()``."""
        pager = await self._workers.run(partial(self._batches.list, config=config))
        return AsyncPager(pager, self._workers)

    async def wait(
        self,
        *,
        name: str | GenerateContentBatch,
        timeout: float = 24 * 3600.0,
        poll_interval: float = 30.0,
        progress: Progress | None = None,
    ) -> GenerateContentBatch:
        """Poll until the job is done (see :meth:`Batches.wait`)."""
        job_name, deadline = wait_args(name, timeout, poll_interval)
        while True:
            job = polled(await self.get(name=job_name), deadline, timeout, progress)
            if job is not None:
                return job
            await asyncio.sleep(min(poll_interval, max(deadline - time.monotonic(), 0.0)))

    async def results(self, job: GenerateContentBatch) -> AsyncIterator[BatchResult]:
        """The outcome of each request, one at a time (see :meth:`Batches.results`)."""
        results = self._batches.results(job)
        try:
            while (result := await self._workers.run(partial(next, results, None))) is not None:
                yield result
        finally:
            await self._workers.run(results.close)
