from pathlib import Path

from PIL import Image
import gemwire as genai

client = genai.Client()

image = Image.open(Path(__file__).with_name("organ.png"))
response = client.models.generate_content(
    model="gemini-2.0-flash",
    contents=[image, "Tell me about this instrument"]
)
print(response.text)
