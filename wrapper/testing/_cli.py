"""The ``gemwire`` command (and ``python -m gemwire.testing``): ``check-cassettes PATH...``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from gemwire.testing._checker import check_cassettes
from gemwire.testing._report import as_json, as_text, summary


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; the exit status is 0 when nothing was found, 1 on a finding, 2 when
    a file could not be read or nothing could be checked."""
    parser = argparse.ArgumentParser(prog="gemwire", description="gemwire's tools for tests.")
    commands = parser.add_subparsers(dest="command", required=True)
    checker = commands.add_parser(
        "check-cassettes",
        help="check recorded Gemini API traffic against gemwire's spec",
        description="Read vcrpy / pytest-recording cassettes (YAML or JSON) and check each "
        "Gemini API interaction: the request is valid for the spec, the answer decodes and "
        "writes back unchanged, no field is unknown to the spec, and no secret is left in "
        "it. The values of GEMINI_API_KEY and GOOGLE_API_KEY, if set, are looked for too. "
        "Exit status: 0 clean, 1 findings, 2 unreadable files or nothing to check.",
    )
    checker.add_argument("paths", nargs="+", metavar="PATH", help="cassette files or folders")
    checker.add_argument(
        "--format", choices=("text", "json"), default="text", help="report format (default text)"
    )
    args = parser.parse_args(argv)
    try:
        reports = check_cassettes(args.paths)
    except ImportError as missing:
        print(f"gemwire check-cassettes: {missing}", file=sys.stderr)
        return 2
    print(as_json(reports) if args.format == "json" else as_text(reports))
    counts = summary(reports)
    if counts["errors"] or not counts["cassettes"]:
        if not counts["cassettes"]:
            print("gemwire check-cassettes: no cassette found", file=sys.stderr)
        return 2
    return 1 if counts["findings"] else 0
