"""The API key stays secret: it travels only in the ``x-goog-api-key`` header and shows up in no
repr, exception, log record, emulator log or cassette. Plain HTTP is refused beyond loopback and
TLS certificates are verified.

A recognisable fake key is used throughout; every text gemwire produces is searched for it and
for anything shaped like a Google API key (``AIza`` and 20+ key characters).
"""

from __future__ import annotations

import json
import logging
import re
import ssl
import threading
import traceback
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest

import gemwire as genai
from gemwire import errors, types
from gemwire.emulator import Emulator
from tests.conftest import ROOT, MakeClient, free_port

FAKE_KEY = "AIzaFAKE-gemwire-test-key-0123456789"
KEY_LIKE = re.compile(r"AIza[0-9A-Za-z_-]{20,}")
MODEL = "gemini-2.5-flash"
FAST = {"retry_options": {"initial_delay": 0.01}}
CASSETTES = ROOT / "tests" / "cassettes"


def assert_clean(text: str, where: str) -> None:
    assert FAKE_KEY not in text, f"the API key appears in {where}"
    assert not KEY_LIKE.search(text), f"something key-like appears in {where}: {text!r}"


def exception_text(error: BaseException) -> str:
    """Everything an exception shows: the formatted chain (causes and contexts included), its
    repr, args and attributes, for it and each exception it chains."""
    parts = ["".join(traceback.format_exception(error))]
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        parts += [repr(current), str(current), repr(current.args)]
        parts += [repr(value) for value in vars(current).values()]
        current = current.__cause__ or current.__context__
    return "\n".join(parts)


@pytest.fixture
def client(make_client: MakeClient) -> genai.Client:
    """A client whose key the tests look for everywhere."""
    return make_client(api_key=FAKE_KEY)


# repr


def test_the_key_is_not_in_the_repr_of_the_client_or_its_parts(client: genai.Client) -> None:
    chat = client.chats.create(model=MODEL)
    for name, value in [
        ("repr(client)", repr(client)),
        ("str(client)", str(client)),
        ("repr(client.models)", repr(client.models)),
        ("repr(client.chats)", repr(client.chats)),
        ("repr(chat)", repr(chat)),
        ("repr(transport)", repr(client._transport)),
    ]:
        assert_clean(value, name)
    assert repr(client).startswith("Client(base_url='http://127.0.0.1:")


# Exceptions of every kind


def _server_error(emu: Emulator, fault: dict[str, Any]) -> Callable[[genai.Client], Any]:
    def call(client: genai.Client) -> Any:
        emu.push(fault)
        return client.models.generate_content(model=MODEL, contents="hi")

    return call


def _stream_error(emu: Emulator, fault: dict[str, Any]) -> Callable[[genai.Client], Any]:
    def call(client: genai.Client) -> Any:
        emu.push(fault)
        return list(client.models.generate_content_stream(model=MODEL, contents="a b c d e f g"))

    return call


