"""Wire JSON <-> the generated dataclasses in ``gemwire.types``.

Codegen emits plain dataclasses whose fields carry their wire name in
``field(metadata={"json": "inlineData"})`` (plus ``"wire": "int64"`` for 64-bit integers,
which proto3 JSON writes as strings), and one decoder and one encoder function per class,
written from that metadata (:mod:`gemwire._codec_source`) into ``gemwire.types._codecs``,
which this module loads the first time a type is decoded or encoded: straight-line code with
no per-field lookups or reflection, and nothing compiled at run time (but for a class that
file lacks, such as a user's subclass).

The rules (proto3 JSON, as the Gemini API speaks it):

* Lossless: keys the spec does not know land in ``unknown_fields`` and are written back;
  enum values the spec does not know become pseudo-members of the (open) enum; a bytes field
  keeps the base64 text it came as until it is first read (it is decoded then, and a text
  that is not base64 raises :class:`~gemwire.errors.DecodeError` there), so one never read
  is written back exactly as it came.
* Lenient on input: snake_case keys are accepted where camelCase is expected, bytes in the
  standard or URL-safe base64 alphabet with or without padding, 64-bit integers as strings
  or numbers, a lone object where a list of objects is expected, enum values in any case.
* Strict on output: camelCase keys, standard padded base64 for bytes, 64-bit integers as
  strings, absent (``None``) fields omitted.
* A value of the wrong type raises :class:`~gemwire.errors.DecodeError` naming its path, e.g.
  ``candidates[0].content.parts[2].inlineData.data: expected a base64 string, got integer``.
"""

from __future__ import annotations

import binascii
import dataclasses
import importlib
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

__all__ = [
    "CODEC_NAMES",
    "OpenEnum",
    "WireModel",
    "base64_size",
    "decode_answer",
    "decode_base64",
    "is_function",
    "stored",
    "wire_type",
]

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
    if type(value) is _Base64Text:  # never read: written back as it came
        return value.text
    if isinstance(value, (bytes, bytearray, memoryview)):
        return binascii.b2a_base64(value, newline=False).decode("ascii")
    raise EncodeError(f"expected bytes, got {type(value).__name__}")


def _int64_out(value: object) -> str:
    if type(value) is int:
        return str(value)
    raise EncodeError(f"expected int, got {type(value).__name__}")


def is_function(value: object) -> bool:
    """Whether ``value`` is a Python function (or another callable object) standing for an
    item of a list that allows them (``GenerateContentConfig.tools``), not a type given for
    its empty instance. Instances of the generated types are never callable."""
    return callable(value) and not isinstance(value, type)


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
# Bytes fields keep their base64 text until they are read.


class _Base64Text:
    """The base64 text of a bytes field, as it came, until the field is first read."""

    __slots__ = ("text",)
    text: str


def _base64_in(value: object) -> _Base64Text | bytes:
    """What a bytes field holds once decoded: its base64 text, kept as it is (checked and
    decoded when the field is read), or raw bytes from a dict written in Python."""
    if type(value) is str:
        kept: _Base64Text = _new(_Base64Text)
        kept.text = value
        return kept
    if type(value) is bytes:
        return value
    _bad(value, "a base64 string")


class _Base64Field(property):
    """The attribute of a bytes field: reading it decodes the base64 text the field came with
    (once: the bytes replace the text); a bad text raises :class:`DecodeError` then. Set
    values are stored as they are, by the slot's own setter (no Python frame: a ``Part()``
    sets its bytes field too). Replaces the slot's attribute, whose storage it uses."""

    def __init__(self, slot: Any, wire: str) -> None:
        def read(instance: object) -> Any:
            value = slot.__get__(instance, None)
            if type(value) is _Base64Text:
                try:
                    value = decode_base64(value.text)
                except DecodeError as error:
                    raise error.at(wire) from None
                slot.__set__(instance, value)
            return value

        super().__init__(read, slot.__set__, slot.__delete__)
        self.slot = slot


def _base64_slot(cls: type, name: str, wire: str) -> tuple[Callable[..., Any], Callable[..., Any]]:
    """Make field ``name`` of ``cls`` (a slot) decode its base64 text when read, and return
    the slot's own getter and setter, which the codecs use to store and write the text."""
    owner = next(klass for klass in cls.__mro__ if name in vars(klass))
    attribute = vars(owner)[name]
    if not isinstance(attribute, _Base64Field):
        if not isinstance(attribute, types.MemberDescriptorType):
            raise TypeError(f"{owner.__name__}.{name}: a bytes field must be a slot")
        attribute = _Base64Field(attribute, wire)
        setattr(owner, name, attribute)
    return attribute.slot.__get__, attribute.slot.__set__


