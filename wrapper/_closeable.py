"""``Closeable``: ``with thing:`` closes ``thing`` (a client, a stream), however the block ends."""

from __future__ import annotations

from types import TracebackType
from typing import TypeVar

__all__ = ["Closeable"]

_C = TypeVar("_C", bound="Closeable")


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
