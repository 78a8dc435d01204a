"""The default limits of what a client reads and how many connections it keeps: constants
that ``Client``'s signature names, in a module that imports nothing (``import gemwire`` must
not pay for the transport, which ``Client()`` imports)."""

__all__ = ["MAX_CONNECTIONS", "MAX_EVENT_BYTES", "MAX_RESPONSE_BYTES"]

MAX_RESPONSE_BYTES = 128 * 2**20  # an answer's body, or a whole stream, after decompression
MAX_EVENT_BYTES = 64 * 2**20  # one event of a stream
# Connections to the API kept open for reuse, and the most that are open at once: a call
# beyond that waits for one to come free (within its timeout). httpx's default, which
# google-genai's users have.
MAX_CONNECTIONS = 100
