"""``Pager``: the items of a paged list call, page after page, as google-genai's pagers.

A list call fetches its first page at once (so a wrong argument or an error answer raises
there); iterating gives every item of every page, fetching each next page when the one before
is used up. The page token is opaque: it is sent back as the server wrote it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Generic, TypeVar

if TYPE_CHECKING:
    from gemwire._workers import Workers

__all__ = ["AsyncPager", "Pager"]

T = TypeVar("T")
# Fetches the page a token names (None: the first): its items and the next page's token.
Fetch = Callable[[str | None], tuple[Sequence[T], str | None]]


class Pager(Generic[T]):
    """Iterator over the items of every page: ``for model in client.models.list(): ...``.

    ``page`` is the page fetched last, ``next_page()`` fetches the one after it (``IndexError``
    after the last), ``page_size`` is the size asked for (else the first page's length) and
    ``name`` what the items are (``"models"``).
    """

    def __init__(
        self, name: str, fetch: Fetch[T], *, page_token: str | None, page_size: int | None
    ):
        self.name = name
        self._fetch = fetch
        items, self.next_page_token = fetch(page_token)
        self.page: list[T] = list(items)
        self.page_size = len(self.page) if page_size is None else page_size

    def __iter__(self) -> Iterator[T]:
        yield from self.page
        while self.next_page_token:
            yield from self.next_page()

    def __len__(self) -> int:
        return len(self.page)

    def __getitem__(self, index: int) -> T:
        return self.page[index]

    def next_page(self) -> list[T]:
        """Fetch the next page and return its items."""
        if not self.next_page_token:
            raise IndexError("no more pages to fetch")
        items, self.next_page_token = self._fetch(self.next_page_token)
        self.page = list(items)
        return self.page


class AsyncPager(Generic[T]):
    """A :class:`Pager` whose next pages are fetched on the client's worker threads:
    ``async for model in await client.aio.models.list(): ...``."""

    def __init__(self, pager: Pager[T], workers: Workers) -> None:
        self._pager = pager
        self._workers = workers
        self.name = pager.name
        self.page_size = pager.page_size

    @property
    def page(self) -> list[T]:
        """The items of the page fetched last."""
        return self._pager.page

    def __len__(self) -> int:
        return len(self._pager)

    def __getitem__(self, index: int) -> T:
        return self._pager[index]

    async def __aiter__(self) -> AsyncIterator[T]:
        for item in self._pager.page:
            yield item
        while self._pager.next_page_token:
            for item in await self.next_page():
                yield item

    async def next_page(self) -> list[T]:
        """Fetch the next page (``IndexError`` after the last) and return its items."""
        return await self._workers.run(self._pager.next_page)
