"""``AsyncPager``: a :class:`~gemwire._pager.Pager` read with ``async for``, each page fetched
on a worker thread."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Generic, TypeVar

from gemwire._pager import Pager
from gemwire._workers import Workers

__all__ = ["AsyncPager"]

T = TypeVar("T")


class AsyncPager(Generic[T]):
    """The items of a list call, as google-genai's ``AsyncPager``: ``async for item in await
    client.aio.files.list()`` walks every page; ``pager.page`` is the current page and
    ``await pager.next_page()`` moves to the next."""

    def __init__(self, pager: Pager[T], workers: Workers) -> None:
        self._pager = pager
        self._workers = workers

    @property
    def page(self) -> list[T]:
        """The current page."""
        return self._pager.page

    async def next_page(self) -> list[T]:
        """Fetch the next page and make it the current one; ``IndexError`` after the last."""
        return await self._workers.run(self._pager.next_page)

    async def __aiter__(self) -> AsyncIterator[T]:
        while True:
            for item in self._pager.page:
                yield item
            if not self._pager.has_next:
                return
            await self.next_page()
