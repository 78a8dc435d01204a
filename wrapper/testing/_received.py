"""``ReceivedRequest``: one request the emulator received, with its body decoded."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Union

from gemwire import types
from gemwire.errors import DecodeError
from gemwire.testing._endpoints import ENDPOINTS, GENERATE, method_of

Body = Union[types.GenerateContentRequest, types.CountTokensRequest]  # noqa: UP007 - 3.10


@dataclass(frozen=True)
class ReceivedRequest:
    """An API request as the emulator received it (the API key removed).

    ``kind`` names the API method (``"generateContent"``, ``"streamGenerateContent"``,
    ``"countTokens"``, ``"embedContent"``, ``"getFile"``, ...; None for a URL the API does
    not have) and ``model`` the model id in the path. ``body`` is the JSON body decoded into
    its gemwire type (``types.GenerateContentRequest`` for both generate methods,
    ``types.CountTokensRequest``), or None for other methods and for a body that does not
    fit the type (the emulator answered it with a 400); ``json`` is the body as sent.
    """

    kind: str | None
    model: str
    http_method: str
    path: str
    query: Mapping[str, str]
    headers: Mapping[str, str]
    json: Any
    body: Body | None

    @property
    def stream(self) -> bool:
        """Whether it asked for a streamed answer (``streamGenerateContent``)."""
        return self.kind == "streamGenerateContent"

    @property
    def generate(self) -> bool:
        """Whether it is a ``generateContent`` or ``streamGenerateContent`` call."""
        return self.kind in GENERATE

    @classmethod
    def from_log(cls, entry: Mapping[str, Any]) -> ReceivedRequest:
        """One entry of the emulator's request log (``Emulator.requests``)."""
        method = method_of(entry["method"], entry["path"], entry["query"], entry["headers"])
        return cls(
            kind=method.kind,
            model=method.model,
            http_method=entry["method"],
            path=entry["path"],
            query=dict(entry["query"]),
            headers=dict(entry["headers"]),
            json=entry["body"],
            body=_decoded(method.kind, entry["body"]),
        )


def _decoded(kind: str | None, body: Any) -> Body | None:
    endpoint = ENDPOINTS.get(kind or "")
    if endpoint is None or not isinstance(body, dict):
        return None
    try:
        decoded = endpoint.request.from_dict(body)
    except DecodeError:
        return None
    assert isinstance(decoded, (types.GenerateContentRequest, types.CountTokensRequest))
    return decoded
