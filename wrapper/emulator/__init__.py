"""A local Gemini API for tests and offline demos: ``python -m gemwire.emulator``.

A standard-library HTTP server on 127.0.0.1 that speaks the REST protocol of
``https://generativelanguage.googleapis.com`` under any API version (``v1beta``, ``v1``):

- ``POST /{v}/models/{model}:generateContent``: a ``GenerateContentResponse``;
- ``POST /{v}/models/{model}:streamGenerateContent?alt=sse``: ``data: {json}\\r\\n\\r\\n`` events
  (chunked transfer encoding); without ``alt=sse`` one JSON array of the same chunks;
- ``POST /{v}/models/{model}:countTokens``: ``{"totalTokens": N, "promptTokensDetails": ...}``
  for ``contents`` or a ``generateContentRequest``;
- ``GET /{v}/models`` and ``GET /{v}/models/{model}``: a few Gemini models, Google's format;
- ``:embedContent`` / ``:batchEmbedContents``: deterministic vectors;
- the Files API (resumable uploads under ``/upload/{v}/files``, ``files/{id}``, downloads),
  ``cachedContents`` and batch jobs (``:batchGenerateContent``, ``batches/{id}``), held in
  memory on the emulator's clock (``emu.advance(seconds)`` moves it).

It behaves like the service where a client can tell: an ``x-goog-api-key`` header or ``key``
query parameter must be present (any non-empty key; otherwise 403 ``PERMISSION_DENIED``); a
model id not starting with ``gemini-`` is 404 ``NOT_FOUND`` in Google's words; malformed JSON,
a body that breaks gemwire's spec (``$defs.GenerateContentRequest`` / ``CountTokensRequest``,
checked with ``jsonschema`` when installed) or missing ``contents`` is 400
``INVALID_ARGUMENT`` with a ``google.rpc.BadRequest`` naming the field
(``contents[0].parts[1].inlineData.data``); an unknown URL is Google's HTML 404 page. Errors on
``alt=sse`` streams come back as one JSON object, as recorded from the real service.

Answers are deterministic, computed from the request (see ``_responder`` for the full rules):
the reply echoes the last user turn's text, notes the system instruction and the number of
turns, and describes each image (MIME type, pixel size from the PNG / JPEG / GIF / WebP header,
byte count). ``maxOutputTokens`` truncates it (``finishReason: MAX_TOKENS``);
``responseMimeType: application/json`` with ``responseSchema`` or ``responseJsonSchema`` makes it
a JSON instance of the schema; ``thinkingConfig.includeThoughts`` adds a thought part and a
``thoughtSignature``. Tokens: every word (``\\w+``) and every punctuation mark is one token,
every media part 258; tools count as their JSON text.

A script of canned replies and faults is consumed in order by the next matching requests:
``{"status": 503}``, ``{"status": 429, "headers": {"Retry-After": "1"}}``,
``{"retry_delay": 2}``, ``{"delay": 2.5}``, ``{"drop": true}``, ``{"html": true}``,
``{"stream_error_after": 2}``, ``{"truncate_after": 2}``, ``{"chunks": 2000}``,
``{"body": {...}}``, ``{"text": "..."}``, ``{"processing_polls": 2}``,
``{"batch_states": [...]}``, ``{"failed_requests": [1]}``, optionally narrowed by ``match`` (a
path substring), ``kind`` and ``times`` (all keys: ``gemwire.emulator._script``). Set it with
``Emulator(script=[...])`` / ``emu.push(...)``, ``--script FILE``, or over HTTP:
``POST /_emulator/script`` (appends), ``POST /_emulator/reset`` (clears script and log),
``GET /_emulator/script``, ``GET /_emulator/requests`` (the log, API keys removed).

Example::

    from gemwire.emulator import Emulator

    with Emulator() as emu:
        emu.push({"status": 503})          # the next request fails once
        url = f"{emu.base_url}/v1beta/models/gemini-2.5-flash:generateContent"
        ...                                 # call it with any API key
        assert emu.requests[0]["body"]["contents"]
"""

from gemwire.emulator._emulator import Emulator

__all__ = ["Emulator"]
