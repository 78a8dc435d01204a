"""``vcr_config()``: recording settings for vcrpy / pytest-recording that keep the key out.

vcrpy is not imported here: the settings are plain values and two hooks that vcrpy calls
with its own request object (``uri``, ``headers``, ``body``) and response dict.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from gemwire._secrets import redact_headers, redact_url
from gemwire.testing._bodies import edit_text, header, header_values
from gemwire.testing._leaks import credentials, redacting

KEY_VARIABLES = ("GEMINI_API_KEY", "GOOGLE_API_KEY")
MATCH_ON = ("method", "path", "query", "body")


def vcr_config(*, secrets: Iterable[str] = (), **overrides: Any) -> dict[str, Any]:
    """Settings for ``vcr.VCR(**...)`` or pytest-recording's ``vcr_config`` fixture.

    - The key never reaches a cassette: credential headers (``x-goog-api-key``,
      ``Authorization``, ...) and query parameters (``key``, ...) are recorded as
      ``<redacted>``, and every key seen in them, in ``GEMINI_API_KEY`` or
      ``GOOGLE_API_KEY``, or given in ``secrets`` is replaced wherever else it appears: the
      URL, request and response headers, request and response bodies (server-sent events
      included), through gzip or deflate.
    - Requests match on method, path, query (without the key) and body, so a changed prompt
      fails the replay instead of getting an old answer; not on host or port, so a cassette
      recorded against a local emulator replays whatever port it had.
    - Compressed answers are stored decompressed (``decode_compressed_response``), readable
      in review.

    ``overrides`` replace any of these settings (``record_mode="once"``, ...); a
    ``before_record_request`` or ``before_record_response`` given there runs after gemwire's.

    With pytest-recording::

        @pytest.fixture(scope="module")
        def vcr_config():
            return gemwire.testing.vcr_config()
    """
    keys = KeyFilter(secrets)
    config: dict[str, Any] = {
        "match_on": list(MATCH_ON),
        "decode_compressed_response": True,
    }
    request_hooks: list[Callable[[Any], Any]] = [keys.request]
    response_hooks: list[Callable[[Any], Any]] = [keys.response]
    if overrides.get("before_record_request"):
        request_hooks.append(overrides.pop("before_record_request"))
    if overrides.get("before_record_response"):
        response_hooks.append(overrides.pop("before_record_response"))
    config["before_record_request"] = _chain(request_hooks)
    config["before_record_response"] = _chain(response_hooks)
    return {**config, **overrides}


class KeyFilter:
    """The two vcrpy hooks: learns the keys requests carry, and removes every key it knows
    from requests and responses. Thread-safe; keys are never forgotten."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._learned = {secret for secret in secrets if secret}
        self._lock = threading.Lock()

    def request(self, request: Any) -> Any:
        """vcrpy's ``before_record_request``: ``request`` (a copy vcrpy made) without keys."""
        self._learn(value for _, value in credentials(request.uri, request.headers))
        redact = self._redactor()
        request.uri = redact(redact_url(request.uri))
        request.headers = redact_headers(dict(request.headers), redact)
        if isinstance(request.body, (bytes, str)) and request.body:
            body = request.body.encode() if isinstance(request.body, str) else request.body
            encoding = header(request.headers, "content-encoding")
            request.body = edit_text(body, encoding, redact)
        return request

    def response(self, response: dict[str, Any]) -> dict[str, Any]:
        """vcrpy's ``before_record_response``: ``response`` without any known key."""
        redact = self._redactor()
        headers: Mapping[str, Any] = response.get("headers") or {}
        encoding = header(headers, "content-encoding")
        response["headers"] = {
            name: [redact(value) for value in header_values(values)]
            for name, values in headers.items()
        }
        body = response.get("body")
        if isinstance(body, dict) and isinstance(body.get("string"), (bytes, str)):
            data = body["string"]
            raw = data.encode() if isinstance(data, str) else data
            edited = edit_text(raw, encoding, redact)
            body["string"] = edited.decode() if isinstance(data, str) else edited
            if edited != raw:  # a replayed answer must be as long as its header says
                response["headers"] = {
                    name: [str(len(edited))] if name.lower() == "content-length" else values
                    for name, values in response["headers"].items()
                }
        return response

    def _learn(self, values: Iterable[str]) -> None:
        """Remember credentials, and the token of ``Bearer <token>`` as well."""
        with self._lock:
            for value in values:
                self._learned |= {value, value.rpartition(" ")[2]} - {""}

    def _redactor(self) -> Callable[[str], str]:
        with self._lock:
            secrets = set(self._learned)
        return redacting(
            secrets | {os.environ.get(name, "") for name in KEY_VARIABLES}, patterns=True
        )


def _chain(hooks: list[Callable[[Any], Any]]) -> Callable[[Any], Any]:
    """Hooks run in order; one that returns None (vcrpy: do not record) stops the chain."""

    def run(value: Any) -> Any:
        for hook in hooks:
            if value is None:
                return None
            value = hook(value)
        return value

    return run
