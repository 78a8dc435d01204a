"""Helpers that users call on a few generated types (``response.text``, ``Part.from_bytes``).

Codegen makes these classes the bases of the matching generated dataclasses (see
``codegen/generate.py``), which keeps ``generated/`` pure output. They import the generated
types lazily: ``gemwire.types`` imports this module while it is being defined.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from gemwire._serde import WireModel

if TYPE_CHECKING:
    from gemwire.types import (
        CodeExecutionResultOutcome,
        ExecutableCodeLanguage,
        FunctionCall,
        FunctionResponsePart,
        GenerateContentConfig,
        Part,
    )

__all__ = ["GenerateContentResponseMixin", "PartMixin"]


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


class PartMixin(WireModel):
    """Constructors of :class:`gemwire.types.Part`."""

    __slots__ = ()

    @classmethod
    def from_text(cls, *, text: str) -> Part:
        """A text part."""
        from gemwire.types import Part

        return Part(text=text)

    @classmethod
    def from_bytes(cls, *, data: bytes, mime_type: str) -> Part:
        """Inline bytes (an image, audio, a PDF) with their media type."""
        from gemwire.types import Blob, Part

        return Part(inline_data=Blob(data=data, mime_type=mime_type))

    @classmethod
    def from_uri(cls, *, file_uri: str, mime_type: str | None = None) -> Part:
        """A file the API can fetch: an uploaded file's URI, a Cloud Storage or web URL. The
        media type is guessed from the name when not given (``ValueError`` if it cannot be)."""
        from gemwire.types import FileData, Part

        if mime_type is None:
            import mimetypes

            mime_type = mimetypes.guess_type(file_uri)[0]
            if mime_type is None:
                raise ValueError(f"mime_type: cannot tell the media type of {file_uri!r}; pass it")
        return Part(file_data=FileData(file_uri=file_uri, mime_type=mime_type))

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
