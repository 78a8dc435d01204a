"""Report where ``spec/`` and Google's published description of the same API surface differ.

    python codegen/drift.py                          # against the protobuf descriptors
    python codegen/drift.py --discovery PATH_OR_URL  # ... and a REST discovery document too
    python codegen/drift.py --print-graph            # the descriptors' graph (reachable.json)

Upstream is read from the protobuf descriptors in ``google-ai-generativelanguage`` (walked from
the four root messages of generateContent / countTokens) and, when given, from Google's REST
discovery document. Each reader produces the same normalized ``Model`` (messages -> fields
{json name -> kind, ref, repeated, map, oneof}, enums -> values); the spec is read into one too,
and ``compare`` is the only code that finds differences.

Exit status: 0 when everything upstream has is in the spec with the same type, or is listed with
a reason in ``spec/drift-allowlist.json``; 1 when something is missing, changed, or the spec
holds something upstream lacks without an ``x-seen-in`` / ``x-gemwire: client`` explanation;
2 when the spec, the allow-list or the descriptors cannot be read.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.metadata
import json
import os
import re
import sys
import time
import urllib.request
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "spec" / "gemini.schema.json"
ALLOWLIST = ROOT / "spec" / "drift-allowlist.json"

ROOTS = (
    "GenerateContentRequest",
    "GenerateContentResponse",
    "CountTokensRequest",
    "CountTokensResponse",
)
# The other endpoints gemwire calls, walked too (`make drift`) but not part of the generate
# family's reference graph (`--print-graph`, shared/upstream/reachable.json). The answer of
# batchEmbedContents (BatchEmbedContentsResponse: `embeddings`) is read into EmbedContentResponse,
# google-genai's one answer type of both embedding calls, whose `embeddings` says so.
ENDPOINT_ROOTS = (
    "EmbedContentRequest",
    "BatchEmbedContentsRequest",
    "EmbedContentResponse",
    "ListModelsResponse",
    "File",
    "ListFilesResponse",
    "CachedContent",
    "ListCachedContentsResponse",
)
WALKED = ROOTS + ENDPOINT_ROOTS
DISTRIBUTION = "google-ai-generativelanguage"
MODULE = "google.ai.generativelanguage_v1beta"
DESCRIPTORS = "protobuf descriptors"
DISCOVERY = "discovery document"

# Messages whose proto3 JSON form is a value, not an object with fields: a field of one of these
# types has the kind on the right. Everything else (google.type.LatLng included) is a message.
WELL_KNOWN = {
    "google.protobuf.Struct": "object",
    "google.protobuf.Any": "object",  # JSON: the message's fields beside its "@type"
    "google.protobuf.Value": "any",
    "google.protobuf.ListValue": "array",
    "google.protobuf.Duration": "duration",
    "google.protobuf.Timestamp": "timestamp",
    "google.protobuf.FieldMask": "fieldmask",
    "google.protobuf.DoubleValue": "number",
    "google.protobuf.FloatValue": "number",
    "google.protobuf.Int64Value": "int64",
    "google.protobuf.UInt64Value": "uint64",
    "google.protobuf.Int32Value": "integer",
    "google.protobuf.UInt32Value": "integer",
    "google.protobuf.BoolValue": "boolean",
    "google.protobuf.StringValue": "string",
    "google.protobuf.BytesValue": "bytes",
    "google.type.Interval": "interval",
    "google.type.Date": "date",
}

# JSON Schema / discovery `format` -> kind (the proto3 JSON encodings the spec README lists).
FORMATS = {
    "int64": "int64",
    "uint64": "uint64",
    "byte": "bytes",
    "google-duration": "duration",
    "google-datetime": "timestamp",
    "date-time": "timestamp",
    "google-fieldmask": "fieldmask",
}


# --- the normalized model -------------------------------------------------------------------


@dataclass(frozen=True)
class Shape:
    """The type of one field: a scalar kind, or `message`/`enum` with the def name it refers to."""

    kind: str
    ref: str | None = None
    repeated: bool = False
    map: bool = False
    oneof: str | None = None

    def describe(self, oneof: bool = True) -> str:
        text = self.kind if self.ref is None else f"{self.kind} {self.ref}"
        if self.map:
            text = f"map<string, {text}>"
        elif self.repeated:
            text = f"repeated {text}"
        if oneof and self.oneof:
            text += f" (oneof {self.oneof})"
        return text


@dataclass
class Message:
    origin: str  # what the source calls it: protobuf name, discovery schema id, or $defs name
    fields: dict[str, Shape] = field(default_factory=dict)
    note: str | None = None  # spec only: the x-seen-in / x-gemwire explanation of the def
    field_notes: dict[str, str] = field(default_factory=dict)  # spec only: per property


@dataclass
class Enum:
    origin: str
    values: list[str]
    note: str | None = None
    value_notes: dict[str, str] = field(default_factory=dict)  # spec only: x-values


@dataclass
class Model:
    """Messages and enums, keyed by their `$defs` name (`GenerateContentResponseUsageMetadata`)."""

    kind: str  # "descriptors", "discovery" or "spec"
    source: str  # for the report
    roots: list[str]
    messages: dict[str, Message]
    enums: dict[str, Enum]
    knows_oneofs: bool = True  # discovery documents do not record oneofs
    own_names: bool = False  # names are the source's own (discovery): `align` them first
    problems: list[str] = field(default_factory=list)  # spec only: broken naming conventions
    # spec only: upstream's name -> the def's, for defs named as google-genai names them
    # (`MediaModality`, x-upstream `Modality`)
    renames: dict[str, str] = field(default_factory=dict)

    def summary(self) -> str:
        fields = sum(len(m.fields) for m in self.messages.values())
        values = sum(len(e.values) for e in self.enums.values())
        return (
            f"{len(self.messages)} messages, {fields} fields, "
            f"{len(self.enums)} enums ({values} values)"
        )


def def_name(name: str) -> str:
    """`GenerateContentResponse.UsageMetadata` -> `GenerateContentResponseUsageMetadata`;
    `google.type.LatLng` -> `LatLng` (lower-case package parts are dropped)."""
    parts = name.split(".")
    while len(parts) > 1 and parts[0][:1].islower():
        parts.pop(0)
    return "".join(parts)


# --- upstream 1: protobuf descriptors -------------------------------------------------------


def _scalar_kinds() -> dict[int, str]:
    F = importlib.import_module("google.protobuf.descriptor").FieldDescriptor

    kinds = dict.fromkeys((F.TYPE_DOUBLE, F.TYPE_FLOAT), "number")
    kinds |= dict.fromkeys(
        (F.TYPE_INT32, F.TYPE_SINT32, F.TYPE_SFIXED32, F.TYPE_UINT32, F.TYPE_FIXED32), "integer"
    )
    kinds |= dict.fromkeys((F.TYPE_INT64, F.TYPE_SINT64, F.TYPE_SFIXED64), "int64")
    kinds |= dict.fromkeys((F.TYPE_UINT64, F.TYPE_FIXED64), "uint64")
    kinds |= {F.TYPE_BOOL: "boolean", F.TYPE_STRING: "string", F.TYPE_BYTES: "bytes"}
    kinds |= {F.TYPE_ENUM: "enum", F.TYPE_MESSAGE: "message", F.TYPE_GROUP: "message"}
    return kinds


def _is_repeated(fd: Any) -> bool:
    if hasattr(fd, "is_repeated"):  # protobuf >= 5.28; `label` is gone in 7
        return bool(fd.is_repeated)
    return bool(fd.label == fd.LABEL_REPEATED)


def _synthetic_oneof_members(desc: Any) -> set[str]:
    """Fields whose oneof only records proto3 `optional` presence (`_candidate_count`)."""
    proto = importlib.import_module("google.protobuf.descriptor_pb2").DescriptorProto()
    desc.CopyToProto(proto)
    return {f.name for f in proto.field if f.proto3_optional}


def walk_descriptors(roots: Sequence[Any]) -> dict[str, Any]:
    """Walk protobuf message descriptors from `roots` into the published-graph format of
    `shared/upstream/reachable.json`: `messages[NAME].fields[jsonName]` = {proto, repeated|map,
    type, ref, oneof} and `enums[NAME]` = values. Names are relative to the roots' package."""
    package = roots[0].file.package + "."
    kinds = _scalar_kinds()
    messages: dict[str, dict[str, Any]] = {}
    enums: dict[str, list[str]] = {}

    def name_of(desc: Any) -> str:
        return str(desc.full_name).removeprefix(package)

    def type_of(fd: Any, queue: list[Any]) -> dict[str, str]:
        kind = kinds[fd.type]
        if kind == "enum":
            enums[name_of(fd.enum_type)] = [v.name for v in fd.enum_type.values]
            return {"type": "enum", "ref": name_of(fd.enum_type)}
        if kind == "message":
            target = fd.message_type
            if target.full_name in WELL_KNOWN:
                return {"type": WELL_KNOWN[target.full_name]}
            queue.append(target)
            return {"type": "message", "ref": name_of(target)}
        return {"type": kind}

    queue = list(roots)
    while queue:
        desc = queue.pop(0)
        if name_of(desc) in messages:
            continue
        fields: dict[str, Any] = {}
        messages[name_of(desc)] = {"fields": fields}
        synthetic = _synthetic_oneof_members(desc)
        for fd in desc.fields:
            entry: dict[str, Any] = {"proto": fd.name}
            target = fd
            if fd.message_type is not None and fd.message_type.GetOptions().map_entry:
                entry["map"] = True
                target = fd.message_type.fields_by_name["value"]
            elif _is_repeated(fd):
                entry["repeated"] = True
            entry |= type_of(target, queue)
            if fd.containing_oneof is not None and fd.name not in synthetic:
                entry["oneof"] = fd.containing_oneof.name
            fields[fd.json_name] = entry
    return {"messages": dict(sorted(messages.items())), "enums": dict(sorted(enums.items()))}


