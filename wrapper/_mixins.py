"""Helpers that users call on a few generated types (``response.text``, ``Part.from_bytes``).

Codegen makes these classes the bases of the matching generated dataclasses (see
``codegen/generate.py``), which keeps ``generated/`` pure output.
"""

from __future__ import annotations

from gemwire._serde import WireModel


class GenerateContentResponseMixin(WireModel):
    """Convenience accessors of :class:`gemwire.types.GenerateContentResponse`."""

    __slots__ = ()


class PartMixin(WireModel):
    """Constructors of :class:`gemwire.types.Part`."""

    __slots__ = ()
