"""Report where ``gemwire.types`` and google-genai's types differ, for the generate family.

    python codegen/compat.py    # google-genai is pinned in the dev extra; `make compat` runs this

Walks google-genai's pydantic types from the roots of a generate / count-tokens call (``ROOTS``),
adds the names code built on google-genai imports at module level (``MODULE_NAMES``), and
compares each with the type of the same name in ``gemwire.types``:

- names gemwire lacks: a type, an enum, or the ``<Name>Dict`` TypedDict google-genai has for it;
- fields gemwire's type lacks (google-genai's Python names), and enum values;
- signatures: a method or property gemwire's type lacks, or a call of a constructor or method
  that google-genai accepts and gemwire would refuse (a parameter it lacks, one positional
  there and keyword-only here, one required here only). pydantic's ``model_*`` API (and
  google-genai's ``to_json_dict``) is compared once, as ``BaseModel``; its deprecated v1
  methods are left out.

A difference accepted on purpose is listed with its reason in ``spec/compat-allowlist.json``.

The report also serves ``make drift`` as a second upstream: it lists the fields of google-genai's
types that Google's protobuf descriptors (read by ``codegen/drift.py``) do not publish, grouped by
how the spec explains them: ``x-seen-in`` (the Gemini API has them; google-genai often knows
v1beta fields before the descriptors do), ``x-gemwire: vertex`` (only Vertex AI takes them) or
``x-gemwire: client`` (the SDK's own).

Exit status: 0 when every difference is allow-listed; 1 otherwise; 2 when google-genai, the spec
or the allow-list cannot be read.
"""

from __future__ import annotations

import argparse
import ast
import dataclasses
import enum
import importlib
import importlib.metadata
import importlib.util
import inspect
import json
import sys
import time
import types as pytypes
import typing
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "spec" / "gemini.schema.json"
ALLOWLIST = ROOT / "spec" / "compat-allowlist.json"
DISTRIBUTION = "google-genai"

# The types a generate_content / generate_content_stream / count_tokens call takes and returns.
ROOTS = (
    "GenerateContentConfig",
    "GenerateContentResponse",
    "Content",
    "Part",
    "CountTokensConfig",
    "CountTokensResponse",
    "HttpOptions",
)
# Names that code built on google-genai imports at module level, beyond what the roots reach.
MODULE_NAMES = (
    "UsageMetadata",
    "EmbedContentConfig",
    "CreateCachedContentConfig",
    "UserContent",
    "ModelContent",
    "Image",
)
# pydantic's API on every model, compared once as BASE; the v1 names (dict, json, parse_obj,
# ...) are deprecated there and left out. to_json_dict is google-genai's own.
PYDANTIC_API = (
    "model_computed_fields",
    "model_config",
    "model_construct",
    "model_copy",
    "model_dump",
    "model_dump_json",
    "model_extra",
    "model_fields",
    "model_fields_set",
    "model_json_schema",
    "model_parametrized_name",
    "model_post_init",
    "model_rebuild",
    "model_validate",
    "model_validate_json",
    "model_validate_strings",
    "to_json_dict",
)
BASE = "BaseModel"

# kind -> heading; every kind fails the run unless allow-listed
KINDS = {
    "name": "names gemwire.types lacks",
    "field": "fields gemwire's types lack",
    "enum value": "enum values gemwire lacks",
    "signature": "constructors, methods and properties that differ",
    "vertex": "fields google-genai refuses for the Gemini API, marked otherwise in the spec",
}
POSITIONAL = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
VARIADIC = (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)


@dataclass(frozen=True)
class Difference:
    kind: str  # a key of KINDS
    path: str  # `Part`, `PartDict`, `Part.media_resolution`, `FinishReason.STOP`, `Part(value)`
    detail: str
    reason: str = ""  # the allow-list's, once allowed


# --- google-genai's side ---------------------------------------------------------------------


def _referenced(annotation: Any, module: str) -> list[type]:
    """The google-genai models and enums that a field's annotation names."""
    if (
        isinstance(annotation, type)
        and annotation.__module__ == module
        and (issubclass(annotation, enum.Enum) or hasattr(annotation, "model_fields"))
    ):
        return [annotation]
    found: list[type] = []
    for argument in typing.get_args(annotation):
        found += _referenced(argument, module)
    return found


