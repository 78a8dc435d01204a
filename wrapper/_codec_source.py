"""The source code of a generated type's decoder and encoder, written from its fields.

:mod:`gemwire._serde` runs one decoder and one encoder function per class; this module writes
their source. Codegen writes it for every type of ``gemwire.types`` into
``gemwire.types._codecs`` (``codegen/codec_module.py``), so no process compiles them; ``_serde``
compiles the source here at run time only for a class that file lacks (a user's subclass).

A field's type hint is reduced to a "kind" tree; each kind knows the expression that decodes
(or encodes) a value ``v`` of it. The code refers to classes, enums and other classes' codecs
by their namespace names (a generated type's own name, ``Part``; ``decode_Part``), resolved
when it runs, so recursion (``Schema.items`` -> ``Schema``) needs no special case. Besides
those and the names of its own setup statements, it uses only the helpers that
``_serde.CODEC_NAMES`` holds.
"""

from __future__ import annotations

import collections.abc
import dataclasses
import types
import typing
from typing import Any, NamedTuple

from gemwire._serde import GENERATED_MODULE, OpenEnum, WireModel

__all__ = ["ClassCodec", "class_codec", "namespace_name"]


class ClassCodec(NamedTuple):
    """What it takes to run one class's codec."""

    name: str
    """The class's namespace name; its functions are ``decode_<name>`` and ``encode_<name>``."""
    bindings: dict[str, type]
    """The namespace names of the classes and enums the code refers to, itself included."""
    setup: list[str]
    """Statements to run once, before the functions are called (enum member tables, the
    slots of bytes fields)."""
    source: str
    """The two functions."""
    reaches: list[type[WireModel]]
    """The message types its fields hold, whose codecs it calls."""


def namespace_name(cls: type) -> str:
    """The name the codecs know ``cls`` by: a generated type's own (they are unique in
    ``gemwire.types``), any other's module and name (``_app_models_MyPart``)."""
    if cls.__module__ == GENERATED_MODULE:
        return cls.__qualname__
    return f"_{cls.__module__}_{cls.__qualname__}".replace(".", "_")


class _Kind:
    def decode(self, v: str) -> str:
        raise NotImplementedError

    def encode(self, v: str) -> str:
        raise NotImplementedError

    def decode_error(self, error: str, v: str) -> str:
        """The located error to raise when decoding ``v`` raised ``error``."""
        return error

    def encode_error(self, error: str, v: str) -> str:
        return error


class _Passthrough(_Kind):
    """str, bool, int, float, free JSON: checked on the way in, passed through on the way out."""

    def __init__(self, check: str) -> None:
        self.check = check

    def decode(self, v: str) -> str:
        return self.check.format(v=v)

    def encode(self, v: str) -> str:
        return v


_STR = _Passthrough('{v} if type({v}) is str else _bad({v}, "a string")')
_BOOL = _Passthrough('{v} if type({v}) is bool else _bad({v}, "a boolean")')
_INT = _Passthrough("{v} if type({v}) is int else _as_int({v})")
_FLOAT = _Passthrough("{v} if type({v}) is float or type({v}) is int else _as_float({v})")
_ANY = _Passthrough("{v}")
_STRUCT = _Passthrough('{v} if type({v}) is dict else _bad({v}, "an object")')
_LIST_ANY = _Passthrough('{v} if type({v}) is list else _bad({v}, "an array")')


class _Int64(_Kind):
    def decode(self, v: str) -> str:
        return f"{v} if type({v}) is int else _as_int({v})"

    def encode(self, v: str) -> str:
        return f"_int64_out({v})"


class _Bytes(_Kind):
    """Bytes inside a list or map, decoded at once (a bytes field of its own keeps its text
    until it is read: see :func:`_field_source`)."""

    def decode(self, v: str) -> str:
        # Raw bytes come only from dicts written in Python; the wire has base64 text.
        return f"{v} if type({v}) is bytes else decode_base64({v})"

    def encode(self, v: str) -> str:
        return f"_b64encode({v})"


class _EnumKind(_Kind):
    def __init__(self, enum: type[OpenEnum]) -> None:
        self.enum = enum
        self.name = namespace_name(enum)

    def decode(self, v: str) -> str:
        # The member table answers for known values; _enum_in handles the rest (case, new values).
        return (
            f"({self.name}_members.get({v}) or _enum_in({self.name}, {v})) "
            f"if type({v}) is str else _enum_in({self.name}, {v})"
        )

    def encode(self, v: str) -> str:
        return f"_enum_out({v})"


