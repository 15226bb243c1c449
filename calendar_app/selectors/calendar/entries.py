"""The posts a calendar shows, in a constant number of queries whatever their number.

One query reads the posts with their first image and live URL folded in as correlated subqueries; one more
reads which channels each post goes to. Channels, campaigns and tags come from the workspace-wide lists the
filter bar needs anyway, so no per-post lookups remain.
"""

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from django.core.files.storage import default_storage
from django.db.models import CharField, Exists, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, NullIf

from calendar_app.models import Approval, Campaign, Post, PostMedia, PostStatus, Role, Tag, Workspace
from calendar_app.models.posts import status_reason_text
from calendar_app.services.workflow import PLANNED
from scheduler.models import Channel, Publication

ENTRY_FIELDS = (
    "id",
    "author_id",
    "campaign_id",
    "title",
    "body",
    "status",
    "status_reason",
    "status_reason_message",
    "scheduled_at",
)


@dataclass(frozen=True)
class CalendarFilters:
    """What the filter bar asks for. Cancelled posts stay hidden unless asked for by status."""

    channel_ids: tuple[int, ...] = ()
    statuses: tuple[str, ...] = ()
    author_id: int | None = None
    campaign_id: int | None = None
    tag_id: int | None = None
    only_mine: bool = False
    needs_my_review: bool = False


@dataclass
class CalendarEntry:
    id: int
    title: str
    status: str
    status_label: str
    status_reason: str
    scheduled_at: datetime
    local_at: datetime
    author_id: int
    campaign_id: int | None
    channels: list[Channel] = field(default_factory=list)
    thumbnail_url: str = ""
    thumbnail_alt: str = ""
    live_url: str = ""
    movable: bool = False
    tags: list[Tag] = field(default_factory=list)
    author_name: str = ""
    campaign: Campaign | None = None
    url: str = ""
    move_url: str = ""

    @property
    def time_label(self) -> str:
        return self.local_at.strftime("%H:%M")

    @property
    def iso(self) -> str:
        return self.scheduled_at.isoformat()


def _first_media():
    return PostMedia.objects.filter(post=OuterRef("pk")).order_by("position", "id")


def _published_url():
    return (
        Publication.objects.filter(post=OuterRef("pk"), status=Publication.Status.PUBLISHED)
        .exclude(remote_url="")
        .order_by("published_at", "id")
        .values("remote_url")[:1]
    )


def calendar_posts_queryset(
    *, workspace: Workspace, user, start: datetime, end: datetime, filters: CalendarFilters, role: str | None
) -> QuerySet[Post]:
    """`role` is the viewer's role in the workspace: "needs my review" means nothing for non-reviewers."""
    posts = Post.objects.filter(workspace=workspace, scheduled_at__gte=start, scheduled_at__lt=end)
    if filters.statuses:
        posts = posts.filter(status__in=filters.statuses)
    else:
        posts = posts.exclude(status=PostStatus.CANCELLED)
    if filters.channel_ids:
        through = Post.channels.through.objects.filter(
            post_id=OuterRef("pk"), channel_id__in=filters.channel_ids
        )
        posts = posts.filter(Exists(through))
    if filters.tag_id:
        posts = posts.filter(
            Exists(Post.tags.through.objects.filter(post_id=OuterRef("pk"), tag_id=filters.tag_id))
        )
    if filters.author_id:
        posts = posts.filter(author_id=filters.author_id)
    if filters.campaign_id:
        posts = posts.filter(campaign_id=filters.campaign_id)
    if filters.only_mine:
        posts = posts.filter(author_id=user.pk)
    if filters.needs_my_review:
        if role is None or Role.rank(role) < Role.rank(Role.REVIEWER):
            return posts.none()
        approved_by_me = Approval.objects.filter(
            post=OuterRef("pk"), reviewer_id=user.pk, content_hash=OuterRef("content_hash")
        )
        posts = posts.filter(Q(status=PostStatus.IN_REVIEW) & ~Q(author_id=user.pk) & ~Exists(approved_by_me))
    return posts


def calendar_entries(
    *,
    workspace: Workspace,
    user,
    start: datetime,
    end: datetime,
    tz_name: str,
    filters: CalendarFilters,
    role: str | None,
    channels: dict[int, Channel],
    tags: dict[int, Tag] | None = None,
) -> list[CalendarEntry]:
    """`channels` (and `tags`, when the view shows them) map id → object for the workspace: the caller has
    loaded them for the filter bar, so each costs one query for all posts, on the link table only.
    `movable` offers dragging where `post_reschedule` may accept it (own posts, or any post for reviewers);
    the service still decides."""
    posts = calendar_posts_queryset(
        workspace=workspace, user=user, start=start, end=end, filters=filters, role=role
    )
    rows = (
        posts.annotate(
            media_name=Subquery(
                _first_media()
                .annotate(
                    name=Coalesce(NullIf(F("thumbnail"), Value("")), F("image"), output_field=CharField())
                )
                .values("name")[:1]
            ),
            media_alt=Subquery(_first_media().values("alt_text")[:1]),
            live_url=Subquery(_published_url()),
        )
        .order_by("scheduled_at", "id")
        .values_list(*ENTRY_FIELDS, "media_name", "media_alt", "live_url", named=True)
    )
    zone = ZoneInfo(tz_name)
    rank = Role.rank(role) if role is not None else -1
    moves_any, moves_own = rank >= Role.rank(Role.REVIEWER), rank >= Role.rank(Role.AUTHOR)
    labels = {value: str(label) for value, label in PostStatus.choices}
    display_title = Post.display_title.fget  # reads only .title and .body, which the named rows carry
    entries: dict[int, CalendarEntry] = {}
    for row in rows:
        entries[row.id] = CalendarEntry(
            id=row.id,
            title=display_title(row),
            status=row.status,
            status_label=labels[row.status],
            status_reason=status_reason_text(row.status_reason, row.status_reason_message),
            scheduled_at=row.scheduled_at,
            local_at=row.scheduled_at.astimezone(zone),
            author_id=row.author_id,
            campaign_id=row.campaign_id,
            thumbnail_url=default_storage.url(row.media_name) if row.media_name else "",
            thumbnail_alt=row.media_alt or "",
            live_url=row.live_url or "",
            movable=row.status in PLANNED and (moves_any or (moves_own and row.author_id == user.pk)),
        )
    if entries:
        _attach(entries, Post.channels.through, "channel_id", channels, posts, "channels")
        if tags is not None:
            _attach(entries, Post.tags.through, "tag_id", tags, posts, "tags")
    return list(entries.values())


def _attach(entries: dict, through, column: str, objects: dict, posts: QuerySet, attribute: str) -> None:
    """Fill `attribute` of each entry from a link table, in the order of `objects` (the workspace's order)."""
    rank = {pk: index for index, pk in enumerate(objects)}
    links = through.objects.filter(post_id__in=Subquery(posts.values("pk"))).values_list("post_id", column)
    for post_id, object_id in sorted(links, key=lambda link: rank.get(link[1], -1)):
        if post_id in entries and object_id in objects:
            getattr(entries[post_id], attribute).append(objects[object_id])
