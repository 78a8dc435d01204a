"""``client.caches``: context caching: create, get, list, update and delete cached contents.

A cache holds turns, a system instruction and tools once; calls name it in
``config.cached_content`` and pay less for those tokens (``usage_metadata
.cached_content_token_count`` reports them). It lives for its ``ttl`` (one hour by default)
or until its ``expire_time``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from gemwire import _arguments, _request, _vertex
from gemwire._content import to_content, to_contents
from gemwire._pager import Pager
from gemwire._request import HttpConfig, http_options_of
from gemwire._serde import decode_answer
from gemwire.errors import ArgumentError, ArgumentTypeError
from gemwire.types import (
    CachedContent,
    CreateCachedContentConfig,
    ListCachedContentsConfig,
    ListCachedContentsResponse,
    UpdateCachedContentConfig,
)

if TYPE_CHECKING:  # loaded on first use (the types) or by Client() (the transport)
    from gemwire._transport import Transport
    from gemwire.types import (
        CreateCachedContentConfigDict,
        ListCachedContentsConfigDict,
        UpdateCachedContentConfigDict,
    )

__all__ = ["Caches"]


class Caches:
    """The cached contents of a :class:`~gemwire.Client`, as ``client.caches``."""

    def __init__(self, transport: Transport, api_version: str) -> None:
        self._transport = transport
        self._api_version = api_version

    def create(
        self,
        *,
        model: str,
        config: CreateCachedContentConfig | CreateCachedContentConfigDict | None = None,
    ) -> CachedContent:
        """Cache ``config.contents`` (anything a call's ``contents`` take), its
        ``system_instruction`` and ``tools`` for ``model``, for ``config.ttl`` (``"300s"``) or
        until ``config.expire_time``. The answer holds the cache's ``name``, times and size,
        not its contents. The service refuses caches of fewer than 1,024 tokens."""
        options = _request.as_options(CreateCachedContentConfig, config, "config")
        _vertex.refuse(options, "config")
        ttl, expire_time = _lifetime(options.ttl, options.expire_time)
        cache = CachedContent(
            model=_request.model_path(model),
            display_name=options.display_name,
            contents=(
                None
                if options.contents is None
                else to_contents(options.contents, path="config.contents")
            ),
            system_instruction=(
                None
                if options.system_instruction is None
                else to_content(
                    options.system_instruction, role=None, path="config.system_instruction"
                )
            ),
            tools=options.tools,
            tool_config=options.tool_config,
            ttl=ttl,
            expire_time=expire_time,
        )
        _vertex.refuse(cache.contents, "config.contents")
        if cache.system_instruction is not None:
            _vertex.refuse(cache.system_instruction, "config.system_instruction")
        path = f"{self._api_version}/cachedContents"
        return self._call("POST", path, options.http_options, body=cache.to_dict())

    def get(self, *, name: str, config: HttpConfig = None) -> CachedContent:
        """The cache ``name`` (``cachedContents/abc`` or ``abc``)."""
        return self._call("GET", self._path(name), http_options_of(config))

    def update(
        self,
        *,
        name: str,
        config: UpdateCachedContentConfig | UpdateCachedContentConfigDict | None = None,
    ) -> CachedContent:
        """Give the cache ``name`` a new lifetime: ``config.ttl`` from now, or
        ``config.expire_time``."""
        options = _request.as_options(UpdateCachedContentConfig, config, "config")
        ttl, expire_time = _lifetime(options.ttl, options.expire_time)
        if ttl is None and expire_time is None:
            raise ArgumentError("config: give a new ttl or expire_time")
        body = CachedContent(ttl=ttl, expire_time=expire_time).to_dict()
        return self._call("PATCH", self._path(name), options.http_options, body=body)

    def delete(self, *, name: str, config: HttpConfig = None) -> None:
        """Delete the cache ``name`` (``cachedContents/abc`` or ``abc``)."""
        request = _request.prepared("DELETE", self._path(name), None, http_options_of(config))
        self._transport.request(request)

    def list(
        self, *, config: ListCachedContentsConfig | ListCachedContentsConfigDict | None = None
    ) -> Pager[CachedContent]:
        """The project's caches: iterate the pager for all of them, a page at a time."""
        options = _request.as_options(ListCachedContentsConfig, config, "config")
        query: dict[str, str] = {}
        if options.page_size is not None:
            query["pageSize"] = str(
                _arguments.count("config.page_size", options.page_size, minimum=1)
            )
        path = f"{self._api_version}/cachedContents"

        def fetch(token: str | None) -> tuple[list[CachedContent], str | None]:
            page_query = {**query, "pageToken": token} if token else query
            request = _request.prepared("GET", path, None, options.http_options, query=page_query)
            page = decode_answer(
                ListCachedContentsResponse, self._transport.request(request).payload
            )
            return page.cached_contents or [], page.next_page_token

        return Pager(
            "cachedContents", fetch, page_token=options.page_token, page_size=options.page_size
        )

    def _path(self, name: str) -> str:
        cache_id = _arguments.text("name", name).removeprefix("cachedContents/")
        _arguments.path_segment("name", cache_id, "cachedContents/abc123")
        return f"{self._api_version}/cachedContents/{cache_id}"

    def _call(
        self, method: str, path: str, http_options: Any, *, body: dict[str, Any] | None = None
    ) -> CachedContent:
        request = _request.prepared(method, path, body, http_options)
        return decode_answer(CachedContent, self._transport.request(request).payload)


def _lifetime(ttl: Any, expire_time: Any) -> tuple[str | None, str | None]:
    """``(ttl, expire_time)``, checked: at most one, ``"300s"`` and an RFC 3339 time."""
    if ttl is not None and expire_time is not None:
        raise ArgumentError("config: give ttl or expire_time, not both")
    if ttl is not None and not (isinstance(ttl, str) and ttl.endswith("s")):
        raise ArgumentTypeError(f"config.ttl: expected a duration such as '300s', got {ttl!r}")
    if expire_time is not None and not isinstance(expire_time, str):
        raise ArgumentTypeError(
            f"config.expire_time: expected an RFC 3339 time, got {expire_time!r}"
        )
    return ttl, expire_time
