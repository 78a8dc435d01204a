"""In-memory resources of one kind (files, cached contents, batches), safe across threads.

Ids are deterministic: the n-th resource a store makes after a reset always gets the same id,
lowercase letters and digits like the service's. Listing is by creation order, in pages whose
token is opaque to clients (it holds the position after the page's last resource, so a page
stays right when resources are deleted in between).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

from gemwire.emulator._errors import ApiError, error

T = TypeVar("T")
_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"


class Store(Generic[T]):
    """Resources by id, oldest first, behind one lock (`lock`, for read-modify-write)."""

    def __init__(self, kind: str, id_length: int) -> None:
        self.kind = kind
        self.lock = threading.RLock()
        self._id_length = id_length
        self._made = 0
        self._added = 0
        self._items: dict[str, tuple[int, T]] = {}

    def new_id(self) -> str:
        """A fresh id, the same sequence after every reset."""
        with self.lock:
            self._made += 1
            seed = hashlib.blake2b(f"{self.kind}/{self._made}".encode(), digest_size=64).digest()
        number = int.from_bytes(seed, "big")
        digits = []
        for _ in range(self._id_length):
            number, digit = divmod(number, len(_ALPHABET))
            digits.append(_ALPHABET[digit])
        return "".join(digits)

    def add(self, key: str, item: T) -> None:
        """Store `item` under `key` (after every existing one in listings)."""
        with self.lock:
            self._added += 1
            self._items[key] = (self._added, item)

    def get(self, key: str) -> T | None:
        """The item under `key`, or None."""
        with self.lock:
            found = self._items.get(key)
        return found[1] if found else None

    def pop(self, key: str) -> T | None:
        """Remove and return the item under `key` (None if there is none)."""
        with self.lock:
            found = self._items.pop(key, None)
        return found[1] if found else None

    def values(self) -> list[T]:
        """Every item, oldest first."""
        with self.lock:
            return [item for _, item in self._items.values()]

    def clear(self) -> None:
        """Forget every item and start the ids over."""
        with self.lock:
            self._items.clear()
            self._made = self._added = 0

    def page(
        self, size: int, token: str, keep: Callable[[T], bool] = lambda _: True
    ) -> tuple[list[T], str | None]:
        """Up to `size` kept items after the position `token` names, and the next token."""
        after = _position(token)
        with self.lock:
            rest = [(seq, item) for seq, item in self._items.values() if seq > after]
        rest = [(seq, item) for seq, item in rest if keep(item)]
        page = rest[:size]
        if len(rest) <= size:
            return [item for _, item in page], None
        last = str(page[-1][0]).encode()
        return [item for _, item in page], base64.urlsafe_b64encode(last).decode()


def page_size(text: str, default: int, maximum: int) -> int:
    """The `pageSize` query parameter: `default` when absent or 0, at most `maximum`."""
    size = int(text) if text.isdigit() else 0
    return min(size, maximum) if size > 0 else default


def _position(token: str) -> int:
    if not token:
        return 0
    try:
        return int(base64.urlsafe_b64decode(token.encode()))
    except (binascii.Error, ValueError):
        raise ApiError(error(400, "Invalid page token.")) from None
