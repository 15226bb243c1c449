"""Creating and editing posts. Every save of content writes a Revision, recomputes the content hash and,
when the hash changed, lets the workflow drop approvals."""

import hashlib
from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from calendar_app.errors import InvalidInputError, PermissionDeniedError, TransitionError
from calendar_app.inputs import id_parse
from calendar_app.models import Post, Revision, Role, Tag
from calendar_app.services.audit import audit_record
from calendar_app.services.content import post_content_hash
from calendar_app.services.media import PreparedImage, media_attach, media_detach, media_set_alt_text
from calendar_app.services.permissions import role_require
from calendar_app.services.workflow import EDITABLE, post_content_changed
from calendar_app.text.links import extract_links

CONTENT_FIELDS = ("title", "body", "variants", "scheduled_at", "campaign", "channels", "tags")
TAG_COLOURS = ("#0d6efd", "#6f42c1", "#d63384", "#b35c00", "#198754", "#0f7b8a", "#6c757d", "#a52834")


def _validate_related(*, workspace, channels=None, tags=None, campaign=None) -> None:
    for label, objects in ((_("channel"), channels or ()), (_("tag"), tags or ())):
        for obj in objects:
            if obj.workspace_id != workspace.pk:
                raise InvalidInputError(_("That %(what)s belongs to another workspace.") % {"what": label})
    if campaign is not None and campaign.workspace_id != workspace.pk:
        raise InvalidInputError(_("That campaign belongs to another workspace."))


def _clean_variants(*, workspace, variants, channel_ids) -> dict[str, str]:
    """Variants are keyed by channel id; only the post's channels keep one; an empty one means "the body"."""
    if variants is None:
        return {}
    if not isinstance(variants, dict):
        raise InvalidInputError(_("Variants must map channel ids to texts."), details={"field": "variants"})
    known = set(workspace.channels.values_list("pk", flat=True))
    cleaned = {}
    for key, text in variants.items():
        if not isinstance(text, str):
            raise InvalidInputError(_("Each variant must be a text."), details={"field": "variants"})
        if id_parse(key) is None or int(key) not in known:
            raise InvalidInputError(
                _("A variant names a channel that is not in this workspace."), details={"field": "variants"}
            )
        if text.strip() and int(key) in channel_ids:
            cleaned[str(int(key))] = text
    return cleaned


def _links_for(post: Post) -> list[str]:
    texts = [post.body, *[text for text in post.variants.values() if text]]
    seen: dict[str, None] = {}
    for text in texts:
        for link in extract_links(text):
            seen.setdefault(link.url, None)
    return list(seen)


def revision_record(*, post: Post, user) -> Revision:
    post.revision_count += 1
    post.save(update_fields=["revision_count"])
    return Revision.objects.create(
        post=post,
        number=post.revision_count,
        author=user,
        title=post.title,
        body=post.body,
        variants=post.variants,
        channel_ids=sorted(post.channels.values_list("pk", flat=True)),
        media=[{"sha256": m.sha256, "alt_text": m.alt_text, "name": m.image.name} for m in post.media.all()],
        content_hash=post.content_hash,
    )


def post_refresh_content(*, post: Post, user, old_hash: str) -> Post:
    """Recompute links and hash after any content change (text, channels, media) and record a revision."""
    post.links = _links_for(post)
    post.content_hash = post_content_hash(post)
    post.save(update_fields=["links", "content_hash", "updated_at"])
    last = post.revisions.order_by("-number").first()
    if last is None or last.content_hash != post.content_hash or last.title != post.title:
        revision_record(post=post, user=user)
    return post_content_changed(post=post, actor=user, old_hash=old_hash)


def tags_ensure(*, workspace, user, names: Iterable[str]) -> list[Tag]:
    """Tags are free labels: typing a new name creates it, with a colour picked from its name."""
    role_require(user=user, workspace=workspace, role=Role.AUTHOR)
    tags = []
    for raw in names:
        name = " ".join(raw.split())[:40]
        if not name:
            continue
        existing = Tag.objects.filter(workspace=workspace, name__iexact=name).first()
        if existing is None:
            colour = TAG_COLOURS[hashlib.sha256(name.lower().encode()).digest()[0] % len(TAG_COLOURS)]
            existing = Tag(workspace=workspace, name=name, color=colour)
            existing.full_clean()
            existing.save()
        tags.append(existing)
    return tags


