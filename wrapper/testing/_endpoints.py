"""The API methods the spec describes, by the emulator's name for them, and which one a
request calls (the emulator's own routing)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from gemwire import types
from gemwire._serde import WireModel


@dataclass(frozen=True)
class Endpoint:
    """The request and response types of one API method; their names are the spec's
    ``$defs`` names."""

    request: type[WireModel]
    response: type[WireModel]


GENERATE = ("generateContent", "streamGenerateContent")
ENDPOINTS: Mapping[str, Endpoint] = {
    "generateContent": Endpoint(types.GenerateContentRequest, types.GenerateContentResponse),
    "streamGenerateContent": Endpoint(types.GenerateContentRequest, types.GenerateContentResponse),
    "countTokens": Endpoint(types.CountTokensRequest, types.CountTokensResponse),
}


@dataclass(frozen=True)
class Method:
    """Which API method a request calls: ``kind`` as the emulator's script names it
    (``generateContent``, ``getFile``, ...), None for a URL the API does not have."""

    kind: str | None
    model: str = ""


def method_of(
    http_method: str, path: str, query: Mapping[str, str], headers: Mapping[str, str]
) -> Method:
    """The API method of a request, from its HTTP method, path (without the query) and, for
    uploads, query and headers."""
    from gemwire.emulator._routes import route
    from gemwire.emulator._server import Request

    found = route(Request(http_method.upper(), path, dict(query), dict(headers), b""))
    return Method(found.kind, found.model) if found else Method(None)
