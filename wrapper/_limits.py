"""The default limits of what a client reads: constants that ``Client``'s signature names,
in a module that imports nothing (``import gemwire`` must not pay for the transport, which
``Client()`` imports)."""

__all__ = ["MAX_EVENT_BYTES", "MAX_RESPONSE_BYTES"]

MAX_RESPONSE_BYTES = 128 * 2**20  # an answer's body, or a whole stream, after decompression
MAX_EVENT_BYTES = 64 * 2**20  # one event of a stream