def model_from_graph(graph: dict[str, Any], source: str) -> Model:
    """The normalized model of a published graph (`descriptor_graph`, `reachable.json`)."""
    messages: dict[str, Message] = {}
    for name, body in graph["messages"].items():
        fields = {
            json_name: Shape(
                kind=f["type"],
                ref=def_name(f["ref"]) if "ref" in f else None,
                repeated=bool(f.get("repeated")),
                map=bool(f.get("map")),
                oneof=f.get("oneof"),
            )
            for json_name, f in body["fields"].items()
        }
        messages[def_name(name)] = Message(origin=name, fields=fields)
    enums = {def_name(n): Enum(origin=n, values=list(v)) for n, v in graph["enums"].items()}
    return Model("descriptors", source, [def_name(r) for r in graph["roots"]], messages, enums)


def descriptor_graph(module: str = MODULE, roots: Sequence[str] = ROOTS) -> dict[str, Any]:
    """The published graph of the installed `google-ai-generativelanguage`, with its source."""
    api = importlib.import_module(module)
    descriptors = [getattr(api, root).pb().DESCRIPTOR for root in roots]
    version = importlib.metadata.version(DISTRIBUTION)
    graph = walk_descriptors(descriptors)
    api_version = module.rsplit("_", 1)[-1]
    return {
        "source": f"{DISTRIBUTION} {version} ({api_version} descriptors)",
        "roots": list(roots),
    } | graph


