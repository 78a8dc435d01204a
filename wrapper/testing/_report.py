"""The checker's report: lines for people, or JSON for CI."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from gemwire.testing._checker import CassetteReport
from gemwire.testing._checks import Checked


def summary(reports: Sequence[CassetteReport]) -> dict[str, int]:
    """Counts: cassettes read, Gemini interactions checked, findings, unreadable files."""
    results = [result for report in reports for result in report.results]
    return {
        "cassettes": sum(report.error is None for report in reports),
        "interactions": len(results),
        "checked": sum(result.checked for result in results),
        "findings": sum(len(result.findings) for result in results),
        "errors": sum(report.error is not None for report in reports),
    }


def as_text(reports: Sequence[CassetteReport]) -> str:
    """A line per Gemini interaction (and per other interaction with a finding), its
    findings indented below it, and a summary line."""
    lines = []
    for report in reports:
        lines.append(str(report.path))
        if report.error is not None:
            lines.append(f"  error: {report.error}")
        for result in report.results:
            if result.kind is None and not result.findings:
                continue
            verdict = f"{len(result.findings)} finding(s)" if result.findings else "ok"
            notes = f" ({'; '.join(result.notes)})" if result.notes else ""
            lines.append(f"  {_title(result)}: {verdict}{notes}")
            lines += [f"      {finding.check}: {finding.message}" for finding in result.findings]
    counts = summary(reports)
    lines.append(
        f"{counts['cassettes']} cassette(s), {counts['interactions']} interaction(s), "
        f"{counts['checked']} checked against the spec: {counts['findings']} finding(s)"
        + (f", {counts['errors']} unreadable file(s)" if counts["errors"] else "")
    )
    return "\n".join(lines)


def as_json(reports: Sequence[CassetteReport]) -> str:
    """The report as one JSON document: ``cassettes`` (each with its ``interactions``) and
    ``summary``."""
    document = {
        "cassettes": [
            {
                "path": str(report.path),
                "error": report.error,
                "interactions": [_result(result) for result in report.results],
            }
            for report in reports
        ],
        "summary": summary(reports),
    }
    return json.dumps(document, indent=2)


def _title(result: Checked) -> str:
    interaction = result.interaction
    status = "" if interaction.status is None else f" {interaction.status}"
    return f"#{interaction.index} {interaction.method} {result.path}{status}"


def _result(result: Checked) -> dict[str, Any]:
    return {
        "index": result.interaction.index,
        "method": result.interaction.method,
        "path": result.path,
        "status": result.interaction.status,
        "kind": result.kind,
        "checked": result.checked,
        "findings": [{"check": f.check, "message": f.message} for f in result.findings],
        "notes": result.notes,
    }
