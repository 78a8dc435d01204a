"""``Pager``: the items of a list call, page after page, fetched as iteration reaches them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

__all__ = ["Pager"]

T = TypeVar("T")
Fetch = Callable[[str | None], tuple[list[T], str | None]]
"""Fetches the page of a token (``None``: the first) and returns its items and the next token."""


class Pager(Generic[T]):
    """The items of a list call, as google-genai's ``Pager``: ``for item in pager`` walks every
    page (the next one is fetched when the current one is used up, so one page is held at a
    time); ``pager.page`` is the current page and ``pager.next_page()`` moves to the next.

    The first page is fetched when the pager is made, so a failing call raises there.
    """

    def __init__(self, fetch: Fetch[T], token: str | None = None) -> None:
        self._fetch = fetch
        self.page, self._next = fetch(token)

    @property
    def has_next(self) -> bool:
        """Whether a page follows the current one."""
        return bool(self._next)

    def next_page(self) -> list[T]:
        """Fetch the next page and make it the current one; ``IndexError`` after the last."""
        if not self._next:
            raise IndexError("no more pages")
        self.page, self._next = self._fetch(self._next)
        return self.page

    def __iter__(self) -> Iterator[T]:
        while True:
            yield from self.page
            if not self._next:
                return
            self.next_page()
