"""Reads of posts, always scoped to the workspaces the user belongs to: a post of another workspace is
"not found", never "forbidden", so its existence does not leak."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from calendar_app.errors import NotFoundError
from calendar_app.inputs import MAX_ID
from calendar_app.models import AuditEntry, Comment, Post, PostStatus, Role
from calendar_app.selectors.workspaces import workspace_list_for_user
from calendar_app.services.permissions import membership_get
from calendar_app.services.style import post_lint
from calendar_app.services.workflow import EDITABLE, TRANSITIONS, current_approvals
from calendar_app.text.counting import NETWORK_LIMITS, network_length
from calendar_app.text.links import extract_links

S = PostStatus


def _with_relations(posts: QuerySet[Post]) -> QuerySet[Post]:
    return posts.select_related("workspace", "author", "campaign").prefetch_related(
        "channels", "tags", "media"
    )


def post_list_for_user(
    *,
    user,
    workspace=None,
    status: list[str] | None = None,
    channel_id: int | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
) -> QuerySet[Post]:
    posts = Post.objects.filter(workspace__in=workspace_list_for_user(user=user))
    if workspace is not None:
        posts = posts.filter(workspace=workspace)
    if status:
        posts = posts.filter(status__in=status)
    if channel_id is not None:
        posts = posts.filter(channels__pk=channel_id)
    if start is not None:
        posts = posts.filter(scheduled_at__gte=start)
    if end is not None:
        posts = posts.filter(scheduled_at__lt=end)
    return _with_relations(posts).distinct().order_by("scheduled_at", "id")


def post_get_for_user(*, user, post_id, workspace=None) -> Post:
    """The post if the user belongs to its workspace (and it is in `workspace` when given), else NotFound."""
    try:
        post_id = int(post_id)
    except (TypeError, ValueError) as exc:
        raise NotFoundError() from exc
    if not 0 < post_id <= MAX_ID:
        raise NotFoundError()
    posts = post_list_for_user(user=user, workspace=workspace)
    post = posts.filter(pk=post_id).first()
    if post is None:
        raise NotFoundError()
    return post


def post_history(*, post: Post) -> QuerySet[AuditEntry]:
    return post.audit.select_related("actor", "preflight_report").order_by("created_at", "id")


AUDIT_LABELS = {
    "create": _("created the post"),
    "submit": _("submitted it for review"),
    "approve": _("approved it"),
    "request_changes": _("asked for changes"),
    "cancel": _("cancelled it"),
    "reschedule": _("moved it"),
    "retry": _("scheduled it again"),
    "content_changed": _("changed the content"),
    "return_to_review": _("sent it back to review"),
    "start_publishing": _("started publishing"),
    "mark_published": _("published"),
    "mark_failed": _("publishing failed"),
    "mark_unconfirmed": _("publishing outcome unknown"),
    "give_back": _("stopped publishing before anything was sent"),
}


@dataclass(frozen=True)
class TimelineItem:
    """One line of the post page's timeline: an audit entry or a comment, in the order they happened."""

    at: datetime
    entry: AuditEntry | None = None
    comment: Comment | None = None
    label: str = ""
    moved_from: datetime | None = None
    moved_to: datetime | None = None
    from_label: str = ""
    to_label: str = ""


def _moment(value) -> datetime | None:
    return parse_datetime(value) if isinstance(value, str) else None


def _entry_item(entry: AuditEntry) -> TimelineItem:
    details = entry.details or {}
    return TimelineItem(
        at=entry.created_at,
        entry=entry,
        label=str(AUDIT_LABELS.get(entry.action, entry.action.replace("_", " "))),
        moved_from=_moment(details.get("from")) if entry.action == "reschedule" else None,
        moved_to=_moment(details.get("to")) if entry.action == "reschedule" else None,
        from_label=_status_label(entry.from_status),
        to_label=_status_label(entry.to_status),
    )


