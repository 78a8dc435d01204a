"""Request bodies checked against gemwire's spec, as the service checks them: 400s naming fields.

`Checker` runs `gemwire._validation` (jsonschema, with the service's leniencies) when the
emulator validates, and remembers results for small bodies: benchmarks send the same request
many times. Messages the spec does not have (embeddings, files, batches) are checked through
the parts it has (`Content`, `GenerateContentRequest`), with the path of the part prefixed.
"""

from __future__ import annotations

import threading
from typing import Any

from gemwire import _validation
from gemwire.emulator import _errors

_CACHED_BODY = 64 * 1024
_CACHED_RESULTS = 1024


class Checker:
    """Spec checks of request bodies (none at all when `validate` is off)."""

    def __init__(self, validate: bool) -> None:
        self.validate = validate
        self._known: dict[tuple[str, bytes], list[tuple[str, str]]] = {}
        self._lock = threading.Lock()

    def bad_request(
        self, message: str, body: Any, key: bytes, prefix: str = ""
    ) -> dict[str, Any] | None:
        """The 400 body if `body` breaks `$defs[message]` of the spec, else None; `key` (the
        body's bytes) identifies it for the cache, `prefix` goes before each field path."""
        violations = self.violations(message, body, key)
        if not violations:
            return None
        described = []
        for path, why in violations:
            field = f"{prefix}.{path}" if prefix and path else prefix or path
            described.append((field, f"Invalid value at '{field}': {why}"))
        text = "\n".join(d for _, d in described)
        return _errors.bad_request(f"Invalid JSON payload received. {text}", described)

    def violations(self, message: str, body: Any, key: bytes) -> list[tuple[str, str]]:
        """``_validation.check``, remembered for small bodies."""
        if not self.validate:
            return []
        cache_key = (message, key) if len(key) <= _CACHED_BODY else None
        with self._lock:
            known = self._known.get(cache_key) if cache_key is not None else None
        if known is not None:
            return known
        found = _validation.check(message, body)
        if cache_key is not None:
            with self._lock:
                if len(self._known) >= _CACHED_RESULTS:
                    self._known.clear()
                self._known[cache_key] = found
        return found
