"""Helpers that users call on a few generated types (``response.text``, ``Part.from_bytes``).

Codegen makes these classes the bases of the matching generated dataclasses (see
``codegen/generate.py``), which keeps ``generated/`` pure output. They import the generated
types lazily: ``gemwire.types`` imports this module while it is being defined.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

from gemwire._serde import WireModel

if TYPE_CHECKING:
    from gemwire.types import (
        Blob,
        CodeExecutionResultOutcome,
        ExecutableCodeLanguage,
        FunctionCall,
        FunctionDeclaration,
        FunctionDeclarationBehavior,
        FunctionResponsePart,
        GenerateContentConfig,
        GenerateContentResponseUsageMetadata,
        Image,
        Part,
        PartMediaResolution,
        PartMediaResolutionDict,
    )

    MediaResolutionInput: TypeAlias = PartMediaResolution | PartMediaResolutionDict | str

__all__ = [
    "FunctionDeclarationMixin",
    "FunctionResponsePartMixin",
    "GenerateContentResponseMixin",
    "ModelMixin",
    "PartMixin",
    "UsageMetadataMixin",
]


_NOT_ASKED: Any = object()  # no structured output was asked for


class GenerateContentResponseMixin(WireModel):
    """Convenience accessors of :class:`gemwire.types.GenerateContentResponse`."""

    __slots__ = ("_answer_type", "_parsed")
    _answer_type: Any  # the config's response_schema, when structured output was asked for
    _parsed: Any  # the answer parsed into it, on first access (or as set)

    def _expect_structured(self, config: GenerateContentConfig) -> None:
        """Have :attr:`parsed` parse the answer if ``config`` asked for structured output."""
        if config.response_schema is not None or config.response_json_schema is not None:
            self._answer_type = config.response_schema

    def _parts(self) -> list[Part]:
        return self.parts or []

    @property
    def parts(self) -> list[Part] | None:
        """The parts of the first candidate's content, or ``None``."""
        candidates = getattr(self, "candidates", None)
        if not candidates or candidates[0].content is None:
            return None
        parts: list[Part] | None = candidates[0].content.parts
        return parts

    @property
    def executable_code(self) -> str | None:
        """The code of the first ``executableCode`` part (code execution tool), or ``None``."""
        for part in self._parts():
            if part.executable_code is not None:
                return part.executable_code.code
        return None

    @property
    def code_execution_result(self) -> str | None:
        """The output of the first ``codeExecutionResult`` part, or ``None``."""
        for part in self._parts():
            if part.code_execution_result is not None:
                return part.code_execution_result.output
        return None

    @property
    def initial_prompt_token_count(self) -> int | None:
        """Prompt tokens of the request as sent (``usage_metadata``), or ``None``."""
        usage: GenerateContentResponseUsageMetadata | None = getattr(self, "usage_metadata", None)
        return None if usage is None else usage.initial_prompt_token_count

    @property
    def text(self) -> str | None:
        """The text of the first candidate: its text parts joined, thoughts left out.

        ``None`` when there is no text (a blocked prompt, only function calls, ...).
        """
        parts = self.parts
        if parts and len(parts) == 1:  # most answers, every streamed chunk: no list to join
            return None if parts[0].thought else parts[0].text
        texts = [p.text for p in parts or () if p.text is not None and not p.thought]
        return "".join(texts) if texts else None

    @property
    def function_calls(self) -> list[FunctionCall] | None:
        """The function calls the first candidate asks for, or ``None``."""
        calls = [p.function_call for p in self._parts() if p.function_call is not None]
        return calls or None

    @property
    def parsed(self) -> Any:
        """The JSON answer decoded, when the request set ``response_schema`` (or
        ``response_json_schema``): instances of the dataclass (or ``list[...]``) it named, else
        plain JSON. ``None`` otherwise, or when the text did not parse. Parsed on first use."""
        try:
            return self._parsed
        except AttributeError:
            pass
        answer_type = getattr(self, "_answer_type", _NOT_ASKED)
        text = self.text
        if answer_type is _NOT_ASKED or text is None:
            return None
        from gemwire._structured import parse_as

        self._parsed = parse_as(text, answer_type)
        return self._parsed

    @parsed.setter
    def parsed(self, value: Any) -> None:
        self._parsed = value


