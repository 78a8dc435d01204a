"""``client.aio.caches``: the methods of ``client.caches``, awaited."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from gemwire._pager import AsyncPager
from gemwire._request import HttpConfig
from gemwire._workers import Workers
from gemwire.caches import Caches
from gemwire.types import CachedContent

if TYPE_CHECKING:  # gemwire.types loads these on first use; annotations need not
    from gemwire.types import (
        CreateCachedContentConfig,
        CreateCachedContentConfigDict,
        ListCachedContentsConfig,
        ListCachedContentsConfigDict,
        UpdateCachedContentConfig,
        UpdateCachedContentConfigDict,
    )

__all__ = ["AsyncCaches"]


class AsyncCaches:
    """The cached contents of ``client.aio``. Each method runs the same method of
    :class:`~gemwire.caches.Caches` on a worker thread."""

    def __init__(self, caches: Caches, workers: Workers) -> None:
        self._caches = caches
        self._workers = workers

    async def create(
        self,
        *,
        model: str,
        config: CreateCachedContentConfig | CreateCachedContentConfigDict | None = None,
    ) -> CachedContent:
        """Cache contents for ``model`` (see :meth:`Caches.create`)."""
        return await self._workers.run(partial(self._caches.create, model=model, config=config))

    async def get(self, *, name: str, config: HttpConfig = None) -> CachedContent:
        """The cache ``name`` (see :meth:`Caches.get`)."""
        return await self._workers.run(partial(self._caches.get, name=name, config=config))

    async def update(
        self,
        *,
        name: str,
        config: UpdateCachedContentConfig | UpdateCachedContentConfigDict | None = None,
    ) -> CachedContent:
        """Give the cache a new lifetime (see :meth:`Caches.update`)."""
        return await self._workers.run(partial(self._caches.update, name=name, config=config))

    async def delete(self, *, name: str, config: HttpConfig = None) -> None:
        """Delete the cache ``name`` (see :meth:`Caches.delete`)."""
        await self._workers.run(partial(self._caches.delete, name=name, config=config))

    async def list(
        self, *, config: ListCachedContentsConfig | ListCachedContentsConfigDict | None = None
    ) -> AsyncPager[CachedContent]:
        """The project's caches: ``async for cache in await client.aio.caches.list()``."""
        pager = await self._workers.run(partial(self._caches.list, config=config))
        return AsyncPager(pager, self._workers)
