"""An HTTP answer's headers as google-genai hands them to users: ``types.HttpResponse``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gemwire.types import HttpResponse

__all__ = ["http_response"]


def http_response(headers: Mapping[str, str], body: str | None = None) -> HttpResponse:
    """``headers`` (and the text of an error's ``body``) as a ``types.HttpResponse``: what a
    response's ``sdk_http_response`` and an error's ``response`` hold. Names are lowercase and
    a repeated header's values are joined with ``", "``, as google-genai's (httpx's) are."""
    from gemwire.types import HttpResponse

    merged = getattr(headers, "itermerged", headers.items)  # urllib3's HTTPHeaderDict
    return HttpResponse(headers={name.lower(): value for name, value in merged()}, body=body)
