"""Helpers that users call on a few generated types (``response.text``, ``Part.from_bytes``).

Codegen makes these classes the bases of the matching generated dataclasses (see
``codegen/generate.py``), which keeps ``generated/`` pure output. They import the generated
types lazily: ``gemwire.types`` imports this module while it is being defined.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from gemwire._serde import WireModel

if TYPE_CHECKING:
    from gemwire.types import FunctionCall, GenerateContentConfig, Part

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
        candidates = getattr(self, "candidates", None)
        if not candidates or candidates[0].content is None:
            return []
        return candidates[0].content.parts or []

    @property
    def text(self) -> str | None:
        """The text of the first candidate: its text parts joined, thoughts left out.

        ``None`` when there is no text (a blocked prompt, only function calls, ...).
        """
        texts = [p.text for p in self._parts() if p.text is not None and not p.thought]
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
        """A file the API can fetch: an uploaded file's URI, a Cloud Storage or web URL."""
        from gemwire.types import FileData, Part

        return Part(file_data=FileData(file_uri=file_uri, mime_type=mime_type))

    @classmethod
    def from_function_response(cls, *, name: str, response: dict[str, Any]) -> Part:
        """The result of a function call, to send back to the model."""
        from gemwire.types import FunctionResponse, Part

        return Part(function_response=FunctionResponse(name=name, response=response))
