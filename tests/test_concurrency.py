"""One client shared by many threads: every answer reaches the thread that asked for it.

The emulator echoes the prompt (``You said: "<prompt>".``), so each request carries a unique id
that must come back in its own response: a mixed-up connection, a shared buffer or a stream read
by the wrong thread would show as an id in the wrong place.
"""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import gemwire as genai
from gemwire import types
from gemwire.emulator import Emulator

MODEL = "gemini-2.5-flash"
THREADS = 16
REQUESTS = 2000


def ask(client: genai.Client, index: int, run: str) -> str:
    """One request of kind ``index % 4``; returns an error description, or "" when it's right."""
    tag = f"req-{run}-{index:05d}"
    prompt = f"{tag} from {threading.current_thread().name}"
    kind = index % 4
    if kind == 3:  # a stream; its chunks must join into this request's echo
        chunks = client.models.generate_content_stream(model=MODEL, contents=prompt)
        text = "".join(chunk.text or "" for chunk in chunks)
    elif kind == 2:  # a chat turn, with a history of its own
        chat = client.chats.create(
            model=MODEL,
            history=[types.Content(role="user", parts=[types.Part(text=f"earlier {tag}")])],
        )
        text = chat.send_message(prompt).text or ""
        if len(chat.get_history()) != 3:
            return f"{tag}: the chat history has {len(chat.get_history())} turns"
    else:
        text = client.models.generate_content(model=MODEL, contents=prompt).text or ""
    turns = "2 turns" if kind == 2 else "1 turn"
    expected = f'You said: "{prompt}". I saw {turns}.'
    return "" if text == expected else f"{tag}: got {text!r}"


def test_one_client_16_threads_2000_requests_no_error_no_cross_talk(emu: Emulator) -> None:
    run = uuid.uuid4().hex[:8]
    with (
        genai.Client(api_key="test-key", base_url=emu.base_url) as client,
        ThreadPoolExecutor(THREADS, thread_name_prefix="caller") as pool,
    ):
        results = list(pool.map(lambda index: ask(client, index, run), range(REQUESTS)))
    problems = [result for result in results if result]
    assert problems == []
    assert len(results) == REQUESTS


def test_concurrent_turns_on_one_chat_each_record_a_whole_exchange(emu: Emulator) -> None:
    """A chat shared by threads: every exchange lands whole (user turn then its answer)."""
    with genai.Client(api_key="test-key", base_url=emu.base_url) as client:
        chat = client.chats.create(model=MODEL)
        with ThreadPoolExecutor(8) as pool:
            replies = list(pool.map(lambda i: chat.send_message(f"turn {i}").text, range(40)))
    history = chat.get_history()
    assert len(history) == 80
    for user, model in zip(history[::2], history[1::2], strict=True):
        assert user.role == "user" and model.role == "model"
        said = (user.parts or [])[0].text
        assert (model.parts or [])[0].text is not None
        assert f'You said: "{said}".' in ((model.parts or [])[0].text or "")
    assert sorted(replies, key=str) == sorted((m.parts or [])[0].text for m in history[1::2])