def read_descriptors() -> Model:
    graph = descriptor_graph(roots=WALKED)
    return model_from_graph(graph, f"{DESCRIPTORS}: {graph['source']}")


# --- upstream 2: REST discovery document ----------------------------------------------------


class DiscoveryUnavailable(Exception):
    """The discovery document could not be read or is not one; the report says so."""


def load_discovery(location: str, timeout: float = 20.0) -> dict[str, Any]:
    try:
        if re.match(r"https?://", location):
            with urllib.request.urlopen(location, timeout=timeout) as response:
                text = response.read().decode("utf-8")
        else:
            text = Path(location).read_text(encoding="utf-8")
        doc = json.loads(text)
    except (OSError, ValueError) as error:
        raise DiscoveryUnavailable(f"{location}: {error}") from error
    if not isinstance(doc, dict):
        raise DiscoveryUnavailable(f"{location}: not a discovery document (not a JSON object)")
    return doc


# Discovery writes google.type value messages as ordinary schemas; recognise them by shape.
_DISCOVERY_VALUE_TYPES = {
    frozenset({"startTime", "endTime"}): ("Interval", "interval"),
    frozenset({"year", "month", "day"}): ("Date", "date"),
}


def _discovery_value_kind(schema_id: str, schema: dict[str, Any]) -> str | None:
    known = _DISCOVERY_VALUE_TYPES.get(frozenset(schema.get("properties", {})))
    if known and schema_id.endswith(known[0]):
        return known[1]
    return None