def walk(module: pytypes.ModuleType, roots: Iterable[str]) -> dict[str, type]:
    """Every model and enum of ``module`` reachable from ``roots`` through model fields."""
    reached: dict[str, type] = {}
    queue: list[type] = [getattr(module, name) for name in roots]
    while queue:
        cls = queue.pop(0)
        if cls.__name__ in reached:
            continue
        reached[cls.__name__] = cls
        for info in getattr(cls, "model_fields", {}).values():
            queue += _referenced(info.annotation, module.__name__)
    return reached


def own_members(cls: type, base: type) -> dict[str, Any]:
    """The public methods and properties that ``cls`` and its google-genai bases below
    ``base`` define (pydantic's API is compared apart)."""
    members: dict[str, Any] = {}
    for klass in reversed(cls.__mro__[: cls.__mro__.index(base)]):
        for name, value in vars(klass).items():
            if name.startswith("_") or name in PYDANTIC_API:
                continue
            if name in getattr(cls, "model_fields", {}):
                continue
            if isinstance(value, (property, classmethod, staticmethod, pytypes.FunctionType)):
                members[name] = value
    return members


# --- the comparison --------------------------------------------------------------------------


def compare_signatures(theirs: inspect.Signature, ours: inspect.Signature) -> list[str]:
    """``(parameter, problem)`` texts for each way a call that ``theirs`` accepts could fail
    with ``ours``; empty when none can."""
    their_params = [p for p in theirs.parameters.values() if p.name not in ("self", "cls")]
    our_params = [p for p in ours.parameters.values() if p.name not in ("self", "cls")]
    ours_by_name = {p.name: p for p in our_params}
    our_kinds = {p.kind for p in our_params}
    our_positional = [p for p in our_params if p.kind in POSITIONAL]
    problems: list[str] = []
    for index, param in enumerate(p for p in their_params if p.kind in POSITIONAL):
        if index >= len(our_positional) and inspect.Parameter.VAR_POSITIONAL not in our_kinds:
            problems.append(f"{param.name}: positional there, not here")
    for param in their_params:
        if param.kind in VARIADIC:
            if param.kind not in our_kinds:
                star = "*" if param.kind is inspect.Parameter.VAR_POSITIONAL else "**"
                problems.append(f"{star}{param.name}: takes extra arguments there, not here")
            continue
        if param.kind is inspect.Parameter.POSITIONAL_ONLY:
            continue
        mine = ours_by_name.get(param.name)
        if mine is None and inspect.Parameter.VAR_KEYWORD not in our_kinds:
            problems.append(f"{param.name}: no such parameter here")
        elif mine is not None and mine.kind is inspect.Parameter.POSITIONAL_ONLY:
            problems.append(f"{param.name}: positional-only here")
    names = {p.name for p in their_params}
    their_positional = sum(p.kind in POSITIONAL for p in their_params)
    for index, param in enumerate(our_params):
        if param.default is not inspect.Parameter.empty or param.kind in VARIADIC:
            continue
        if param.kind is inspect.Parameter.POSITIONAL_ONLY:
            unknown = index >= their_positional and param.name not in names
        else:
            unknown = param.name not in names
        if unknown:
            problems.append(f"{param.name}: required here, unknown there")
    return problems


def _signature(value: Any) -> inspect.Signature | None:
    try:
        return inspect.signature(value)
    except (TypeError, ValueError):  # a builtin without one
        return None


def _calls(path: str, theirs: Any, ours: Any) -> list[Difference]:
    their_signature, our_signature = _signature(theirs), _signature(ours)
    if their_signature is None or our_signature is None:
        return []
    found = []
    for problem in compare_signatures(their_signature, our_signature):
        parameter, detail = problem.split(": ", 1)
        found.append(Difference("signature", f"{path}({parameter})", detail))
    return found


def compare_members(path: str, theirs: dict[str, Any], cls: type, ours: type) -> list[Difference]:
    """Methods and properties of google-genai's ``cls`` (``theirs``: name -> the attribute as
    defined) against gemwire's class ``ours``."""
    found: list[Difference] = []
    for name, value in theirs.items():
        where = f"{path}.{name}"
        mine = inspect.getattr_static(ours, name, None)
        if mine is None:
            what = "property" if isinstance(value, property) else "method or attribute"
            found.append(Difference("signature", where, f"a {what} gemwire lacks"))
        elif callable(getattr(cls, name, None)) and not isinstance(value, property):
            found += _calls(where, getattr(cls, name), getattr(ours, name))
    return found


