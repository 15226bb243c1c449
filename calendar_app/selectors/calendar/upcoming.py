"""What goes out in the next hours, per channel, with the pre-flight verdict that will let it (or not)."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef, Subquery

from calendar_app.models import Post, PostStatus, Workspace
from scheduler.models import Channel, PreflightReport, Publication

DUE = (Publication.Status.SCHEDULED, Publication.Status.HELD)
DID_NOT_GO_OUT = (Publication.Status.HELD, Publication.Status.FAILED, Publication.Status.UNCONFIRMED)
NOT_YET_APPROVED = (PostStatus.DRAFT, PostStatus.IN_REVIEW, PostStatus.CHANGES_REQUESTED)


@dataclass
class UpcomingItem:
    publication: Publication
    report: PreflightReport | None
    preflight_at: datetime

    @property
    def post(self) -> Post:
        return self.publication.post


@dataclass
class UpcomingChannel:
    channel: Channel
    items: list[UpcomingItem] = field(default_factory=list)

    @property
    def problems(self) -> int:
        return sum(1 for item in self.items if item.report is not None and not item.report.ok)


def _reports_by_post(publications) -> dict[int, list[PreflightReport]]:
    """The reports of these publications' posts, newest first (without their bulky details)."""
    reports = PreflightReport.objects.filter(post_id__in=Subquery(publications.values("post_id"))).defer(
        "links", "identity"
    )
    by_post: dict[int, list[PreflightReport]] = {}
    for report in reports.order_by("-created_at", "-id"):
        by_post.setdefault(report.post_id, []).append(report)
    return by_post


def _report_for(
    publication: Publication, by_post: dict[int, list[PreflightReport]]
) -> PreflightReport | None:
    """A report counts for a publication when it was made for it, or for its post as a whole since the
    publication was scheduled; older post-level reports describe content or times that no longer apply."""
    return next(
        (
            report
            for report in by_post.get(publication.post_id, ())
            if report.publication_id == publication.pk
            or (report.publication_id is None and report.created_at >= publication.created_at)
        ),
        None,
    )


def _with_reports(workspace: Workspace, publications) -> list[UpcomingItem]:
    by_post = _reports_by_post(publications)
    lead = timedelta(minutes=workspace.preflight_minutes_before)
    return [
        UpcomingItem(publication, _report_for(publication, by_post), publication.scheduled_at - lead)
        for publication in publications
    ]


def upcoming_publications(*, workspace: Workspace, now: datetime, hours: int = 24) -> list[UpcomingChannel]:
    """The publications due in the next hours, per channel, each with the report that counts for it."""
    publications = (
        Publication.objects.filter(
            post__workspace=workspace,
            status__in=DUE,
            scheduled_at__gte=now,
            scheduled_at__lt=now + timedelta(hours=hours),
        )
        .select_related("post", "channel")
        .order_by("channel__network", "channel__display_name", "channel_id", "scheduled_at", "id")
    )
    groups: dict[int, UpcomingChannel] = {}
    for item in _with_reports(workspace, publications):
        channel = item.publication.channel
        groups.setdefault(channel.pk, UpcomingChannel(channel=channel)).items.append(item)
    return list(groups.values())


def upcoming_unapproved(*, workspace: Workspace, now: datetime, hours: int = 24) -> list[Post]:
    """Posts due soon that will not go out because nobody has approved them yet."""
    return list(
        Post.objects.filter(
            workspace=workspace,
            status__in=NOT_YET_APPROVED,
            scheduled_at__gte=now,
            scheduled_at__lt=now + timedelta(hours=hours),
        )
        .select_related("author")
        .order_by("scheduled_at", "id")
    )


def recently_missed(*, workspace: Workspace, now: datetime, hours: int = 24) -> list[UpcomingItem]:
    """Publications whose time came in the last hours and that did not go out (held by pre-flight, failed, or
    not yet confirmed), while their post still waits for someone: once it is retried, edited, rescheduled or
    cancelled, the post's status moves on and the row drops off; a channel's earlier try, before a retry that
    failed again, is not counted twice. Without this, a post held a minute ago would vanish from a page that
    only looks ahead."""
    retried_since = Publication.objects.filter(
        post=OuterRef("post"), channel=OuterRef("channel"), pk__gt=OuterRef("pk")
    )
    publications = (
        Publication.objects.filter(
            post__workspace=workspace,
            status__in=DID_NOT_GO_OUT,
            post__status__in=(PostStatus.FAILED, PostStatus.UNCONFIRMED),
            scheduled_at__gte=now - timedelta(hours=hours),
            scheduled_at__lt=now,
        )
        .exclude(Exists(retried_since))
        .select_related("post", "channel")
        .order_by("-scheduled_at", "id")
    )
    return _with_reports(workspace, publications)
