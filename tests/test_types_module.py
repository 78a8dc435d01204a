"""What ``gemwire.types`` offers besides the dataclasses: ``__all__``."""

from __future__ import annotations

from typing import Any

from gemwire import types


def test_star_import_gives_the_api_types_and_nothing_else() -> None:
    namespace: dict[str, Any] = {}
    exec("from gemwire.types import *", namespace)
    names = set(namespace) - {"__builtins__"}
    generated = {  # classes, enums and the google-genai names of enums (FinishReason)
        name
        for name, value in vars(types).items()
        if isinstance(value, type) and value.__module__ == "gemwire.types"
    }
    assert names == generated
    assert {"Part", "GenerateContentConfig", "FinishReason"} <= names
    assert namespace["FinishReason"] is types.CandidateFinishReason
    assert set(dir(types)) == names  # what completion in a REPL offers
