"""google-genai's names for what gemwire takes as input: ``types.ContentListUnion`` and the rest.

``gemwire.types`` re-exports them and imports this module the first time one is used, since
it loads the TypedDicts (``gemwire.types._dicts``), which ``import gemwire`` does not: code
that only annotates with them should import them under ``TYPE_CHECKING``.

They follow google-genai 3.6.1, narrowed to what gemwire accepts: no ``File`` (gemwire has no
files API); a ``response_schema`` is a ``Schema``, a dict or a Python type, where
google-genai's type checkers accept any value. Lists are ``Sequence`` (see below). Pillow is
optional: ``PIL.Image.Image`` is only a name here, which type checkers resolve and the running
code never imports.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeAlias, Union

from gemwire.types import (
    Content,
    CountTokensConfig,
    EmbedContentConfig,
    GenerateContentConfig,
    HttpOptions,
    HttpRetryOptions,
    ListModelsConfig,
    Part,
    Schema,
    Tool,
)
from gemwire.types._dicts import (
    ContentDict,
    CountTokensConfigDict,
    EmbedContentConfigDict,
    GenerateContentConfigDict,
    HttpOptionsDict,
    HttpRetryOptionsDict,
    ListModelsConfigDict,
    PartDict,
    SchemaDict,
    ToolDict,
)

if TYPE_CHECKING:
    from PIL.Image import Image

__all__ = [
    "ContentListUnion",
    "ContentListUnionDict",
    "ContentUnion",
    "ContentUnionDict",
    "CountTokensConfigOrDict",
    "EmbedContentConfigOrDict",
    "GenerateContentConfigOrDict",
    "HttpOptionsOrDict",
    "HttpRetryOptionsOrDict",
    "ListModelsConfigOrDict",
    "PartUnion",
    "PartUnionDict",
    "SchemaUnion",
    "SchemaUnionDict",
    "ToolListUnion",
    "ToolListUnionDict",
    "ToolUnion",
    "ToolUnionDict",
]

PartUnion: TypeAlias = Union[str, "Image", Part]
"""One part of a turn: text, an image or a ``Part``."""
PartUnionDict: TypeAlias = PartUnion | PartDict

# google-genai spells the lists `list[...]`, several in one union; mypy then infers a list
# display such as `["Describe this", image]` as `list[object]` and rejects it. One covariant
# Sequence (gemwire takes a list or a tuple) also takes a `list[Content]` or `list[str]`.

ContentUnion: TypeAlias = Content | PartUnion | Sequence[PartUnion]
"""One turn (``system_instruction``, a chat message): a ``Content``, or its parts."""
ContentUnionDict: TypeAlias = Content | ContentDict | PartUnionDict | Sequence[PartUnionDict]

ContentListUnion: TypeAlias = ContentUnion | Sequence[ContentUnion]
"""``contents``: one turn, or a list of turns and loose parts (consecutive loose parts make one
user turn; a list of parts inside the list is a user turn of its own)."""
ContentListUnionDict: TypeAlias = ContentUnionDict | Sequence[ContentUnionDict]

SchemaUnion: TypeAlias = (
    Schema
    | dict[Any, Any]
    | type  # a dataclass, an Enum, str, int, float, bool; type checkers see list[X] as one too
    | types.GenericAlias  # list[X] at run time
    | types.UnionType  # X | None
    | typing._SpecialForm  # Optional[X] and Literal[...], as type checkers see them
)
"""``response_schema``: a ``Schema``, its wire dict, or the Python type of the answer."""
SchemaUnionDict: TypeAlias = SchemaUnion | SchemaDict

ToolUnion: TypeAlias = Tool | Callable[..., Any]
"""One of ``config.tools``: a ``Tool``, or a Python function for automatic function calling."""
ToolUnionDict: TypeAlias = ToolDict | Callable[..., Any]
ToolListUnion: TypeAlias = list[ToolUnion]
ToolListUnionDict: TypeAlias = list[ToolUnionDict]

GenerateContentConfigOrDict: TypeAlias = GenerateContentConfig | GenerateContentConfigDict
CountTokensConfigOrDict: TypeAlias = CountTokensConfig | CountTokensConfigDict
HttpOptionsOrDict: TypeAlias = HttpOptions | HttpOptionsDict
HttpRetryOptionsOrDict: TypeAlias = HttpRetryOptions | HttpRetryOptionsDict
EmbedContentConfigOrDict: TypeAlias = EmbedContentConfig | EmbedContentConfigDict
ListModelsConfigOrDict: TypeAlias = ListModelsConfig | ListModelsConfigDict
