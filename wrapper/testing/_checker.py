"""``check_cassettes``: every cassette under some paths, read and checked."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from gemwire.testing._cassettes import CassetteError, NotACassetteError, find, read
from gemwire.testing._checks import Checked, Finding, cassette_secrets, check
from gemwire.testing._leaks import Secret
from gemwire.testing._vcr import KEY_VARIABLES


@dataclass
class CassetteReport:
    """One file: its checked interactions, or why it could not be read (``error``)."""

    path: Path
    results: list[Checked] = field(default_factory=list)
    error: str | None = None

    @property
    def findings(self) -> list[Finding]:
        """Every finding in the file's interactions."""
        return [finding for result in self.results for finding in result.findings]


def check_cassettes(
    paths: Sequence[str | os.PathLike[str]], *, environ: Mapping[str, str] | None = None
) -> list[CassetteReport]:
    """Read and check every cassette among ``paths``: files, or folders searched for
    ``.yaml``, ``.yml`` and ``.json`` files (those that are not cassettes are passed over).

    Besides the credentials each cassette's own requests carry and anything shaped like a
    Google credential, the values of ``GEMINI_API_KEY`` and ``GOOGLE_API_KEY`` in
    ``environ`` (the process environment by default) are looked for. Checking requests
    against the spec needs ``jsonschema`` (``pip install 'gemwire[validation]'``): without
    it, ``ImportError`` says so.
    """
    from gemwire import _validation

    _validation.require()
    environ = os.environ if environ is None else environ
    known = [
        Secret(environ[name], f"the value of {name}") for name in KEY_VARIABLES if environ.get(name)
    ]
    reports = []
    for path, named in find([Path(p) for p in paths]):
        report = CassetteReport(path)
        try:
            interactions = read(path)
        except NotACassetteError as error:
            if not named:
                continue  # another kind of file beside the cassettes
            report.error = str(error)
        except CassetteError as error:
            report.error = str(error)
        else:
            secrets = cassette_secrets(interactions, known)
            report.results = [check(interaction, secrets) for interaction in interactions]
        reports.append(report)
    return reports
