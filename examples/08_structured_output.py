from dataclasses import dataclass

import gemwire as genai
from gemwire import types


@dataclass
class Recipe:
    recipe_name: str
    ingredients: list[str]


client = genai.Client()
response = client.models.generate_content(
    model="gemini-2.0-flash",
    contents="List a few popular cookie recipes, and include the amounts of ingredients.",
    config=types.GenerateContentConfig(
        response_mime_type="application/json",
        response_schema=list[Recipe],
    ),
)
print(response.text)
my_recipes: list[Recipe] = response.parsed
print(my_recipes)
