"""Creating and editing posts. Every save of content writes a Revision, recomputes the content hash and,
when the hash changed, lets the workflow drop approvals."""

from django.db import transaction
from django.utils.translation import gettext as _

from calendar_app.errors import InvalidInputError, PermissionDeniedError
from calendar_app.models import Post, Revision, Role
from calendar_app.services.audit import audit_record
from calendar_app.services.content import post_content_hash
from calendar_app.services.permissions import role_require
from calendar_app.services.workflow import EDITABLE, post_content_changed
from calendar_app.text.links import extract_links

CONTENT_FIELDS = ("title", "body", "variants", "scheduled_at", "campaign", "channels", "tags")


def _validate_related(*, workspace, channels=None, tags=None, campaign=None) -> None:
    for label, objects in ((_("channel"), channels or ()), (_("tag"), tags or ())):
        for obj in objects:
            if obj.workspace_id != workspace.pk:
                raise InvalidInputError(_("That %(what)s belongs to another workspace.") % {"what": label})
    if campaign is not None and campaign.workspace_id != workspace.pk:
        raise InvalidInputError(_("That campaign belongs to another workspace."))


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
) -> Post:
    role_require(user=user, workspace=workspace, role=Role.AUTHOR)
    _validate_related(workspace=workspace, channels=channels, tags=tags, campaign=campaign)
    post = Post(
        workspace=workspace,
        author=user,
        title=title,
        body=body,
        variants={str(k): v for k, v in (variants or {}).items() if v},
        scheduled_at=scheduled_at,
        campaign=campaign,
    )
    post.full_clean(exclude=["content_hash"])
    post.save()
    post.channels.set(channels)
    post.tags.set(tags)
    audit_record(workspace=workspace, post=post, actor=user, action="create", to_status=post.status)
    return post_refresh_content(post=post, user=user, old_hash="")


@transaction.atomic
def post_update(*, post: Post, user, **changes) -> Post:
    """Edit content. Time changes go through `post_reschedule`, which has its own approval rule."""
    unknown = set(changes) - set(CONTENT_FIELDS)
    if unknown:
        raise InvalidInputError(_("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    post = Post.objects.select_for_update().select_related("workspace").get(pk=post.pk)
    membership = role_require(user=user, workspace=post.workspace, role=Role.AUTHOR)
    if post.author_id != user.pk and not membership.has_role(Role.REVIEWER):
        raise PermissionDeniedError(_("Only the author, a reviewer or an admin can edit this post."))
    if post.status not in EDITABLE:
        raise InvalidInputError(
            _("A post that is “%(status)s” can no longer be edited.") % {"status": post.get_status_display()}
        )
    _validate_related(
        workspace=post.workspace, channels=changes.get("channels"), tags=changes.get("tags"),
        campaign=changes.get("campaign"),
    )
    old_hash = post.content_hash
    new_time = changes.pop("scheduled_at", post.scheduled_at)
    for field in ("title", "body", "campaign"):
        if field in changes:
            setattr(post, field, changes[field])
    if "variants" in changes:
        post.variants = {str(k): v for k, v in (changes["variants"] or {}).items() if v}
    post.full_clean(exclude=["content_hash"])
    post.save()
    if "channels" in changes:
        post.channels.set(changes["channels"])
    if "tags" in changes:
        post.tags.set(changes["tags"])
    post = post_refresh_content(post=post, user=user, old_hash=old_hash)
    if new_time != post.scheduled_at:
        from calendar_app.services.workflow import post_reschedule

        post = post_reschedule(post=post, user=user, scheduled_at=new_time)
    return post
