from typing import Literal

import gemwire as genai
from gemwire import types


def get_current_weather(location: str, unit: Literal["celsius", "fahrenheit"] = "celsius") -> dict:
    """Gets the current weather for a given location.

    Args:
        location: The city and state, e.g. San Francisco, CA
        unit: The temperature unit to use.
    """
    print(f"  [get_current_weather(location={location!r}, unit={unit!r}) runs]")
    temperature = 22 if unit == "celsius" else 72
    return {"location": location, "temperature": temperature, "unit": unit, "sky": "sunny"}


client = genai.Client()
config = types.GenerateContentConfig(tools=[get_current_weather])  # the function itself

# The client declares the function, runs it when the model calls it, sends the result back
# and returns the model's final answer.
response = client.models.generate_content(
    model="gemini-2.5-flash",
    contents="Use get_current_weather: what's the weather like in Boston?",
    config=config,
)
print(response.text)
for turn in response.automatic_function_calling_history:
    for part in turn.parts:
        if part.function_call:
            print(f"  model called {part.function_call.name}({part.function_call.args})")

# Streaming runs the same loop: the answer calling the function, then the answer to its result.
for chunk in client.models.generate_content_stream(
    model="gemini-2.5-flash",
    contents="Use get_current_weather for Paris, in fahrenheit.",
    config=config,
):
    if chunk.function_calls:
        print(f"  model calls {[call.name for call in chunk.function_calls]}")
    else:
        print(chunk.text, end="")
print()
