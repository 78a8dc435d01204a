"""``python -m gemwire.emulator`` (also the ``gemwire-emulator`` command): serve until Ctrl-C."""

from __future__ import annotations

import argparse
import sys
import threading
from collections.abc import Sequence

from gemwire.emulator._emulator import Emulator
from gemwire.emulator._script import load


def main(argv: Sequence[str] | None = None) -> int:
    """Run the emulator; prints its base URL on stdout, then one line per request on stderr."""
    parser = argparse.ArgumentParser(
        prog="gemwire-emulator",
        description="A local, offline Gemini API (generateContent, streamGenerateContent, "
        "countTokens, models, embeddings, files, cached contents, batches) with deterministic "
        "answers and scriptable faults.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8765, help="port, 0 for any (default: 8765)")
    parser.add_argument("--script", metavar="FILE", help="JSON list of script entries to load")
    parser.add_argument(
        "--allow-remote", action="store_true", help="allow a non-loopback --host (any key works!)"
    )
    parser.add_argument(
        "--no-validate", action="store_true", help="do not check request bodies against the spec"
    )
    parser.add_argument("--quiet", action="store_true", help="do not log requests")
    args = parser.parse_args(argv)
    try:
        script = load(args.script) if args.script else []
        emulator = Emulator(
            script,
            host=args.host,
            port=args.port,
            allow_remote=args.allow_remote,
            validate=False if args.no_validate else None,
            verbose=not args.quiet,
        )
    except (OSError, ValueError) as exc:
        print(f"gemwire-emulator: {exc}", file=sys.stderr)
        return 2
    try:
        emulator.start()
    except OSError as exc:
        print(f"gemwire-emulator: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1
    print(emulator.base_url, flush=True)
    print(
        f"gemwire-emulator: serving the Gemini API at {emulator.base_url} (any API key works); "
        "Ctrl-C stops it",
        file=sys.stderr,
        flush=True,
    )
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        emulator.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
