"""What a post's publications add up to, and who is told: a post with several channels settles when all its
publications have: published when all published, failed if any failed (or was held), unconfirmed while any is
unconfirmed. The caller holds the post's row lock (`outcomes`)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from calendar_app.models import Notification, Post, PostStatus, Role
from calendar_app.services.messages import message, message_render
from calendar_app.services.notifications import (
    Notice,
    notification_send,
    notifications_send,
    workspace_members_with_role,
)
from calendar_app.services.workflow import post_system_transition, posts_system_transition
from scheduler.models import PreflightReport, Publication

P = Publication.Status
SETTLED = {P.PUBLISHED, P.FAILED, P.HELD}


def current_publications(post: Post) -> list[Publication]:
    """The latest publication per channel: a failed one stays as history after a retry replaced it."""
    latest: dict[int, Publication] = {}
    publications = Publication.objects.filter(post=post).exclude(status=P.CANCELLED).select_related("channel")
    for publication in publications.order_by("id"):
        latest[publication.channel_id] = publication
    return list(latest.values())


def post_settle(*, post: Post, report: PreflightReport | None = None) -> Post:
    """Move the post to what its publications add up to; the caller holds the post's row lock."""
    publications = current_publications(post)
    statuses = {publication.status for publication in publications}
    if not publications or post.status not in (PostStatus.PUBLISHING, PostStatus.UNCONFIRMED):
        return post
    if P.UNCONFIRMED in statuses:
        if post.status == PostStatus.PUBLISHING:
            reason = _("The network did not confirm the post; reading the account back to settle it.")
            post_system_transition(post=post, action="mark_unconfirmed", reason=reason)
        return post
    if not statuses <= SETTLED:
        return post
    if statuses == {P.PUBLISHED}:
        # The audit entry links the checks made right before it went out.
        checked = (
            report or post.preflight_reports.filter(trigger=PreflightReport.Trigger.CLAIM, ok=True).first()
        )
        post_system_transition(
            post=post,
            action="mark_published",
            details={"urls": published_urls(publications)},
            preflight_report=checked,
        )
        _notify_published(post, publications)
        return post
    reasons = [
        message(
            gettext_noop("%(name)s: %(reason)s"),
            name=publication.channel.display_name,
            reason=publication.failure_message or publication.failure_reason,
        )
        for publication in publications
        if publication.status in (P.FAILED, P.HELD)
    ]
    post_system_transition(
        post=post,
        action="mark_failed",
        reason=message_render(reasons)[:500],
        reason_message=reasons,
        preflight_report=report,
    )
    held_by_preflight = report is not None and not report.ok
    _notify_failed(post, reasons, kind=Notification.Kind.PREFLIGHT_FAILED if held_by_preflight else None)
    return post


def posts_settle_published(posts: list[Post], *, reports: dict) -> None:
    """`post_settle` for a burst's posts: those whose every publication is now published move together
    (one UPDATE, one INSERT of audit entries, one of notifications); any other goes through `post_settle`."""
    latest: dict[int, dict[int, Publication]] = {}
    publications = (
        Publication.objects.filter(post__in=posts).exclude(status=P.CANCELLED).select_related("channel")
    )
    for publication in publications.order_by("id"):
        latest.setdefault(publication.post_id, {})[publication.channel_id] = publication
    done, others = [], []
    for post in posts:
        current = list(latest.get(post.pk, {}).values())
        if post.status in (PostStatus.PUBLISHING, PostStatus.UNCONFIRMED) and {
            publication.status for publication in current
        } == {P.PUBLISHED}:
            done.append((post, current))
        else:
            others.append(post)
    posts_system_transition(
        posts=[post for post, _current in done],
        action="mark_published",
        details={post.pk: {"urls": published_urls(current)} for post, current in done},
        preflight_reports={post.pk: reports.get(post.pk) for post, _current in done},
    )
    notifications_send(notices=[published_notice(post, current) for post, current in done])
    for post in others:
        post_settle(post=post, report=reports.get(post.pk))


def published_urls(publications: list[Publication]) -> list[str]:
    return [publication.remote_url for publication in publications if publication.remote_url]


def _notify_published(post: Post, publications: list[Publication]) -> None:
    notifications_send(notices=[published_notice(post, publications)])


def published_notice(post: Post, publications: list[Publication]) -> Notice:
    channels = ", ".join(publication.channel.display_name for publication in publications)
    return Notice(
        users=[post.author],
        workspace=post.workspace,
        post=post,
        kind=Notification.Kind.PUBLISHED,
        message=message(
            gettext_noop("“%(post)s” was published on %(channels)s."),
            post=post.display_title,
            channels=channels,
        ),
    )


def _notify_failed(post: Post, reason: list, *, kind: str | None = None) -> None:
    reviewers = workspace_members_with_role(workspace=post.workspace, role=Role.REVIEWER)
    notification_send(
        users=[post.author, *reviewers],
        workspace=post.workspace,
        post=post,
        kind=kind or Notification.Kind.PUBLISH_FAILED,
        message=message(
            gettext_noop("“%(post)s” was not published: %(reason)s"), post=post.display_title, reason=reason
        ),
    )