class _ModelKind(_Kind):
    def __init__(self, cls: type[WireModel]) -> None:
        self.cls = cls
        self.name = namespace_name(cls)

    def decode(self, v: str) -> str:
        return f"decode_{self.name}({v})"

    def encode(self, v: str) -> str:
        return (
            f"encode_{self.name}({v}) if type({v}) is {self.name} else _model_out({self.name}, {v})"
        )


class _ModelOrFunction(_ModelKind):
    """An item of a list where a Python function may stand for a message
    (``x-gemwire-callables``): kept as it is when decoded; never encoded (the client replaces
    it before anything is sent), so encoding one is the model's error."""

    def decode(self, v: str) -> str:
        return f"({v} if is_function({v}) else {super().decode(v)})"


class _ContainerKind(_Kind):
    """A list or map of ``item``. An error inside is located by decoding (or encoding) the
    elements again one by one: slow, but only ever on the error path."""

    decoded_shape: str  # the check that a wire value ``{v}`` is this container
    encoded_shape: str  # the same for a Python value

    def __init__(self, item: _Kind) -> None:
        self.item = item

    def decode_error(self, error: str, v: str) -> str:
        item = f"lambda x: {self.item.decode('x')}"
        located = f"_locate_item(DecodeError, {v}, {item})"
        return f"({located} if {self.decoded_shape.format(v=v)} else {error})"

    def encode_error(self, error: str, v: str) -> str:
        item = f"lambda x: {self.item.encode('x')}"
        located = f"_locate_item(EncodeError, {v}, {item})"
        return f"({located} if {self.encoded_shape.format(v=v)} else {error})"


class _ListKind(_ContainerKind):
    decoded_shape = "type({v}) is list"
    encoded_shape = "type({v}) in (list, tuple)"

    def decode(self, v: str) -> str:
        # One item is the common case (candidates, parts): no comprehension's frame for it.
        one = f"[{self.item.decode(f'{v}[0]')}] if len({v}) == 1 else "
        loop = f"({one}[{self.item.decode('x')} for x in {v}]) if type({v}) is list else "
        if isinstance(self.item, _ModelKind):  # a lone object where a list is expected
            return loop + f"[{self.item.decode(v)}] if type({v}) is dict else _bad({v}, 'an array')"
        return loop + f"_bad({v}, 'an array')"

    def encode(self, v: str) -> str:
        return f"[{self.item.encode('x')} for x in _sequence_out({v})]"


class _MapKind(_ContainerKind):
    decoded_shape = "type({v}) is dict"
    encoded_shape = "isinstance({v}, Mapping)"

    def decode(self, v: str) -> str:
        return (
            f"{{k: {self.item.decode('x')} for k, x in {v}.items()}} "
            f"if type({v}) is dict else _bad({v}, 'an object')"
        )

    def encode(self, v: str) -> str:
        return f"{{k: {self.item.encode('x')} for k, x in _mapping_out({v}).items()}}"


def _kind_of(hint: Any, wire: str | None) -> _Kind:
    if wire == "int64":
        return _Int64()
    origin = typing.get_origin(hint)
    if origin is typing.Union or origin is types.UnionType:
        args = [arg for arg in typing.get_args(hint) if arg is not type(None)]
        functions = [a for a in args if typing.get_origin(a) is collections.abc.Callable]
        (inner,) = [arg for arg in args if arg not in functions]
        if functions:  # a Python function may stand for a message (``tools``)
            return _ModelOrFunction(inner)
        return _kind_of(inner, wire)
    if origin is list:
        (item,) = typing.get_args(hint)
        return _LIST_ANY if item is Any else _ListKind(_kind_of(item, None))
    if origin is dict:
        _, item = typing.get_args(hint)
        return _STRUCT if item is Any else _MapKind(_kind_of(item, None))
    if hint is Any:
        return _ANY
    if isinstance(hint, type):
        if issubclass(hint, OpenEnum):
            return _EnumKind(hint)
        if issubclass(hint, WireModel):
            return _ModelKind(hint)
        simple = {str: _STR, bool: _BOOL, int: _INT, float: _FLOAT, bytes: _Bytes()}
        if hint in simple:
            return simple[hint]
    raise TypeError(f"gemwire._serde cannot map the type hint {hint!r}")


def _inner(kind: _Kind) -> _Kind:
    return _inner(kind.item) if isinstance(kind, _ContainerKind) else kind


