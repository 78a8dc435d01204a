"""Which API method a request is: its `Route`, and the `Call` the handlers receive.

A route's `kind` is the script's name for the method (`generateContent`, `getFile`, ...); a
path the API has but with a method the emulator does not serve is a route of kind None.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gemwire.emulator._errors import ApiError, bad_request
from gemwire.emulator._server import Request

if TYPE_CHECKING:
    from gemwire.emulator._script import Fault

MODEL_METHODS = frozenset(
    {
        "generateContent",
        "streamGenerateContent",
        "countTokens",
        "embedContent",
        "batchEmbedContents",
        "batchGenerateContent",
    }
)
_VERSION = r"(?P<version>v[0-9][A-Za-z0-9]*)"
_ID = r"(?P<id>[^/:]+)"
_MODELS = re.compile(rf"/{_VERSION}/models(?:/(?P<model>[^/:]+)(?::(?P<method>[A-Za-z]+))?)?")
_UPLOAD = re.compile(rf"/upload/{_VERSION}/files")
_NOT_A_MESSAGE = "Root element must be a message."

_FILES = re.compile(rf"/{_VERSION}/files")
_FILE = re.compile(rf"/{_VERSION}/files/{_ID}")
_CACHES = re.compile(rf"/{_VERSION}/cachedContents")
_CACHE = re.compile(rf"/{_VERSION}/cachedContents/{_ID}")
_BATCHES = re.compile(rf"/{_VERSION}/batches")
_BATCH = re.compile(rf"/{_VERSION}/batches/{_ID}")
# (path, HTTP method) -> kind, for the resources beside models; `id` is the resource's id.
_RESOURCES = [
    (_FILES, "GET", "listFiles"),
    (_FILE, "GET", "getFile"),
    (_FILE, "DELETE", "deleteFile"),
    (re.compile(rf"/(?:download/)?{_VERSION}/files/{_ID}:download"), "GET", "downloadFile"),
    (_CACHES, "POST", "createCachedContent"),
    (_CACHES, "GET", "listCachedContents"),
    (_CACHE, "GET", "getCachedContent"),
    (_CACHE, "PATCH", "updateCachedContent"),
    (_CACHE, "DELETE", "deleteCachedContent"),
    (_BATCHES, "GET", "listBatches"),
    (_BATCH, "GET", "getBatch"),
    (_BATCH, "DELETE", "deleteBatch"),
    (re.compile(rf"/{_VERSION}/batches/{_ID}:cancel"), "POST", "cancelBatch"),
]


@dataclass(frozen=True)
class Route:
    """A request the API knows: `kind` is the script's name for it, None for other methods;
    `model` and `method` for model methods, `resource` the id of a file, cache or batch."""

    kind: str | None
    version: str
    model: str = ""
    method: str = ""
    resource: str = ""


@dataclass(frozen=True)
class Call:
    """An API request on its way to its handler: what arrived, its route, its JSON body, and
    the script entry it took (if any)."""

    request: Request
    route: Route
    body: Any  # the parsed JSON, {} for an empty body; None when `problem` says why not
    problem: str | None
    fault: Fault | None

    @property
    def sse(self) -> bool:
        """Whether the answer is a server-sent event stream (`?alt=sse`)."""
        return self.route.kind == "streamGenerateContent" and self.query("alt") == "sse"

    @property
    def base_url(self) -> str:
        """`http://<the Host the client used>`: where URLs in answers point."""
        return f"http://{self.header('host') or 'localhost'}"

    def header(self, name: str) -> str:
        """A request header by its lower-case name ("" when absent)."""
        return next((v for k, v in self.request.headers.items() if k.lower() == name), "")

    def query(self, name: str) -> str:
        """A query parameter ("" when absent)."""
        return self.request.query.get(name, "")

    def json_object(self) -> dict[str, Any]:
        """The body as a JSON object; otherwise the service's 400."""
        if self.problem is not None:
            message = f"Invalid JSON payload received. {self.problem}"
            raise ApiError(bad_request(message, [("", message)]))
        if not isinstance(self.body, dict):
            message = f'Invalid JSON payload received. Unknown name "": {_NOT_A_MESSAGE}'
            raise ApiError(bad_request(message, [("", message)]))
        return self.body


def route(request: Request) -> Route | None:
    """The API method a request calls, or None for a URL the API does not have."""
    path, verb = request.path, request.method
    found = _MODELS.fullmatch(path)
    if found is not None:
        return _model_route(verb, found["version"], found["model"], found["method"])
    found = _UPLOAD.fullmatch(path)
    if found is not None:
        return Route(_upload_kind(request), found["version"]) if verb == "POST" else None
    for pattern, method, kind in _RESOURCES:
        found = pattern.fullmatch(path)
        if found is not None and verb == method:
            return Route(kind, found["version"], resource=found.groupdict().get("id") or "")
    return None


def _model_route(verb: str, version: str, model: str | None, method: str | None) -> Route | None:
    if model is None:
        return Route("listModels", version, method="list") if verb == "GET" else None
    if method is None:
        return Route("getModel", version, model, "get") if verb == "GET" else None
    if verb != "POST":
        return None
    return Route(method if method in MODEL_METHODS else None, version, model, method)


def _upload_kind(request: Request) -> str:
    """`startUpload` without an `upload_id`; then `queryUpload` or `uploadChunk` by command."""
    if "upload_id" not in request.query:
        return "startUpload"
    command = next(
        (v for k, v in request.headers.items() if k.lower() == "x-goog-upload-command"), ""
    )
    return "queryUpload" if command.strip().lower() == "query" else "uploadChunk"


def parse_json(raw: bytes) -> tuple[Any, str | None]:
    """The JSON body (an empty body is `{}`), or None and what is wrong with it."""
    if not raw.strip():
        return {}, None
    try:
        return json.loads(raw), None
    except UnicodeDecodeError:
        return None, "The body is not UTF-8."
    except json.JSONDecodeError as exc:
        return None, f"{exc.msg} at line {exc.lineno} column {exc.colno}."