def read_discovery(doc: dict[str, Any], source: str, roots: Sequence[str] = WALKED) -> Model:
    """The normalized model of a discovery document, walked from `roots`. Names are the
    document's own (`PromptFeedback`), inline enums are named `<schema><Field>`; `align` turns
    them into spec names. Discovery documents do not record oneofs."""
    schemas = doc.get("schemas")
    if not isinstance(schemas, dict) or not schemas:
        raise DiscoveryUnavailable(f"{source}: no `schemas`: not a discovery document")
    if not any(root in schemas for root in roots):
        raise DiscoveryUnavailable(f"{source}: none of {', '.join(roots)} is among its schemas")
    messages: dict[str, Message] = {}
    enums: dict[str, Enum] = {}

    def kind_of(owner: str, prop_name: str, prop: dict[str, Any], queue: list[str]) -> Shape:
        if "$ref" in prop:
            target = str(prop["$ref"])
            value_kind = _discovery_value_kind(target, schemas.get(target, {}))
            if value_kind:
                return Shape(value_kind)
            queue.append(target)
            return Shape("message", target)
        if "enum" in prop:
            name = owner + prop_name[:1].upper() + prop_name[1:]
            enums[name] = Enum(f"{owner}.{prop_name} (inline enum)", [str(v) for v in prop["enum"]])
            return Shape("enum", name)
        return Shape(FORMATS.get(prop.get("format", "")) or str(prop.get("type", "any")))

    def shape_of(owner: str, prop_name: str, prop: dict[str, Any], queue: list[str]) -> Shape:
        items, values = prop.get("items"), prop.get("additionalProperties")
        if prop.get("type") == "array" and isinstance(items, dict) and items.get("type") != "any":
            return replace(kind_of(owner, prop_name, items, queue), repeated=True)
        if (
            prop.get("type") == "object"
            and isinstance(values, dict)
            and values.get("type") != "any"
        ):
            return replace(kind_of(owner, prop_name, values, queue), map=True)
        return kind_of(owner, prop_name, prop, queue)

    queue = [root for root in roots if root in schemas]
    while queue:
        schema_id = queue.pop(0)
        if schema_id in messages or schema_id not in schemas:
            continue
        message = messages[schema_id] = Message(origin=f"discovery schema {schema_id}")
        for prop_name, prop in schemas[schema_id].get("properties", {}).items():
            message.fields[prop_name] = shape_of(schema_id, prop_name, prop, queue)
    label = f"{DISCOVERY}: {source}"
    return Model(
        "discovery", label, list(roots), messages, enums, knows_oneofs=False, own_names=True
    )


def align(model: Model, reference: Model) -> Model:
    """Rename `model`'s messages and enums to `reference`'s names. A discovery document names
    nested messages its own way and writes enums inline, but the same field path from the same
    root reaches the same type, so walking both from the roots pairs them up. Types only
    `model` has keep their own names."""
    rename = {root: root for root in model.roots if root in model.messages}
    taken = set(rename.values())
    queue = [(root, root) for root in rename if root in reference.messages]
    while queue:
        mine, theirs = queue.pop(0)
        for field_name, shape in model.messages[mine].fields.items():
            other = reference.messages[theirs].fields.get(field_name)
            if shape.ref is None or other is None or other.ref is None or shape.kind != other.kind:
                continue
            if shape.ref in rename or (shape.kind == "message" and other.ref in taken):
                continue  # first path wins; two schemas never merge into one message
            rename[shape.ref] = other.ref
            taken.add(other.ref)
            if shape.ref in model.messages and other.ref in reference.messages:
                queue.append((shape.ref, other.ref))
    for name in [*model.messages, *model.enums]:
        if name not in rename:
            rename[name] = name if name not in taken else f"{name}@upstream"
    return renamed(model, rename)


def renamed(model: Model, rename: dict[str, str]) -> Model:
    """``model`` with its messages and enums (and the refs to them) renamed by ``rename``;
    names it does not list stay. Enums that meet under one name are merged (a discovery
    document's inline enums of one type)."""

    def shape(shape: Shape) -> Shape:
        return replace(shape, ref=rename.get(shape.ref, shape.ref)) if shape.ref else shape

    messages = {
        rename.get(name, name): replace(m, fields={k: shape(s) for k, s in m.fields.items()})
        for name, m in model.messages.items()
    }
    enums: dict[str, Enum] = {}
    for name, enum in model.enums.items():
        merged = enums.setdefault(rename.get(name, name), Enum(enum.origin, []))
        merged.values += [v for v in enum.values if v not in merged.values]
    roots = [rename.get(root, root) for root in model.roots]
    return replace(model, messages=messages, enums=enums, roots=roots)


# --- the spec -------------------------------------------------------------------------------