def _cases(emu: Emulator) -> dict[str, tuple[type[BaseException], Callable[[genai.Client], Any]]]:
    refused = f"http://127.0.0.1:{free_port()}"
    return {
        "400": (errors.ClientError, _server_error(emu, {"status": 400})),
        "401": (errors.ClientError, _server_error(emu, {"status": 401})),
        "403": (errors.ClientError, _server_error(emu, {"status": 403})),
        "404 model": (
            errors.ClientError,
            lambda c: c.models.generate_content(model="palm-2", contents="hi"),
        ),
        "an error that echoes the key": (
            errors.ClientError,
            _server_error(emu, {"status": 400, "message": f"API key {FAKE_KEY} not valid."}),
        ),
        "an HTML page that echoes the key": (
            errors.ClientError,
            _server_error(emu, {"status": 401, "body": f"<title>denied {FAKE_KEY}</title>"}),
        ),
        "503 retried out": (errors.ServerError, _server_error(emu, {"status": 503, "times": 3})),
        "proxy HTML 502": (errors.ServerError, _server_error(emu, {"html": True, "times": 3})),
        "dropped connection": (
            errors.APIConnectionError,
            _server_error(emu, {"drop": True, "times": 3}),
        ),
        "refused connection": (
            errors.APIConnectionError,
            lambda c: genai.Client(
                api_key=FAKE_KEY, base_url=refused, http_options=FAST
            ).models.generate_content(model=MODEL, contents="hi"),
        ),
        "read timeout": (
            errors.APITimeoutError,
            lambda c: (
                emu.push({"delay": 5}),
                c.models.generate_content(
                    model=MODEL, contents="hi", config={"http_options": {"timeout": 200}}
                ),
            ),
        ),
        "error event mid-stream": (
            errors.ServerError,
            _stream_error(emu, {"stream_error_after": 1, "message": f"bad {FAKE_KEY}"}),
        ),
        "truncated stream": (
            errors.IncompleteStreamError,
            _stream_error(emu, {"truncate_after": 1}),
        ),
        "undecodable answer": (
            errors.InvalidResponseError,
            _server_error(emu, {"body": {"candidates": "not a list"}, "kind": "generateContent"}),
        ),
        "request validation": (
            errors.RequestValidationError,
            lambda c: genai.Client(
                api_key=FAKE_KEY, base_url=emu.base_url, validate=True
            ).models.generate_content(
                model=MODEL,
                contents="hi",
                config=types.GenerateContentConfig(temperature="hot"),  # type: ignore[arg-type]
            ),
        ),
        "bad config": (
            TypeError,
            lambda c: c.models.generate_content(model=MODEL, contents="hi", config={"tempo": 1}),
        ),
        "clear-text http": (
            ValueError,
            lambda c: genai.Client(api_key=FAKE_KEY, base_url="http://gemini.example.com"),
        ),
        "a key a header cannot carry": (
            ValueError,
            lambda c: genai.Client(api_key=FAKE_KEY + "\n", base_url=emu.base_url),
        ),
        "bad retry options": (
            ValueError,
            lambda c: genai.Client(
                api_key=FAKE_KEY, http_options={"retry_options": {"attempts": 0}}
            ),
        ),
    }


CASE_NAMES = [
    "400",
    "401",
    "403",
    "404 model",
    "an error that echoes the key",
    "an HTML page that echoes the key",
    "503 retried out",
    "proxy HTML 502",
    "dropped connection",
    "refused connection",
    "read timeout",
    "error event mid-stream",
    "truncated stream",
    "undecodable answer",
    "request validation",
    "bad config",
    "clear-text http",
    "a key a header cannot carry",
    "bad retry options",
]


@pytest.mark.parametrize("case", CASE_NAMES)
def test_the_key_is_in_no_exception(emu: Emulator, client: genai.Client, case: str) -> None:
    expected, call = _cases(emu)[case]
    with pytest.raises(expected) as caught:
        call(client)
    assert_clean(exception_text(caught.value), f"the {case} exception")


def test_a_key_echoed_by_the_server_is_redacted_not_dropped(
    client: genai.Client, emu: Emulator
) -> None:
    emu.push({"status": 400, "message": f"API key {FAKE_KEY} not valid."})
    with pytest.raises(errors.ClientError) as caught:
        client.models.generate_content(model=MODEL, contents="hi")
    assert caught.value.message == "API key <redacted> not valid."


def test_without_a_key_the_error_says_how_to_give_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GEMINI_API_KEY", raising=False)
    monkeypatch.delenv("GOOGLE_API_KEY", raising=False)
    with pytest.raises(errors.MissingAPIKeyError, match="GEMINI_API_KEY"):
        genai.Client()


# Logs