def class_codec(cls: type[WireModel]) -> ClassCodec:
    """The decoder and encoder of ``cls``, and what they need to run."""
    name = namespace_name(cls)
    hints = typing.get_type_hints(cls)
    fields = [f for f in dataclasses.fields(cls) if "json" in f.metadata]
    kinds = {f.name: _kind_of(hints[f.name], f.metadata.get("wire")) for f in fields}
    bindings: dict[str, type] = {name: cls}
    setup: list[str] = []
    for field in fields:
        inner = _inner(kinds[field.name])
        if isinstance(inner, (_ModelKind, _EnumKind)):
            bindings[inner.name] = inner.cls if isinstance(inner, _ModelKind) else inner.enum
        if isinstance(inner, _EnumKind):
            setup.append(f"{inner.name}_members = {inner.name}._value2member_map_")
        if type(kinds[field.name]) is _Bytes:
            slot = f"{name}_{field.name}"
            setup.append(
                f"get_{slot}, set_{slot} = "
                f"_base64_slot({name}, {field.name!r}, {field.metadata['json']!r})"
            )
    source = "\n".join(
        _decoder_source(cls, name, fields, kinds) + _encoder_source(name, fields, kinds)
    )
    reaches = [inner.cls for k in kinds.values() if isinstance(inner := _inner(k), _ModelKind)]
    return ClassCodec(name, bindings, list(dict.fromkeys(setup)), source, reaches)


def _decoder_source(
    cls: type[WireModel],
    name: str,
    fields: list[dataclasses.Field[Any]],
    kinds: dict[str, _Kind],
) -> list[str]:
    """The source of ``decode_<name>(d)``: each wire key looked up once, checked and converted.

    Types that codegen wrote are built directly: ``object.__new__`` and one store per field,
    which is about twice as fast as ``cls(**kw)``, and the lookups stop once every key of
    ``d`` has been used (most objects set few of their fields: a Part one of 14). Any other
    class (a user's subclass) is built by calling it. A bytes field keeps its base64 text
    (``_base64_in``) until it is read.
    """
    direct = cls.__module__ == GENERATED_MODULE and "__init__" in vars(cls)
    lines = [
        f"def decode_{name}(d: Any) -> Any:",
        "    if type(d) is not dict:",
        f"        return _as_is({name}, d)",
        "    n = 0",
        "    m = len(d)",
    ]
    if direct:
        lines += [f"    f_{f.name}: Any = None" for f in fields]
        lines += ["    while True:  # a block to leave once every key is used"]
    else:
        lines += ["    kw: dict[str, Any] = {}"]
    indent = "    " if direct else ""
    for f in fields:
        key, kind = f.metadata["json"], kinds[f.name]
        target = f"f_{f.name}" if direct else f"kw[{f.name!r}]"
        value = "_base64_in(v)" if type(kind) is _Bytes else kind.decode("v")
        lines += [
            indent + line
            for line in (
                f"    v = d.get({key!r})",
                "    if v is not None:",
                "        n += 1",
                "        try:",
                f"            {target} = {value}",
                "        except DecodeError as e:",
                f"            raise {kind.decode_error('e', 'v')}.at({key!r}) from None",
                *(("        if n == m:", "            break") if direct else ()),
            )
        ]
    if direct:
        lines += ["        break"]
    lines += ["    if n != m:", f"        return _with_leftovers({name}, d)"]
    if not direct:
        return [*lines, f"    return {name}(**kw)", ""]
    lines += [f"    o: Any = _new({name})"]
    for f in fields:
        if type(kinds[f.name]) is _Bytes:
            lines += [f"    set_{name}_{f.name}(o, f_{f.name})"]
        else:
            lines += [f"    o.{f.name} = f_{f.name}"]
    return [*lines, "    o.unknown_fields = None", "    return o", ""]


def _encoder_source(
    name: str, fields: list[dataclasses.Field[Any]], kinds: dict[str, _Kind]
) -> list[str]:
    """The source of ``encode_<name>(o)``: set fields written under their wire names, then the
    unknown ones. A bytes field never read is written as the text it came as; client-side
    fields (``sdk_http_response``) are left out."""
    lines = [f"def encode_{name}(o: Any) -> dict[str, Any]:", "    d: dict[str, Any] = {}"]
    for f in fields:
        key, kind = f.metadata["json"], kinds[f.name]
        if f.metadata.get("client"):
            continue
        read = f"get_{name}_{f.name}(o)" if type(kind) is _Bytes else f"o.{f.name}"
        lines += [
            f"    v = {read}",
            "    if v is not None:",
            "        try:",
            f"            d[{key!r}] = {kind.encode('v')}",
            "        except EncodeError as e:",
            f"            raise {kind.encode_error('e', 'v')}.at({f.name!r}) from None",
        ]
    return [
        *lines,
        "    u = o.unknown_fields",
        "    if u:",
        "        _merge_unknown(d, u)",
        "    return d",
        "",
    ]
