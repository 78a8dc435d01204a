"""The emulator's time, and time as Google writes it.

`Clock` is the wall clock plus an offset that only moves forward when a test asks
(`Emulator.advance`), so expiry (cache TTLs, the 48 hours of a file) can be tested without
waiting. Timestamps are RFC 3339 in UTC with 6 or 9 fractional digits, as the service writes
`createTime` (microseconds) and `expireTime` (nanoseconds).
"""

from __future__ import annotations

import threading
import time
from datetime import datetime, timezone

NANOS = 1_000_000_000


class Clock:
    """Nanoseconds since the epoch: the wall clock, moved forward by `advance`."""

    def __init__(self) -> None:
        self._offset = 0
        self._lock = threading.Lock()

    def now(self) -> int:
        """The current time in nanoseconds since the epoch."""
        with self._lock:
            return time.time_ns() + self._offset

    def advance(self, seconds: float) -> None:
        """Move the clock forward (never back)."""
        if seconds < 0:
            raise ValueError(f"the clock only moves forward, got {seconds} seconds")
        with self._lock:
            self._offset += int(seconds * NANOS)

    def reset(self) -> None:
        """Back to the wall clock."""
        with self._lock:
            self._offset = 0


def timestamp(nanos: int, digits: int = 6) -> str:
    """`2026-05-13T19:56:49.957864Z` (digits=6) or `...49.957864575Z` (digits=9)."""
    seconds, fraction = divmod(nanos, NANOS)
    moment = datetime.fromtimestamp(seconds, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
    return f"{moment}.{fraction:09d}"[: len(moment) + 1 + digits] + "Z"
