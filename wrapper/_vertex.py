"""Fields only Vertex AI takes, refused before a request is sent, as google-genai refuses them.

The spec marks such a field ``x-gemwire: vertex`` (``GenerationConfig.routingConfig``,
``Tool.retrieval``, ``FunctionCall.partialArgs``, ``EmbedContentConfig.autoTruncate``, ...):
the one list, which ``make compat`` checks against the fields google-genai 3.6.1 refuses for
the Gemini Developer API. Codegen writes the mark into the field's metadata (``"vertex"``),
and ``"holds_vertex"`` into that of every field whose value can hold such a field at some
depth (``Content.parts``, ``Part.function_call``), so :func:`refuse` looks only there.
"""

from __future__ import annotations

import dataclasses

from gemwire._serde import WireModel
from gemwire.errors import PathItem, VertexOnlyError, format_path

__all__ = ["refuse"]

# type -> (its fields only Vertex AI takes, its fields whose values can hold one)
_FIELDS: dict[type, tuple[tuple[str, ...], tuple[str, ...]]] = {}


def refuse(value: object, path: str, hint: str = "") -> None:
    """Raise :class:`~gemwire.errors.VertexOnlyError` naming the first field only Vertex AI
    takes that is set (not ``None``) in ``value``: a gemwire type, or a list of them, at
    ``path`` (``config``, ``contents``). Anything else (a Python function among the tools)
    holds none. ``hint`` ends the message."""
    found = _find(value)
    if found is not None:
        raise VertexOnlyError(format_path([path, *found]), hint)


def _find(value: object) -> list[PathItem] | None:
    """The path, below ``value``, of the first field only Vertex AI takes that is set. Runs
    on every request (the whole history of a chat): the common cases come first."""
    if isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            if (found := _find(item)) is not None:
                return [index, *found]
        return None
    cls = value.__class__
    known = _FIELDS.get(cls)
    if known is None:
        if isinstance(value, dict):  # a map of messages
            for key, item in value.items():
                if (found := _find(item)) is not None:
                    return [str(key), *found]
        if not isinstance(value, WireModel):
            return None
        fields = dataclasses.fields(value)
        vertex = tuple(f.name for f in fields if f.metadata.get("vertex"))
        holding = tuple(f.name for f in fields if f.metadata.get("holds_vertex"))
        known = _FIELDS[cls] = (vertex, holding)
    vertex, holding = known
    for name in vertex:
        if getattr(value, name) is not None:
            return [name]
    for name in holding:
        inner = getattr(value, name)
        if inner is not None and (found := _find(inner)) is not None:
            return [name, *found]
    return None
