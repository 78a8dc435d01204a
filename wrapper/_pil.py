"""A ``PIL.Image.Image`` in ``contents`` -> the inline part that carries it.

An image read by ``Image.open`` (from a path, a file or bytes) and not changed since is sent as
the bytes it was read from, with their media type, when it is a JPEG, PNG or WebP: nothing is
decoded or encoded again, so nothing is lost and nothing grows. Metadata in the file (EXIF,
ICC profiles) goes with it.

Any other image is encoded as google-genai 3.6.1 encodes it (``_transformers.pil_to_blob``), so
the request body is the same: a JPEG read from a named file, in a mode JPEG holds, is written
again as JPEG with its own quantization tables and subsampling (``quality="keep"``); every other
image is written as PNG with Pillow's defaults. Modes PNG cannot hold are converted first
(alpha kept, deep grayscale as 16 bits), where google-genai fails. A float image (mode ``F``)
and an animated image (several frames) are refused: neither has one obvious picture to send.

"Not changed" is decided, never assumed. Pillow decodes lazily: until the pixels are first
used, an opened JPEG or PNG still has its ``tile`` list and reads from the file it was opened
from, so its bytes are at hand; those bytes opened again must give the same header (format,
mode, size, ``info``, tiles, palette), which ``draft()``, ``putpalette()`` or an edited
``info`` break. Otherwise (decoded, or a WebP, which has no tiles) the bytes are those of the
file it still reads from or of the named file it was opened from; they are decoded again and
sent only if they give the very same header, palette and pixels, in every band.
Pillow is imported only here, only when an image is passed.
"""

from __future__ import annotations

import io
from typing import Any

from gemwire.errors import ArgumentError
from gemwire.types import Blob, Part

__all__ = ["image_part", "is_pil_image"]

# Pillow formats the API reads, sent as read when unchanged (the API also reads HEIC and HEIF,
# which Pillow does not open by itself).
ORIGINAL_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
# google-genai's modes for writing a JPEG again.
JPEG_MODES = frozenset({"1", "L", "RGB", "RGBX", "CMYK"})
# Pillow writes these modes to PNG as they are; the others are converted first.
PNG_MODES = frozenset({"1", "L", "LA", "P", "RGB", "RGBA", "I;16", "I;16B"})
PNG_CONVERSIONS = {
    "La": "LA",
    "PA": "RGBA",
    "RGBa": "RGBA",
    "I": "I;16",  # values above 65535 are clipped
    "I;16L": "I;16",
    "I;16N": "I;16",
}


def is_pil_image(value: object) -> bool:
    """Whether ``value`` is a Pillow image; checked by module name so that Pillow is imported
    only by those who pass images."""
    return any(cls.__module__.startswith("PIL.") for cls in type(value).__mro__) and hasattr(
        value, "save"
    )


def image_part(image: Any, *, path: str = "contents") -> Part:
    """The inline part of a PIL image: the bytes it was read from if it is unchanged, else
    encoded as google-genai encodes it (see the module's docstring)."""
    frames = getattr(image, "n_frames", 1)
    if frames > 1:
        raise ArgumentError(
            f"{path}: an animated image ({frames} frames) is not one picture; pass the frame "
            "you mean (image.seek(i); image.copy()), or upload the file with the Files API"
        )
    if image.mode == "F":
        raise ArgumentError(
            f"{path}: a float image (mode 'F') has no scale a picture format agrees on; "
            "convert it to 'L' or 'RGB' as you mean it"
        )
    mime_type = ORIGINAL_TYPES.get(image.format)
    data = None if mime_type is None else _source(image)
    if data is None or not _unchanged(image, data):
        data, mime_type = _encoded(image)
    return Part(inline_data=Blob(mime_type=mime_type, data=data))


def _source(image: Any) -> bytes | None:
    """The bytes ``image`` was opened from, if they are still at hand: the file it still
    reads from (until it is decoded), or the named file it was opened from."""
    stream = getattr(image, "fp", None)
    filename = getattr(image, "filename", "")
    try:
        if stream is not None:
            position = stream.tell()
            try:
                stream.seek(0)  # Image.open reads an image from the start of its file
                return bytes(stream.read())
            finally:
                stream.seek(position)
        if filename:
            with open(filename, "rb") as file:
                return file.read()
    except (OSError, ValueError):  # gone, or closed by its owner: encoded instead
        pass
    return None


def _unchanged(image: Any, data: bytes) -> bool:
    """Whether ``data``, opened as an image, is ``image`` as it is now."""
    from PIL import Image

    try:
        reference = Image.open(io.BytesIO(data))
        if image.tile:  # not decoded yet: the same file and header decode to the same pixels
            return _header(reference, raw=True) == _header(image, raw=True)
        reference.load()
        image.load()  # a WebP has no tiles to tell; its info grows as it decodes
    except (OSError, ValueError, Image.DecompressionBombError):
        return False
    return (
        _header(reference) == _header(image)
        and reference.getpalette() == image.getpalette()
        and _same_pixels(reference, image)
    )


def _same_pixels(one: Any, other: Any) -> bool:
    """Whether two decoded images of the same mode and size have the same pixels: their
    difference is empty in every band (alpha_only=False: else only alpha would count), or,
    for the 32-bit and 16-bit modes the difference does not take, their bytes are equal."""
    from PIL import ImageChops

    try:
        return ImageChops.difference(one, other).getbbox(alpha_only=False) is None
    except ValueError:  # "image has wrong mode"
        return bool(one.tobytes() == other.tobytes())


def _header(image: Any, *, raw: bool = False) -> tuple[Any, ...]:
    """What an image is besides its pixels; ``raw``: with the palette of an image not decoded
    yet, as read from its file or set since."""
    header = (image.format, image.mode, image.size, image.info, image.tile)
    palette = image.palette
    if not raw or palette is None:
        return header
    return (*header, palette.mode, palette.rawmode, bytes(palette.palette))


def _encoded(image: Any) -> tuple[bytes, str]:
    """``image`` written as google-genai writes it: JPEG again for a JPEG read from a named
    file, in a mode JPEG holds; else PNG (after converting a mode PNG cannot hold)."""
    buffer = io.BytesIO()
    if image.format == "JPEG" and getattr(image, "filename", "") and image.mode in JPEG_MODES:
        image.save(buffer, format="JPEG", quality="keep")
        return buffer.getvalue(), "image/jpeg"
    if image.mode not in PNG_MODES:
        alpha = "RGBA" if "A" in image.getbands() else "RGB"
        image = image.convert(PNG_CONVERSIONS.get(image.mode, alpha))
    image.save(buffer, format="PNG")
    return buffer.getvalue(), "image/png"