def test_debug_logs_describe_each_exchange_with_the_key_redacted(
    emu: Emulator, client: genai.Client, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)  # every logger, urllib3's included
    emu.push(
        {"status": 503, "message": f"busy for {FAKE_KEY}"},  # retried: logged at INFO
        {"status": 400, "message": f"echo {FAKE_KEY}", "kind": "countTokens"},
    )
    long_prompt = "word " * 2000
    client.models.generate_content(model=MODEL, contents=long_prompt)
    list(client.models.generate_content_stream(model=MODEL, contents="hi"))
    with pytest.raises(errors.ClientError):
        client.models.count_tokens(model=MODEL, contents="hi")
    emu.push({"drop": True, "times": 3})
    with pytest.raises(errors.APIConnectionError):
        client.models.generate_content(model=MODEL, contents="hi")
    chat = client.chats.create(model=MODEL)
    chat.send_message("hello")

    for record in caplog.records:
        assert_clean(record.getMessage(), f"the log record {record.getMessage()[:80]!r}")
        assert_clean(repr(record.args), "log record arguments")
        assert_clean(record.exc_text or "", "a logged traceback")

    mine = [r for r in caplog.records if r.name == "gemwire"]
    requests = [r.getMessage() for r in mine if r.getMessage().startswith("request ")]
    responses = [r.getMessage() for r in mine if r.getMessage().startswith("response ")]
    failures = [r.getMessage() for r in mine if r.getMessage().startswith("failed ")]
    retries = [r.getMessage() for r in mine if r.getMessage().startswith("retrying ")]
    url = f"{emu.base_url}/v1beta/models/{MODEL}"
    assert requests[0].startswith(f"request POST {url}:generateContent headers={{")
    assert "'x-goog-api-key': '<redacted>'" in requests[0]
    assert requests[0].endswith(
        f"... ({len(json.dumps({'contents': [{'parts': [{'text': long_prompt}], 'role': 'user'}]}, separators=(',', ':')))} bytes)"
    )
    assert len(requests[0]) < 3000  # the 10 kB body is cut short
    assert re.match(
        rf"response POST {re.escape(url)}:generateContent -> 503 in \d+\.\d{{3}} s headers=",
        responses[0],
    )
    assert '"status": "UNAVAILABLE"' in responses[0]  # the error body
    assert responses[1].startswith(f"response POST {url}:generateContent -> 200 in ")
    assert any(r.startswith(f"request POST {url}:streamGenerateContent?alt=sse ") for r in requests)
    assert any(r.endswith("body=<streamed>") for r in responses)
    assert any("-> 400 in" in r and "echo <redacted>" in r for r in responses)
    assert len(failures) == 3 and all("Connection aborted" in f for f in failures)
    assert len(retries) == 3  # the 503 once, the dropped connection twice
    assert retries[0].endswith("after: 503 UNAVAILABLE. busy for <redacted>")
    assert all(
        record.levelno == logging.DEBUG for record in mine if record.getMessage() in requests
    )


