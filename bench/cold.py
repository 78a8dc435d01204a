"""A fresh process's first call: ``python bench/cold.py CLIENT PORT``.

Times, in this process, the import of the client's package, the creation of its client and
its first ``generate_content`` call (the small answer), and prints them as one JSON line.
Nothing is imported before the clock starts but ``sys`` and ``time`` (the floor's ``json`` is
part of its import), so no client finds its modules already loaded.
"""

import sys
import time

PROMPT = "Write one sentence about loopback benchmarks."
KEY = "bench-key"
MODEL = "bench-small"


def raw(base_url: str) -> str:
    import json

    import urllib3

    lap("import")
    url = urllib3.util.parse_url(base_url)
    pool = urllib3.HTTPConnectionPool(url.host, url.port, maxsize=1, block=True)
    timeout = urllib3.Timeout(connect=60.0, read=60.0)
    lap("client")
    body = json.dumps({"contents": [{"role": "user", "parts": [{"text": PROMPT}]}]}).encode()
    headers = {"content-type": "application/json", "x-goog-api-key": KEY}
    path = f"/v1beta/models/{MODEL}:generateContent"
    response = pool.urlopen("POST", path, body=body, headers=headers, timeout=timeout)
    return str(json.loads(response.data)["candidates"][0]["content"]["parts"][0]["text"])


def gemwire(base_url: str) -> str:
    import gemwire

    lap("import")
    client = gemwire.Client(api_key=KEY, base_url=base_url)
    lap("client")
    return str(client.models.generate_content(model=MODEL, contents=PROMPT).text)


def google_genai(base_url: str) -> str:
    from google import genai

    lap("import")
    client = genai.Client(api_key=KEY, http_options={"base_url": base_url})
    lap("client")
    return str(client.models.generate_content(model=MODEL, contents=PROMPT).text)


LAPS: dict[str, float] = {}
STARTED = time.perf_counter()


def lap(name: str) -> None:
    LAPS[name] = time.perf_counter()


def main() -> None:
    client, port = sys.argv[1], sys.argv[2]
    run = {"raw": raw, "gemwire": gemwire, "google-genai": google_genai}[client]
    text = run(f"http://127.0.0.1:{port}")
    done = time.perf_counter()
    import json  # the clock has stopped

    laps = {
        "import_ms": LAPS["import"] - STARTED,
        "client_ms": LAPS["client"] - LAPS["import"],
        "first_call_ms": done - LAPS["client"],
        "total_ms": done - STARTED,
    }
    print(json.dumps({name: seconds * 1000 for name, seconds in laps.items()}))
    if not text:
        raise SystemExit(f"{client}: no answer text")


if __name__ == "__main__":
    main()
