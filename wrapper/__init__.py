"""gemwire: a small, fast, lossless client for the Google Gemini API.

import gemwire as genai
from gemwire import types

client = genai.Client()  # GEMINI_API_KEY from the environment
response = client.models.generate_content(model="gemini-2.0-flash", contents="Hi")
print(response.text)
"""

from gemwire import errors, types
from gemwire._streaming import Stream
from gemwire._version import __version__
from gemwire.chats import Chat, ChatStream
from gemwire.client import Client
from gemwire.errors import (
    APIError,
    ClientError,
    DecodeError,
    EncodeError,
    GemwireError,
    ServerError,
)

__all__ = [
    "APIError",
    "Chat",
    "ChatStream",
    "Client",
    "ClientError",
    "DecodeError",
    "EncodeError",
    "GemwireError",
    "ServerError",
    "Stream",
    "__version__",
    "errors",
    "types",
]
