"""What ``gemwire.types`` offers besides the dataclasses: ``__all__``, google-genai's
``<Name>Dict`` TypedDicts and input unions, loaded only when used."""

from __future__ import annotations

import dataclasses
import enum
import subprocess
import sys
import typing
from typing import Any

import pytest

import gemwire as genai
from gemwire import types
from gemwire.emulator import Emulator

MESSAGES = sorted(
    (
        value
        for value in vars(types).values()
        if isinstance(value, type)
        and dataclasses.is_dataclass(value)
        and value.__module__ == "gemwire.types"
    ),
    key=lambda cls: cls.__name__,
)
# Class names and google-genai's other names for classes (GoogleSearch = ToolGoogleSearch).
MESSAGE_NAMES = {name for name, value in vars(types).items() if value in MESSAGES}
INPUT_UNIONS = [
    "PartUnion",
    "PartUnionDict",
    "ContentUnion",
    "ContentUnionDict",
    "ContentListUnion",
    "ContentListUnionDict",
    "SchemaUnion",
    "SchemaUnionDict",
    "GenerateContentConfigOrDict",
    "CountTokensConfigOrDict",
    "HttpOptionsOrDict",
    "HttpRetryOptionsOrDict",
    "EmbedContentConfigOrDict",
    "ListModelsConfigOrDict",
    "ToolUnion",
    "ToolUnionDict",
    "ToolListUnion",
    "ToolListUnionDict",
]


def test_star_import_gives_the_api_types_and_nothing_else() -> None:
    namespace: dict[str, Any] = {}
    exec("from gemwire.types import *", namespace)
    names = set(namespace) - {"__builtins__"}
    generated = {  # classes, enums and the google-genai names of enums (FinishReason)
        name
        for name, value in vars(types).items()
        if isinstance(value, type) and value.__module__ == "gemwire.types"
    }
    # Each class and each google-genai name of a class (GoogleSearch) has its TypedDict.
    dicts = {f"{name}Dict" for name in generated if name in MESSAGE_NAMES}
    assert names == generated | dicts | set(INPUT_UNIONS) | {"UserContent", "ModelContent"}
    assert {"FinishReason", "PartDict", "ContentListUnion", "GoogleSearchDict"} <= names
    assert namespace["FinishReason"] is types.CandidateFinishReason
    assert namespace["GoogleSearchDict"] is types.ToolGoogleSearchDict
    assert set(dir(types)) == names  # what completion in a REPL offers


def printed_by(code: str) -> list[str]:
    """The lines ``code`` prints in a fresh interpreter."""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return done.stdout.splitlines()


def test_import_gemwire_loads_no_typeddicts_input_unions_or_pillow() -> None:
    code = (
        "import sys, gemwire\n"
        "loaded = lambda: [m in sys.modules for m in ('gemwire.types._dicts', 'gemwire._inputs')]\n"
        "print(loaded())\n"
        "gemwire.types.PartDict, gemwire.types.ContentListUnion\n"
        "print(loaded(), 'PIL' in sys.modules)\n"
    )
    assert printed_by(code) == ["[False, False]", "[True, True] False"]


def test_urllib3_is_imported_by_the_first_client_not_by_import_gemwire_or_its_types() -> None:
    code = (
        "import sys\n"
        "import gemwire.types\n"
        "print('urllib3' in sys.modules)\n"
        "import gemwire\n"
        "print('urllib3' in sys.modules)\n"
        "gemwire.Client(api_key='k', base_url='http://127.0.0.1:9')\n"
        "print('urllib3' in sys.modules)\n"
    )
    assert printed_by(code) == ["False", "False", "True"]


def test_the_first_call_of_a_process_compiles_no_code() -> None:
    """The codecs were written out by codegen: a fresh process's first request and answer
    compile nothing from source at run time (they once took ~100 ms to)."""
    code = (
        "import sys\n"
        "from gemwire import types\n"
        "compiled = []\n"
        "def audit(event, args):\n"
        "    if event == 'compile' and str(args[1]).startswith('<'):\n"
        "        compiled.append(args[1])\n"
        "sys.addaudithook(audit)\n"
        "part = types.Part(text='hi', thought_signature=b'sig')\n"
        "types.GenerateContentRequest(contents=[types.Content(parts=[part])]).to_dict()\n"
        "wire = {'candidates': [{'content': {'parts': [{'text': 'hi', 'thoughtSignature': 'c2ln'}]}}]}\n"
        "types.GenerateContentResponse.from_dict(wire).text\n"
        "class Mine(types.Part):\n"
        "    __slots__ = ()\n"
        "print(compiled)\n"
        "Mine.from_dict({'text': 'a user subclass is compiled at run time'})\n"
        "print('<gemwire codec Mine>' in compiled)\n"
    )
    assert printed_by(code) == ["[]", "True"]


