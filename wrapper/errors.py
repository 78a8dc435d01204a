"""Every error gemwire raises, in one flat hierarchy.

    GemwireError
    ├── APIError                  the server answered with an error (google.rpc.Status)
    │   ├── ClientError           4xx: fix the request; never retried (except 408 and 429)
    │   └── ServerError           5xx: the service failed; retried
    ├── APIConnectionError        no (complete) answer: refused, reset, cut off
    │   ├── APITimeoutError       the connect or read timeout ran out
    │   └── IncompleteStreamError a stream ended before the model finished
    ├── MissingAPIKeyError        no key in the arguments or the environment
    └── RequestValidationError    Client(validate=True): the request breaks the spec; not sent

``DecodeError`` and ``EncodeError`` (both ``ValueError``) report values that do not fit the
types, with their path.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from gemwire._serde import DecodeError, EncodeError

__all__ = [
    "APIConnectionError",
    "APIError",
    "APITimeoutError",
    "ClientError",
    "DecodeError",
    "EncodeError",
    "GemwireError",
    "IncompleteStreamError",
    "MissingAPIKeyError",
    "RequestValidationError",
    "ServerError",
]


class GemwireError(Exception):
    """Base of the errors gemwire raises about the service or the connection to it."""


class APIError(GemwireError):
    """The API answered with an error.

    Attributes mirror Google's ``google.rpc.Status`` error body: ``code`` (the HTTP status),
    ``status`` (e.g. ``"INVALID_ARGUMENT"``), ``message`` and ``details`` (the typed detail
    objects, e.g. ``google.rpc.RetryInfo``). ``response_json`` is the whole decoded body, or
    ``None`` when the body was not JSON (a proxy's HTML page); ``headers`` the response headers.
    """

    def __init__(
        self,
        code: int,
        message: str,
        *,
        status: str | None = None,
        details: list[Any] | None = None,
        response_json: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(code, message)
        self.code = code
        self.message = message
        self.status = status
        self.details: list[Any] = details or []
        self.response_json = response_json
        self.headers: Mapping[str, str] = headers or {}

    def __str__(self) -> str:
        status = f" {self.status}" if self.status else ""
        return f"{self.code}{status}. {self.message}"

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
        """Build the right subclass from a decoded ``{"error": {...}}`` object."""
        error = payload.get("error") if isinstance(payload, dict) else None
        if isinstance(error, dict):
            if isinstance(error.get("code"), int):
                code = error["code"]
            message = str(error.get("message") or "")
            status = error.get("status") if isinstance(error.get("status"), str) else None
            details = error.get("details") if isinstance(error.get("details"), list) else None
        else:
            message = _summarise_body(body) or "(empty response body)"
            status, details = None, None
        cls = ServerError if code >= 500 else ClientError if code >= 400 else APIError
        return cls(
            code,
            message,
            status=status,
            details=details,
            response_json=payload,
            headers=headers,
        )


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


class MissingAPIKeyError(GemwireError, ValueError):
    """No API key: pass ``api_key=`` or set ``GEMINI_API_KEY`` (or ``GOOGLE_API_KEY``)."""


class RequestValidationError(GemwireError, ValueError):
    """The request body breaks the spec (``Client(validate=True)``); it was not sent.

    ``violations`` lists ``(json_path, description)`` pairs, e.g.
    ``("contents[0].parts[1].inlineData.data", "expected a base64 string, got int")``; the
    message names each one the same way.
    """

    def __init__(self, violations: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{path}: {why}" if path else why for path, why in violations))
        self.violations = violations


def _summarise_body(body: bytes, limit: int = 200) -> str:
    """A readable one-line excerpt of a non-JSON error body, such as a proxy's HTML page."""
    text = body.decode("utf-8", errors="replace")
    if "<" in text:  # strip tags, keep the words (an HTML <title> usually says it all)
        import re

        title = re.search(r"<title[^>]*>(.*?)</title>", text, re.IGNORECASE | re.DOTALL)
        text = title.group(1) if title else re.sub(r"<[^>]+>", " ", text)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