def _explanation(schema: dict[str, Any]) -> str | None:
    """Why the spec may hold what upstream lacks: seen somewhere (``x-seen-in``), or a type or
    field of the client (``x-gemwire: client``) or of Vertex AI only (``x-gemwire: vertex``)."""
    if "x-seen-in" in schema:
        return f"x-seen-in: {schema['x-seen-in']}"
    if schema.get("x-gemwire") in ("client", "vertex"):
        return f"x-gemwire: {schema['x-gemwire']}"
    return None


def read_spec(spec: dict[str, Any], roots: Sequence[str] = WALKED) -> Model:
    defs: dict[str, Any] = spec["$defs"]
    problems: list[str] = []

    def kind_of(where: str, prop: dict[str, Any]) -> Shape:
        if "$ref" in prop:
            target = str(prop["$ref"]).removeprefix("#/$defs/")
            schema = defs.get(target)
            if schema is None:
                problems.append(f"{where}: $ref to {prop['$ref']}, which is not in $defs")
                return Shape("message", target)
            if schema.get("x-upstream") in WELL_KNOWN:
                return Shape(WELL_KNOWN[schema["x-upstream"]])
            return Shape("enum" if "enum" in schema else "message", target)
        if prop.get("x-wire") == "int64":
            return Shape("uint64" if prop.get("format") == "uint64" else "int64")
        kind = FORMATS.get(prop.get("format", ""))
        if kind:
            return Shape(kind)
        if "enum" in prop:
            problems.append(f"{where}: an inline enum; the spec gives each enum a $defs entry")
        return Shape(str(prop.get("type", "any")))

    def shape_of(where: str, prop: dict[str, Any]) -> Shape:
        oneof = prop.get("x-oneof")
        items, values = prop.get("items"), prop.get("additionalProperties")
        if prop.get("type") == "array" and isinstance(items, dict) and items:
            return replace(kind_of(where, items), repeated=True, oneof=oneof)
        if prop.get("type") == "object" and isinstance(values, dict) and values:
            return replace(kind_of(where, values), map=True, oneof=oneof)
        return replace(kind_of(where, prop), oneof=oneof)

    messages: dict[str, Message] = {}
    enums: dict[str, Enum] = {}
    renames: dict[str, str] = {}
    for name, schema in defs.items():
        upstream = schema.get("x-upstream")
        if upstream in WELL_KNOWN:
            continue  # google.type.Interval: compared as the `interval` kind of the fields using it
        if upstream and def_name(upstream) != name:
            # Named as google-genai names it; paired with upstream through x-upstream.
            if def_name(upstream) in renames:
                problems.append(
                    f"$defs.{name}: x-upstream {upstream} is also the x-upstream of "
                    f"$defs.{renames[def_name(upstream)]}"
                )
            renames[def_name(upstream)] = name
        if "enum" in schema:
            notes = {
                str(value): note
                for value, explained in schema.get("x-values", {}).items()
                if (note := _explanation(explained))
            }
            enums[name] = Enum(name, [str(v) for v in schema["enum"]], _explanation(schema), notes)
            continue
        message = messages[name] = Message(origin=name, note=_explanation(schema))
        for prop_name, prop in schema.get("properties", {}).items():
            message.fields[prop_name] = shape_of(f"$defs.{name}.properties.{prop_name}", prop)
            note = _explanation(prop)
            if note:
                message.field_notes[prop_name] = note
    return Model("spec", "spec", list(roots), messages, enums, problems=problems, renames=renames)


# --- the comparison -------------------------------------------------------------------------

# change -> (heading, fails the run)
CHANGES = {
    "missing": ("missing from the spec", True),
    "changed": ("type changed upstream", True),
    "unexplained": ("in the spec, not upstream, without x-seen-in / x-gemwire: client", True),
    "allowed": ("allowed by spec/drift-allowlist.json", False),
    "published": ("now published upstream: drop x-seen-in / mark the def x-upstream", False),
    "extra": ("spec additions upstream lacks (explained)", False),
}


@dataclass(frozen=True)
class Difference:
    change: str  # a key of CHANGES
    what: str  # message | field | enum | enum value
    path: str  # JSON path from a root message: GenerateContentResponse.usageMetadata.x
    spec_path: str  # $defs.GenerateContentResponseUsageMetadata.properties.x
    detail: str
    reason: str = ""  # the allow-list's, for `allowed`


def json_paths(model: Model) -> dict[str, str]:
    """The shortest JSON path from a root message to each message and enum (`[]`: repeated,
    `{}`: map values); ties go to the earlier root and field."""
    paths = {root: root for root in model.roots if root in model.messages}
    queue = list(paths)
    while queue:
        name = queue.pop(0)
        for field_name, shape in model.messages[name].fields.items():
            if shape.ref is None or shape.ref in paths:
                continue
            suffix = "{}" if shape.map else "[]" if shape.repeated else ""
            paths[shape.ref] = f"{paths[name]}.{field_name}{suffix}"
            if shape.ref in model.messages:
                queue.append(shape.ref)
    return paths


