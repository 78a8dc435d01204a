"""Reading recordings: vcrpy / pytest-recording cassettes, YAML or JSON, into `Interaction`s.

A cassette is ``{"interactions": [{"request": {...}, "response": {...}}, ...]}``:
``request`` has ``method``, ``uri``, ``headers`` (a list of values per name, or one value)
and ``body`` (text, bytes, or ``{"string": ...}``); ``response`` has ``status``
(``{"code": 200, ...}`` or a number), ``headers`` and ``body`` (``{"string": ...}``). YAML
stores bodies that are not UTF-8 (gzip) as ``!!binary`` base64, which is decoded; a body
recorded as parsed JSON (``parsed_body``, as some projects' serializers write) is written
back as JSON. YAML needs PyYAML, which vcrpy installs.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gemwire.errors import GemwireError
from gemwire.testing._bodies import header

SUFFIXES = (".yaml", ".yml", ".json")


class CassetteError(GemwireError, ValueError):
    """A file that cannot be read as a cassette (or PyYAML is missing to read it)."""


class NotACassetteError(CassetteError):
    """A JSON or YAML file without a list of interactions: some other file."""


@dataclass(frozen=True)
class Interaction:
    """One recorded request and its answer; header names as recorded, bodies as bytes
    (still compressed if they were recorded so)."""

    index: int
    method: str
    uri: str
    request_headers: Mapping[str, list[str]]
    request_body: bytes | None
    status: int | None
    response_headers: Mapping[str, list[str]]
    response_body: bytes | None

    def request_header(self, name: str) -> str:
        """The first value of a request header, by case-insensitive name ("" if absent)."""
        return header(self.request_headers, name)

    def response_header(self, name: str) -> str:
        """The first value of a response header, by case-insensitive name ("" if absent)."""
        return header(self.response_headers, name)


def find(paths: Sequence[Path]) -> Iterator[tuple[Path, bool]]:
    """``(file, named)``: the files named (``named`` True), and the ``.yaml``, ``.yml`` and
    ``.json`` files under the folders named, in a stable order."""
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.suffix in SUFFIXES and p.is_file())
            yield from ((file, False) for file in found)
        else:
            yield path, True


def read(path: Path) -> list[Interaction]:
    """The interactions of a cassette file; raises :class:`CassetteError`."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise CassetteError(f"{path}: cannot read it: {error}") from None
    data = _parse_json(path, text) if path.suffix == ".json" else _parse_yaml(path, text)
    interactions = data.get("interactions") if isinstance(data, dict) else None
    if not isinstance(interactions, list):
        raise NotACassetteError(f"{path}: not a cassette (no list of interactions)")
    try:
        return [_interaction(i, entry) for i, entry in enumerate(interactions)]
    except (KeyError, TypeError, AttributeError, ValueError) as error:
        raise CassetteError(f"{path}: not a cassette: {error!r}") from None


def _parse_json(path: Path, text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError as error:
        raise CassetteError(f"{path}: not JSON: {error}") from None


def _parse_yaml(path: Path, text: str) -> Any:
    try:
        import yaml  # type: ignore[import-untyped]
    except ImportError:
        raise CassetteError(
            f"{path}: reading YAML cassettes needs PyYAML (pip install pyyaml; vcrpy has it)"
        ) from None
    try:
        return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as error:
        raise CassetteError(f"{path}: not YAML: {error}") from None


def _interaction(index: int, entry: Mapping[str, Any]) -> Interaction:
    request, response = entry["request"], entry.get("response") or {}
    status = response.get("status")
    code = status.get("code") if isinstance(status, dict) else status
    return Interaction(
        index=index,
        method=str(request.get("method", "")).upper(),
        uri=str(request.get("uri") or ""),
        request_headers=_headers(request.get("headers")),
        request_body=_body(request.get("body")),
        status=int(code) if code is not None else None,
        response_headers=_headers(response.get("headers")),
        response_body=_body(response.get("body")),
    )


def _headers(headers: Any) -> dict[str, list[str]]:
    if not isinstance(headers, dict):
        return {}
    return {
        str(name): [str(v) for v in values] if isinstance(values, list) else [str(values)]
        for name, values in headers.items()
    }


def _body(body: Any) -> bytes | None:
    if isinstance(body, dict):
        if "string" in body:
            body = body["string"]
        elif "parsed_body" in body:
            return json.dumps(body["parsed_body"]).encode()
        else:
            return None
    if isinstance(body, str):
        return body.encode("utf-8", "surrogateescape")
    return bytes(body) if isinstance(body, (bytes, bytearray)) else None
