"""Image uploads: Pillow validates format, size and pixel count, refuses decompression bombs without
decoding them, strips EXIF/GPS, keeps the picture upright, and makes a thumbnail."""

import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageFile

from calendar_app.errors import InvalidInputError
from calendar_app.models import PostStatus
from calendar_app.services import media as media_service
from calendar_app.services import workflow
from calendar_app.services.media import media_prepare
from calendar_app.services.posts import post_update
from tests.calendar_app.workflow.wf_support import bring_to, image_bytes

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def upload(data: bytes, name: str = "photo.jpg", content_type: str = "image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def jpeg_with_gps(size=(60, 40), orientation: int = 1) -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "CameraMaker"
    exif[0x0110] = "Model X"
    exif[ORIENTATION] = orientation
    gps = exif.get_ifd(GPS_IFD)
    gps[1] = "N"
    gps[2] = (40.0, 25.0, 1.5)
    gps[3] = "W"
    gps[4] = (3.0, 42.0, 9.1)
    out = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(out, format="JPEG", exif=exif)
    return out.getvalue()


def png_chunk(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))


def png_bomb(width: int, height: int) -> bytes:
    """A real, valid PNG of `width`×`height` black pixels: a few hundred KB on disk, gigabytes decoded."""
    compressor = zlib.compressobj(9)
    row = b"\x00" * (width + 1)
    chunks = [compressor.compress(row) for _ in range(height)]
    idat = b"".join(chunks) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", idat) + png_chunk(b"IEND", b"")
    )


def test_exif_and_gps_are_stripped():
    original = jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS_IFD)
    prepared = media_prepare(upload=upload(original))
    cleaned = Image.open(io.BytesIO(prepared.content))
    assert dict(cleaned.getexif()) == {}
    assert "exif" not in cleaned.info
    assert b"Exif" not in prepared.content and b"CameraMaker" not in prepared.content
    assert prepared.mime_type == "image/jpeg" and (prepared.width, prepared.height) == (60, 40)


def test_exif_orientation_is_applied_before_stripping():
    rotated = jpeg_with_gps(size=(60, 40), orientation=6)
    prepared = media_prepare(upload=upload(rotated))
    assert (prepared.width, prepared.height) == (40, 60)
    assert Image.open(io.BytesIO(prepared.content)).size == (40, 60)


def test_png_text_chunks_are_stripped_and_transparency_kept():
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Somebody Private")
    out = io.BytesIO()
    Image.new("RGBA", (30, 30), (0, 0, 0, 0)).save(out, format="PNG", pnginfo=info)
    prepared = media_prepare(upload=upload(out.getvalue(), "a.png", "image/png"))
    assert b"Somebody Private" not in prepared.content
    assert Image.open(io.BytesIO(prepared.content)).mode == "RGBA"
    assert prepared.thumbnail_extension == "png"


@pytest.mark.parametrize(
    "side",
    [20_000, 12_000, 7_000],
    ids=["beyond-pillow-hard-limit", "beyond-pillow-warning", "beyond-pauta-limit"],
)
def test_decompression_bomb_is_refused_without_decoding_it(side, monkeypatch):
    bomb = png_bomb(side, side)
    assert len(bomb) < 1_000_000

    def no_decoding(image):
        raise AssertionError("pixel data of a bomb must never be decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    with pytest.raises(InvalidInputError, match="too many pixels") as refused:
        media_prepare(upload=upload(bomb, "bomb.png", "image/png"))
    assert refused.value.details["field"] == "image"


def test_pixel_limit_is_enforced_below_pillows_own_bomb_threshold(monkeypatch):
    monkeypatch.setattr(media_service, "MAX_PIXELS", 100 * 100)
    with pytest.raises(InvalidInputError, match="too many pixels"):
        media_prepare(upload=upload(image_bytes(size=(101, 100))))
    assert media_prepare(upload=upload(image_bytes(size=(100, 100)))).width == 100


def test_files_larger_than_the_limit_are_refused(monkeypatch):
    monkeypatch.setattr(media_service, "MAX_BYTES", 1000)
    big = image_bytes(size=(300, 300), quality=100)
    assert len(big) > 1000
    with pytest.raises(InvalidInputError, match="larger than"):
        media_prepare(upload=upload(big))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"GIF89a not really", "not an image"),
        (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "not an image"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "not an image"),
    ],
    ids=["empty", "fake-gif", "pdf", "svg"],
)
def test_non_images_are_refused(data, message):
    with pytest.raises(InvalidInputError, match=message):
        media_prepare(upload=upload(data, "x.jpg"))