def _what_changed(upstream: Shape, spec: Shape, oneofs: bool) -> list[str]:
    changes: list[str] = []
    if upstream.map != spec.map:
        changes.append("became a map" if upstream.map else "is no longer a map")
    if upstream.repeated != spec.repeated:
        changes.append("became repeated" if upstream.repeated else "is no longer repeated")
    if upstream.kind != spec.kind:
        changes.append(f"{spec.kind} -> {upstream.kind}")
    elif upstream.ref != spec.ref:
        changes.append(f"{spec.ref} -> {upstream.ref}")
    if oneofs and upstream.oneof != spec.oneof:
        if spec.oneof is None:
            changes.append(f"joined oneof {upstream.oneof}")
        elif upstream.oneof is None:
            changes.append(f"left oneof {spec.oneof}")
        else:
            changes.append(f"oneof {spec.oneof} -> {upstream.oneof}")
    return changes


def compare(upstream: Model, spec: Model) -> list[Difference]:
    """Every difference between an upstream model and the spec's, in a stable order."""
    found: list[Difference] = []
    upstream_paths, spec_paths = json_paths(upstream), json_paths(spec)

    def path(name: str) -> str:
        return upstream_paths.get(name) or spec_paths.get(name) or name

    def named(name: str, origin: str) -> str:  # a message or enum: its name, and where it is used
        where = path(name)
        return origin if where == name else f"{origin} at {where}"

    def add(change: str, what: str, where: str, spec_path: str, detail: str) -> None:
        found.append(Difference(change, what, where, spec_path, detail))

    def spec_only(note: str | None) -> str:
        return "extra" if note else "unexplained"

    for name, message in upstream.messages.items():
        at = f"$defs.{name}"
        mine = spec.messages.get(name)
        if mine is None:
            fields = ", ".join(f"{k}: {s.describe()}" for k, s in message.fields.items())
            add("missing", "message", named(name, message.origin), at, f"{{{fields}}}")
            continue
        if mine.note and mine.note.startswith("x-seen-in"):
            add(
                "published",
                "message",
                named(name, message.origin),
                at,
                f"the spec says {mine.note}",
            )
        for field_name, shape in message.fields.items():
            where, spec_at = f"{path(name)}.{field_name}", f"{at}.properties.{field_name}"
            have = mine.fields.get(field_name)
            if have is None:
                add("missing", "field", where, spec_at, shape.describe(upstream.knows_oneofs))
                continue
            changes = _what_changed(shape, have, upstream.knows_oneofs)
            if changes:
                oneofs = upstream.knows_oneofs
                detail = f"upstream {shape.describe(oneofs)}, spec {have.describe(oneofs)}"
                add("changed", "field", where, spec_at, f"{'; '.join(changes)}: {detail}")
            elif field_name in mine.field_notes:
                add(
                    "published",
                    "field",
                    where,
                    spec_at,
                    f"the spec says {mine.field_notes[field_name]}",
                )
        for field_name in mine.fields.keys() - message.fields.keys():
            note = mine.field_notes.get(field_name)
            detail = f"{mine.fields[field_name].describe()}; {note or 'no x-seen-in'}"
            where, spec_at = f"{path(name)}.{field_name}", f"{at}.properties.{field_name}"
            add(spec_only(note), "field", where, spec_at, detail)
    for name, mine in spec.messages.items():
        if name not in upstream.messages:
            detail = mine.note or "no x-seen-in / x-gemwire: client (did upstream drop it?)"
            add(spec_only(mine.note), "message", named(name, name), f"$defs.{name}", detail)

    for name, enum in upstream.enums.items():
        at = f"$defs.{name}"
        theirs = spec.enums.get(name)
        if theirs is None:
            add("missing", "enum", named(name, enum.origin), at, ", ".join(enum.values))
            continue
        if theirs.note and theirs.note.startswith("x-seen-in"):
            add("published", "enum", named(name, enum.origin), at, f"the spec says {theirs.note}")
        for value in enum.values:
            if value not in theirs.values:
                add(
                    "missing",
                    "enum value",
                    f"{path(name)} = {value}",
                    f"{at}.enum.{value}",
                    enum.origin,
                )
        for value in theirs.values:
            if value not in enum.values:
                note = theirs.value_notes.get(value) or theirs.note
                detail = note or "no x-seen-in on the enum or the value (did upstream drop it?)"
                add(
                    spec_only(note),
                    "enum value",
                    f"{path(name)} = {value}",
                    f"{at}.enum.{value}",
                    detail,
                )
    for name, theirs in spec.enums.items():
        if name not in upstream.enums:
            detail = theirs.note or "no x-seen-in / x-gemwire: client (did upstream drop it?)"
            add(spec_only(theirs.note), "enum", named(name, name), f"$defs.{name}", detail)
    order = list(CHANGES)
    return sorted(found, key=lambda d: (order.index(d.change), d.spec_path))