def compare_type(name: str, cls: type, ours: Any, module: pytypes.ModuleType) -> list[Difference]:
    """One google-genai type against ``ours``, gemwire's of the same name (``None``: lacking)."""
    if ours is None:
        return [Difference("name", name, "a type gemwire.types lacks")]
    if issubclass(cls, enum.Enum):
        if not (isinstance(ours, type) and issubclass(ours, enum.Enum)):
            return [Difference("name", name, f"an enum there, {type(ours).__name__} here")]
        values = {str(member.value) for member in ours}
        return [
            Difference("enum value", f"{name}.{member.value}", "missing")
            for member in cls
            if str(member.value) not in values
        ]
    found: list[Difference] = []
    their_module = sys.modules[cls.__module__]
    if hasattr(their_module, f"{name}Dict") and not hasattr(module, f"{name}Dict"):
        found.append(Difference("name", f"{name}Dict", "the TypedDict gemwire lacks"))
    fields = getattr(ours, "__dataclass_fields__", {})
    for field_name in cls.model_fields:  # type: ignore[attr-defined]
        if field_name not in fields:
            detail = "a property here, not a field" if hasattr(ours, field_name) else "missing"
            found.append(Difference("field", f"{name}.{field_name}", detail))
    base = _genai_base(cls)
    if any("__init__" in vars(klass) for klass in cls.__mro__[: cls.__mro__.index(base)]):
        found += _calls(name, cls.__init__, ours.__init__)  # type: ignore[misc]
    found += compare_members(name, own_members(cls, base), cls, ours)
    return found


def _genai_base(cls: type) -> type:
    """google-genai's ``_common.BaseModel``, where its own classes end and pydantic's begin."""
    return next(
        k for k in cls.__mro__ if k.__name__ == "BaseModel" and k.__module__ != "pydantic.main"
    )


def reached_names(theirs: pytypes.ModuleType) -> dict[str, type]:
    """The google-genai types compared: those the roots reach, and the module-level names."""
    reached = walk(theirs, ROOTS)
    return reached | {name: getattr(theirs, name) for name in MODULE_NAMES}


def compare(
    theirs: pytypes.ModuleType, ours: pytypes.ModuleType, wire_model: type
) -> list[Difference]:
    """Every difference between google-genai's types (``theirs``) and gemwire's (``ours``;
    ``wire_model``: the base of its types), in a stable order."""
    found: list[Difference] = []
    for name, cls in sorted(reached_names(theirs).items()):
        found += compare_type(name, cls, getattr(ours, name, None), ours)
    base = _genai_base(theirs.Content)
    api = {name: inspect.getattr_static(base, name) for name in PYDANTIC_API if hasattr(base, name)}
    found += compare_members(BASE, api, base, wire_model)
    return sorted(found, key=lambda d: (list(KINDS).index(d.kind), d.path))


# --- Vertex AI's fields: what google-genai refuses against the spec's marks -----------------

# google-genai's modules of the calls gemwire has (generate, count, embed, models; caches;
# batches; files); their `_<Type>_to_mldev` functions build the Gemini API's requests.
REQUEST_MODULES = ("models", "caches", "batches", "files")


def refusals(package: Path) -> dict[str, set[str]]:
    """For each google-genai type that ``REQUEST_MODULES`` convert for the Gemini Developer
    API (``_<Type>_to_mldev``), the fields its converter refuses: ``if getv(from_object,
    ['field']) is not None: raise ValueError(...)``."""
    refused: dict[str, set[str]] = {}
    for module in REQUEST_MODULES:
        tree = ast.parse((package / f"{module}.py").read_text(encoding="utf-8"))
        for function in tree.body:
            if not (isinstance(function, ast.FunctionDef) and function.name.endswith("_to_mldev")):
                continue
            fields = refused.setdefault(function.name.removeprefix("_")[: -len("_to_mldev")], set())
            for node in ast.walk(function):
                if isinstance(node, ast.If) and any(isinstance(s, ast.Raise) for s in node.body):
                    fields.update(_tested_field(node.test))
    return refused


