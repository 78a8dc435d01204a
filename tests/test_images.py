"""google-genai's image helpers: ``types.Image`` and ``as_image()``."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from gemwire import types

PNG = b"\x89PNG\r\n\x1a\n"


def test_an_inline_image_part_is_an_image_and_other_parts_are_not() -> None:
    part = types.Part.from_bytes(data=PNG, mime_type="image/png")
    assert part.as_image() == types.Image(image_bytes=PNG, mime_type="image/png")
    assert types.Part(text="hi").as_image() is None
    assert types.Part.from_bytes(data=b"%PDF", mime_type="application/pdf").as_image() is None
    assert types.Blob(data=PNG, mime_type="image/png").as_image() == part.as_image()


def test_from_file_reads_local_files_and_keeps_cloud_storage_uris(tmp_path: Path) -> None:
    path = tmp_path / "cat.png"
    path.write_bytes(PNG)
    assert types.Image.from_file(location=str(path)) == types.Image(
        image_bytes=PNG, mime_type="image/png"
    )
    assert types.Image.from_file(location="gs://bucket/cat.png").gcs_uri == "gs://bucket/cat.png"
    url = "https://storage.googleapis.com/bucket/my%20cat.png"
    assert types.Image.from_file(location=url) == types.Image(gcs_uri="gs://bucket/my cat.png")


def test_save_writes_the_bytes_as_they_are(tmp_path: Path) -> None:
    image = types.Image(image_bytes=PNG, mime_type="image/png")
    image.save(str(tmp_path / "out.png"))
    assert (tmp_path / "out.png").read_bytes() == PNG
    with pytest.raises(ValueError, match="no image_bytes"):
        types.Image(gcs_uri="gs://bucket/cat.png").save(str(tmp_path / "x.png"))


def test_show_opens_the_image_with_pillow(monkeypatch: pytest.MonkeyPatch) -> None:
    pil = pytest.importorskip("PIL.Image")
    buffer = io.BytesIO()
    pil.new("RGB", (2, 2)).save(buffer, format="PNG")
    shown: list[tuple[int, int]] = []
    monkeypatch.setattr(pil.Image, "show", lambda self, *a, **k: shown.append(self.size))
    types.Image(image_bytes=buffer.getvalue(), mime_type="image/png").show()
    assert shown == [(2, 2)]
