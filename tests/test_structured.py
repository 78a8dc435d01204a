"""Structured output: Python types become a response schema and the answer parses back."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

import pydantic
import pytest
from typing_extensions import TypedDict

from gemwire import types
from gemwire._request import as_config, generate_content
from gemwire._structured import parse_as, schema_of


@dataclass
class Recipe:
    recipe_name: str
    ingredients: list[str]
    minutes: int | None = None


class Color(enum.Enum):
    RED = "red"
    BLUE = "blue"


def test_a_dataclass_list_becomes_a_gemini_schema() -> None:
    assert schema_of(list[Recipe]).to_dict() == {
        "type": "ARRAY",
        "items": {
            "type": "OBJECT",
            "properties": {
                "recipe_name": {"type": "STRING"},
                "ingredients": {"type": "ARRAY", "items": {"type": "STRING"}},
                "minutes": {"type": "INTEGER", "nullable": True},
            },
            "propertyOrdering": ["recipe_name", "ingredients", "minutes"],
            "required": ["recipe_name", "ingredients"],
        },
    }


def test_enums_become_string_enums() -> None:
    assert schema_of(Color).to_dict() == {"type": "STRING", "enum": ["red", "blue"]}


def test_a_response_schema_sets_the_json_mime_type() -> None:
    body = generate_content(
        "m", "x", as_config({"response_schema": {"type": "object"}}), api_version="v1beta"
    ).body
    assert body is not None
    assert body["generationConfig"] == {
        "responseMimeType": "application/json",
        "responseSchema": {"type": "OBJECT"},
    }


def test_the_answer_parses_into_the_dataclasses() -> None:
    text = '[{"recipe_name": "Cookies", "ingredients": ["flour"], "minutes": 12}, {"recipe_name": "Tea", "ingredients": []}]'
    assert parse_as(text, list[Recipe]) == [
        Recipe(recipe_name="Cookies", ingredients=["flour"], minutes=12),
        Recipe(recipe_name="Tea", ingredients=[]),
    ]


def test_a_dict_schema_parses_to_plain_json() -> None:
    assert parse_as('{"a": [1]}', {"type": "OBJECT"}) == {"a": [1]}


def test_text_that_does_not_fit_parses_to_none() -> None:
    assert parse_as('{"recipe_name": "Cut off', list[Recipe]) is None
    assert parse_as('[{"ingredients": 3}]', list[Recipe]) is None


def test_schema_instances_pass_through() -> None:
    schema = types.Schema(type=types.Type.STRING)
    assert schema_of(schema) is schema


class RecipeModel(pydantic.BaseModel):
    recipe_name: str
    ingredients: list[str]
    minutes: int | None = None


class _RequiredRecipeKeys(TypedDict):
    recipe_name: str
    ingredients: list[str]


class RecipeDict(_RequiredRecipeKeys, total=False):
    minutes: int | None


@pytest.mark.parametrize("record", [RecipeModel, RecipeDict], ids=["pydantic", "TypedDict"])
def test_pydantic_models_and_typeddicts_describe_the_same_schema_as_a_dataclass(
    record: Any,
) -> None:
    assert schema_of(list[record]).to_dict() == schema_of(list[Recipe]).to_dict()


def test_the_answer_parses_into_pydantic_models_and_typeddicts() -> None:
    text = '[{"recipe_name": "Tea", "ingredients": ["leaves"], "minutes": 3}]'
    (model,) = parse_as(text, list[RecipeModel])
    assert isinstance(model, RecipeModel)
    assert model == RecipeModel(recipe_name="Tea", ingredients=["leaves"], minutes=3)
    assert parse_as(text, list[RecipeDict]) == [
        {"recipe_name": "Tea", "ingredients": ["leaves"], "minutes": 3}
    ]
    assert parse_as('[{"recipe_name": 5}]', list[RecipeModel]) is None  # pydantic refused it