def _status_label(status: str) -> str:
    return str(S(status).label) if status in S.values else status


def post_timeline(*, post: Post) -> list[TimelineItem]:
    items = [_entry_item(entry) for entry in post_history(post=post)]
    items += [TimelineItem(at=c.created_at, comment=c) for c in post.comments.select_related("author")]
    return sorted(items, key=lambda item: (item.at, 0 if item.entry else 1))


def post_latest_preflight(*, post: Post):
    return post.preflight_reports.order_by("-created_at", "-id").first()


def post_available_actions(*, post: Post, user) -> set[str]:
    """Which workflow buttons to offer; the workflow service re-checks everything when one is pressed."""
    try:
        membership = membership_get(user=user, workspace=post.workspace)
    except NotFoundError:
        return set()
    own = post.author_id == user.pk
    is_reviewer = membership.has_role(Role.REVIEWER)
    can_write = membership.has_role(Role.AUTHOR) and (own or is_reviewer)
    actions = set()
    for action in ("submit", "cancel", "reschedule"):
        if post.status in TRANSITIONS[action].sources and can_write:
            actions.add(action)
    if post.status in TRANSITIONS["request_changes"].sources and is_reviewer:
        actions.add("request_changes")
    if post.status in TRANSITIONS["retry"].sources and is_reviewer:
        actions.add("retry")
    already = current_approvals(post).filter(reviewer=user).exists()
    if post.status in TRANSITIONS["approve"].sources and is_reviewer and not own and not already:
        actions.add("approve")
    if can_write and post.status in EDITABLE:
        actions.add("edit")
    if membership.has_role(Role.AUTHOR):
        actions.add("comment")
    return actions


@dataclass(frozen=True)
class QueueEntry:
    post: Post
    findings: int
    errors: int
    approvals: int


def review_queue_for_user(*, user, workspace) -> list[QueueEntry]:
    """Posts waiting for this reviewer: in review, written by someone else, not yet approved by them in
    their current version; oldest submission first. Authors and viewers see everything in review."""
    membership = membership_get(user=user, workspace=workspace)
    posts = _with_relations(Post.objects.filter(workspace=workspace, status=S.IN_REVIEW))
    if membership.has_role(Role.REVIEWER):
        posts = posts.exclude(author=user)
    posts = posts.order_by("submitted_at", "id")
    entries = []
    for post in posts:
        approvals = current_approvals(post)
        if approvals.filter(reviewer=user).exists():
            continue
        findings = post_lint(post=post)
        entries.append(
            QueueEntry(
                post=post,
                findings=len(findings),
                errors=sum(1 for f in findings if f["level"] == "error"),
                approvals=approvals.count(),
            )
        )
    return entries


@dataclass(frozen=True)
class TextSegment:
    text: str
    is_link: bool = False


@dataclass(frozen=True)
class NetworkPreview:
    """How the post reads on one channel: its text split around links, and its length as networks count."""

    channel: object
    text: str
    segments: list[TextSegment]
    length: int
    limit: int | None
    is_variant: bool

    @property
    def over_limit(self) -> bool:
        return self.limit is not None and self.length > self.limit


def text_segments(text: str) -> list[TextSegment]:
    segments, position = [], 0
    for link in extract_links(text):
        if link.start > position:
            segments.append(TextSegment(text[position : link.start]))
        segments.append(TextSegment(text[link.start : link.end], is_link=True))
        position = link.end
    if position < len(text):
        segments.append(TextSegment(text[position:]))
    return segments


def post_previews(*, post: Post) -> list[NetworkPreview]:
    previews = []
    for channel in post.channels.all():
        text = post.text_for(channel.pk)
        previews.append(
            NetworkPreview(
                channel=channel,
                text=text,
                segments=text_segments(text),
                length=network_length(text, channel.network),
                limit=NETWORK_LIMITS.get(channel.network),
                is_variant=bool(post.variants.get(str(channel.pk))),
            )
        )
    return previews