# --- the allow-list -------------------------------------------------------------------------


@dataclass(frozen=True)
class Allowance:
    change: str
    path: str
    reason: str
    source: str | None = None  # "descriptors" or "discovery"; None: both

    def covers(self, difference: Difference, kind: str) -> bool:
        return (
            self.change == difference.change
            and self.path == difference.spec_path
            and self.source in (None, kind)
        )


SOURCES = ("descriptors", "discovery")
ALLOWABLE = ("missing", "changed", "unexplained")


def allow_entries(path: Path, keys: set[str]) -> Iterator[tuple[str, dict[str, Any]]]:
    """The entries of an allow-list file (``{"allow": [...]}``, none if it does not exist),
    each with where it is (``drift-allowlist.json: allow[3]``), once checked to be an object
    of ``keys`` at most with a ``reason``; raises ValueError when malformed."""
    if not path.exists():
        return
    doc = json.loads(path.read_text(encoding="utf-8"))
    entries = doc.get("allow") if isinstance(doc, dict) else None
    if not isinstance(entries, list):
        raise ValueError(f"{path}: expected an object with an `allow` list")
    for index, entry in enumerate(entries):
        where = f"{path.name}: allow[{index}]"
        if not isinstance(entry, dict):
            raise ValueError(f"{where}: expected an object")
        unknown = set(entry) - keys
        if unknown:
            raise ValueError(f"{where}: unknown keys {sorted(unknown)}")
        if not isinstance(entry.get("reason"), str) or not entry["reason"].strip():
            raise ValueError(f"{where}: every entry needs a `reason`")
        yield where, entry


def read_allowlist(path: Path) -> list[Allowance]:
    """`{"allow": [{"change", "path", "reason", "source"?}]}`; raises ValueError when malformed."""
    allowances: list[Allowance] = []
    for where, entry in allow_entries(path, {"change", "path", "reason", "source"}):
        if entry.get("change") not in ALLOWABLE:
            raise ValueError(f"{where}: `change` must be one of {', '.join(ALLOWABLE)}")
        if not isinstance(entry.get("path"), str) or not entry["path"].startswith("$defs."):
            raise ValueError(f"{where}: `path` must be a spec path from the report ($defs....)")
        if entry.get("source", "descriptors") not in SOURCES:
            raise ValueError(f"{where}: `source` must be one of {', '.join(SOURCES)}")
        allowances.append(
            Allowance(entry["change"], entry["path"], entry["reason"], entry.get("source"))
        )
    return allowances


def apply_allowlist(
    differences: Iterable[Difference], kind: str, allowances: Sequence[Allowance]
) -> tuple[list[Difference], set[Allowance]]:
    """Turn allow-listed differences into `allowed` ones; also returns the allowances used."""
    result: list[Difference] = []
    used: set[Allowance] = set()
    for difference in differences:
        match = next((a for a in allowances if a.covers(difference, kind)), None)
        if match is None:
            result.append(difference)
        else:
            used.add(match)
            result.append(
                replace(difference, change="allowed", reason=f"{difference.change}: {match.reason}")
            )
    order = list(CHANGES)
    return sorted(result, key=lambda d: (order.index(d.change), d.spec_path)), used


# --- the report -----------------------------------------------------------------------------


@dataclass
class Section:
    source: str
    summary: str
    differences: list[Difference]

    @property
    def failures(self) -> list[Difference]:
        return [d for d in self.differences if CHANGES[d.change][1]]


