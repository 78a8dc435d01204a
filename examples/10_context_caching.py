import gemwire as genai
from gemwire import types

client = genai.Client()

handbook = " ".join(["Employees may work from home on Fridays."] * 200)
cache = client.caches.create(
    model="gemini-2.5-flash",
    config=types.CreateCachedContentConfig(
        contents=[handbook],
        system_instruction="You answer questions about the handbook.",
        ttl="300s",
    ),
)
print(cache.name, cache.usage_metadata.total_token_count, "tokens cached")

response = client.models.generate_content(
    model="gemini-2.5-flash",
    contents="Can I work from home on Friday?",
    config=types.GenerateContentConfig(cached_content=cache.name),
)
print(response.text)
print("cached tokens:", response.usage_metadata.cached_content_token_count)
client.caches.delete(name=cache.name)
