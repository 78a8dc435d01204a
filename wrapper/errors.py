"""Every error gemwire raises, in one hierarchy under :class:`GemwireError`.

    GemwireError
    ├── APIError                  the server answered with an error (google.rpc.Status)
    │   ├── ClientError           4xx: fix the request; never retried (except 408 and 429)
    │   └── ServerError           5xx: the service failed; retried
    ├── APIConnectionError        no (complete) answer: refused, reset, cut off
    │   ├── APITimeoutError       the timeout (or total_timeout) ran out
    │   └── IncompleteStreamError a stream ended before the model finished
    ├── InvalidResponseError      a success answer that is not JSON or does not fit the types
    │   └── ResponseTooLargeError an answer or one event over the client's size limit
    ├── ArgumentError             a wrong argument, named; nothing was sent       (ValueError)
    │   ├── ArgumentTypeError     ... of the wrong type                (ValueError, TypeError)
    │   ├── MissingAPIKeyError    no key in the arguments or the environment
    │   └── VertexOnlyError       a field only Vertex AI takes, set for the Gemini API
    ├── UsageError                a closed client, a stream read by two threads (RuntimeError)
    ├── RequestValidationError    Client(validate=True): the request breaks the spec (ValueError)
    ├── DecodeError               wire JSON that does not fit a type, with its path (ValueError)
    └── EncodeError               a value that cannot be written to the wire       (ValueError)

Decoding and request validation describe a wrong value in the same words:
``<path>: expected <what>, got <JSON type>``, e.g.
``contents[0].parts[1].inlineData.data: expected a base64 string, got integer``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar, Union

from gemwire._headers import http_response

__all__ = [
    "APIConnectionError",
    "APIError",
    "APITimeoutError",
    "ArgumentError",
    "ArgumentTypeError",
    "ClientError",
    "DecodeError",
    "EncodeError",
    "FileFailedError",
    "GemwireError",
    "IncompleteStreamError",
    "InvalidResponseError",
    "MissingAPIKeyError",
    "RequestValidationError",
    "ResponseTooLargeError",
    "ServerError",
    "UsageError",
    "VertexOnlyError",
]

PathItem = Union[str, int]  # noqa: UP007 - a runtime alias, and 3.10 has no `type X = ...`
_E = TypeVar("_E", bound="_PathError")

JSON_TYPE_NAMES: dict[type, str] = {
    dict: "object",
    list: "array",
    str: "string",
    bool: "boolean",
    int: "integer",
    float: "number",
    type(None): "null",
}


def json_type_name(value: object) -> str:
    """The JSON name of a decoded value's type (``integer``, ``string``, ...), for messages."""
    return JSON_TYPE_NAMES.get(type(value), type(value).__name__)


def format_path(path: Iterable[object]) -> str:
    """``["contents", 0, "parts", 1, "inlineData"]`` -> ``contents[0].parts[1].inlineData``."""
    text = ""
    for key in path:
        text += f"[{key}]" if isinstance(key, int) else (f".{key}" if text else str(key))
    return text


class GemwireError(Exception):
    """Base of every error gemwire raises."""


