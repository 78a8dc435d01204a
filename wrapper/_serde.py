"""Wire JSON <-> the generated dataclasses in ``gemwire.types``.

Codegen emits plain dataclasses whose fields carry their wire name in
``field(metadata={"json": "inlineData"})`` (plus ``"wire": "int64"`` for 64-bit integers,
which proto3 JSON writes as strings). This module turns that metadata into one decoder and
one encoder function per class, compiled from source the first time the class is used, so
the hot path is straight-line code with no per-field lookups, reflection or caching.

The rules (proto3 JSON, as the Gemini API speaks it):

* Lossless: keys the spec does not know land in ``unknown_fields`` and are written back;
  enum values the spec does not know become pseudo-members of the (open) enum.
* Lenient on input: snake_case keys are accepted where camelCase is expected, bytes in the
  standard or URL-safe base64 alphabet with or without padding, 64-bit integers as strings
  or numbers, a lone object where a list of objects is expected, enum values in any case.
* Strict on output: camelCase keys, standard padded base64, 64-bit integers as strings,
  absent (``None``) fields omitted.
* A value of the wrong type raises :class:`~gemwire.errors.DecodeError` naming its path, e.g.
  ``candidates[0].content.parts[2].inlineData.data: expected a base64 string, got integer``.
"""

from __future__ import annotations

import binascii
import dataclasses
import inspect
import linecache
import sys
import threading
import types
import typing
from collections.abc import Callable, Collection, Mapping
from enum import Enum
from typing import Any, ClassVar, TypeVar

from gemwire.errors import DecodeError, EncodeError, InvalidResponseError, json_type_name

__all__ = ["OpenEnum", "WireModel", "decode_answer", "decode_base64", "wire_type"]

_M = TypeVar("_M", bound="WireModel")
SPECIAL_FLOATS = frozenset({"NaN", "Infinity", "-Infinity"})  # proto3 JSON writes them as strings
GENERATED_MODULE = "gemwire.types"  # where codegen's classes live (built without __init__)


class OpenEnum(str, Enum):
    """A string enum that never rejects a value.

    Values the spec does not list (new ones the API starts sending) become pseudo-members
    that compare equal to their string and encode back unchanged. Lookups ignore case, as
    the API does: ``Type("object") is Type.OBJECT``.
    """

    @classmethod
    def _missing_(cls, value: object) -> OpenEnum | None:
        if not isinstance(value, str):
            return None
        member = cls._value2member_map_.get(value.upper())
        if member is not None:
            return typing.cast(OpenEnum, member)
        pseudo = str.__new__(cls, value)
        pseudo._name_ = value
        pseudo._value_ = value
        return pseudo


# What dataclasses.fields() keeps of a class's Field objects; @dataclass sets it on each.
_FIELD = dataclasses._FIELD  # type: ignore[attr-defined]


def wire_type(metadata: dict[str, dict[str, Any]]) -> Callable[[type[_M]], type[_M]]:
    """The decorator of every generated type, in place of ``@dataclass``: it gives a class
    whose body codegen wrote out (``__slots__``, annotations, ``__init__``) the Field objects of
    ``dataclasses.fields()``, one per entry of ``metadata`` (field name -> metadata), in
    order. ``@dataclass`` did the same and more (a second class for the slots, checks of each
    annotation for ClassVar), at twice the import time of ``gemwire.types``."""

    def decorate(cls: type[_M]) -> type[_M]:
        annotations = inspect.get_annotations(cls)
        fields: dict[str, dataclasses.Field[Any]] = {}
        for name, meta in metadata.items():
            field = typing.cast("dataclasses.Field[Any]", dataclasses.field(metadata=meta))
            field.default = None
            field.name, field.type = name, annotations[name]
            field._field_type = _FIELD  # type: ignore[attr-defined]
            fields[name] = field
        cls.__dataclass_fields__ = fields
        return cls

    return decorate


