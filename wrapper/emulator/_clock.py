"""The emulator's time, and time as Google writes it.

`Clock` is the wall clock plus an offset that only moves forward when a test asks
(`Emulator.advance`), so expiry (cache TTLs, the 48 hours of a file) can be tested without
waiting. Timestamps are RFC 3339 in UTC with 6 or 9 fractional digits, as the service writes
`createTime` (microseconds) and `expireTime` (nanoseconds); durations are seconds with an `s`.
"""

from __future__ import annotations

import re
import threading
import time
from datetime import datetime, timezone

NANOS = 1_000_000_000
_DURATION = re.compile(r"(\d+(?:\.\d{1,9})?)s")
_TIMESTAMP = re.compile(
    r"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})", re.IGNORECASE
)


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


def parse_duration(text: object) -> int | None:
    """Nanoseconds of a Duration such as `"300s"` or `"1.5s"`; None if it is not one."""
    found = _DURATION.fullmatch(text) if isinstance(text, str) else None
    if found is None:
        return None
    whole, _, fraction = found[1].partition(".")
    return int(whole) * NANOS + int(fraction.ljust(9, "0"))


def parse_timestamp(text: object) -> int | None:
    """Nanoseconds since the epoch of an RFC 3339 timestamp; None if it is not one."""
    found = _TIMESTAMP.fullmatch(text) if isinstance(text, str) else None
    if found is None:
        return None
    zone = "+00:00" if found[3].upper() == "Z" else found[3]
    try:
        moment = datetime.fromisoformat(found[1] + zone)
    except ValueError:
        return None
    return int(moment.timestamp()) * NANOS + int((found[2] or "").ljust(9, "0"))
