"""Error bodies exactly as Google writes them, and the HTML pages of its front end.

Every API error is `{"error": {"code", "message", "status", "details"?}}`, pretty-printed with
two spaces like the real service. Wording is copied from recorded traffic where it exists.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from typing import Any

STATUS_NAMES = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    409: "ABORTED",
    412: "FAILED_PRECONDITION",
    429: "RESOURCE_EXHAUSTED",
    499: "CANCELLED",
    500: "INTERNAL",
    501: "NOT_IMPLEMENTED",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}

_MESSAGES = {
    400: "Request contains an invalid argument.",
    401: "Request had invalid authentication credentials.",
    403: "The caller does not have permission",
    404: "Requested entity was not found.",
    409: "The operation was aborted.",
    429: "Resource exhausted. Please try again later.",
    499: "The operation was cancelled.",
    500: (
        "An internal error has occurred. Please retry or report in "
        "https://developers.generativeai.google/guide/troubleshooting"
    ),
    501: "Method not implemented.",
    503: "The model is overloaded. Please try again later.",
    504: "Deadline expired before operation could complete.",
}

# google.rpc.Code: the numeric codes of a `Status` (batch results, operations, file errors).
_RPC_CODES = {
    "CANCELLED": 1,
    "UNKNOWN": 2,
    "INVALID_ARGUMENT": 3,
    "DEADLINE_EXCEEDED": 4,
    "NOT_FOUND": 5,
    "ALREADY_EXISTS": 6,
    "PERMISSION_DENIED": 7,
    "RESOURCE_EXHAUSTED": 8,
    "FAILED_PRECONDITION": 9,
    "ABORTED": 10,
    "UNIMPLEMENTED": 12,
    "INTERNAL": 13,
    "UNAVAILABLE": 14,
    "UNAUTHENTICATED": 16,
}

_UNREGISTERED = (
    "Method doesn't allow unregistered callers (callers without established identity). "
    "Please use API Key or other form of API consumer identity to call this API."
)
_BAD_REQUEST = "type.googleapis.com/google.rpc.BadRequest"


class ApiError(Exception):
    """A request the service refuses: Google's error body, and headers to answer with."""

    def __init__(self, body: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        super().__init__(body["error"]["message"])
        self.body = body
        self.headers = headers or {}


def error(
    code: int,
    message: str | None = None,
    details: Sequence[Any] = (),
    status: str | None = None,
) -> dict[str, Any]:
    """A Google error body for an HTTP status, with Google's default wording for it;
    `status` names the code where one HTTP status has several (400 FAILED_PRECONDITION)."""
    body: dict[str, Any] = {
        "code": code,
        "message": message if message is not None else _MESSAGES.get(code, "Unknown error."),
        "status": status or STATUS_NAMES.get(code, "UNKNOWN"),
    }
    if details:
        body["details"] = list(details)
    return {"error": body}


def encode(body: Any) -> bytes:
    """Google's error formatting: indented JSON ending with a newline."""
    return json.dumps(body, indent=2, ensure_ascii=False).encode() + b"\n"


def bad_request(message: str, violations: Sequence[tuple[str, str]]) -> dict[str, Any]:
    """400 INVALID_ARGUMENT with a `google.rpc.BadRequest` listing (field, description) pairs."""
    field_violations = [
        {"field": field, "description": description} if field else {"description": description}
        for field, description in violations
    ]
    return error(400, message, [{"@type": _BAD_REQUEST, "fieldViolations": field_violations}])


def invalid_field(field: str, description: str, message: str | None = None) -> ApiError:
    """A 400 about one field: `message` (the description when not given) naming it."""
    return ApiError(bad_request(message or description, [(field, description)]))


def permission_denied() -> dict[str, Any]:
    """403: what Google answers to a request without an API key."""
    return error(403, _UNREGISTERED)


def rpc_status(body: dict[str, Any]) -> dict[str, Any]:
    """An error body as a `google.rpc.Status` (numeric code), as batch results carry it."""
    inner = body["error"]
    status: dict[str, Any] = {
        "code": _RPC_CODES.get(inner["status"], _RPC_CODES["UNKNOWN"]),
        "message": inner["message"],
    }
    if inner.get("details"):
        status["details"] = inner["details"]
    return status


def model_not_found(model: str, version: str, method: str) -> dict[str, Any]:
    """404 for a model the emulator does not serve, in the recorded wording."""
    short = method in ("countTokens", "embedContent")
    listing = "ListModels" if short else "ModelService.ListModels"
    return error(
        404,
        f"models/{model} is not found for API version {version}, or is not supported for "
        f"{method}. Call {listing} to see the list of available models and their supported "
        "methods.",
    )


def file_not_found(file_id: str) -> dict[str, Any]:
    """403: the service's answer for a file that does not exist (or is someone else's)."""
    return error(
        403, f"You do not have permission to access the File {file_id} or it may not exist."
    )


def file_not_active(file_id: str) -> dict[str, Any]:
    """400 FAILED_PRECONDITION: a file still `PROCESSING` (or `FAILED`) used in a prompt."""
    message = f"The File {file_id} is not in an ACTIVE state and usage is not allowed."
    return error(400, message, status="FAILED_PRECONDITION")


def cache_not_found() -> dict[str, Any]:
    """403: a cached content that does not exist, has expired or was deleted."""
    return error(403, "CachedContent not found (or permission denied)")


QUOTA_MESSAGE = "You exceeded your current quota, please check your plan."


def retry_details(retry_delay: str) -> list[dict[str, Any]]:
    """The details of a recorded 429: which quota ran out, and `google.rpc.RetryInfo`."""
    return [
        {
            "@type": "type.googleapis.com/google.rpc.QuotaFailure",
            "violations": [{"quotaId": "GenerateRequestsPerMinutePerProjectPerModel-FreeTier"}],
        },
        {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": retry_delay},
    ]


def html_page(code: int, path: str) -> bytes:
    """The HTML page Google's front end (or a proxy before it) answers instead of JSON."""
    if code == 404:
        text = (
            f"The requested URL <code>{html.escape(path)}</code> was not found on this server."
            "  <ins>That\u2019s all we know.</ins>"
        )
    else:
        text = (
            "The server encountered a temporary error and could not complete your request."
            "<p>Please try again in 30 seconds.  <ins>That\u2019s all we know.</ins>"
        )
    kind = "Not Found" if code == 404 else "Server Error"
    page = (
        "<!DOCTYPE html>\n<html lang=en>\n  <meta charset=utf-8>\n"
        '  <meta name=viewport content="initial-scale=1, minimum-scale=1, width=device-width">\n'
        f"  <title>Error {code} ({kind})!!1</title>\n"
        f"  <p><b>{code}.</b> <ins>That\u2019s an error.</ins>\n  <p>{text}\n"
    )
    return page.encode()
