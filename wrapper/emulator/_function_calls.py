"""Which functions the emulator's model calls, and with what arguments.

A request that declares functions (`tools[].functionDeclarations`) is answered with calls
when function calling is on (`toolConfig.functionCallingConfig.mode` other than `NONE`) and
the last turn is the user's and carries no `functionResponse`:

- every declared function whose name the turn's text contains as a word (case-insensitive) is
  called, in the order of the declarations: several make parallel calls in one turn;
- with mode `ANY` and no name in the text, the first declared function is called;
- `allowedFunctionNames` limits both to the functions it names.

A turn carrying `functionResponse`s gets a text answer (the responder reports them), so a
client's function-calling loop ends after one round. Each call's `args` are an instance of the
declaration's `parameters` (or `parametersJsonSchema`), made by `_instance` as for
`responseSchema`; `{}` without parameters. Calls carry no `id` (as most recorded calls of the
Gemini API).
"""

from __future__ import annotations

import re
from typing import Any

from gemwire.emulator import _fields as fields
from gemwire.emulator._instance import instance

__all__ = ["chosen"]


def chosen(request: dict[str, Any]) -> list[dict[str, Any]]:
    """The `functionCall`s that answer `request` (`{"name", "args"}` each); none for a text
    answer."""
    config = fields.get(fields.get(request, "toolConfig"), "functionCallingConfig")
    mode = str(fields.get(config, "mode") or "AUTO").upper()
    contents = fields.items(fields.get(request, "contents"))
    last = contents[-1] if contents else {}
    parts = fields.items(fields.get(last, "parts"))
    if (
        mode == "NONE"
        or fields.get(last, "role") == "model"
        or any(fields.get(part, "functionResponse") is not None for part in parts)
    ):
        return []
    declared = [
        declaration
        for tool in fields.items(fields.get(request, "tools"))
        for declaration in fields.items(fields.get(tool, "functionDeclarations"))
        if isinstance(declaration.get("name"), str)
    ]
    allowed = fields.get(config, "allowedFunctionNames")
    if isinstance(allowed, list):
        declared = [d for d in declared if d["name"] in allowed]
    text = " ".join(
        p["text"] for p in parts if isinstance(p.get("text"), str) and not p.get("thought")
    )
    called = [d for d in declared if _mentions(text, d["name"])]
    if not called and mode == "ANY":
        called = declared[:1]
    return [{"name": d["name"], "args": _arguments(d)} for d in called]


def _mentions(text: str, name: str) -> bool:
    """Whether `text` holds `name` as a word of its own (not inside a longer name)."""
    return re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text, re.IGNORECASE) is not None


def _arguments(declaration: dict[str, Any]) -> dict[str, Any]:
    schema = fields.get(declaration, "parameters")
    if schema is None:
        schema = fields.get(declaration, "parametersJsonSchema")
    value = instance(schema) if schema is not None else {}
    return value if isinstance(value, dict) else {}
