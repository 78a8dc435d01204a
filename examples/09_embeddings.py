import gemwire as genai
from gemwire import types

client = genai.Client()

result = client.models.embed_content(
    model="gemini-embedding-001",
    contents=["What is the meaning of life?", "How do I bake a cake?"],
    config=types.EmbedContentConfig(output_dimensionality=768),
)
for embedding in result.embeddings:
    print(len(embedding.values), embedding.values[:3])
