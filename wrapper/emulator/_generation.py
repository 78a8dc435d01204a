"""A `generateContent` request checked and answered, with what it refers to resolved.

The checks the service makes before answering: the spec (through `Checker`), `contents` and
their `parts` present; then a `fileData.fileUri` of the emulator's must be an `ACTIVE` file.
The reply is `_responder`'s, describing uploaded files like inline media.
"""

from __future__ import annotations

from typing import Any

from gemwire.emulator import _errors, _responder
from gemwire.emulator import _fields as fields
from gemwire.emulator._checks import Checker
from gemwire.emulator._files import Files


class Generation:
    """Checks and answers of generate and count requests."""

    def __init__(self, checker: Checker, files: Files) -> None:
        self.checker = checker
        self.files = files

    def check(self, kind: str, body: dict[str, Any], raw: bytes) -> dict[str, Any] | None:
        """A 400 body if the request breaks the spec or sends no contents, else None."""
        message = "CountTokensRequest" if kind == "countTokens" else "GenerateContentRequest"
        invalid = self.checker.bad_request(message, body, raw)
        if invalid is not None or kind == "countTokens":
            return invalid
        contents = body.get("contents")
        if not contents:
            message = "* GenerateContentRequest.contents: contents is not specified\n"
            return _errors.bad_request(message, [("contents", "contents is not specified")])
        for index, content in enumerate(contents if isinstance(contents, list) else [contents]):
            if isinstance(content, dict) and not content.get("parts"):
                field = f"contents[{index}].parts"
                message = f"* GenerateContentRequest.{field}: contents.parts must not be empty.\n"
                return _errors.bad_request(message, [(field, "contents.parts must not be empty.")])
        return None

    def reply(
        self, model: str, body: dict[str, Any], raw: bytes, host: str, text: str | None = None
    ) -> _responder.Reply:
        """The reply to a checked request; ApiError for a file it cannot use."""
        files = self.files.attachments(fields.items(fields.get(body, "contents")), host)
        return _responder.compose(model, body, raw, text, files=files)
