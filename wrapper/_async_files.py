"""``client.aio.files``: the methods of ``client.files``, awaited."""

from __future__ import annotations

import asyncio
import time
from functools import partial
from typing import TYPE_CHECKING

from gemwire._pager import AsyncPager
from gemwire._request import HttpConfig
from gemwire._upload import Progress
from gemwire._workers import Workers
from gemwire.files import Files, FileSource, settled, wait_deadline
from gemwire.types import File

if TYPE_CHECKING:  # gemwire.types loads these on first use; annotations need not
    from gemwire.types import (
        ListFilesConfig,
        ListFilesConfigDict,
        UploadFileConfig,
        UploadFileConfigDict,
    )

__all__ = ["AsyncFiles"]


class AsyncFiles:
    """The Files API of ``client.aio``. Each method runs the same method of
    :class:`~gemwire.files.Files` on a worker thread (an upload reads its source there)."""

    def __init__(self, files: Files, workers: Workers) -> None:
        self._files = files
        self._workers = workers

    async def upload(
        self,
        *,
        file: FileSource,
        config: UploadFileConfig | UploadFileConfigDict | None = None,
        progress: Progress | None = None,
    ) -> File:
        """Upload ``file`` (see :meth:`Files.upload`; ``progress`` is called on the worker)."""
        return await self._workers.run(
            partial(self._files.upload, file=file, config=config, progress=progress)
        )

    async def get(self, *, name: str | File, config: HttpConfig = None) -> File:
        """The file ``name`` (see :meth:`Files.get`)."""
        return await self._workers.run(partial(self._files.get, name=name, config=config))

    async def delete(self, *, name: str | File, config: HttpConfig = None) -> None:
        """Delete the file ``name`` (see :meth:`Files.delete`)."""
        await self._workers.run(partial(self._files.delete, name=name, config=config))

    async def list(
        self, *, config: ListFilesConfig | ListFilesConfigDict | None = None
    ) -> AsyncPager[File]:
        """The project's files: ``async for file in await client.aio.files.list()``."""
        pager = await self._workers.run(partial(self._files.list, config=config))
        return AsyncPager(pager, self._workers)

    async def download(self, *, file: str | File, config: HttpConfig = None) -> bytes:
        """The bytes of a generated file (see :meth:`Files.download`)."""
        return await self._workers.run(partial(self._files.download, file=file, config=config))

    async def wait_until_active(
        self,
        *,
        name: str | File,
        timeout: float = 600.0,
        poll_interval: float = 2.0,
        config: HttpConfig = None,
    ) -> File:
        """Poll until the file is ``ACTIVE`` (see :meth:`Files.wait_until_active`); the
        waits between polls take no worker."""
        deadline = wait_deadline(timeout, poll_interval)
        while True:
            current = settled(await self.get(name=name, config=config), deadline, timeout)
            if current is not None:
                return current
            await asyncio.sleep(min(poll_interval, max(deadline - time.monotonic(), 0.0)))