def _apply_media(post: Post, *, add, remove, alt_texts) -> None:
    for media_id in remove:
        media_detach(post=post, media_id=media_id)
    for media_id, alt_text in (alt_texts or {}).items():
        media_set_alt_text(post=post, media_id=media_id, alt_text=alt_text)
    for prepared, alt_text in add:
        media_attach(post=post, prepared=prepared, alt_text=alt_text)


@transaction.atomic
def post_create(
    *,
    workspace,
    user,
    body: str,
    title: str = "",
    variants: dict | None = None,
    scheduled_at=None,
    channels=(),
    tags=(),
    campaign=None,
    media_add: Iterable[tuple[PreparedImage, str]] = (),
) -> Post:
    """`media_add` holds images already checked by `media_prepare`, each with its alt text."""
    role_require(user=user, workspace=workspace, role=Role.AUTHOR)
    _validate_related(workspace=workspace, channels=channels, tags=tags, campaign=campaign)
    post = Post(
        workspace=workspace,
        author=user,
        title=title,
        body=body,
        variants=_clean_variants(
            workspace=workspace, variants=variants, channel_ids={c.pk for c in channels}
        ),
        scheduled_at=scheduled_at,
        campaign=campaign,
    )
    post.full_clean(exclude=["content_hash"])
    post.save()
    post.channels.set(channels)
    post.tags.set(tags)
    _apply_media(post, add=media_add, remove=(), alt_texts=None)
    audit_record(workspace=workspace, post=post, actor=user, action="create", to_status=post.status)
    return post_refresh_content(post=post, user=user, old_hash="")


@transaction.atomic
def post_update(
    *,
    post: Post,
    user,
    expected_hash: str | None = None,
    media_add: Iterable[tuple[PreparedImage, str]] = (),
    media_remove: Iterable[int] = (),
    media_alt_texts: dict | None = None,
    **changes,
) -> Post:
    """Edit content; one save makes one revision however many fields and images changed. `expected_hash`
    is the content the editor was opened on: a save over someone else's newer edit is refused, not merged.
    Time changes go through `post_reschedule`, which has its own approval rule."""
    unknown = set(changes) - set(CONTENT_FIELDS)
    if unknown:
        raise InvalidInputError(_("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    post = Post.objects.select_for_update(of=("self",)).select_related("workspace").get(pk=post.pk)
    membership = role_require(user=user, workspace=post.workspace, role=Role.AUTHOR)
    if post.author_id != user.pk and not membership.has_role(Role.REVIEWER):
        raise PermissionDeniedError(_("Only the author, a reviewer or an admin can edit this post."))
    if post.status not in EDITABLE:
        raise TransitionError(
            _("A post that is “%(status)s” can no longer be edited.") % {"status": post.get_status_display()},
            details={"status": post.status, "action": "edit"},
        )
    if expected_hash and expected_hash != post.content_hash:
        raise TransitionError(
            _("Someone else changed this post since you opened it. Reload it and make your changes again."),
            details={"expected_hash": expected_hash, "content_hash": post.content_hash},
        )
    _validate_related(
        workspace=post.workspace,
        channels=changes.get("channels"),
        tags=changes.get("tags"),
        campaign=changes.get("campaign"),
    )
    old_hash = post.content_hash
    new_time = changes.pop("scheduled_at", post.scheduled_at)
    for field in ("title", "body", "campaign"):
        if field in changes:
            setattr(post, field, changes[field])
    if "channels" in changes:
        post.channels.set(changes["channels"])
    channel_ids = set(post.channels.values_list("pk", flat=True))
    variants = changes["variants"] if "variants" in changes else post.variants
    post.variants = _clean_variants(workspace=post.workspace, variants=variants, channel_ids=channel_ids)
    post.full_clean(exclude=["content_hash"])
    post.save()
    if "tags" in changes:
        post.tags.set(changes["tags"])
    _apply_media(post, add=media_add, remove=media_remove, alt_texts=media_alt_texts)
    post = post_refresh_content(post=post, user=user, old_hash=old_hash)
    if new_time != post.scheduled_at:
        from calendar_app.services.workflow import post_reschedule

        post = post_reschedule(post=post, user=user, scheduled_at=new_time)
    return post
