"""Test helpers for applications that call the Gemini API through gemwire (or google-genai).

- A pytest plugin (``plugin``, registered as ``gemwire`` through the ``pytest11`` entry
  point; inert unless a test asks for its fixtures): ``gemini``, a :class:`ScriptedGemini`
  (the local emulator, a client of it, the next answers scripted in a line each, the
  requests received); ``gemini_emulator``, the emulator itself.
- :func:`vcr_config`: settings for vcrpy / pytest-recording that keep the API key out of
  cassettes and match requests on method, path, query and body.
- :func:`check_cassettes` and the ``gemwire check-cassettes PATH...`` command
  (``python -m gemwire.testing check-cassettes``): recorded traffic checked against the
  spec, for lossless decoding, for fields the spec does not know, and for secrets.

pytest, vcrpy and PyYAML are the user's: nothing here imports vcrpy, and the checker
imports PyYAML (which vcrpy installs) only to read YAML cassettes. It needs ``jsonschema``
(``pip install 'gemwire[testing]'`` brings both). The checker's names load on first use.
"""

import importlib
from typing import TYPE_CHECKING, Any

from gemwire.testing._received import ReceivedRequest
from gemwire.testing._scripted import ScriptedGemini
from gemwire.testing._vcr import vcr_config

if TYPE_CHECKING:
    from gemwire.testing._cassettes import CassetteError, Interaction
    from gemwire.testing._checker import CassetteReport, check_cassettes
    from gemwire.testing._checks import Checked, Finding

__all__ = [
    "CassetteError",
    "CassetteReport",
    "Checked",
    "Finding",
    "Interaction",
    "ReceivedRequest",
    "ScriptedGemini",
    "check_cassettes",
    "vcr_config",
]


def __getattr__(name: str) -> Any:
    # The checker loads on first use: the plugin, which every pytest run imports, needs none of it.
    modules = {"CassetteError": "_cassettes", "Interaction": "_cassettes", "Checked": "_checks"}
    modules |= {"Finding": "_checks", "CassetteReport": "_checker", "check_cassettes": "_checker"}
    if name not in modules:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"gemwire.testing.{modules[name]}"), name)
