import gemwire as genai

client = genai.Client()

notes = client.files.upload(
    file=b"Meeting notes: ship the Files API on Friday.",
    config={"mime_type": "text/plain", "display_name": "notes.txt"},
    progress=lambda sent, total: print(f"uploaded {sent} of {total} bytes"),
)
notes = client.files.wait_until_active(name=notes)
print(notes.name, notes.state.value, notes.size_bytes, "bytes")

response = client.models.generate_content(
    model="gemini-2.5-flash", contents=[notes, "When do we ship?"]
)
print(response.text)
client.files.delete(name=notes.name)