def _tested_field(test: ast.expr) -> list[str]:
    """``['field']`` of ``getv(from_object, ['field']) is not None``, else ``[]``."""
    call = test.left if isinstance(test, ast.Compare) else None
    if not (isinstance(call, ast.Call) and getattr(call.func, "id", "") == "getv"):
        return []
    path = call.args[1] if len(call.args) == 2 else None
    if isinstance(path, ast.List) and len(path.elts) == 1:
        return [str(ast.literal_eval(path.elts[0]))]
    return []


def compare_refusals(refused: dict[str, set[str]], ours: pytypes.ModuleType) -> list[Difference]:
    """Each field google-genai refuses that gemwire has and the spec does not mark
    ``x-gemwire: vertex`` (gemwire would send it), and each marked field of a type google-genai
    converts that it sends (gemwire would refuse it). Types and fields gemwire lacks (a batch
    job's BigQuery source) need no refusal: their constructors refuse them already."""
    found: list[Difference] = []
    for name, fields in sorted(refused.items()):
        mine = getattr(ours, name, None)
        if not isinstance(mine, type) or not dataclasses.is_dataclass(mine):
            continue
        for field in dataclasses.fields(mine):
            marked = bool(field.metadata.get("vertex"))
            if marked and field.name not in fields:
                detail = "marked x-gemwire: vertex; google-genai sends it to the Gemini API"
            elif not marked and field.name in fields:
                detail = "google-genai refuses it for the Gemini API; the spec does not mark it"
            else:
                continue
            found.append(Difference("vertex", f"{name}.{field.name}", detail))
    return found


def refused_count(refused: dict[str, set[str]], ours: pytypes.ModuleType) -> int:
    """How many of the fields google-genai refuses gemwire's types have (and refuse)."""
    return sum(
        field in getattr(getattr(ours, name, None), "__dataclass_fields__", {})
        for name, fields in refused.items()
        for field in fields
    )


# --- the second upstream: fields the descriptors do not publish ------------------------------


@dataclass(frozen=True)
class Unpublished:
    path: str  # google-genai's: `Candidate.continuation_token`
    wire: str  # the spec's: `Candidate.continuationToken`
    note: str  # how the spec explains it: `x-seen-in: ...`, `x-gemwire: vertex`, or ""


def unpublished_fields(
    theirs: pytypes.ModuleType, ours: pytypes.ModuleType, spec: dict[str, Any], drift: Any
) -> list[Unpublished]:
    """The wire fields of google-genai's types (that gemwire has) which Google's protobuf
    descriptors lack. Client-side types and fields (configs, ``sdk_http_response``) never
    travel, and google.type values (``Interval``) are compared as values: both left out."""
    spec_model = drift.read_spec(spec)
    upstream = drift.renamed(drift.read_descriptors(), spec_model.renames)
    defs = spec["$defs"]
    found: list[Unpublished] = []
    for name, cls in sorted(reached_names(theirs).items()):
        mine = getattr(ours, name, None)
        schema = defs.get(getattr(mine, "__name__", ""), {})
        if not hasattr(cls, "model_fields") or "properties" not in schema:
            continue
        if schema.get("x-gemwire") == "client" or schema.get("x-upstream") in drift.WELL_KNOWN:
            continue
        published = upstream.messages.get(mine.__name__)
        for field_name in cls.model_fields:
            wire_field = mine.__dataclass_fields__.get(field_name)
            if wire_field is None or wire_field.metadata.get("client"):
                continue
            wire = wire_field.metadata["json"]
            if published is not None and wire in published.fields:
                continue
            prop = schema["properties"][wire]
            note = drift._explanation(prop) or drift._explanation(schema) or ""
            found.append(Unpublished(f"{name}.{field_name}", f"{mine.__name__}.{wire}", note))
    return found


# --- the allow-list --------------------------------------------------------------------------


@dataclass(frozen=True)
class Allowance:
    path: str
    reason: str


def read_allowlist(path: Path) -> list[Allowance]:
    """``{"allow": [{"path", "reason"}]}``; raises ValueError when malformed."""
    allowances: list[Allowance] = []
    for where, entry in _load_drift().allow_entries(path, {"path", "reason"}):
        if not isinstance(entry.get("path"), str):
            raise ValueError(f"{where}: `path` must be a path from the report")
        allowances.append(Allowance(entry["path"], entry["reason"]))
    return allowances


