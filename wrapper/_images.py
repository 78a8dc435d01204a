"""google-genai's image helpers: the methods of ``types.Image`` and ``Blob.as_image()``.

``types.Image`` (its fields come from the spec) holds an encoded image, as bytes or as a
Cloud Storage URI; ``as_image()`` of a part or blob that holds an image returns one. Nothing
here touches the network; Pillow is imported only by :meth:`ImageMixin.show`. Codegen makes
these classes the bases of the generated ``Image`` and ``Blob`` (see ``wrapper/_mixins.py``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from gemwire._serde import WireModel

if TYPE_CHECKING:
    from gemwire.types import Image

__all__ = ["BlobMixin", "ImageMixin"]

CLOUD_STORAGE_URL = "https://storage.googleapis.com/"


class ImageMixin(WireModel):
    """Methods of :class:`gemwire.types.Image`."""

    __slots__ = ()

    @classmethod
    def from_file(cls, *, location: str, mime_type: str | None = None) -> Image:
        """An image from a local file (read now) or from Cloud Storage (``gs://bucket/name``
        or its ``https://storage.googleapis.com/`` URL, kept as a URI). The media type is
        guessed from the name when not given."""
        import urllib.parse

        from gemwire.types import Image

        if location.startswith(CLOUD_STORAGE_URL):
            path = urllib.parse.unquote(urllib.parse.urlsplit(location).path)
            location = "gs:/" + path
        if location.startswith("gs://"):
            return Image(gcs_uri=location)
        import mimetypes
        import pathlib

        data = pathlib.Path(location).read_bytes()
        return Image(image_bytes=data, mime_type=mime_type or mimetypes.guess_type(location)[0])

    def save(self, location: str) -> None:
        """Write the image's bytes to the file ``location``."""
        import pathlib

        pathlib.Path(location).write_bytes(self._bytes())

    def show(self) -> None:
        """Display the image: inline in a Jupyter notebook, else in the system's viewer.
        Needs Pillow (``pip install gemwire[images]``)."""
        import importlib
        import io
        import sys

        try:
            from PIL import Image as PILImage
        except ImportError:
            raise RuntimeError("Image.show needs Pillow: pip install gemwire[images]") from None
        picture = PILImage.open(io.BytesIO(self._bytes()))
        if "ipykernel" in sys.modules:
            try:
                importlib.import_module("IPython.display").display(picture)
                return
            except ImportError:
                pass
        picture.show()

    def _bytes(self) -> bytes:
        data: bytes | None = getattr(self, "image_bytes", None)
        if data is None:
            raise ValueError("the image has no image_bytes (an image in Cloud Storage?)")
        return data


class BlobMixin(WireModel):
    """google-genai's ``as_image()`` on :class:`gemwire.types.Blob`."""

    __slots__ = ()

    def as_image(self) -> Image | None:
        """These bytes as a :class:`gemwire.types.Image` when their media type is an image
        type (``image/png``, ...), else ``None``."""
        from gemwire.types import Image

        data: bytes | None = getattr(self, "data", None)
        mime_type: str | None = getattr(self, "mime_type", None)
        if not data or not mime_type or not mime_type.startswith("image/"):
            return None
        return Image(image_bytes=data, mime_type=mime_type)
