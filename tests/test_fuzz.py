"""Fuzzing with hypothesis: what arrives off the wire never hangs gemwire or escapes as a
non-gemwire exception, and what the spec allows is accepted end to end.

- SSE: random bytes, well-formed event streams and mutations of them, split at random points,
  through ``gemwire._sse.iter_sse_json``: it ends (guarded by an alarm), raises nothing but
  ``GemwireError`` subclasses, and a well-formed stream decodes the same however it is split.
- Decoding: random JSON, keyed with the spec's own field names so it reaches deep into the
  decoders, through ``from_dict`` of several types: nothing but ``gemwire.DecodeError``.
- Requests: instances of ``$defs.GenerateContentRequest`` (hypothesis-jsonschema, refs inlined
  as in ``test_schema_roundtrip``) decoded, encoded by gemwire and sent to the emulator: 200.

``GEMWIRE_PROPERTY_EXAMPLES`` raises the number of examples for a deeper run.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import signal
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema

import gemwire as genai
from gemwire import _validation, types
from gemwire._request import Request
from gemwire._sse import iter_sse_json
from gemwire.emulator import Emulator
from gemwire.errors import DecodeError, GemwireError
from tests.conftest import SPEC_PATH
from tests.test_schema_roundtrip import _inline

SPEC = json.loads(SPEC_PATH.read_text(encoding="utf-8"))
EXAMPLES = int(os.environ.get("GEMWIRE_PROPERTY_EXAMPLES", "30"))
FUZZ = settings(
    max_examples=EXAMPLES * 5,  # each example is cheap
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
HANG_SECONDS = 5


class Hang(Exception):
    pass


@contextlib.contextmanager
def no_hang(seconds: float = HANG_SECONDS) -> Iterator[None]:
    """Fail (instead of waiting forever) if the block runs longer than ``seconds``."""

    def alarm(signum: int, frame: Any) -> None:
        raise Hang(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# JSON values

scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)


def _property_names(node: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        for name, value in node.items():
            if name == "properties" and isinstance(value, dict):
                found |= set(value)
            found |= _property_names(value)
    elif isinstance(node, list):
        for item in node:
            found |= _property_names(item)
    return found


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name)


FIELD_NAMES = sorted(_property_names(SPEC))
ENUM_VALUES = sorted({str(v) for schema in SPEC["$defs"].values() for v in schema.get("enum", [])})
spec_keys = (
    st.sampled_from(FIELD_NAMES) | st.sampled_from(FIELD_NAMES).map(_snake) | st.text(max_size=6)
)
spec_scalars = scalars | st.sampled_from(ENUM_VALUES) | st.sampled_from(["AAAA", "12", "1.5s"])
spec_shaped_json = st.recursive(
    spec_scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(spec_keys, inner, max_size=5),
    max_leaves=30,
)


# SSE


def _event(payload: Any, data: st.DataObject) -> bytes:
    """One event carrying ``payload``, in any of the forms the format allows."""
    text = json.dumps(payload, ensure_ascii=data.draw(st.booleans()))
    newline = data.draw(st.sampled_from([b"\n", b"\r\n", b"\r"]))
    space = data.draw(st.sampled_from([b"data: ", b"data:"]))
    lines = [space + line.encode() for line in text.split("\n")]
    if data.draw(st.booleans()):  # split the JSON over several data lines
        cut = data.draw(st.integers(0, len(text)))
        if "\n" not in text and "\r" not in text:
            lines = [space + text[:cut].encode(), space + text[cut:].encode()]
            # data lines join with "\n", which JSON allows between tokens only
            if not _joins_cleanly(text, cut):
                lines = [space + text.encode()]
    extras = data.draw(
        st.lists(st.sampled_from([b": keep-alive", b"event: message", b"id: 7", b"retry: 10"]))
    )
    return newline.join([*extras, *lines]) + newline + newline


def _joins_cleanly(text: str, cut: int) -> bool:
    try:
        return json.loads(text[:cut] + "\n" + text[cut:]) == json.loads(text)
    except ValueError:
        return False


def _split(blob: bytes, data: st.DataObject) -> list[bytes]:
    cuts = sorted(data.draw(st.lists(st.integers(0, len(blob)), max_size=12)))
    bounds = [0, *cuts, len(blob)]
    return [blob[a:b] for a, b in itertools.pairwise(bounds)]


def _parse(chunks: list[bytes]) -> list[Any]:
    with no_hang():
        return list(iter_sse_json(iter(chunks)))


payloads = st.dictionaries(
    st.text(max_size=6).filter(lambda k: k != "error"), json_values, max_size=4
)


@FUZZ
@given(st.lists(payloads, max_size=6), st.data())
def test_a_well_formed_stream_decodes_the_same_however_it_is_split(
    events: list[dict[str, Any]], data: st.DataObject
) -> None:
    blob = b"".join(_event(payload, data) for payload in events)
    assert _parse(_split(blob, data)) == json.loads(json.dumps(events))


@FUZZ
@given(st.lists(st.binary(max_size=64), max_size=8))
def test_random_bytes_never_hang_the_sse_parser_nor_raise_a_foreign_error(
    chunks: list[bytes],
) -> None:
    with contextlib.suppress(GemwireError):
        _parse(chunks)


def _mutate(blob: bytes, data: st.DataObject) -> bytes:
    for _ in range(data.draw(st.integers(1, 6))):
        where = data.draw(st.integers(0, len(blob)))
        action = data.draw(st.sampled_from(["insert", "delete", "flip", "truncate"]))
        if action == "insert":
            piece = data.draw(
                st.sampled_from(
                    [b"\n", b"\r", b"\r\n\r\n", b"data: ", b"{", b'"', b"\xff", b"\x00"]
                )
                | st.binary(max_size=4)
            )
            blob = blob[:where] + piece + blob[where:]
        elif action == "delete":
            blob = blob[:where] + blob[where + data.draw(st.integers(1, 8)) :]
        elif action == "flip" and where < len(blob):
            blob = (
                blob[:where]
                + bytes([blob[where] ^ data.draw(st.integers(1, 255))])
                + blob[where + 1 :]
            )
        else:
            blob = blob[:where]
    return blob


@FUZZ
@given(
    st.lists(payloads | st.just({"error": {"code": 503, "message": "x"}}), max_size=5), st.data()
)
def test_mutated_streams_never_hang_the_sse_parser_nor_raise_a_foreign_error(
    events: list[dict[str, Any]], data: st.DataObject
) -> None:
    blob = _mutate(b"".join(_event(payload, data) for payload in events), data)
    with contextlib.suppress(GemwireError):
        _parse(_split(blob, data))


@pytest.mark.parametrize(
    "blob",
    [
        b"data: " + b"[" * 100_000 + b"\r\n\r\n",  # nesting deeper than json's recursion limit
        b"data: " + b'{"a":' * 50_000 + b"\n\n",
        b"data: \xff\xfe\r\n\r\n",  # not UTF-8
        b"data: {}" + b"\r" * 10_000,
        b"\n" * 100_000,
    ],
    ids=["deep-array", "deep-object", "not-utf8", "many-cr", "only-newlines"],
)
def test_pathological_streams_raise_gemwire_errors_only(blob: bytes) -> None:
    with contextlib.suppress(GemwireError):
        _parse([blob])


def test_an_error_event_raises_api_error() -> None:
    with pytest.raises(genai.APIError) as caught:
        _parse([b'data: {"x": 1}\n\n', b'data: {"error": {"code": 503, "message": "busy"}}\n\n'])
    assert caught.value.code == 503


# Decoding

DECODED_TYPES = [
    types.GenerateContentResponse,
    types.CountTokensResponse,
    types.GenerateContentRequest,
    types.Content,
    types.Part,
    types.Candidate,
    types.GenerateContentResponseUsageMetadata,
    types.Schema,
    types.Tool,
]


@pytest.mark.parametrize("model", DECODED_TYPES, ids=lambda model: model.__name__)
def test_random_json_decodes_or_raises_decode_error(model: Any) -> None:
    @FUZZ
    @given(json_values | spec_shaped_json)
    def decode(value: Any) -> None:
        try:
            decoded = model.from_dict(value)
        except DecodeError:
            return
        decoded.to_dict()  # what decoded encodes again

    decode()


@pytest.mark.parametrize(
    "value",
    [
        {"candidates": [{"content": {"parts": [{"functionCall": {"args": _deep}}]}}]}
        for _deep in [json.loads("[" * 900 + "]" * 900)]
    ],
)
def test_deep_free_json_decodes_or_raises_decode_error(value: Any) -> None:
    with contextlib.suppress(DecodeError):
        types.GenerateContentResponse.from_dict(value)


# Requests the spec allows are accepted


def _request_schema() -> dict[str, Any]:
    """``$defs.GenerateContentRequest``, inlined, with what the API requires beyond the schema:
    at least one content, each with at least one part (the service answers 400 otherwise), and
    no ``cachedContent`` (naming a cache nobody made is the service's 403)."""
    schema = _inline(SPEC["$defs"]["GenerateContentRequest"], 0)
    del schema["properties"]["cachedContent"]
    contents = schema["properties"]["contents"]
    contents["minItems"] = 1
    contents["maxItems"] = 3
    content = contents["items"]
    content["required"] = ["parts"]
    content["properties"]["parts"]["minItems"] = 1
    content["properties"]["parts"]["maxItems"] = 3
    schema["required"] = ["contents"]
    return schema


def test_requests_generated_from_the_spec_are_accepted(emu: Emulator) -> None:
    client = genai.Client(api_key="test-key", base_url=emu.base_url, max_retries=0)
    path = "v1beta/models/gemini-2.5-flash:generateContent"

    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
    @given(from_schema(_request_schema()))
    def send(instance: dict[str, Any]) -> None:
        encoded = types.GenerateContentRequest.from_dict(instance).to_dict()
        assert _validation.check("GenerateContentRequest", encoded) == []  # Client(validate=True)
        reply = client._transport.request(Request("POST", path, encoded))  # raises unless 2xx
        assert types.GenerateContentResponse.from_dict(reply.payload).candidates

    send()
