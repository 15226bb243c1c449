"""Images attached to posts.

Every upload is decoded by Pillow before anything is stored. The pixel count is read from the header and
checked before a single pixel is decoded, so a decompression bomb (a small file that expands to gigabytes)
is refused without allocating its memory. The image is then re-encoded from its pixels only, which drops
EXIF (camera, GPS position, owner) and any other metadata; the EXIF orientation is applied first so the
picture still stands the right way up. A thumbnail is made for the editor and the post page.
"""

import hashlib
import io
import warnings
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

from calendar_app.errors import InvalidInputError
from calendar_app.models import Post, PostMedia

#: Formats every supported network accepts, with the MIME type and file extension they are stored under.
FORMATS = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "GIF": ("image/gif", "gif"),
    "WEBP": ("image/webp", "webp"),
}
MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
MAX_SIDE = 10_000
MAX_FRAMES = 300
MAX_IMAGES = 4
MAX_ALT_TEXT = 1500
THUMBNAIL_BOX = (400, 400)
#: Metadata that is part of the picture itself (transparency, animation timing), kept when re-encoding.
PICTURE_INFO = ("transparency", "duration", "loop", "background")


@dataclass(frozen=True)
class PreparedImage:
    """A validated, cleaned image ready to attach; built outside any transaction (decoding is slow)."""

    content: bytes
    thumbnail: bytes
    extension: str
    thumbnail_extension: str
    mime_type: str
    width: int
    height: int
    sha256: str


def _refuse(message: str, **details) -> InvalidInputError:
    return InvalidInputError(message, details={"field": "image", **details})


