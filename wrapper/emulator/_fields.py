"""Reading request JSON as the service does: camelCase or snake_case keys, lone objects as lists."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from gemwire._validation import snake_case

__all__ = ["get", "items"]


def get(message: Any, camel: str) -> Any:
    """A field by its camelCase name or its snake_case spelling (``None`` if neither is set)."""
    if not isinstance(message, Mapping):
        return None
    value = message.get(camel)
    return value if value is not None else message.get(_snake_case(camel))


def items(value: Any) -> list[dict[str, Any]]:
    """A repeated field as a list of objects (a lone object counts as a list of one)."""
    if isinstance(value, dict):
        return [value]
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


_snake_case = functools.cache(snake_case)  # the same few names, on every request