class UsageMetadataMixin(WireModel):
    """google-genai's accessor of :class:`gemwire.types.GenerateContentResponseUsageMetadata`."""

    __slots__ = ()

    @property
    def initial_prompt_token_count(self) -> int | None:
        """Prompt tokens of the request as sent: ``prompt_token_count``. (google-genai resends
        a request whose answer stopped with finish reason ``CONTINUATION`` and counts the
        first prompt here; gemwire never resends.)"""
        count: int | None = getattr(self, "prompt_token_count", None)
        return count


class PartMixin(WireModel):
    """Constructors of :class:`gemwire.types.Part`, and its image."""

    __slots__ = ()

    def as_image(self) -> Image | None:
        """The inline image of this part as a :class:`gemwire.types.Image`, or ``None`` when
        the part holds no image."""
        inline_data: Blob | None = getattr(self, "inline_data", None)
        return None if inline_data is None else inline_data.as_image()

    @classmethod
    def from_text(cls, *, text: str) -> Part:
        """A text part."""
        from gemwire.types import Part

        return Part(text=text)

    @classmethod
    def from_bytes(
        cls,
        *,
        data: bytes,
        mime_type: str,
        media_resolution: MediaResolutionInput | None = None,
    ) -> Part:
        """Inline bytes (an image, audio, a PDF) with their media type; ``media_resolution``
        (a level such as ``"MEDIA_RESOLUTION_LOW"``, or a ``PartMediaResolution``) sets how
        finely the media is tokenized."""
        from gemwire.types import Blob, Part

        return Part(
            inline_data=Blob(data=data, mime_type=mime_type),
            media_resolution=_media_resolution(media_resolution),
        )

    @classmethod
    def from_uri(
        cls,
        *,
        file_uri: str,
        mime_type: str | None = None,
        media_resolution: MediaResolutionInput | None = None,
    ) -> Part:
        """A file the API can fetch: an uploaded file's URI, a Cloud Storage or web URL. The
        media type is guessed from the name when not given (``ValueError`` if it cannot be)."""
        from gemwire.types import FileData, Part

        if mime_type is None:
            mime_type = _guess_media_type(file_uri)
            if mime_type is None:
                raise ValueError(f"mime_type: cannot tell the media type of {file_uri!r}; pass it")
        return Part(
            file_data=FileData(file_uri=file_uri, mime_type=mime_type),
            media_resolution=_media_resolution(media_resolution),
        )

    @classmethod
    def from_function_call(cls, *, name: str, args: dict[str, Any]) -> Part:
        """A call of function ``name`` with ``args``, as the model writes one."""
        from gemwire.types import FunctionCall, Part

        return Part(function_call=FunctionCall(name=name, args=args))

    @classmethod
    def from_function_response(
        cls,
        *,
        name: str,
        response: dict[str, Any],
        parts: list[FunctionResponsePart] | None = None,
    ) -> Part:
        """The result of a function call, to send back to the model."""
        from gemwire.types import FunctionResponse, Part

        return Part(function_response=FunctionResponse(name=name, response=response, parts=parts))

    @classmethod
    def from_executable_code(cls, *, code: str, language: ExecutableCodeLanguage | str) -> Part:
        """Code for the code execution tool."""
        from gemwire.types import ExecutableCode, ExecutableCodeLanguage, Part

        return Part(
            executable_code=ExecutableCode(code=code, language=ExecutableCodeLanguage(language))
        )

    @classmethod
    def from_code_execution_result(
        cls, *, outcome: CodeExecutionResultOutcome | str, output: str
    ) -> Part:
        """What running code produced."""
        from gemwire.types import CodeExecutionResult, CodeExecutionResultOutcome, Part

        result = CodeExecutionResult(outcome=CodeExecutionResultOutcome(outcome), output=output)
        return Part(code_execution_result=result)


