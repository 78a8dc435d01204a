import gemwire as genai

client = genai.Client()

job = client.batches.create(
    model="gemini-2.5-flash",
    src=[
        {"contents": "Write a haiku about tea.", "metadata": {"key": "tea"}},
        {"contents": "Write a haiku about rain.", "metadata": {"key": "rain"}},
    ],
    config={"display_name": "haiku"},
)
job = client.batches.wait(
    name=job, poll_interval=1, progress=lambda j: print(j.state.value, j.batch_stats)
)
for result in client.batches.results(job):
    print(result.key, "->", result.response.text if result.response else result.error)
