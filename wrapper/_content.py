"""What users pass as ``contents`` -> the ``list[Content]`` the API expects.

Accepted, as google-genai accepts them: a string, a ``Part``, a ``Content``, a wire dict, a
``PIL.Image.Image``, an uploaded ``File`` (a ``fileData`` part of its URI), or a list of
those. Consecutive loose items (strings, parts, images, part dicts) form one ``user`` turn; a
``Content`` (or a dict with ``role``/``parts``), or a list of parts inside the list, is a turn
of its own. Pillow is imported only when an image is actually passed.

A PIL image is sent as the file it was read from if it is unchanged, else encoded as
google-genai encodes it (:mod:`gemwire._pil`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from gemwire._pil import image_part, is_pil_image
from gemwire._serde import WireModel, base64_size, stored
from gemwire.errors import ArgumentError, ArgumentTypeError, DecodeError, EncodeError
from gemwire.types import Blob, Content, File, FileData, Part

__all__ = [
    "copied",
    "inline_size",
    "json_copy",
    "to_content",
    "to_contents",
    "to_part",
]

_T = TypeVar("_T", bound=WireModel)
ACCEPTED = "str, Part, Content, dict, File or PIL.Image.Image"
_BLOB_DATA = stored(Blob, "data")


def to_contents(contents: Any, *, path: str = "contents") -> list[Content]:
    """Turn ``contents`` into a list of turns; consecutive loose parts become one user turn."""
    if type(contents) is str:  # the common case, first
        return [Content(role="user", parts=[Part(text=contents)])]
    items = contents if isinstance(contents, (list, tuple)) else [contents]
    turns: list[Content] = []
    loose: list[Part] = []
    for index, item in enumerate(items):
        item_path = f"{path}[{index}]" if items is contents else path
        turn = _as_turn(item, item_path)
        if turn is None:
            loose.append(to_part(item, path=item_path))
            continue
        if loose:
            turns.append(Content(role="user", parts=loose))
            loose = []
        turns.append(turn)
    if loose:
        turns.append(Content(role="user", parts=loose))
    if not turns:
        raise ArgumentError(f"{path}: is empty; pass at least one prompt")
    return turns


def to_content(value: Any, *, role: str | None = "user", path: str = "contents") -> Content:
    """Turn one message (a string, part, image, list of parts, or a Content) into one turn."""
    turn = _as_turn(value, path)
    if turn is not None:
        return turn
    items = value if isinstance(value, (list, tuple)) else [value]
    if not items:
        raise ArgumentError(f"{path}: is empty; pass at least one part")
    parts = [
        to_part(item, path=f"{path}[{i}]" if items is value else path)
        for i, item in enumerate(items)
    ]
    return Content(role=role, parts=parts)


def to_part(value: Any, *, path: str = "contents") -> Part:
    """Turn one loose item (str, Part, part dict, uploaded File, PIL image) into a ``Part``."""
    if isinstance(value, str):
        return Part(text=value)
    if isinstance(value, Part):
        return value
    if isinstance(value, File):
        if not value.uri:
            raise ArgumentError(f"{path}: the File {value.name!r} has no uri; get it again")
        return Part(file_data=FileData(file_uri=value.uri, mime_type=value.mime_type))
    if isinstance(value, Mapping):
        return _from_dict(Part, value, path)
    if is_pil_image(value):
        return image_part(value, path=path)
    raise ArgumentTypeError(f"{path}: expected {ACCEPTED}, got {type(value).__name__}")


def inline_size(content: Content) -> int:
    """The base64 length of a turn's inline data (images, files), without decoding any."""
    return sum(
        base64_size(_BLOB_DATA(part.inline_data))
        for part in content.parts or ()
        if part.inline_data is not None
    )


def copied(content: Content) -> Content:
    """A copy of ``content`` that shares nothing with it (not even ``functionCall.args``),
    made through its wire JSON."""
    return Content.from_dict(json_copy(content.to_dict()))


def json_copy(value: Any) -> Any:
    """A copy of JSON ``value`` that shares nothing with it, made by writing it and reading it
    back: no recursion in Python, however deep it nests."""
    try:
        return json.loads(json.dumps(value))
    except RecursionError:
        pass  # raised below, outside the handler, with its thousand frames gone
    raise EncodeError("a turn is nested too deeply to be written as JSON")


def _as_turn(value: Any, path: str) -> Content | None:
    """``value`` as a whole turn, or ``None`` if it is a loose part."""
    if isinstance(value, Content):
        return value
    if isinstance(value, Mapping) and ("parts" in value or "role" in value):
        return _from_dict(Content, value, path)
    if isinstance(value, Sequence) and not isinstance(value, (str, bytes)) and path.endswith("]"):
        # A list inside contents is a user turn of its own, as google-genai makes it.
        if not value:
            raise ArgumentError(f"{path}: is empty; pass at least one part")
        parts = [to_part(item, path=f"{path}[{index}]") for index, item in enumerate(value)]
        return Content(role="user", parts=parts)
    return None


def _from_dict(cls: type[_T], value: Mapping[str, Any], path: str) -> _T:
    try:
        return cls.from_dict(value)
    except DecodeError as error:
        raise error.at(path) from None
