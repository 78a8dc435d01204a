"""The checks of one recorded interaction: the request against the spec, the answer decoded
and written back, fields the spec does not know, and secrets left in it."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from gemwire import _validation
from gemwire._secrets import SECRET_HEADERS, redact_url
from gemwire.errors import APIError, DecodeError, GemwireError, error_in
from gemwire.testing._bodies import decompress, json_objects, text_of
from gemwire.testing._cassettes import Interaction
from gemwire.testing._endpoints import ENDPOINTS, Endpoint, method_of
from gemwire.testing._leaks import Secret, credentials, redacting, secrets_in
from gemwire.testing._wire import first_difference, unknown_fields


@dataclass(frozen=True)
class Finding:
    """Something to fix: ``check`` is ``request``, ``response``, ``unknown-field`` or
    ``secret``; ``message`` never holds a secret."""

    check: str
    message: str


@dataclass
class Checked:
    """The outcome for one interaction: ``kind`` is the API method (None for a request to
    something else), ``findings`` what fails, ``notes`` what was seen but is fine."""

    interaction: Interaction
    kind: str | None
    path: str
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def checked(self) -> bool:
        """Whether the spec describes its method, so the contract checks ran."""
        return self.kind in ENDPOINTS


def cassette_secrets(interactions: Sequence[Interaction], known: Sequence[Secret]) -> list[Secret]:
    """The secrets to look for in a cassette: ``known`` (the environment's keys) and every
    credential any of its requests carries."""
    found = list(known)
    for interaction in interactions:
        for where, value in credentials(interaction.uri, interaction.request_headers):
            found.append(Secret(value, f"the credential of request #{interaction.index}'s {where}"))
    return found


def check(interaction: Interaction, secrets: Sequence[Secret]) -> Checked:
    """Every check that applies to ``interaction``."""
    parts = urlsplit(interaction.uri)
    query = dict(parse_qsl(parts.query))
    headers = {name: values[0] for name, values in interaction.request_headers.items() if values}
    path = unquote(parts.path)
    method = method_of(interaction.method, path, query, headers)
    result = Checked(interaction, method.kind, path)
    _check_secrets(interaction, secrets, result)
    endpoint = ENDPOINTS.get(method.kind or "")
    if endpoint is not None:
        redact = redacting([secret.value for secret in secrets], patterns=True)
        _check_request(interaction, endpoint, result, redact)
        content_type = interaction.response_header("content-type")
        sse = "event-stream" in content_type if content_type else query.get("alt") == "sse"
        _check_response(interaction, endpoint, result, redact, sse=sse)
    elif method.kind is not None:
        result.notes.append(f"{method.kind} is not in gemwire's spec: not checked")
    return result


def _check_secrets(interaction: Interaction, secrets: Sequence[Secret], result: Checked) -> None:
    for where, _ in credentials(interaction.uri, interaction.request_headers):
        result.findings.append(Finding("secret", f"request {where} holds a credential"))
    texts = [("request URL", redact_url(interaction.uri))]
    texts += _header_texts("request", interaction.request_headers)
    texts += _header_texts("response", interaction.response_headers)
    for side, body, encoding in (
        ("request", interaction.request_body, interaction.request_header("content-encoding")),
        ("response", interaction.response_body, interaction.response_header("content-encoding")),
    ):
        if body:
            texts.append((f"{side} body", text_of(_plain(body, encoding) or body)))
    for where, text in texts:
        names = secrets_in(text, secrets)
        if names:
            result.findings.append(Finding("secret", f"{where} holds {' and '.join(names)}"))


def _header_texts(side: str, headers: Mapping[str, list[str]]) -> list[tuple[str, str]]:
    return [
        (f"{side} header {name}", value)
        for name, values in headers.items()
        if name.lower() not in SECRET_HEADERS
        for value in values
    ]


def _check_request(
    interaction: Interaction, endpoint: Endpoint, result: Checked, redact: Callable[[str], str]
) -> None:
    body = _json_body(
        interaction.request_body, interaction.request_header("content-encoding"), "request", result
    )
    if body is None:
        return
    violations = _validation.check(endpoint.request.__name__, body)
    for path, message in violations:
        result.findings.append(Finding("request", redact(f"{path or 'body'}: {message}")))
    try:
        decoded = endpoint.request.from_dict(body)
    except DecodeError as error:
        if not violations:
            result.findings.append(Finding("request", redact(str(error))))
        return
    for path in unknown_fields(decoded):
        result.findings.append(Finding("unknown-field", redact(f"request {path}")))


def _check_response(
    interaction: Interaction,
    endpoint: Endpoint,
    result: Checked,
    redact: Callable[[str], str],
    *,
    sse: bool,
) -> None:
    status = interaction.status or 0
    if not 200 <= status < 300:
        result.notes.append(f"answered {_error_name(interaction, status)}")
        return
    raw = interaction.response_body
    if raw is None:
        result.notes.append("response body not recorded")
        return
    plain = _plain(raw, interaction.response_header("content-encoding"))
    if plain is None:
        result.findings.append(Finding("response", "the body does not decompress"))
        return
    try:
        objects = json_objects(plain, sse=sse)
    except APIError as error:
        result.notes.append(f"the stream carries an error: {error.code} {error.status or ''}")
        return
    except (GemwireError, ValueError) as error:
        result.findings.append(Finding("response", redact(f"the body is unreadable: {error}")))
        return
    many = len(objects) > 1 or sse or result.kind == "streamGenerateContent"
    for index, recorded in enumerate(objects):
        where = f"chunk {index}: " if many else ""
        carried = error_in(recorded)
        if carried is not None:
            result.notes.append(f"{where}an error object: {carried.code} {carried.status or ''}")
            continue
        try:
            decoded = endpoint.response.from_dict(recorded)
        except DecodeError as error:
            result.findings.append(Finding("response", redact(f"{where}{error}")))
            continue
        difference = first_difference(recorded, decoded.to_dict())
        if difference:
            message = f"{where}not lossless: {difference}"
            result.findings.append(Finding("response", redact(message)))
        for path in unknown_fields(decoded):
            result.findings.append(Finding("unknown-field", redact(f"response {where}{path}")))


def _json_body(raw: bytes | None, encoding: str, side: str, result: Checked) -> Any:
    """The JSON of a body, or None with a note or finding saying why not."""
    if not raw or not raw.strip():
        result.notes.append(f"{side} body not recorded")
        return None
    plain = _plain(raw, encoding)
    if plain is None:
        result.findings.append(Finding(side, "the body does not decompress"))
        return None
    try:
        return json.loads(plain)
    except ValueError:
        result.findings.append(Finding(side, "the body is not JSON"))
        return None


def _plain(body: bytes, encoding: str) -> bytes | None:
    try:
        return decompress(body, encoding)
    except (OSError, EOFError):
        return None


def _error_name(interaction: Interaction, status: int) -> str:
    """``429 RESOURCE_EXHAUSTED``: the status and, from a Google error body, its name."""
    plain = _plain(
        interaction.response_body or b"", interaction.response_header("content-encoding")
    )
    try:
        payload = json.loads(plain or b"")
    except ValueError:
        return str(status)
    error = error_in(payload)
    return f"{status} {error.status}" if error is not None and error.status else str(status)