def apply_allowlist(
    differences: Sequence[Difference], allowances: Sequence[Allowance]
) -> tuple[list[Difference], list[Difference], list[Allowance]]:
    """``(unexplained, allowed, stale allowances)``."""
    reasons = {allowance.path: allowance.reason for allowance in allowances}
    unexplained = [d for d in differences if d.path not in reasons]
    allowed = [replace(d, reason=reasons[d.path]) for d in differences if d.path in reasons]
    used = {d.path for d in allowed}
    return unexplained, allowed, [a for a in allowances if a.path not in used]


# --- the report ------------------------------------------------------------------------------


def render(
    source: str,
    compared: int,
    dicts: int,
    refused: int,
    unexplained: Sequence[Difference],
    allowed: Sequence[Difference],
    stale: Sequence[Allowance],
    unpublished: Sequence[Unpublished],
) -> str:
    lines = [
        f"compat: gemwire.types against {source}: {compared} types compared ({dicts} with a "
        f"*Dict TypedDict); {refused} fields of its calls' types google-genai refuses for the "
        "Gemini API"
    ]
    for kind, heading in KINDS.items():
        group = [d for d in unexplained if d.kind == kind]
        lines.append(f"{heading}: {len(group) or 'none'}")
        lines += [f"  {d.path}: {d.detail}" for d in group]
    if allowed:
        lines += ["", f"allowed by spec/compat-allowlist.json ({len(allowed)}):"]
        lines += [f"  {d.path}: {d.reason}" for d in allowed]
    if stale:
        lines += ["", "stale spec/compat-allowlist.json entries (nothing matches them; remove):"]
        lines += [f"  {a.path}" for a in stale]
    lines += [
        "",
        f"google-genai's fields that the protobuf descriptors do not publish ({len(unpublished)}):",
    ]
    groups: dict[str, dict[str, list[str]]] = {}
    for item in unpublished:
        owner, field_name = item.path.split(".", 1)
        by_type = groups.setdefault(item.note or "unexplained in the spec", {})
        by_type.setdefault(owner, []).append(field_name)
    for note, by_type in sorted(groups.items()):
        count = sum(len(names) for names in by_type.values())
        lines.append(f"  {note} ({count}):")
        lines += [f"    {owner}: {', '.join(names)}" for owner, names in by_type.items()]
    lines.append("")
    if unexplained:
        lines.append(
            f"compat: FAIL: {len(unexplained)} difference(s) to resolve: add them to the spec "
            "(then `make generate`), or list them with a reason in spec/compat-allowlist.json"
        )
    else:
        lines.append(f"compat: OK: nothing unexplained ({len(allowed)} allowed)")
    return "\n".join(lines)


def _load_drift() -> Any:
    """``codegen/drift.py``, which reads the descriptors and the spec's explanations."""
    name = "gemwire_codegen_drift"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, ROOT / "codegen" / "drift.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # its dataclasses look their module up
        spec.loader.exec_module(module)
    return sys.modules[name]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--allowlist", type=Path, default=ALLOWLIST, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        theirs = importlib.import_module("google.genai.types")
        source = f"{DISTRIBUTION} {importlib.metadata.version(DISTRIBUTION)}"
    except ImportError as error:
        print(f"compat: {error}: install the dev extra (`make compat` does)", file=sys.stderr)
        return 2
    try:
        spec = json.loads(SPEC.read_text(encoding="utf-8"))
        allowances = read_allowlist(args.allowlist)
    except (OSError, ValueError) as error:
        print(f"compat: cannot read the spec or the allow-list: {error}", file=sys.stderr)
        return 2
    from gemwire import _serde, types

    refused = refusals(Path(theirs.__file__).parent)
    differences = compare(theirs, types, _serde.WireModel) + compare_refusals(refused, types)
    unexplained, allowed, stale = apply_allowlist(differences, allowances)
    unpublished = unpublished_fields(theirs, types, spec, _load_drift())
    reached = reached_names(theirs)
    dicts = sum(hasattr(theirs, f"{name}Dict") for name in reached)
    counted = refused_count(refused, types)
    print(render(source, len(reached), dicts, counted, unexplained, allowed, stale, unpublished))
    print(f"({time.perf_counter() - started:.1f} s)")
    return 1 if unexplained else 0


if __name__ == "__main__":
    sys.exit(main())
