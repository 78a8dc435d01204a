"""PIL images in ``contents``: what reaches the API (the emulator, through the ``gemini``
fixture), against the file the image was read from and against what google-genai 3.6.1 sends
for the same image (its ``pil_to_blob``)."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from gemwire.testing import ScriptedGemini

Image = pytest.importorskip("PIL.Image")
google_genai = pytest.importorskip("google.genai._transformers")

MODEL = "gemini-2.5-flash"
Opener = Callable[[Path], Any]


def sent(gemini: ScriptedGemini, image: Any) -> tuple[bytes, str]:
    """The bytes and media type of ``image`` in the request that reached the API."""
    gemini.client.models.generate_content(model=MODEL, contents=[image, "What is this?"])
    blob = gemini.requests[-1].body.contents[0].parts[0].inline_data
    assert blob is not None and blob.data is not None and blob.mime_type is not None
    return blob.data, blob.mime_type


def google_genais(image: Any) -> tuple[bytes, str]:
    """What google-genai sends for ``image``."""
    blob = google_genai.pil_to_blob(image)
    return blob.data, blob.mime_type


def photo(tmp_path: Path, suffix: str, mode: str = "RGB", **options: Any) -> Path:
    """A small picture with detail in every band, saved as ``suffix``."""
    gradient = Image.linear_gradient("L").resize((48, 40))
    bands = [gradient, gradient.rotate(90), gradient.transpose(Image.Transpose.FLIP_LEFT_RIGHT)]
    picture = Image.merge("RGB", bands).convert(mode)
    path = tmp_path / f"picture{suffix}"
    picture.save(path, **options)
    return path


def from_path(path: Path) -> Any:
    return Image.open(path)


def from_bytes(path: Path) -> Any:
    return Image.open(io.BytesIO(path.read_bytes()))


def from_file(path: Path) -> Any:
    return Image.open(path.open("rb"))


SOURCES = [from_path, from_bytes, from_file]
FILES = [
    (".jpg", "image/jpeg", {"quality": 60}),
    (".png", "image/png", {"optimize": True}),
    (".webp", "image/webp", {"quality": 50}),
]


@pytest.mark.parametrize("open_", SOURCES)
@pytest.mark.parametrize(("suffix", "mime_type", "options"), FILES)
def test_an_unchanged_image_is_sent_as_the_file_it_was_read_from(
    gemini: ScriptedGemini,
    tmp_path: Path,
    open_: Opener,
    suffix: str,
    mime_type: str,
    options: dict[str, Any],
) -> None:
    path = photo(tmp_path, suffix, **options)
    image = open_(path)
    assert sent(gemini, image) == (path.read_bytes(), mime_type)
    # Reading the file did not disturb the image: it still decodes to the same picture.
    assert image.tobytes() == Image.open(path).tobytes()


@pytest.mark.parametrize(("suffix", "mime_type", "options"), FILES)
def test_a_decoded_image_whose_pixels_still_match_its_file_is_sent_as_the_file(
    gemini: ScriptedGemini, tmp_path: Path, suffix: str, mime_type: str, options: dict[str, Any]
) -> None:
    path = photo(tmp_path, suffix, **options)
    image = Image.open(path)
    image.load()
    assert image.getpixel((0, 0)) is not None
    assert sent(gemini, image) == (path.read_bytes(), mime_type)


def thumbnail(image: Any) -> None:
    image.thumbnail((24, 24))


def draft(image: Any) -> None:
    image.draft("L", (24, 20))  # changes what the file decodes to, without decoding it


def a_pixel(image: Any) -> None:
    image.putpixel((3, 4), (255, 0, 255))


def rotated(image: Any) -> Any:
    return image.rotate(90)


@pytest.mark.parametrize("open_", SOURCES)
@pytest.mark.parametrize("change", [thumbnail, draft, a_pixel, rotated])
def test_a_changed_jpeg_is_sent_as_google_genai_sends_it(
    gemini: ScriptedGemini, tmp_path: Path, open_: Opener, change: Callable[[Any], Any]
) -> None:
    path = photo(tmp_path, ".jpg", quality=60)
    image = open_(path)
    image = change(image) or image
    data, mime_type = sent(gemini, image)
    assert (data, mime_type) == google_genais(image)
    assert data != path.read_bytes()
    # google-genai writes a JPEG read from a named file again as JPEG, with the file's
    # quantization tables; everything else as PNG.
    named = open_ is from_path and change is not rotated
    assert mime_type == ("image/jpeg" if named else "image/png")


def test_a_changed_palette_or_info_is_a_change(gemini: ScriptedGemini, tmp_path: Path) -> None:
    path = tmp_path / "palette.png"
    Image.linear_gradient("L").resize((16, 16)).convert("P").save(path)
    repainted = Image.open(path)
    repainted.putpalette([255 - i % 256 for i in range(768)])  # not decoded yet
    assert sent(gemini, repainted) == google_genais(repainted)
    assert sent(gemini, repainted)[0] != path.read_bytes()
    annotated = Image.open(path)
    annotated.info["transparency"] = 0
    data, mime_type = sent(gemini, annotated)
    assert mime_type == "image/png" and data != path.read_bytes()
    assert Image.open(io.BytesIO(data)).info.get("transparency") == 0


@pytest.mark.parametrize(
    ("mode", "change"),
    [
        ("RGBA", lambda p: (255 - p[0], p[1], p[2], p[3])),  # colour, not alpha
        ("RGBA", lambda p: (p[0], p[1], p[2], 7)),  # alpha, not colour
        ("LA", lambda p: (p[0], 7)),
        ("I;16", lambda p: p + 1000),  # a mode Pillow's difference does not take
    ],
)
def test_a_change_to_one_band_of_a_decoded_image_is_seen(
    gemini: ScriptedGemini, tmp_path: Path, mode: str, change: Callable[[Any], Any]
) -> None:
    path = tmp_path / "picture.png"
    Image.linear_gradient("L").resize((8, 8)).convert(mode).save(path)
    image = Image.open(path)
    image.load()
    image.putpixel((1, 1), change(image.getpixel((1, 1))))
    data, mime_type = sent(gemini, image)
    assert (data, mime_type) == google_genais(image)
    assert data != path.read_bytes()
    assert Image.open(io.BytesIO(data)).getpixel((1, 1)) == image.getpixel((1, 1))


def test_a_file_changed_or_gone_after_decoding_is_not_sent(
    gemini: ScriptedGemini, tmp_path: Path
) -> None:
    path = photo(tmp_path, ".png")
    image = Image.open(path)
    image.load()
    Image.new("RGB", image.size, "red").save(path)  # the file now holds another picture
    data, mime_type = sent(gemini, image)
    assert (data, mime_type) == google_genais(image)
    path.unlink()
    assert sent(gemini, image) == (data, mime_type)


def test_images_made_in_memory_are_sent_as_google_genai_sends_them(
    gemini: ScriptedGemini, tmp_path: Path
) -> None:
    for image in (
        Image.new("RGB", (20, 10), "teal"),
        Image.new("RGBA", (20, 10), (1, 2, 3, 4)),
        Image.linear_gradient("L"),
        Image.open(photo(tmp_path, ".jpg")).convert("L"),
    ):
        assert sent(gemini, image) == google_genais(image)


def test_a_format_the_api_does_not_read_is_sent_as_png(
    gemini: ScriptedGemini, tmp_path: Path
) -> None:
    path = tmp_path / "picture.gif"
    Image.linear_gradient("L").resize((16, 16)).save(path)
    image = Image.open(path)
    data, mime_type = sent(gemini, image)
    assert (data, mime_type) == google_genais(Image.open(path))
    assert mime_type == "image/png"
