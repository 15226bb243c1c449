"""Media check: each image is readable and within what the target network accepts.

Uploads are validated when they are attached, but networks differ (Bluesky takes at most about 1 MB per
image, Mastodon 16 MB) and files can go missing from storage, so pre-flight looks again per channel.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_noop
from PIL import Image, UnidentifiedImageError

from calendar_app.models import Post
from calendar_app.services.messages import message
from scheduler.models import Channel, Network
from scheduler.services.preflight.verdicts import CheckResult, verdict_from


@dataclass(frozen=True)
class MediaLimits:
    mime_types: frozenset[str]
    max_bytes: int
    max_pixels: int
    max_images: int


COMMON_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"})
LIMITS = {
    # docs.joinmastodon.org (methods/media): 16 MB images; instances refuse above 7680×4320 pixels.
    Network.MASTODON: MediaLimits(COMMON_TYPES, 16 * 1024 * 1024, 33_177_600, 4),
    # app.bsky.embed.images lexicon: blobs up to 1,000,000 bytes, at most 4 images.
    Network.BLUESKY: MediaLimits(COMMON_TYPES, 1_000_000, 40_000_000, 4),
    Network.WEBHOOK: MediaLimits(COMMON_TYPES, 10 * 1024 * 1024, 40_000_000, 10),
}
PIL_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp"}


def _read_image(item) -> tuple[str | None, int, dict | None]:
    """(mime type, pixel count, problem) from the stored file itself, not from what was recorded."""
    try:
        with item.image.open("rb") as handle, Image.open(handle) as picture:
            return PIL_TYPES.get(picture.format or ""), picture.width * picture.height, None
    except FileNotFoundError:
        return None, 0, message(gettext_noop("the file is missing from storage"))
    except (UnidentifiedImageError, OSError):
        return None, 0, message(gettext_noop("the file is not a readable image"))


def media_check(*, post: Post, channels: list[Channel]) -> CheckResult:
    items = list(post.media.all())
    if not items:
        return verdict_from("media", [], message(gettext_noop("No images attached.")))
    problems: list[dict] = []
    read = {item.pk: _read_image(item) for item in items}
    for channel in channels:
        limits = LIMITS[channel.network]
        if len(items) > limits.max_images:
            problems.append(
                message(
                    gettext_noop("%(channel)s accepts at most %(count)d images; the post has %(actual)d."),
                    channel=channel.display_name,
                    count=limits.max_images,
                    actual=len(items),
                )
            )
        for position, item in enumerate(items, start=1):
            mime, pixels, unreadable = read[item.pk]
            values = {"channel": channel.display_name, "n": position}
            if unreadable:
                problems.append(
                    message(gettext_noop("Image %(n)d: %(problem)s."), n=position, problem=unreadable)
                )
                continue
            if not item.alt_text.strip():
                problems.append(message(gettext_noop("Image %(n)d has no alt text."), n=position))
            if mime not in limits.mime_types:
                problems.append(
                    message(gettext_noop("Image %(n)d is not a format %(channel)s accepts."), **values)
                )
            size = item.image.size
            if size > limits.max_bytes:
                problems.append(
                    message(
                        gettext_noop("Image %(n)d is %(size)s; %(channel)s accepts up to %(limit)s."),
                        **values,
                        size=_megabytes(size),
                        limit=_megabytes(limits.max_bytes),
                    )
                )
            if pixels > limits.max_pixels:
                problems.append(
                    message(gettext_noop("Image %(n)d has more pixels than %(channel)s accepts."), **values)
                )
    # The same words for two channels (an image without alt text) are said once.
    unique = [problem for index, problem in enumerate(problems) if problem not in problems[:index]]
    return verdict_from(
        "media", unique, message(gettext_noop("%(count)d image(s) fit every channel."), count=len(items))
    )


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"
