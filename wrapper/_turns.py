"""google-genai's turns with a fixed role: ``types.UserContent`` and ``types.ModelContent``.

``gemwire.types`` re-exports them and imports this module the first time one is used.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from gemwire._content import to_part
from gemwire.types import Content, Part

if TYPE_CHECKING:
    from gemwire.types import PartUnionDict

__all__ = ["ModelContent", "UserContent"]


class UserContent(Content):
    """A turn of the user, made of its parts: ``UserContent("Why is the sky blue?")``,
    ``UserContent([image, "What is this?"])``. Each part may be text, a ``Part``, a part dict
    or a ``PIL.Image.Image``; ``role`` is ``"user"``."""

    __slots__ = ()

    def __init__(self, parts: PartUnionDict | Sequence[PartUnionDict]) -> None:
        super().__init__(role="user", parts=_parts(parts))


class ModelContent(Content):
    """A turn of the model, made of its parts, as :class:`UserContent` is of the user's;
    ``role`` is ``"model"``."""

    __slots__ = ()

    def __init__(self, parts: PartUnionDict | Sequence[PartUnionDict]) -> None:
        super().__init__(role="model", parts=_parts(parts))


def _parts(value: PartUnionDict | Sequence[PartUnionDict]) -> list[Part]:
    if isinstance(value, (list, tuple)):
        return [to_part(item, path=f"parts[{index}]") for index, item in enumerate(value)]
    return [to_part(value, path="parts")]
