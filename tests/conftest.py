"""Shared fixtures: the spec, Google's published message graph and the real-traffic corpus."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gemwire.emulator import Emulator

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SPEC_PATH = ROOT / "spec" / "gemini.schema.json"
CONTRACT_PATH = SHARED / "contract" / "interactions.jsonl.gz"
UPSTREAM_PATH = SHARED / "upstream" / "reachable.json"


@pytest.fixture(scope="session")
def spec() -> dict[str, Any]:
    return json.loads(SPEC_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def upstream() -> dict[str, Any]:
    if not UPSTREAM_PATH.exists():
        pytest.skip(f"{UPSTREAM_PATH} is not here (it sits beside the repository in CI)")
    return json.loads(UPSTREAM_PATH.read_text(encoding="utf-8"))


def _read_contract() -> Iterator[dict[str, Any]]:
    with gzip.open(CONTRACT_PATH, "rt", encoding="utf-8") as lines:
        for line in lines:
            yield json.loads(line)


@pytest.fixture(scope="session")
def contract() -> list[dict[str, Any]]:
    if not CONTRACT_PATH.exists():
        pytest.skip(f"{CONTRACT_PATH} is not here (it sits beside the repository in CI)")
    return list(_read_contract())


@pytest.fixture(scope="module")
def emu() -> Iterator[Emulator]:
    """A local emulator for the tests of one module (``emu.reset()`` clears its state)."""
    with Emulator() as emulator:
        yield emulator