def test_unsupported_formats_are_refused():
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, format="BMP")
    with pytest.raises(InvalidInputError, match="BMP images are not accepted"):
        media_prepare(upload=upload(out.getvalue(), "x.bmp"))


def test_truncated_images_are_refused():
    data = image_bytes(size=(400, 300))
    with pytest.raises(InvalidInputError, match="damaged"):
        media_prepare(upload=upload(data[: len(data) // 2]))


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "GIF", "WEBP"])
def test_accepted_formats_keep_their_format_and_get_a_thumbnail(fmt):
    prepared = media_prepare(upload=upload(image_bytes(fmt=fmt, size=(1200, 800)), f"x.{fmt.lower()}"))
    assert Image.open(io.BytesIO(prepared.content)).format == fmt
    thumb = Image.open(io.BytesIO(prepared.thumbnail))
    assert max(thumb.size) == 400 and thumb.size == (400, 267)


def test_animated_gif_keeps_its_frames():
    frames = [Image.new("RGB", (20, 20), color) for color in ((255, 0, 0), (0, 255, 0), (0, 0, 255))]
    out = io.BytesIO()
    frames[0].save(out, format="GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    prepared = media_prepare(upload=upload(out.getvalue(), "a.gif", "image/gif"))
    assert Image.open(io.BytesIO(prepared.content)).n_frames == 3


@pytest.mark.django_db
def test_attaching_requires_alt_text_stores_files_and_changes_the_content_hash(team, media_root):
    post = bring_to(team, "approved")
    prepared = media_prepare(upload=upload(jpeg_with_gps()))
    with pytest.raises(InvalidInputError, match="alt text"):
        post_update(post=post, user=team.author, media_add=[(prepared, "   ")])
    post.refresh_from_db()
    assert post.media.count() == 0 and post.status == PostStatus.APPROVED
    post = post_update(post=post, user=team.author, media_add=[(prepared, "A blue square")])
    media = post.media.get()
    assert media.alt_text == "A blue square" and media.sha256 == prepared.sha256
    assert (media_root / media.image.name).read_bytes() == prepared.content
    assert (media_root / media.thumbnail.name).exists()
    assert post.status == PostStatus.DRAFT
    assert post.revisions.latest("number").media[0]["alt_text"] == "A blue square"


@pytest.mark.django_db
def test_changing_alt_text_or_removing_an_image_is_a_content_change(
    team, media_root, django_capture_on_commit_callbacks
):
    post = team.post()
    prepared = media_prepare(upload=upload(image_bytes()))
    post = post_update(post=post, user=team.author, media_add=[(prepared, "First description")])
    media = post.media.get()
    workflow.post_submit(post=post, user=team.author)
    post = post_update(post=post, user=team.author, media_alt_texts={media.pk: "Better description"})
    assert post.status == PostStatus.DRAFT
    hash_with_image = post.content_hash
    stored = media_root / media.image.name
    with django_capture_on_commit_callbacks(execute=True):
        post = post_update(post=post, user=team.author, media_remove=[media.pk])
        assert stored.exists(), "the file must survive until the removal is committed"
    assert post.content_hash != hash_with_image
    assert not post.media.exists()
    assert not stored.exists()


@pytest.mark.django_db
def test_at_most_four_images(team, media_root):
    post = team.post()
    prepared = media_prepare(upload=upload(image_bytes()))
    post = post_update(post=post, user=team.author, media_add=[(prepared, f"Image {n}") for n in range(4)])
    with pytest.raises(InvalidInputError, match="at most 4"):
        post_update(post=post, user=team.author, media_add=[(prepared, "Fifth")])
    assert post.media.count() == 4


@pytest.mark.django_db
def test_removing_an_image_of_another_post_is_refused(team, media_root):
    first = team.post()
    first = post_update(
        post=first, user=team.author, media_add=[(media_prepare(upload=upload(image_bytes())), "Mine")]
    )
    second = team.post()
    with pytest.raises(InvalidInputError, match="not attached"):
        post_update(post=second, user=team.author, media_remove=[first.media.get().pk])
    assert first.media.count() == 1
