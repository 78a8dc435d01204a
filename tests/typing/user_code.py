"""User code that must type-check against gemwire's input names (``make typecheck``).

Not a pytest module: mypy --strict checks it. Each ``# type: ignore[...]`` marks a call
that must stay an error: with ``warn_unused_ignores`` (part of --strict), an argument that
stops being rejected fails the check.
"""

from __future__ import annotations

import dataclasses
import enum
from typing import Literal, Optional

from PIL import Image

from gemwire import types


def takes_contents(contents: types.ContentListUnionDict) -> None:
    """Stands for ``generate_content(contents=...)``."""


def takes_strict_contents(contents: types.ContentListUnion) -> None:
    """Stands for an API that takes no dicts."""


def takes_turn(message: types.ContentUnionDict) -> None:
    """Stands for ``system_instruction`` or ``chat.send_message``."""


def takes_part(part: types.PartUnionDict) -> None: ...


def takes_schema(schema: types.SchemaUnionDict) -> None: ...


def takes_config(config: types.GenerateContentConfigOrDict) -> None: ...


def takes_count_tokens_config(config: types.CountTokensConfigOrDict) -> None: ...


def takes_http_options(options: types.HttpOptionsOrDict) -> None: ...


def takes_retry_options(options: types.HttpRetryOptionsOrDict) -> None: ...


@dataclasses.dataclass
class Recipe:
    name: str
    minutes: int


class Color(enum.Enum):
    RED = "red"


image = Image.new("RGB", (1, 1))
part = types.Part.from_text(text="Hi")
turn = types.Content(role="user", parts=[part])
history: list[types.Content] = [turn]
history_dicts: list[types.ContentDict] = [{"role": "user", "parts": [{"text": "Hi"}]}]

# contents: everything gemwire accepts
takes_contents("Explain how AI works")
takes_contents(part)
takes_contents(turn)
takes_contents(image)
takes_contents(["Describe this image", image])
takes_contents(["one turn", "of two parts"])
takes_contents([turn, "a loose part", part])
takes_contents(history)
takes_contents(history_dicts)
takes_contents({"text": "a part dict"})
takes_contents({"inline_data": {"mime_type": "image/png", "data": "iVBORw0KGgo="}})
takes_contents({"role": "model", "parts": [{"text": "a turn dict"}]})
takes_contents([{"role": "user", "parts": [{"text": "Hi"}]}, {"text": "and a part"}])
takes_strict_contents(["text", image, part, turn])
takes_strict_contents(("a tuple", part))
takes_turn("Be brief.")
takes_turn(["Be brief.", {"text": "Answer in French."}])
takes_part(types.PartDict(text="Hi", thought=False))

# contents: what gemwire rejects
takes_contents(42)  # type: ignore[arg-type]
takes_contents(b"raw bytes")  # type: ignore[arg-type]
takes_contents([[b"a nested list of bytes"]])  # type: ignore[list-item]
takes_contents({"txt": "a misspelled key"})  # type: ignore[arg-type]
takes_contents({"text": 42})  # type: ignore[arg-type]
takes_contents({"inline_data": {"data": 42}})  # type: ignore[arg-type]
takes_strict_contents({"text": "dicts are not Content"})  # type: ignore[arg-type]
takes_part(turn)  # type: ignore[arg-type]

# the TypedDicts themselves
blob: types.BlobDict = {"mime_type": "image/png", "data": "iVBORw0KGgo="}
tool: types.ToolDict = {
    "function_declarations": [{"name": "f", "parameters": {"type": types.Type.OBJECT}}]
}
camel_case: types.BlobDict = {"mimeType": "image/png"}  # type: ignore[typeddict-unknown-key]
raw_bytes: types.BlobDict = {"data": b"\x89PNG"}
plain_enum: types.SchemaDict = {"type": "STRING"}  # type: ignore[typeddict-item]

# response_schema
takes_schema(Recipe)
takes_schema(list[Recipe])
takes_schema(Recipe | None)
takes_schema(Optional[Recipe])  # noqa: UP045 - the older spelling is accepted too
takes_schema(Literal["red", "green"])
takes_schema(Color)
takes_schema(int)
takes_schema(types.Schema(type=types.Type.STRING))
takes_schema({"type": "STRING"})
takes_schema(types.SchemaDict(type=types.Type.ARRAY, items={"type": types.Type.STRING}))
takes_schema(42)  # type: ignore[arg-type]
takes_schema("STRING")  # type: ignore[arg-type]

# configs and their dicts
takes_config(types.GenerateContentConfig(temperature=0.1))
takes_config(
    {
        "system_instruction": "Be brief.",
        "temperature": 0.1,
        "response_schema": list[Recipe],
        "safety_settings": [
            {
                "category": types.HarmCategory.HARM_CATEGORY_HATE_SPEECH,
                "threshold": types.HarmBlockThreshold.BLOCK_ONLY_HIGH,
            }
        ],
        "thinking_config": {"thinking_budget": 0},
        "http_options": {"timeout": 30_000, "retry_options": {"attempts": 1}},
    }
)
takes_config({"temprature": 0.1})  # type: ignore[arg-type]
takes_config({"temperature": "hot"})  # type: ignore[arg-type]
takes_config({"safety_settings": [{"threshold": "BLOCK_NONE"}]})  # type: ignore[arg-type]
takes_count_tokens_config(types.CountTokensConfig(http_options=types.HttpOptions(timeout=30_000)))
takes_count_tokens_config({"http_options": {"timeout": 30_000}})
takes_count_tokens_config({"temperature": 0.1})  # type: ignore[arg-type]
takes_http_options(types.HttpOptions(timeout=30_000))
takes_http_options({"api_version": "v1beta", "headers": {"x-trace": "1"}})
takes_http_options({"timeout": 1.5})  # type: ignore[arg-type]
takes_retry_options(types.HttpRetryOptions(attempts=3))
takes_retry_options({"attempts": 3, "http_status_codes": [429, 503]})
takes_retry_options(types.HttpOptions())  # type: ignore[arg-type]

# constructors: a message or its TypedDict (lists of either), as google-genai's Dict twins
types.GenerateContentConfig(
    safety_settings=[
        {"category": types.HarmCategory.HARM_CATEGORY_HARASSMENT},
        types.SafetySetting(threshold=types.HarmBlockThreshold.OFF),
    ],
    thinking_config={"thinking_budget": 0},
    tools=(types.Tool(google_search=types.GoogleSearch()),),
)


def get_weather(city: str) -> str:
    """Python functions are tools too (automatic function calling), as in google-genai."""
    return f"sunny in {city}"


types.GenerateContentConfig(tools=[get_weather, types.Tool(google_search=types.GoogleSearch())])
takes_config({"tools": [get_weather, {"google_search": {}}]})
tool_list: types.ToolListUnion = [get_weather]
types.GenerateContentConfig(tools=["not a tool"])  # type: ignore[list-item]
types.Content(role="user", parts=[{"text": "Hi"}, part])
types.Schema(properties={"name": {"type": types.Type.STRING}})
types.UserContent(["Describe this", image])
types.ModelContent("Hello")
types.Tool(code_execution=types.ToolCodeExecution)  # type: ignore[arg-type]
types.ModalityTokenCount(tokenCount=3)  # type: ignore[call-arg]
types.SafetySetting(category="HARM_CATEGORY_HARASSMENT")  # type: ignore[arg-type]
types.Content(parts=[{"txt": "a misspelled key"}])  # type: ignore[list-item]
types.Part(inline_data=42)  # type: ignore[arg-type]
