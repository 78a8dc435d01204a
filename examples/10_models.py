import gemwire as genai

client = genai.Client()

print("List of models that support generateContent:\n")
for m in client.models.list():
    for action in m.supported_actions:
        if action == "generateContent":
            print(m.name)

model_info = client.models.get(model="gemini-2.0-flash")
print(f"\n{model_info.display_name}: {model_info.input_token_limit} input tokens")