def _read_bounded(upload) -> bytes:
    declared = getattr(upload, "size", None)
    if declared is not None and declared > MAX_BYTES:
        raise _refuse(_("The image is larger than %(mb)d MB.") % {"mb": MAX_BYTES // (1024 * 1024)})
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise _refuse(_("The image is larger than %(mb)d MB.") % {"mb": MAX_BYTES // (1024 * 1024)})
    if not data:
        raise _refuse(_("The file is empty."))
    return data


def _open_checked(data: bytes) -> Image.Image:
    """Open lazily (header only) and check format and size before decoding any pixel data."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data))
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise _bomb() from exc
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
            raise _refuse(_("This file is not an image Pauta can read.")) from exc
    if image.format not in FORMATS:
        raise _refuse(
            _("%(format)s images are not accepted; use JPEG, PNG, GIF or WebP.") % {"format": image.format},
            format=image.format,
        )
    width, height = image.size
    if width * height > MAX_PIXELS or max(width, height) > MAX_SIDE:
        raise _bomb(width=width, height=height)
    if width < 1 or height < 1:
        raise _refuse(_("This file is not an image Pauta can read."))
    return image


def _bomb(**details) -> InvalidInputError:
    return _refuse(
        _("The image has too many pixels (at most %(mp)d megapixels and %(side)d pixels a side).")
        % {"mp": MAX_PIXELS // 1_000_000, "side": MAX_SIDE},
        **details,
    )


def _decode(image: Image.Image) -> list[Image.Image]:
    """Decode every frame (a truncated or corrupt file fails here) with EXIF orientation applied."""
    frame_count = getattr(image, "n_frames", 1)
    if frame_count > MAX_FRAMES:
        raise _refuse(_("The animation has more than %(count)d frames.") % {"count": MAX_FRAMES})
    try:
        if frame_count == 1:
            image.load()
            return [ImageOps.exif_transpose(image)]
        return [frame.copy() for frame in ImageSequence.Iterator(image)]
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise _refuse(_("The image is damaged or incomplete.")) from exc


def _encode(frames: list[Image.Image], image_format: str, info: dict) -> bytes:
    """Re-encode from pixels only: no `exif`, `icc_profile`, XMP or text chunks are passed on."""
    params = {key: info[key] for key in PICTURE_INFO if key in info}
    first = frames[0]
    if image_format == "JPEG":
        if first.mode not in ("RGB", "L", "CMYK"):
            first = first.convert("RGB")
        params.update(quality=90, optimize=True)
    elif image_format == "WEBP":
        params.update(quality=90)
    if len(frames) > 1:
        params.update(save_all=True, append_images=frames[1:])
    out = io.BytesIO()
    first.save(out, format=image_format, **params)
    return out.getvalue()


def _thumbnail(frame: Image.Image) -> tuple[bytes, str]:
    has_alpha = frame.mode in ("RGBA", "LA", "PA") or (frame.mode == "P" and "transparency" in frame.info)
    thumb = frame.convert("RGBA" if has_alpha else "RGB")
    thumb.thumbnail(THUMBNAIL_BOX)
    out = io.BytesIO()
    if has_alpha:
        thumb.save(out, format="PNG", optimize=True)
        return out.getvalue(), "png"
    thumb.save(out, format="JPEG", quality=80, optimize=True)
    return out.getvalue(), "jpg"


def media_prepare(*, upload) -> PreparedImage:
    """Validate and clean an uploaded file (anything with `read()`); InvalidInputError says what is wrong."""
    data = _read_bounded(upload)
    image = _open_checked(data)
    image_format = image.format
    info = dict(image.info)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        frames = _decode(image)
    content = _encode(frames, image_format, info)
    thumbnail, thumbnail_extension = _thumbnail(frames[0])
    mime_type, extension = FORMATS[image_format]
    return PreparedImage(
        content=content,
        thumbnail=thumbnail,
        extension=extension,
        thumbnail_extension=thumbnail_extension,
        mime_type=mime_type,
        width=frames[0].width,
        height=frames[0].height,
        sha256=hashlib.sha256(content).hexdigest(),
    )


def media_clean_alt_text(alt_text: str | None) -> str:
    """Alt text is required: a follower who cannot see the image reads it instead."""
    cleaned = (alt_text or "").strip()
    if not cleaned:
        raise InvalidInputError(
            _("Describe the image in its alt text for people who cannot see it."),
            details={"field": "alt_text"},
        )
    if len(cleaned) > MAX_ALT_TEXT:
        raise InvalidInputError(
            _("Alt text can be at most %(count)d characters.") % {"count": MAX_ALT_TEXT},
            details={"field": "alt_text"},
        )
    return cleaned


def media_attach(*, post: Post, prepared: PreparedImage, alt_text: str) -> PostMedia:
    """Store a prepared image on a post. The caller holds the post's lock and refreshes its content hash."""
    alt_text = media_clean_alt_text(alt_text)
    if post.media.count() >= MAX_IMAGES:
        raise InvalidInputError(
            _("A post can carry at most %(count)d images.") % {"count": MAX_IMAGES},
            details={"field": "image"},
        )
    last = post.media.order_by("-position").first()
    media = PostMedia(
        post=post,
        alt_text=alt_text,
        mime_type=prepared.mime_type,
        size_bytes=len(prepared.content),
        sha256=prepared.sha256,
        position=(last.position + 1) if last else 0,
    )
    stem = prepared.sha256[:20]
    media.image.save(f"{stem}.{prepared.extension}", ContentFile(prepared.content), save=False)
    media.thumbnail.save(
        f"{stem}-thumb.{prepared.thumbnail_extension}", ContentFile(prepared.thumbnail), save=False
    )
    media.full_clean()
    media.save()
    return media


def media_set_alt_text(*, post: Post, media_id: int, alt_text: str) -> PostMedia:
    media = _media_of(post, media_id)
    media.alt_text = media_clean_alt_text(alt_text)
    media.save(update_fields=["alt_text"])
    return media


def media_detach(*, post: Post, media_id: int) -> None:
    """The files go only once the removal is committed, so a rolled-back edit keeps a working image."""
    media = _media_of(post, media_id)
    storage, names = media.image.storage, [media.image.name, media.thumbnail.name]
    media.delete()
    transaction.on_commit(lambda: [storage.delete(name) for name in names if name])


def _media_of(post: Post, media_id) -> PostMedia:
    try:
        return post.media.get(pk=int(media_id))
    except (PostMedia.DoesNotExist, TypeError, ValueError) as exc:
        raise InvalidInputError(
            _("That image is not attached to this post."), details={"field": "media"}
        ) from exc