class WireModel:
    """Base of every generated type: ``from_dict`` / ``to_dict`` and a compact ``repr``."""

    __slots__ = ()
    __dataclass_fields__: ClassVar[dict[str, dataclasses.Field[Any]]]

    @classmethod
    def from_dict(cls: type[_M], data: Mapping[str, Any]) -> _M:
        """Build an instance from wire JSON (a dict as ``json.loads`` returns it).

        Raises :class:`DecodeError` naming the path of the first value of the wrong type.
        """
        decode = _DECODERS.get(cls) or _decoder(cls)  # inlined lookup: this runs per chunk
        return decode(data if type(data) is dict else _as_dict(data))  # type: ignore[return-value]

    def to_dict(self) -> dict[str, Any]:
        """The wire JSON of this value: camelCase keys, absent fields omitted."""
        return _encoder(type(self))(self)

    # google-genai's types are pydantic models; code written for them calls these.

    def model_dump(
        self,
        *,
        mode: str = "python",
        include: Collection[str] | None = None,
        exclude: Collection[str] | None = None,
        context: Any = None,
        by_alias: bool | None = False,
        exclude_unset: bool = False,
        exclude_defaults: bool = False,
        exclude_none: bool = False,
        exclude_computed_fields: bool = False,
        round_trip: bool = False,
        warnings: bool | str = True,
        fallback: Callable[[Any], Any] | None = None,
        serialize_as_any: bool = False,
        polymorphic_serialization: bool | None = None,
    ) -> dict[str, Any]:
        """A dict of this value, as pydantic's ``model_dump``: Python field names
        (``by_alias=True``: wire names); ``mode="json"``: only JSON values. Every field
        defaults to ``None``, so ``exclude_unset`` and ``exclude_defaults`` drop what
        ``exclude_none`` drops. pydantic's serializer options (``context``, ``round_trip``,
        ``warnings``, ...) are accepted and change nothing: these types have no custom
        serializers, computed fields or subclass fields for them to act on."""
        from gemwire._pydantic_api import dump

        return dump(
            self,
            mode=mode,
            by_alias=by_alias,
            exclude_none=exclude_none or exclude_unset or exclude_defaults,
            include=include,
            exclude=exclude,
        )

    def model_dump_json(
        self,
        *,
        indent: int | None = None,
        ensure_ascii: bool = False,
        include: Collection[str] | None = None,
        exclude: Collection[str] | None = None,
        context: Any = None,
        by_alias: bool | None = False,
        exclude_unset: bool = False,
        exclude_defaults: bool = False,
        exclude_none: bool = False,
        exclude_computed_fields: bool = False,
        round_trip: bool = False,
        warnings: bool | str = True,
        fallback: Callable[[Any], Any] | None = None,
        serialize_as_any: bool = False,
        polymorphic_serialization: bool | None = None,
    ) -> str:
        """This value as JSON text, as pydantic's ``model_dump_json`` (``ensure_ascii``:
        escape non-ASCII characters; the serializer options as in :meth:`model_dump`)."""
        from gemwire._pydantic_api import dump_json

        return dump_json(
            self,
            indent=indent,
            ensure_ascii=ensure_ascii,
            by_alias=by_alias,
            exclude_none=exclude_none or exclude_unset or exclude_defaults,
            include=include,
            exclude=exclude,
        )

    def to_json_dict(self) -> dict[str, Any]:
        """``model_dump(mode="json", exclude_none=True)``, as google-genai has it."""
        return self.model_dump(mode="json", exclude_none=True)

    @classmethod
    def model_construct(cls: type[_M], _fields_set: set[str] | None = None, **values: Any) -> _M:
        """An instance with these field values, as pydantic's ``model_construct``: the
        constructor's conversions apply, and there is nothing else to skip."""
        return cls(**values)

    @classmethod
    def model_validate(cls: type[_M], obj: Any) -> _M:
        """An instance from a dict (wire or Python names) or an instance, as pydantic's
        ``model_validate``; raises :class:`~gemwire.errors.DecodeError` naming the path."""
        from gemwire._pydantic_api import validate

        return validate(cls, obj)

    @classmethod
    def model_validate_json(cls: type[_M], json_data: str | bytes | bytearray) -> _M:
        """An instance from JSON text, as pydantic's ``model_validate_json``."""
        from gemwire._pydantic_api import validate_json

        return validate_json(cls, json_data)

    def model_copy(self: _M, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> _M:
        """A copy, with ``update`` applied by field name (unchecked, as in pydantic)."""
        from gemwire._pydantic_api import copy_model

        return copy_model(self, update=update, deep=deep)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return all(
            getattr(self, name) == getattr(other, name) for name in self.__dataclass_fields__
        )

    __hash__ = None  # type: ignore[assignment]  # mutable, like any dataclass with eq

    def __repr__(self) -> str:
        shown = ", ".join(
            f"{name}={value!r}"
            for name in self.__dataclass_fields__
            if name != "unknown_fields" and (value := getattr(self, name)) is not None
        )
        return f"{type(self).__name__}({shown})"


def decode_answer(cls: type[_M], payload: Any) -> _M:
    """A server's answer as a ``cls``; one that does not fit raises
    :class:`~gemwire.errors.InvalidResponseError` (the located DecodeError as its cause)."""
    try:
        return cls.from_dict(payload)
    except DecodeError as error:
        raise InvalidResponseError(f"the answer is not a {cls.__name__}: {error}") from error


def _as_dict(data: object) -> dict[str, Any]:
    if isinstance(data, Mapping):
        return dict(data)
    raise DecodeError(f"expected an object, got {json_type_name(data)}")


# --------------------------------------------------------------------------------------------
# Scalar conversions used by the compiled code. Each either returns the converted value or
# raises a path-less error that the caller locates.


def _bad(value: object, expected: str) -> typing.NoReturn:
    raise DecodeError(f"expected {expected}, got {json_type_name(value)}")


def _as_int(value: object) -> int:
    if type(value) is str:
        try:
            return int(value)
        except ValueError:
            pass
    elif type(value) is float and value.is_integer():
        return int(value)
    _bad(value, "an integer")


def _as_float(value: object) -> float:
    if type(value) is str and value in SPECIAL_FLOATS:
        return float(value)
    _bad(value, "a number")


_URL_SAFE = str.maketrans("-_", "+/")


def decode_base64(value: object) -> bytes:
    """Bytes from base64 text in the standard or URL-safe alphabet, padded or not; anything
    else raises :class:`DecodeError`."""
    if type(value) is not str:
        _bad(value, "a base64 string")
    text = value
    if "-" in text or "_" in text:
        text = text.translate(_URL_SAFE)
    if len(text) % 4:
        text += "=" * (-len(text) % 4)
    try:
        if sys.version_info >= (3, 11):
            return binascii.a2b_base64(text, strict_mode=True)
        import base64

        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        _bad(value, "a base64 string")


def _b64encode(value: object) -> str:
    if isinstance(value, (bytes, bytearray, memoryview)):
        return binascii.b2a_base64(value, newline=False).decode("ascii")
    raise EncodeError(f"expected bytes, got {type(value).__name__}")


def _int64_out(value: object) -> str:
    if type(value) is int:
        return str(value)
    raise EncodeError(f"expected int, got {type(value).__name__}")


def _as_is(cls: type[WireModel], value: object) -> WireModel:
    """A ``cls`` instance where its dict was expected (a config written in Python) is taken
    as it is, and ``cls`` itself as its empty instance (as google-genai takes
    ``{"code_execution": types.ToolCodeExecution}``); anything else that is not a dict is an
    error."""
    if isinstance(value, cls):
        return value
    if isinstance(value, type) and issubclass(value, cls):
        return value()
    _bad(value, "an object")


def _enum_in(enum: type[OpenEnum], value: object) -> OpenEnum:
    if isinstance(value, enum):  # a member, in a dict written in Python
        return value
    if isinstance(value, Enum):
        value = value.value
    if type(value) is not str:
        _bad(value, f"a {enum.__name__} string")
    return enum(value)


def _enum_out(value: object) -> str:
    if isinstance(value, Enum):
        return typing.cast(str, value.value)
    if type(value) is str:
        return value
    raise EncodeError(f"expected a string or enum member, got {type(value).__name__}")


def _model_out(cls: type[WireModel], value: object) -> dict[str, Any]:
    """Encode a value given where a ``cls`` is expected: an instance, a plain wire dict, or the
    class itself, meaning its empty instance (``Tool(code_execution=types.ToolCodeExecution)``,
    as google-genai accepts it)."""
    if isinstance(value, cls):
        return value.to_dict()
    if isinstance(value, type) and issubclass(value, cls):
        return {}
    if isinstance(value, Mapping):
        try:
            return cls.from_dict(value).to_dict()
        except DecodeError as error:
            raise EncodeError(error.problem).at(error.location) from None
    raise EncodeError(f"expected {cls.__name__} or dict, got {type(value).__name__}")


def _sequence_out(value: object) -> list[Any] | tuple[Any, ...]:
    if type(value) is list or type(value) is tuple:
        return value
    raise EncodeError(f"expected a list, got {type(value).__name__}")


def _mapping_out(value: object) -> Mapping[str, Any]:
    if isinstance(value, Mapping):
        return value
    raise EncodeError(f"expected a dict, got {type(value).__name__}")


def _locate_item(
    error_type: type[DecodeError | EncodeError], items: Any, convert: Callable[[Any], Any]
) -> DecodeError | EncodeError:
    """Find which element of a list or dict failed (slow path, taken only on error)."""
    pairs = items.items() if isinstance(items, Mapping) else enumerate(items)
    for key, item in pairs:
        try:
            convert(item)
        except error_type as error:
            return error.at(key)
    return error_type("invalid item")  # pragma: no cover - convert failed before, so it fails again


# --------------------------------------------------------------------------------------------
# Compilation of per-class codecs.
#
# A field's type hint is reduced to a "kind" tree; each kind knows the expression that
# decodes (or encodes) a value ``v`` of it. All compiled functions share one namespace, so a
# decoder refers to another class's decoder by name and recursion (Schema.items -> Schema)
# needs no special case: names resolve at call time, after every class involved compiled.


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
    def decode(self, v: str) -> str:
        # Raw bytes come only from dicts written in Python; the wire has base64 text.
        return f"{v} if type({v}) is bytes else decode_base64({v})"

    def encode(self, v: str) -> str:
        return f"_b64encode({v})"


class _EnumKind(_Kind):
    def __init__(self, enum: type[OpenEnum]) -> None:
        self.name = _namespace_name("enum", enum)
        _NAMESPACE[self.name] = enum
        _NAMESPACE[self.name + "_members"] = enum._value2member_map_

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
        self.name = _namespace_name("cls", cls)
        _NAMESPACE[self.name] = cls

    def decode(self, v: str) -> str:
        return f"decode_{self.name}({v})"

    def encode(self, v: str) -> str:
        return (
            f"encode_{self.name}({v}) if type({v}) is {self.name} else _model_out({self.name}, {v})"
        )


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
        loop = f"[{self.item.decode('x')} for x in {v}] if type({v}) is list else "
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


_NAMESPACE: dict[str, Any] = {}
_DECODERS: dict[type[WireModel], Callable[[Any], WireModel]] = {}
_ENCODERS: dict[type[WireModel], Callable[[WireModel], dict[str, Any]]] = {}
_LEFTOVER_KEYS: dict[type[WireModel], tuple[frozenset[str], dict[str, str]]] = {}
_COMPILE_LOCK = threading.Lock()


def _namespace_name(prefix: str, cls: type) -> str:
    return f"{prefix}_{cls.__module__.replace('.', '_')}_{cls.__qualname__.replace('.', '_')}"


def _kind_of(hint: Any, wire: str | None) -> _Kind:
    if wire == "int64":
        return _Int64()
    origin = typing.get_origin(hint)
    if origin is typing.Union or origin is types.UnionType:
        (inner,) = [arg for arg in typing.get_args(hint) if arg is not type(None)]
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


def _models_in(kind: _Kind) -> list[type[WireModel]]:
    if isinstance(kind, _ModelKind):
        return [kind.cls]
    if isinstance(kind, _ContainerKind):
        return _models_in(kind.item)
    return []


def _compile(cls: type[WireModel], started: set[type[WireModel]]) -> None:
    """Compile ``decode_<cls>`` and ``encode_<cls>`` (and those of the types it refers to)."""
    started.add(cls)
    name = _namespace_name("cls", cls)
    _NAMESPACE[name] = cls
    hints = typing.get_type_hints(cls)
    wire_fields = [f for f in dataclasses.fields(cls) if "json" in f.metadata]
    kinds = {f.name: _kind_of(hints[f.name], f.metadata.get("wire")) for f in wire_fields}
    decode = _decoder_source(cls, name, wire_fields, kinds)
    encode = _encoder_source(wire_fields, kinds)
    source = "\n".join(decode + encode)
    source = source.replace("def decode", f"def decode_{name}")
    source = source.replace("def encode", f"def encode_{name}")
    filename = f"<gemwire codec {cls.__qualname__}>"
    # Registered so that a traceback through a codec shows its source.
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    exec(compile(source, filename, "exec"), _NAMESPACE)
    _LEFTOVER_KEYS[cls] = (
        frozenset(f.metadata["json"] for f in wire_fields),
        {f.name: f.metadata["json"] for f in wire_fields if f.name != f.metadata["json"]},
    )
    for kind in kinds.values():
        for model in _models_in(kind):
            if model not in started and model not in _DECODERS:
                _compile(model, started)


def _decoder_source(
    cls: type[WireModel],
    name: str,
    wire_fields: list[dataclasses.Field[Any]],
    kinds: dict[str, _Kind],
) -> list[str]:
    """The source of ``decode(d)``: each wire key looked up once, checked and converted.

    Types that codegen wrote are built directly: ``object.__new__`` and one store per field,
    which is about twice as fast as ``cls(**kw)``, and the lookups stop once every key of
    ``d`` has been used (most objects set few of their fields: a Part one of 14). Any other
    class (a user's subclass) is built by calling it.
    """
    direct = cls.__module__ == GENERATED_MODULE and "__init__" in vars(cls)
    lines = ["def decode(d):", "    if type(d) is not dict:", f"        return _as_is({name}, d)"]
    lines += ["    n = 0", "    m = len(d)"]
    if direct:
        lines += [f"    f_{f.name} = None" for f in wire_fields]
        lines += ["    while True:  # a block to leave once every key is used"]
    else:
        lines += ["    kw = {}"]
    indent = "    " if direct else ""
    for f in wire_fields:
        key, kind = f.metadata["json"], kinds[f.name]
        target = f"f_{f.name}" if direct else f"kw[{f.name!r}]"
        lines += [
            indent + line
            for line in (
                f"    v = d.get({key!r})",
                "    if v is not None:",
                "        n += 1",
                "        try:",
                f"            {target} = {kind.decode('v')}",
                "        except DecodeError as e:",
                f"            raise {kind.decode_error('e', 'v')}.at({key!r}) from None",
                *(("        if n == m:", "            break") if direct else ()),
            )
        ]
    if direct:
        lines += ["        break"]
    lines += ["    if n != m:", f"        return _with_leftovers({name}, d)"]
    if not direct:
        return [*lines, f"    return {name}(**kw)"]
    lines += [f"    o = _new({name})"]
    lines += [f"    o.{f.name} = f_{f.name}" for f in wire_fields]
    return [*lines, "    o.unknown_fields = None", "    return o"]


def _encoder_source(
    wire_fields: list[dataclasses.Field[Any]], kinds: dict[str, _Kind]
) -> list[str]:
    """The source of ``encode(o)``: set fields written under their wire names, then the
    unknown ones. Client-side fields (``sdk_http_response``) are left out."""
    lines = ["def encode(o):", "    d = {}"]
    for f in wire_fields:
        key, kind = f.metadata["json"], kinds[f.name]
        if f.metadata.get("client"):
            continue
        lines += [
            f"    v = o.{f.name}",
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
    ]


def _compile_all(cls: type[WireModel]) -> None:
    """Compile ``cls`` and every type it reaches, then publish them together, so that another
    thread never sees a decoder whose callees are not compiled yet."""
    with _COMPILE_LOCK:
        if cls in _DECODERS:
            return
        started: set[type[WireModel]] = set()
        _compile(cls, started)
        for model in started:
            name = _namespace_name("cls", model)
            _ENCODERS[model] = _NAMESPACE["encode_" + name]
            _DECODERS[model] = _NAMESPACE["decode_" + name]


def _with_leftovers(cls: type[WireModel], data: dict[str, Any]) -> WireModel:
    """Decode ``data`` that has keys besides the camelCase ones: snake_case aliases, explicit
    nulls and fields the spec does not know (the last two kept verbatim in ``unknown_fields``)."""
    if type(data) is not dict:
        _bad(data, "an object")
    wire_keys, snake_to_wire = _LEFTOVER_KEYS[cls]
    known: dict[str, Any] = {}
    unknown: dict[str, Any] = {}
    for key, value in data.items():
        if value is None:  # an explicit null: nothing to decode, but written back as it came
            unknown[key] = value
        elif key in wire_keys:
            known[key] = value
        elif key in snake_to_wire and snake_to_wire[key] not in data:
            known[snake_to_wire[key]] = value
        else:
            unknown[key] = value
    instance = _decoder(cls)(known)
    if unknown:
        instance.unknown_fields = unknown  # type: ignore[attr-defined]
    return instance


def _merge_unknown(encoded: dict[str, Any], unknown: Mapping[str, Any]) -> None:
    """Write back kept fields, except where the field has been set since (an explicit null
    the user then filled in)."""
    for key, value in unknown.items():
        if key not in encoded:
            encoded[key] = value


def _decoder(cls: type[WireModel]) -> Callable[[Any], WireModel]:
    decode = _DECODERS.get(cls)
    if decode is None:
        _compile_all(cls)
        decode = _DECODERS[cls]
    return decode


def _encoder(cls: type[WireModel]) -> Callable[[WireModel], dict[str, Any]]:
    encode = _ENCODERS.get(cls)
    if encode is None:
        _compile_all(cls)
        encode = _ENCODERS[cls]
    return encode


_NAMESPACE.update(
    {
        function.__name__: function
        for function in (
            _bad,
            _as_is,
            _as_int,
            _as_float,
            decode_base64,
            _b64encode,
            _int64_out,
            _enum_in,
            _enum_out,
            _model_out,
            _sequence_out,
            _mapping_out,
            _locate_item,
            _with_leftovers,
            _merge_unknown,
        )
    },
    DecodeError=DecodeError,
    EncodeError=EncodeError,
    Mapping=Mapping,
    _new=object.__new__,
)
