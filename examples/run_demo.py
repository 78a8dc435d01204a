"""Run every example in this folder and show what a user would see (``make demo``).

Without ``GEMINI_API_KEY`` the examples talk to gemwire's local emulator, started here on a
free loopback port and reached through ``GOOGLE_GEMINI_BASE_URL``: no key, no network. With
``GEMINI_API_KEY`` set they talk to the real Gemini API.
"""

from __future__ import annotations

import os
import runpy
import sys
from pathlib import Path

EXAMPLES = sorted(Path(__file__).parent.glob("[0-9][0-9]_*.py"))
# The emulator answers at once; pace its streamed chunks so that streaming is visible.
STREAM_PACE = {"chunk_delay": 0.06, "times": 1000}


def run_all() -> None:
    bold, plain = ("\033[1m", "\033[0m") if sys.stdout.isatty() else ("", "")
    for path in EXAMPLES:
        print(f"\n{bold}── examples/{path.name} ──{plain}", flush=True)
        runpy.run_path(str(path), run_name="__main__")
    print()


def main() -> int:
    if os.environ.get("GEMINI_API_KEY"):
        print("GEMINI_API_KEY is set: running the examples against the real Gemini API.")
        run_all()
        return 0
    from gemwire.emulator import Emulator

    with Emulator(script=[STREAM_PACE]) as emulator:
        print(
            f"No GEMINI_API_KEY: running the examples against the emulator at {emulator.base_url}"
        )
        os.environ["GOOGLE_GEMINI_BASE_URL"] = emulator.base_url
        os.environ["GEMINI_API_KEY"] = "emulator-accepts-any-key"
        try:
            run_all()
        finally:
            del os.environ["GOOGLE_GEMINI_BASE_URL"], os.environ["GEMINI_API_KEY"]
    return 0


if __name__ == "__main__":
    sys.exit(main())