def check(
    spec: Model, upstreams: Sequence[Model], allowances: Sequence[Allowance]
) -> tuple[list[Section], list[Allowance]]:
    """Compare the spec with each upstream; returns the sections and the stale allowances."""
    sections: list[Section] = []
    used: set[Allowance] = set()
    for upstream in upstreams:
        if upstream.own_names:
            upstream = align(upstream, spec)
        elif spec.renames:
            upstream = renamed(upstream, spec.renames)
        differences, matched = apply_allowlist(compare(upstream, spec), upstream.kind, allowances)
        used |= matched
        sections.append(Section(upstream.source, upstream.summary(), differences))

    # Without a `source`, an entry applies to every upstream, so the descriptors, which are
    # always consulted, should match it; an entry for the discovery document alone says so.
    consulted = {None, *(upstream.kind for upstream in upstreams)}
    stale = [a for a in allowances if a not in used and a.source in consulted]
    return sections, stale


def render(
    sections: Sequence[Section],
    not_consulted: Sequence[str],
    spec: Model,
    stale: Sequence[Allowance],
) -> str:
    lines = [f"drift: spec/ ({spec.summary()}) against what Google publishes"]
    lines += [f"  consulted: {s.source} ({s.summary})" for s in sections]
    lines += [f"  NOT consulted: {reason}" for reason in not_consulted]
    if spec.problems:
        lines += ["", "spec problems (fix spec/gemini.schema.json):"]
        lines += [f"  {problem}" for problem in spec.problems]
    for section in sections:
        lines += ["", f"== {section.source} =="]
        for change, (heading, fails) in CHANGES.items():
            group = [d for d in section.differences if d.change == change]
            if not group:
                if fails:
                    lines.append(f"{heading}: none")
                continue
            lines.append(f"{heading} ({len(group)}):")
            for d in group:
                detail = d.reason if change == "allowed" else d.detail
                lines.append(f"  {d.what:<10} {d.path}: {detail}")
                lines.append(f"  {'':<10} {d.spec_path}")
    if stale:
        lines += [
            "",
            "stale spec/drift-allowlist.json entries: nothing matches them; remove them (or give"
            ' `"source": "discovery"` to one only the discovery document reports):',
        ]
        lines += [f"  {a.change} {a.path}" for a in stale]
    failures = sum(len(s.failures) for s in sections) + len(spec.problems)
    lines.append("")
    if failures:
        lines.append(
            f"drift: FAIL: {failures} difference(s) to resolve: edit spec/ (then `make generate`), "
            "or list them with a reason in spec/drift-allowlist.json"
        )
    else:
        allowed = sum(d.change == "allowed" for s in sections for d in s.differences)
        notes = sum(len(s.differences) for s in sections) - allowed
        lines.append(
            "drift: OK: the spec has everything upstream publishes "
            f"({allowed} allowed, {notes} informational)"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--discovery",
        metavar="PATH_OR_URL",
        default=os.environ.get("DRIFT_DISCOVERY") or None,
        help="also compare with this REST discovery document (default: $DRIFT_DISCOVERY)",
    )
    parser.add_argument(
        "--print-graph",
        action="store_true",
        help="print the descriptors' graph as shared/upstream/reachable.json writes it",
    )
    parser.add_argument("--spec", type=Path, default=SPEC, help=argparse.SUPPRESS)
    parser.add_argument("--allowlist", type=Path, default=ALLOWLIST, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.print_graph:
        print(json.dumps(descriptor_graph(), indent=1))
        return 0
    started = time.perf_counter()
    try:
        spec = read_spec(json.loads(args.spec.read_text(encoding="utf-8")))
        allowances = read_allowlist(args.allowlist)
    except (OSError, ValueError, KeyError) as error:
        print(f"drift: cannot read the spec or the allow-list: {error}", file=sys.stderr)
        return 2
    try:
        upstreams = [read_descriptors()]
    except ImportError as error:
        print(f"drift: {error}: install the dev extra (`make drift` does)", file=sys.stderr)
        return 2
    not_consulted: list[str] = []
    if args.discovery:
        try:
            upstreams.append(read_discovery(load_discovery(args.discovery), args.discovery))
        except DiscoveryUnavailable as error:
            not_consulted.append(f"{DISCOVERY}: {error}")
        except (AttributeError, TypeError, KeyError) as error:  # a schema of the wrong shape
            not_consulted.append(f"{DISCOVERY}: {args.discovery}: malformed ({error!r})")
    else:
        not_consulted.append(f"{DISCOVERY} (no --discovery PATH_OR_URL or DRIFT_DISCOVERY given)")
    sections, stale = check(spec, upstreams, allowances)
    print(render(sections, not_consulted, spec, stale))
    print(f"({time.perf_counter() - started:.1f} s)")
    failed = spec.problems or any(section.failures for section in sections)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
