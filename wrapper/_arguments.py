"""Checks of the values users pass, each failing with the argument's name before anything is
sent (:class:`~gemwire.errors.ArgumentError`, or its ``TypeError`` kind for a wrong type)."""

from __future__ import annotations

import math
import re
from typing import Any

from gemwire.errors import ArgumentError, ArgumentTypeError

__all__ = ["count", "flag", "path_segment", "seconds", "text"]

# One segment of a resource path: a model id (gemini-2.5-flash, gemini-1.5-pro-002), an API
# version (v1beta). Nothing that could end the segment, start a query or climb a level.
SEGMENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def seconds(name: str, value: Any, *, unit: str = "seconds") -> float:
    """A positive, finite duration."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ArgumentTypeError(f"{name}: expected a number of {unit}, got {_kind(value)}")
    if not math.isfinite(value) or value <= 0:
        raise ArgumentError(f"{name}: expected a finite number of {unit} > 0, got {value!r}")
    return float(value)


def count(name: str, value: Any, *, minimum: int = 0) -> int:
    """A whole number, at least ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ArgumentTypeError(f"{name}: expected an integer, got {_kind(value)}")
    if value < minimum:
        raise ArgumentError(f"{name}: expected an integer >= {minimum}, got {value!r}")
    return value


def flag(name: str, value: Any) -> bool:
    """``True`` or ``False``."""
    if not isinstance(value, bool):
        raise ArgumentTypeError(f"{name}: expected True or False, got {_kind(value)}")
    return value


def text(name: str, value: Any) -> str:
    """A string."""
    if not isinstance(value, str):
        raise ArgumentTypeError(f"{name}: expected a string, got {_kind(value)}")
    return value


def path_segment(name: str, value: Any, example: str) -> str:
    """One segment of the URL path, as given: letters, digits, ``.``, ``_`` and ``-``."""
    if not isinstance(value, str) or not SEGMENT.fullmatch(value):
        raise ArgumentError(
            f"{name}: expected a name such as {example!r} (letters, digits, '.', '_', '-'), "
            f"got {value!r}"
        )
    return value


def _kind(value: Any) -> str:
    return type(value).__name__
