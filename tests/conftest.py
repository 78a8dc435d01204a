"""Shared fixtures: the spec, Google's published message graph, the real-traffic corpus, one
local emulator with clients pointed at it, and a TLS certificate for 127.0.0.1."""

from __future__ import annotations

import gzip
import json
import shutil
import socket
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import urllib3

import gemwire as genai
from gemwire import types
from gemwire.emulator import Emulator
from tests.emulator_http import Client

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SPEC_PATH = ROOT / "spec" / "gemini.schema.json"
CONTRACT_PATH = SHARED / "contract" / "interactions.jsonl.gz"
ENDPOINTS_PATH = SHARED / "contract" / "endpoints.jsonl.gz"
UPSTREAM_PATH = SHARED / "upstream" / "reachable.json"
# Backoff of 10 ms, 20 ms, ... keeps retried faults fast; server-requested waits stay real.
FAST_RETRIES = types.HttpRetryOptions(initial_delay=0.01)

MakeClient = Callable[..., genai.Client]


def free_port() -> int:
    """A loopback port nothing listens on (a connection to it is refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def spec() -> dict[str, Any]:
    return json.loads(SPEC_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def upstream() -> dict[str, Any]:
    if not UPSTREAM_PATH.exists():
        pytest.skip(f"{UPSTREAM_PATH} is not here (it sits beside the repository in CI)")
    return json.loads(UPSTREAM_PATH.read_text(encoding="utf-8"))


def _read_contract(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        pytest.skip(f"{path} is not here (it sits beside the repository in CI)")
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]


@pytest.fixture(scope="session")
def contract() -> list[dict[str, Any]]:
    return _read_contract(CONTRACT_PATH)


@pytest.fixture(scope="session")
def endpoints() -> list[dict[str, Any]]:
    """Recorded traffic of the other endpoints: embeddings, files, caches, batches, ..."""
    return _read_contract(ENDPOINTS_PATH)


@pytest.fixture(scope="session")
def emulator() -> Iterator[Emulator]:
    """One local emulator for the whole run, checking request bodies against the spec."""
    with Emulator(validate=True) as server:
        yield server


@pytest.fixture
def emu(emulator: Emulator) -> Emulator:
    """The emulator, reset for this test: no script, log, files, caches or batches."""
    emulator.reset()
    return emulator


@pytest.fixture(scope="session")
def http() -> urllib3.PoolManager:
    """One urllib3 pool for raw HTTP to the emulator."""
    return urllib3.PoolManager(retries=False, timeout=30)


@pytest.fixture
def api(emu: Emulator, http: urllib3.PoolManager) -> Client:
    """Raw HTTP calls to the emulator with a test key (tests/emulator_http.py)."""
    return Client(emu, http)


@pytest.fixture
def make_client(emu: Emulator) -> Iterator[MakeClient]:
    """Makes clients of the emulator (a test key, fast backoff unless ``http_options`` is
    given; other keyword arguments go to ``Client``), closed after the test."""
    made: list[genai.Client] = []

    def make(**kwargs: Any) -> genai.Client:
        kwargs.setdefault("api_key", "test-key")
        kwargs.setdefault("base_url", emu.base_url)
        kwargs.setdefault("http_options", {"retry_options": FAST_RETRIES})
        made.append(genai.Client(**kwargs))
        return made[-1]

    yield make
    for client in made:
        client.close()


@pytest.fixture
def client(make_client: MakeClient) -> genai.Client:
    """A client of the emulator with fast backoff."""
    return make_client()


@pytest.fixture(scope="session")
def self_signed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, which no CA store trusts, and its key."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            *["openssl", "req", "-x509", "-newkey", "ec"],
            *["-pkeyopt", "ec_paramgen_curve:prime256v1"],
            *["-nodes", "-keyout", str(key), "-out", str(cert), "-days", "1"],
            *["-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
        ],
        check=True,
        capture_output=True,
    )
    return cert, key