def test_nothing_is_logged_below_warning_by_default(
    client: genai.Client, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    client.models.generate_content(model=MODEL, contents="hi")
    assert [r for r in caplog.records if r.name == "gemwire"] == []


# The emulator's log and cassettes


def test_the_emulators_request_log_holds_no_key(emu: Emulator, client: genai.Client) -> None:
    client.models.generate_content(model=MODEL, contents="hi")
    list(client.models.generate_content_stream(model=MODEL, contents="hi"))
    client.models.count_tokens(model=MODEL, contents="hi")
    assert len(emu.requests) == 3
    assert_clean(json.dumps(emu.requests), "the emulator's request log")


def test_no_cassette_holds_a_key() -> None:
    files = [path for path in CASSETTES.rglob("*") if path.is_file()] if CASSETTES.exists() else []
    if not files:
        pytest.skip(f"no cassettes under {CASSETTES}")
    for path in files:
        assert_clean(path.read_text(encoding="utf-8", errors="replace"), str(path))


# Where the key travels


class _Capture(BaseHTTPRequestHandler):
    """Records the raw request line, headers and body; answers a minimal valid response."""

    protocol_version = "HTTP/1.1"
    seen: ClassVar[list[dict[str, Any]]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        _Capture.seen.append(
            {"line": self.requestline, "headers": list(self.headers.items()), "body": body}
        )
        candidate = {
            "content": {"role": "model", "parts": [{"text": "ok"}]},
            "finishReason": "STOP",
        }
        if "countTokens" in self.path:
            payload, kind = json.dumps({"totalTokens": 1}).encode(), "application/json"
        elif "alt=sse" in self.path:
            payload = b"data: " + json.dumps({"candidates": [candidate]}).encode() + b"\r\n\r\n"
            kind = "text/event-stream"
        else:
            payload, kind = json.dumps({"candidates": [candidate]}).encode(), "application/json"
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def capture() -> Iterator[str]:
    _Capture.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Capture)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_the_key_travels_only_in_the_x_goog_api_key_header(capture: str) -> None:
    with genai.Client(api_key=FAKE_KEY, base_url=capture) as client:
        client.models.generate_content(model=MODEL, contents="hi")
        list(client.models.generate_content_stream(model=MODEL, contents="hi"))
        client.models.count_tokens(model=MODEL, contents="hi")
        client.chats.create(model=MODEL).send_message("hi")
    assert len(_Capture.seen) == 4
    for request in _Capture.seen:
        assert_clean(request["line"], "the request line (URL)")
        assert "key=" not in request["line"]
        carrying = [(name, value) for name, value in request["headers"] if FAKE_KEY in value]
        assert carrying == [("x-goog-api-key", FAKE_KEY)]
        assert_clean(request["body"].decode(), "the request body")
    assert _Capture.seen[1]["line"].startswith(
        f"POST /v1beta/models/{MODEL}:streamGenerateContent?alt=sse "
    )


# Plain HTTP and TLS


@pytest.mark.parametrize(
    "url",
    [
        "http://gemini.example.com",
        "http://10.0.0.1:8080",
        "http://localhost.example.com",
        "http://192.168.1.1",
    ],
)
def test_clear_text_http_is_refused_beyond_loopback(url: str) -> None:
    with pytest.raises(ValueError, match="clear text"):
        genai.Client(api_key=FAKE_KEY, base_url=url)


@pytest.mark.parametrize(
    "url", ["http://localhost:8765", "http://127.0.0.1:1", "http://127.8.9.10", "http://[::1]:8765"]
)
def test_clear_text_http_is_allowed_to_loopback(url: str) -> None:
    genai.Client(api_key=FAKE_KEY, base_url=url).close()


def test_clear_text_http_elsewhere_needs_allow_insecure_http() -> None:
    client = genai.Client(
        api_key=FAKE_KEY, base_url="http://gemini.example.com", allow_insecure_http=True
    )
    assert client.base_url == "http://gemini.example.com"


def test_only_http_and_https_are_accepted() -> None:
    with pytest.raises(ValueError, match="http"):
        genai.Client(api_key=FAKE_KEY, base_url="ftp://gemini.example.com")


@pytest.fixture(scope="module")
def tls_server(self_signed: tuple[Path, Path]) -> Iterator[tuple[str, Path]]:
    """An HTTPS server on 127.0.0.1 with a self-signed certificate no CA store trusts."""
    cert, key = self_signed
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Capture)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"https://127.0.0.1:{server.server_address[1]}", cert
    server.shutdown()
    server.server_close()


def test_tls_certificates_are_verified(
    tls_server: tuple[str, Path], caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    url, cert = tls_server
    caplog.set_level(logging.INFO, logger="gemwire")
    _Capture.seen = []
    with (
        genai.Client(api_key=FAKE_KEY, base_url=url, http_options=FAST) as client,
        pytest.raises(errors.APIConnectionError) as caught,
    ):
        client.models.generate_content(model=MODEL, contents="hi")
    assert "CERTIFICATE_VERIFY_FAILED" in str(caught.value)
    assert_clean(exception_text(caught.value), "the TLS error")
    assert _Capture.seen == []  # the key never left
    assert not [r for r in caplog.records if r.getMessage().startswith("retrying")]  # not retried

    # The same server once its certificate is trusted: the failure above was the verification.
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    with genai.Client(api_key=FAKE_KEY, base_url=url) as client:
        assert client.models.generate_content(model=MODEL, contents="hi").text == "ok"
    assert len(_Capture.seen) == 1
