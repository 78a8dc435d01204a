"""A `generateContent` request checked and answered, with what it refers to resolved.

The checks the service makes before answering: the spec (through `Checker`), `contents` and
their `parts` present; then a `cachedContent` must be live (403 otherwise), must not come with
`systemInstruction`, `tools` or `toolConfig` (400, in the service's reported words) and must be
for the same model; a `fileData.fileUri` of the emulator's must be an `ACTIVE` file. The reply
is `_responder`'s, with the cache's turns before the request's and its tokens reported.
Batch jobs answer each of their requests through the same `response`.
"""

from __future__ import annotations

from typing import Any

from gemwire.emulator import _errors, _models, _responder
from gemwire.emulator import _fields as fields
from gemwire.emulator._caches import Caches
from gemwire.emulator._checks import Checker
from gemwire.emulator._errors import ApiError
from gemwire.emulator._files import Files

_CACHE_CONFLICT = (
    "CachedContent can not be used with GenerateContent request setting system_instruction, "
    "tools or tool_config.\n\nProposed fix: move those values to CachedContent from "
    "GenerateContent request."
)
_NOT_WITH_A_CACHE = ("systemInstruction", "tools", "toolConfig")


class Generation:
    """Checks and answers of generate and count requests."""

    def __init__(self, checker: Checker, caches: Caches, files: Files) -> None:
        self.checker = checker
        self.caches = caches
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
        self,
        model: str,
        body: dict[str, Any],
        raw: bytes,
        host: str,
        text: str | None = None,
        calls: list[dict[str, Any]] | None = None,
    ) -> _responder.Reply:
        """The reply to a checked request (`text` or `calls` in place of the usual answer);
        ApiError for a cache or file it cannot use."""
        cached = None
        name = fields.get(body, "cachedContent")
        if isinstance(name, str) and name:
            cache = self.caches.find(name)
            if any(fields.get(body, k) is not None for k in _NOT_WITH_A_CACHE):
                raise ApiError(_errors.error(400, _CACHE_CONFLICT))
            cache_model = _models.model_version(cache.model.removeprefix("models/"))
            if cache_model != _models.model_version(model):
                message = (
                    f"Model used by GenerateContent request (models/{model}) and CachedContent "
                    f"({cache.model}) has to be the same."
                )
                raise ApiError(_errors.error(400, message))
            contents = fields.items(cache.members.get("contents"))
            body = {
                **body,
                **cache.members,
                "contents": contents + fields.items(fields.get(body, "contents")),
            }
            cached = cache.tokens
        files = self.files.attachments(fields.items(fields.get(body, "contents")), host)
        return _responder.compose(model, body, raw, text, cached=cached, files=files, calls=calls)

    def response(self, model: str, body: Any, raw: bytes, host: str) -> dict[str, Any]:
        """The `GenerateContentResponse` of a request in a batch; ApiError if it is refused."""
        if not isinstance(body, dict):
            message = "Invalid JSON payload received. The request must be an object."
            raise ApiError(_errors.bad_request(message, [("", message)]))
        invalid = self.check("generateContent", body, raw)
        if invalid is not None:
            raise ApiError(invalid)
        return _responder.response(self.reply(model, body, raw, host))