def test_an_unknown_name_is_still_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="has no attribute 'PartDcit'"):
        types.PartDcit  # noqa: B018


@pytest.mark.parametrize("cls", MESSAGES, ids=lambda cls: cls.__name__)
def test_each_type_has_a_typeddict_with_its_python_field_names(cls: type[Any]) -> None:
    typed_dict = getattr(types, f"{cls.__name__}Dict")
    assert typing.is_typeddict(typed_dict)
    assert typed_dict.__total__ is False
    fields = [f.name for f in dataclasses.fields(cls) if f.name != "unknown_fields"]
    assert list(typing.get_type_hints(typed_dict)) == fields


def test_typeddict_values_are_the_other_typeddicts_enums_and_bytes_or_base64_text() -> None:
    assert typing.get_type_hints(types.PartDict)["inline_data"] == types.BlobDict | None
    assert typing.get_type_hints(types.ContentDict)["parts"] == list[types.PartDict] | None
    assert typing.get_type_hints(types.BlobDict)["data"] == bytes | str | None
    safety = typing.get_type_hints(types.SafetySettingDict)
    assert safety["threshold"] == types.HarmBlockThreshold | None


def test_the_input_unions_exist_at_run_time() -> None:
    for name in INPUT_UNIONS:
        assert typing.get_args(getattr(types, name)), name
    assert types.Part in typing.get_args(types.PartUnion)
    assert types.GenerateContentConfigDict in typing.get_args(types.GenerateContentConfigOrDict)


def test_a_request_made_of_typeddicts_reaches_the_wire(client: genai.Client, emu: Emulator) -> None:
    class Mood(enum.Enum):
        HAPPY = "happy"
        SAD = "sad"

    contents: list[types.ContentDict] = [
        {
            "role": "user",
            "parts": [
                {"text": "How does this look?"},
                {"inline_data": {"mime_type": "image/png", "data": "iVBORw0KGgo="}},
            ],
        }
    ]
    config: types.GenerateContentConfigDict = {
        "system_instruction": "Be brief.",
        "temperature": 0.1,
        "response_schema": Mood,
        "thinking_config": {"thinking_budget": 0},
        "http_options": {"timeout": 30_000, "retry_options": {"attempts": 1}},
    }

    client.models.generate_content(model="gemini-2.0-flash", contents=contents, config=config)

    body = emu.requests[-1]["body"]
    assert body["contents"] == [
        {
            "role": "user",
            "parts": [
                {"text": "How does this look?"},
                {"inlineData": {"mimeType": "image/png", "data": "iVBORw0KGgo="}},
            ],
        }
    ]
    assert body["systemInstruction"] == {"parts": [{"text": "Be brief."}]}
    assert body["generationConfig"] == {
        "temperature": 0.1,
        "thinkingConfig": {"thinkingBudget": 0},
        "responseMimeType": "application/json",
        "responseSchema": {"type": "STRING", "enum": ["happy", "sad"]},
    }


def test_enum_members_and_raw_bytes_in_a_typeddict_decode() -> None:
    blob: types.BlobDict = {"data": b"\x00\x01", "mime_type": "image/png"}
    assert types.Blob.from_dict(blob) == types.Blob(data=b"\x00\x01", mime_type="image/png")
    setting: types.SafetySettingDict = {
        "category": types.HarmCategory.HARM_CATEGORY_HARASSMENT,
        "threshold": types.HarmBlockThreshold.BLOCK_ONLY_HIGH,
    }
    assert types.SafetySetting.from_dict(setting) == types.SafetySetting(
        category=types.HarmCategory.HARM_CATEGORY_HARASSMENT,
        threshold=types.HarmBlockThreshold.BLOCK_ONLY_HIGH,
    )