class FunctionResponsePartMixin(WireModel):
    """Constructors of :class:`gemwire.types.FunctionResponsePart`."""

    __slots__ = ()

    @classmethod
    def from_bytes(
        cls, *, data: bytes, mime_type: str, display_name: str | None = None
    ) -> FunctionResponsePart:
        """Inline bytes that a function returns, with their media type."""
        from gemwire.types import FunctionResponseBlob, FunctionResponsePart

        blob = FunctionResponseBlob(data=data, mime_type=mime_type, display_name=display_name)
        return FunctionResponsePart(inline_data=blob)

    @classmethod
    def from_uri(
        cls, *, file_uri: str, mime_type: str | None = None, display_name: str | None = None
    ) -> FunctionResponsePart:
        """A file that a function returns, by URI. The media type is guessed from the name
        when not given; a Files API URI may go without one (the API knows the file's)."""
        from gemwire.types import FunctionResponseFileData, FunctionResponsePart

        if mime_type is None:
            mime_type = _guess_media_type(file_uri)
            if mime_type is None and not re.match(FILES_API_URI, file_uri):
                raise ValueError(f"mime_type: cannot tell the media type of {file_uri!r}; pass it")
        data = FunctionResponseFileData(
            file_uri=file_uri, mime_type=mime_type, display_name=display_name
        )
        return FunctionResponsePart(file_data=data)


# The URI of a file uploaded to the Files API, which needs no media type beside it (compiled
# on first use by `re`, not at import).
FILES_API_URI = (
    r"https://(?:[a-z0-9-]+-)?generativelanguage(?:\.sandbox)?\.googleapis\.com/"
    r"v1(?:beta|alpha|main)?/files/[a-z0-9-]+(?::download(?:\?alt=media)?)?$"
)


def _guess_media_type(uri: str) -> str | None:
    import mimetypes

    return mimetypes.guess_type(uri)[0]


def _media_resolution(
    value: MediaResolutionInput | None,
) -> PartMediaResolution | PartMediaResolutionDict | None:
    """A level (``"MEDIA_RESOLUTION_LOW"`` or the enum member) as a ``PartMediaResolution``;
    anything else as the Part's constructor takes it."""
    from gemwire.types import PartMediaResolution, PartMediaResolutionLevel

    if isinstance(value, str):
        return PartMediaResolution(level=PartMediaResolutionLevel(value))
    return value


class FunctionDeclarationMixin(WireModel):
    """Constructors of :class:`gemwire.types.FunctionDeclaration` from Python functions."""

    __slots__ = ()

    @classmethod
    def from_callable_with_api_option(
        cls,
        *,
        callable: Callable[..., Any],
        api_option: Literal["GEMINI_API"] = "GEMINI_API",
        behavior: FunctionDeclarationBehavior | None = None,
    ) -> FunctionDeclaration:
        """The declaration of ``callable``: its name, its docstring as the description and its
        parameters' schema from their annotations (what gemwire sends for a function in
        ``config.tools``). gemwire speaks the Gemini API only: ``api_option`` must be
        ``'GEMINI_API'``."""
        from gemwire._function_calling import declaration_of
        from gemwire.errors import ArgumentError

        if api_option != "GEMINI_API":
            raise ArgumentError(
                f"api_option: gemwire speaks the Gemini API only ('GEMINI_API'), got {api_option!r}"
            )
        declaration = declaration_of(callable)
        declaration.behavior = behavior
        return declaration

    @classmethod
    def from_callable(
        cls,
        *,
        client: Any,
        callable: Callable[..., Any],
        behavior: FunctionDeclarationBehavior | None = None,
    ) -> FunctionDeclaration:
        """The declaration of ``callable`` (see :meth:`from_callable_with_api_option`);
        ``client`` is accepted as google-genai takes it, and says nothing here."""
        return cls.from_callable_with_api_option(callable=callable, behavior=behavior)


class ModelMixin(WireModel):
    """google-genai's name for a field of :class:`gemwire.types.Model`."""

    __slots__ = ()

    @property
    def supported_actions(self) -> list[str] | None:
        """The API methods the model answers (``supportedGenerationMethods`` on the wire),
        under google-genai's name."""
        methods: list[str] | None = getattr(self, "supported_generation_methods", None)
        return methods
