"""The pytest plugin (entry point ``pytest11: gemwire``): the ``gemini`` fixture.

Inert unless a test asks for a fixture: importing it imports neither the emulator nor vcrpy.

- ``gemini``: a :class:`~gemwire.testing.ScriptedGemini` for one test: the emulator reset (no
  script, no log), a client pointed at it, and ``GOOGLE_GEMINI_BASE_URL``,
  ``GEMINI_API_KEY`` and ``GOOGLE_API_KEY`` pointing code that makes its own client there.
- ``gemini_emulator``: the :class:`~gemwire.emulator.Emulator` behind it, one per session,
  started on first use on a free loopback port.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from gemwire.emulator import Emulator
    from gemwire.testing import ScriptedGemini


@pytest.fixture(scope="session")
def gemini_emulator() -> Iterator[Emulator]:
    """One local Gemini emulator for the test session."""
    from gemwire.emulator import Emulator

    with Emulator() as emulator:
        yield emulator


@pytest.fixture
def gemini(gemini_emulator: Emulator, monkeypatch: pytest.MonkeyPatch) -> Iterator[ScriptedGemini]:
    """The emulator for this test, a client of it, and the next answers to script."""
    from gemwire import Client, types
    from gemwire.testing._scripted import API_KEY, ScriptedGemini

    gemini_emulator.reset()
    monkeypatch.setenv("GOOGLE_GEMINI_BASE_URL", gemini_emulator.base_url)
    monkeypatch.setenv("GEMINI_API_KEY", API_KEY)
    monkeypatch.setenv("GOOGLE_API_KEY", API_KEY)
    # Backoff of 10 ms, 20 ms between retries keeps scripted errors fast.
    retries = types.HttpRetryOptions(initial_delay=0.01)
    options = types.HttpOptions(retry_options=retries)
    with Client(api_key=API_KEY, http_options=options) as client:
        yield ScriptedGemini(gemini_emulator, client)
