"""What a decoded value says about the spec: fields and enum values it does not know, and
where writing it back changes the wire JSON."""

from __future__ import annotations

import json
from typing import Any

from gemwire._serde import OpenEnum, WireModel
from gemwire._validation import snake_case
from gemwire.errors import format_path

PathItems = list[str | int]


def unknown_fields(value: object, path: PathItems | None = None) -> list[str]:
    """Where ``value`` (a decoded type) holds what the spec does not know, by wire path:
    ``candidates[0].newField`` for a field, ``candidates[0].finishReason = "NEW"`` for an
    enum value."""
    path = path or []
    found: list[str] = []
    if isinstance(value, WireModel):
        known = set()
        for name, field in value.__dataclass_fields__.items():
            wire = field.metadata.get("json", name)
            known |= {wire, snake_case(wire)}
            if name != "unknown_fields":
                found += unknown_fields(getattr(value, name), [*path, wire])
        extra = getattr(value, "unknown_fields", None) or {}
        found += [format_path([*path, key]) for key in extra if key not in known]
    elif isinstance(value, OpenEnum) and value._name_ not in type(value).__members__:
        found.append(f"{format_path(path)} = {json.dumps(value.value)}")
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            found += unknown_fields(item, [*path, index])
    return found


def first_difference(recorded: Any, written: Any, path: PathItems | None = None) -> str | None:
    """Where ``written`` first differs from ``recorded`` (JSON values), or None."""
    path = path or []
    if isinstance(recorded, dict) and isinstance(written, dict):
        for key in sorted(recorded.keys() | written.keys()):
            if key not in written:
                return f"{format_path([*path, key])}: recorded, not written back"
            if key not in recorded:
                return f"{format_path([*path, key])}: written back, not recorded"
            found = first_difference(recorded[key], written[key], [*path, key])
            if found:
                return found
        return None
    if isinstance(recorded, list) and isinstance(written, list):
        if len(recorded) != len(written):
            return f"{format_path(path)}: {len(recorded)} items recorded, {len(written)} written"
        for index, (one, other) in enumerate(zip(recorded, written, strict=True)):
            found = first_difference(one, other, [*path, index])
            if found:
                return found
        return None
    if recorded == written and type(recorded) is type(written):
        return None
    return f"{format_path(path)}: recorded {_shown(recorded)}, written back {_shown(written)}"


def _shown(value: Any) -> str:
    text = json.dumps(value)
    return text if len(text) <= 40 else text[:37] + "..."