def stored(cls: type[WireModel], name: str) -> Callable[[Any], Any]:
    """A function that reads field ``name`` of a ``cls`` as it is held, a bytes field's
    base64 text undecoded: to move a value from one object to another, or test it for
    ``None``, without decoding it."""
    attribute = getattr(cls, name)
    slot = attribute.slot if isinstance(attribute, _Base64Field) else attribute
    getter: Callable[[Any], Any] = slot.__get__
    return getter


def base64_size(value: object) -> int:
    """The length in base64 of what a bytes field holds (see :func:`stored`): raw bytes or the
    text it came as."""
    if type(value) is _Base64Text:
        return len(value.text)
    return (len(value) + 2) // 3 * 4 if isinstance(value, (bytes, bytearray, memoryview)) else 0


# --------------------------------------------------------------------------------------------
# The codecs: written out by codegen for the generated types (gemwire.types._codecs), compiled
# here from gemwire._codec_source for any other class (a user's subclass).

CODECS_MODULE = GENERATED_MODULE + "._codecs"
_DECODERS: dict[type[WireModel], Callable[[Any], WireModel]] = {}
_ENCODERS: dict[type[WireModel], Callable[[WireModel], dict[str, Any]]] = {}
_LEFTOVER_KEYS: dict[type[WireModel], tuple[frozenset[str], dict[str, str]]] = {}
_LOCK = threading.Lock()
_new = object.__new__
_NAMESPACE: dict[str, Any] = {}  # where codecs compiled at run time live


def _load(cls: type[WireModel]) -> None:
    """Make the codecs of ``cls`` (and of every type it reaches) ready, and publish them
    together, so that another thread never sees a decoder whose callees are missing."""
    with _LOCK:
        if CODECS_MODULE not in sys.modules:
            for model, (decode, encode) in importlib.import_module(CODECS_MODULE).CODECS.items():
                _DECODERS[model] = decode
                _ENCODERS[model] = encode
        if cls not in _DECODERS:
            _compile(cls)


def _compile(cls: type[WireModel]) -> None:
    """Compile the codecs of ``cls`` and of the types it reaches that have none yet."""
    from gemwire._codec_source import class_codec, namespace_name

    if not _NAMESPACE:
        _NAMESPACE.update(CODEC_NAMES)
    compiled: list[type[WireModel]] = []
    pending = [cls]
    while pending:
        model = pending.pop()
        name = namespace_name(model)
        if model in _DECODERS:  # written out by codegen: called under the same names
            _NAMESPACE["decode_" + name] = _DECODERS[model]
            _NAMESPACE["encode_" + name] = _ENCODERS[model]
            continue
        if model in compiled:
            continue
        codec = class_codec(model)
        source = "\n".join([*codec.setup, codec.source])
        filename = f"<gemwire codec {model.__qualname__}>"
        # Registered so that a traceback through a codec shows its source.
        linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
        _NAMESPACE.update(codec.bindings)
        exec(compile(source, filename, "exec"), _NAMESPACE)
        compiled.append(model)
        pending += codec.reaches
    for model in compiled:
        name = namespace_name(model)
        _ENCODERS[model] = _NAMESPACE["encode_" + name]
        _DECODERS[model] = _NAMESPACE["decode_" + name]


def _leftover_keys(cls: type[WireModel]) -> tuple[frozenset[str], dict[str, str]]:
    """The wire keys of ``cls``, and its snake_case names of them that differ."""
    keys = _LEFTOVER_KEYS.get(cls)
    if keys is None:
        fields = [f for f in dataclasses.fields(cls) if "json" in f.metadata]
        keys = _LEFTOVER_KEYS[cls] = (
            frozenset(f.metadata["json"] for f in fields),
            {f.name: f.metadata["json"] for f in fields if f.name != f.metadata["json"]},
        )
    return keys


def _with_leftovers(cls: type[WireModel], data: dict[str, Any]) -> WireModel:
    """Decode ``data`` that has keys besides the camelCase ones: snake_case aliases, explicit
    nulls and fields the spec does not know (the last two kept verbatim in ``unknown_fields``)."""
    if type(data) is not dict:
        _bad(data, "an object")
    wire_keys, snake_to_wire = _leftover_keys(cls)
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
        _load(cls)
        decode = _DECODERS[cls]
    return decode


def _encoder(cls: type[WireModel]) -> Callable[[WireModel], dict[str, Any]]:
    encode = _ENCODERS.get(cls)
    if encode is None:
        _load(cls)
        encode = _ENCODERS[cls]
    return encode


# What the codecs' code may refer to, besides the classes, enums and codecs it names.
CODEC_NAMES: dict[str, Any] = {
    **{
        function.__name__: function
        for function in (
            _bad,
            is_function,
            _as_is,
            _as_int,
            _as_float,
            decode_base64,
            _base64_in,
            _base64_slot,
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
    "Any": Any,
    "DecodeError": DecodeError,
    "EncodeError": EncodeError,
    "Mapping": Mapping,
    "_new": _new,
}
