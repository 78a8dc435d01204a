"""Fields only Vertex AI takes, refused before a request is sent, as google-genai refuses them.

The spec marks such a field ``x-gemwire: vertex`` (``GenerationConfig.routingConfig``,
``Tool.retrieval``, ``FunctionCall.partialArgs``, ``EmbedContentConfig.autoTruncate``, ...):
the one list, which ``make compat`` checks against the fields google-genai 3.6.1 refuses for
the Gemini Developer API. Codegen writes the mark into the field's metadata (``"vertex"``),
and ``"holds_vertex"`` into that of every field whose value can hold such a field at some
depth (``Content.parts``, ``Part.function_call``), so :func:`refuse` looks only there.

It runs on every request, over the whole history of a chat, so each type's check is compiled
from source the first time the type is met (as ``gemwire._serde`` compiles its codecs): plain
attribute reads, about twice as fast as reading the fields by name in a loop.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from gemwire._serde import WireModel
from gemwire.errors import PathItem, VertexOnlyError, format_path

__all__ = ["refuse"]

Check = Callable[[Any], "list[PathItem] | None"]
_CHECKS: dict[type, Check] = {}  # a type -> the path of the first such field set in a value


def refuse(value: object, path: str, hint: str = "") -> None:
    """Raise :class:`~gemwire.errors.VertexOnlyError` naming the first field only Vertex AI
    takes that is set (not ``None``) in ``value``: a gemwire type, or a list of them, at
    ``path`` (``config``, ``contents``). Anything else (a Python function among the tools)
    holds none. ``hint`` ends the message."""
    found = _find(value)
    if found is not None:
        raise VertexOnlyError(format_path([path, *found]), hint)


def _find(value: object) -> list[PathItem] | None:
    """The path, below ``value`` (a message, or a list or map of them), of the first field
    only Vertex AI takes that is set."""
    if isinstance(value, (list, tuple)):
        items: Any = enumerate(value)
    elif isinstance(value, dict):
        items = value.items()
    else:
        check = _CHECKS.get(value.__class__) or _check(value)
        return None if check is None else check(value)
    for key, item in items:
        check = _CHECKS.get(item.__class__) or _check(item)
        if check is not None and (found := check(item)) is not None:
            return [key, *found]
    return None


def _check(value: object) -> Check | None:
    """The check of ``value``'s type, compiled now; ``None`` for a value of no gemwire type."""
    if not isinstance(value, WireModel):
        return None
    fields = dataclasses.fields(value)
    lines = ["def check(value):"]
    lines += [
        f"    if value.{f.name} is not None: return [{f.name!r}]"
        for f in fields
        if f.metadata.get("vertex")
    ]
    for field in fields:
        if field.metadata.get("holds_vertex"):
            lines += [
                f"    if value.{field.name} is not None:",
                f"        found = find(value.{field.name})",
                f"        if found is not None: return [{field.name!r}, *found]",
            ]
    lines.append("    return None")
    namespace: dict[str, Any] = {"find": _find}
    name = type(value).__name__
    exec(compile("\n".join(lines), f"<gemwire vertex check of {name}>", "exec"), namespace)
    check: Check = namespace["check"]
    _CHECKS[type(value)] = check
    return check
