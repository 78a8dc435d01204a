"""gemwire: a small, fast, lossless client for the Google Gemini API."""

from gemwire import types
from gemwire._serde import DecodeError, EncodeError

__version__ = "0.1.0"
__all__ = ["DecodeError", "EncodeError", "__version__", "types"]