class APIError(GemwireError):
    """The API answered with an error.

    Built as google-genai builds it, ``APIError(code, response_json, response=None)``.
    Attributes mirror Google's ``google.rpc.Status`` error body: ``code`` (the HTTP status),
    ``status`` (e.g. ``"INVALID_ARGUMENT"``), ``message`` and ``details`` (the typed detail
    objects, e.g. ``google.rpc.RetryInfo``). ``response_json`` is the whole decoded body, or
    ``None`` when the body was not JSON (a proxy's HTML page); ``response`` the HTTP response
    (``types.HttpResponse``: ``headers`` and ``body``) when there was one; ``headers`` its
    headers.
    """

    def __init__(
        self,
        code: int,
        response_json: Any,
        response: Any = None,
        *,
        message: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        error = response_json.get("error") if isinstance(response_json, dict) else None
        fields: dict[str, Any] = (
            error
            if isinstance(error, dict)
            else response_json
            if isinstance(response_json, dict)
            else {}
        )
        if message is None:
            message = error if isinstance(error, str) else str(fields.get("message") or "")
        super().__init__(code, message)
        self.code = code
        self.message = message
        self.status: str | None = (
            fields["status"] if isinstance(fields.get("status"), str) else None
        )
        self.details: list[Any] = (
            fields["details"] if isinstance(fields.get("details"), list) else []
        )
        self.response_json = response_json
        self.response = response
        self.headers: Mapping[str, str] = (
            headers if headers is not None else getattr(response, "headers", None) or {}
        )

    def __str__(self) -> str:
        status = f" {self.status}" if self.status else ""
        return f"{self.code}{status}. {self.message}"

    @classmethod
    def raise_for_response(cls, response: Any) -> None:
        """Raise the right subclass if ``response`` (an HTTP response of any client library:
        ``status_code`` or ``status``, and ``json()`` or ``text`` / ``content`` / ``data``) is
        an error, as google-genai's ``APIError.raise_for_response`` does."""
        status: Any = getattr(response, "status_code", None) or getattr(response, "status", 200)
        code = int(status)
        if code < 400:
            return
        body: Any = None
        for name in ("content", "data", "text", "body"):
            body = getattr(response, name, None)
            if body is not None:
                break
        raw = body.encode() if isinstance(body, str) else body if isinstance(body, bytes) else b""
        raise APIError.from_response(code, raw, getattr(response, "headers", None))

    @staticmethod
    def from_response(code: int, body: bytes, headers: Mapping[str, str] | None = None) -> APIError:
        """Build the right subclass from an HTTP error answer, JSON or not."""
        try:
            payload = json.loads(body)
        except ValueError:
            payload = None
        return APIError.from_payload(code, payload, body, headers)

    @staticmethod
    def from_payload(
        code: int, payload: Any, body: bytes = b"", headers: Mapping[str, str] | None = None
    ) -> APIError:
        """Build the right subclass from a decoded ``{"error": {...}}`` object (or from a body
        that is not one, such as a proxy's HTML page)."""
        error = payload.get("error") if isinstance(payload, dict) else None
        message = None
        if isinstance(error, dict):
            if isinstance(error.get("code"), int):
                code = error["code"]
        elif not (isinstance(error, str) and error):
            message = _summarise_body(body) or "(empty response body)"
        cls = ServerError if code >= 500 else ClientError if code >= 400 else APIError
        text = body.decode("utf-8", "replace") if body else None
        response = None if headers is None else http_response(headers, text)
        return cls(code, payload, response, message=message, headers=headers)


def error_in(payload: Any, headers: Mapping[str, str] | None = None) -> APIError | None:
    """The error a success answer (or one event of a stream) carries in place of a response:
    an ``error`` member, alone or beside other keys, also as an item of a list (a stream
    written as a JSON array). Its code is the error's own, else 500."""
    if type(payload) is list:
        payload = next(
            (item for item in payload if type(item) is dict and item.get("error") is not None),
            None,
        )
    if type(payload) is dict and payload.get("error") is not None:
        return APIError.from_payload(500, payload, headers=headers)
    return None


class ClientError(APIError):
    """A 4xx answer: the request was wrong (bad argument, key, model, quota)."""


class ServerError(APIError):
    """A 5xx answer: the service failed or is overloaded."""


class APIConnectionError(GemwireError):
    """No complete answer arrived: the connection failed, was reset or was cut off."""


class APITimeoutError(APIConnectionError):
    """The connect or read timeout ran out."""


class IncompleteStreamError(APIConnectionError):
    """A streamed answer ended before the model finished (cut off mid-event or mid-answer)."""


class InvalidResponseError(GemwireError):
    """The server answered with success, but the answer is not JSON or does not fit the
    types (the :class:`DecodeError` naming the path is the ``__cause__``). Not retried."""


class ResponseTooLargeError(InvalidResponseError):
    """An answer, or one event of a stream, is larger than the client's limit
    (``max_response_bytes``, ``max_event_bytes``), counted after decompression. Not retried."""


class FileFailedError(GemwireError):
    """An uploaded file's processing failed (its state is ``FAILED``): it cannot be used."""


class ArgumentError(GemwireError, ValueError):
    """An argument gemwire was given is wrong; the message names it. Raised before anything
    is sent."""


class ArgumentTypeError(ArgumentError, TypeError):
    """An argument is of the wrong type (``api_key=123``, ``history="hello"``)."""


class MissingAPIKeyError(ArgumentError):
    """No API key: pass ``api_key=`` or set ``GEMINI_API_KEY`` (or ``GOOGLE_API_KEY``)."""


class VertexOnlyError(ArgumentError):
    """A request sets a field only Vertex AI takes (``config.routing_config``,
    ``config.tools[0].retrieval``, ...), which the Gemini Developer API does not; nothing was
    sent. google-genai raises ``ValueError`` for the same fields, so does this. ``field`` is
    the field's path."""

    def __init__(self, field: str, hint: str = "") -> None:
        super().__init__(
            f"{field}: only Vertex AI takes this field, not the Gemini Developer API "
            f"(google-genai refuses it too); nothing was sent{'; ' + hint if hint else ''}"
        )
        self.field = field


class UsageError(GemwireError, RuntimeError):
    """gemwire was used in a way it cannot serve: a call on a closed client, or one stream
    read from two threads (or two loops) at the same time."""


class RequestValidationError(GemwireError, ValueError):
    """The request body breaks the spec (``Client(validate=True)``); it was not sent.

    ``violations`` lists ``(json_path, description)`` pairs, e.g.
    ``("contents[0].parts[1].inlineData.data", "expected a base64 string, got integer")``;
    the message names each one the same way.
    """

    def __init__(self, violations: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{path}: {why}" if path else why for path, why in violations))
        self.violations = violations


class _PathError(GemwireError, ValueError):
    """A problem with one value, located by the path of keys and indices leading to it."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem
        self.path: list[PathItem] = []

    def at(self: _E, key: PathItem) -> _E:
        """Record that the problem lies under ``key`` (called while unwinding, innermost first)."""
        self.path.insert(0, key)
        return self

    @property
    def location(self) -> str:
        """The path in the usual notation: ``candidates[0].content.parts[2]``."""
        return format_path(self.path)

    def __str__(self) -> str:
        return f"{self.location}: {self.problem}" if self.path else self.problem


class DecodeError(_PathError):
    """Wire JSON that does not fit the type the spec gives it (path in wire names)."""


class EncodeError(_PathError):
    """A value on a gemwire type that cannot be written to the wire (path in attribute names)."""


def _summarise_body(body: bytes, limit: int = 200) -> str:
    """A readable one-line excerpt of a non-JSON error body, such as a proxy's HTML page."""
    text = body.decode("utf-8", errors="replace")
    if "<" in text:  # strip tags, keep the words (an HTML <title> usually says it all)
        import re

        title = re.search(r"<title[^>]*>(.*?)</title>", text, re.IGNORECASE | re.DOTALL)
        text = title.group(1) if title else re.sub(r"<[^>]+>", " ", text)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
