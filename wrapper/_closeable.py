"""``Closeable``: ``with thing:`` closes ``thing`` (a client, a stream), however the block ends;
``AsyncCloseable``, its twin for ``async with`` and ``aclose()``."""

from __future__ import annotations

from types import TracebackType
from typing import TypeVar

__all__ = ["AsyncCloseable", "Closeable"]

_C = TypeVar("_C", bound="Closeable")
_A = TypeVar("_A", bound="AsyncCloseable")


class Closeable:
    """Base of what holds connections: a context manager whose exit calls :meth:`close`."""

    __slots__ = ()

    def close(self) -> None:
        """Let go of what is held (connections); safe to call twice."""
        raise NotImplementedError

    def __enter__(self: _C) -> _C:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


class AsyncCloseable:
    """Base of what holds connections in the async client: an async context manager whose
    exit awaits :meth:`aclose`."""

    __slots__ = ()

    async def aclose(self) -> None:
        """Let go of what is held (connections, worker threads); safe to call twice."""
        raise NotImplementedError

    async def __aenter__(self: _A) -> _A:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()
