"""Recording what happened to a claimed publication, and what that means for its post.

Every write is a compare-and-set on (status = publishing, claim token): a worker whose claim was taken
over (the sweeper decided it was dead) cannot overwrite the outcome of the claim that replaced it. The
attempt itself is always recorded, whoever wins.

A post with several channels settles when all its publications have: published when all published,
failed if any failed (or was held), unconfirmed while any is unconfirmed.
"""

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from calendar_app.models import Notification, Post, PostStatus, Role
from calendar_app.services.notifications import (
    Notice,
    notification_send,
    notifications_send,
    workspace_members_with_role,
)
from calendar_app.services.workflow import post_system_transition, posts_system_transition
from scheduler.models import PreflightReport, Publication, PublishAttempt
from scheduler.services.engine_settings import engine_setting
from scheduler.services.queueing import enqueue_publish, enqueue_reconcile

P = Publication.Status
SETTLED = {P.PUBLISHED, P.FAILED, P.HELD}


@dataclass
class AttemptRecord:
    started_at: datetime
    worker: str
    duration_ms: int = 0
    http_status: int | None = None
    summary: str = ""
    calls: list[dict] = field(default_factory=list)
    retry_after: float | None = None  # what the network asked for, when it asked

    def save(self, *, publication_id: int, outcome: str) -> PublishAttempt:
        attempt = self.unsaved(publication_id=publication_id, outcome=outcome)
        attempt.save()
        return attempt

    def unsaved(self, *, publication_id: int, outcome: str) -> PublishAttempt:
        return PublishAttempt(
            publication_id=publication_id,
            started_at=self.started_at,
            duration_ms=self.duration_ms,
            http_status=self.http_status,
            outcome=outcome,
            summary=self.summary[:4000],
            worker=self.worker[:200],
            calls=self.calls,
        )


def retry_delay(*, attempt: int, retry_after: float | None = None, base: float | None = None) -> float:
    """Exponential backoff with jitter: a burst that failed together does not retry together."""
    base = engine_setting("PAUTA_RETRY_BASE_SECONDS") if base is None else base
    cap = engine_setting("PAUTA_RETRY_MAX_SECONDS")
    delay = min(cap, base * 2 ** max(0, attempt - 1))
    delay = delay / 2 + random.uniform(0, delay / 2)  # noqa: S311 - jitter, not a secret
    if retry_after is not None:
        delay = max(delay, min(retry_after, 3600.0))
    return delay


def _cas(publication_id: int, token: str, **changes) -> bool:
    return bool(
        Publication.objects.filter(pk=publication_id, status=P.PUBLISHING, claim_token=token).update(
            **changes
        )
    )


@transaction.atomic
def outcome_published(
    *,
    publication: Publication,
    token: str,
    remote_id: str,
    remote_url: str,
    attempt: AttemptRecord,
    published_at: datetime | None = None,
) -> bool:
    """`published_at`: when the post went public (`PublishResult.public_since`; now, when not given)."""
    post = _lock_post(publication)
    won = _cas(
        publication.pk,
        token,
        status=P.PUBLISHED,
        published_at=published_at or timezone.now(),
        remote_id=remote_id[:255],
        remote_url=remote_url[:500],
        failure_reason="",
        claim_token="",
    )
    attempt.save(publication_id=publication.pk, outcome=PublishAttempt.Outcome.PUBLISHED)
    if won:
        post_settle(post=post)
    return won


@dataclass
class Published:
    """One publication of a burst the network accepted (`bursts`)."""

    publication: Publication
    remote_id: str
    remote_url: str
    published_at: datetime
    attempts: list[AttemptRecord]  # the in-place retries first, the successful call last
    report: PreflightReport | None = None


@transaction.atomic
def outcomes_published(*, published: list[Published], token: str) -> int:
    """`outcome_published` for a burst: the posts locked once (in id order, like everywhere), the attempts
    inserted together, each post settled once. Returns how many compare-and-sets won."""
    if not published:
        return 0
    post_ids = sorted({item.publication.post_id for item in published})
    posts = {
        post.pk: post
        for post in Post.objects.select_for_update(of=("self",))
        .select_related("workspace", "author")
        .filter(pk__in=post_ids)
        .order_by("pk")
    }
    winners = _cas_published(published, token)
    settled = {item.publication.post_id: item.report for item in published if item.publication.pk in winners}
    attempts = []
    for item in published:
        *retries, success = item.attempts
        attempts += [
            attempt.unsaved(publication_id=item.publication.pk, outcome=PublishAttempt.Outcome.RETRY)
            for attempt in retries
        ]
        attempts.append(
            success.unsaved(publication_id=item.publication.pk, outcome=PublishAttempt.Outcome.PUBLISHED)
        )
    PublishAttempt.objects.bulk_create(attempts)
    _posts_settle_published([posts[post_id] for post_id in settled], reports=settled)
    return len(winners)


def _cas_published(published: list[Published], token: str) -> set[int]:
    """The compare-and-set of `outcome_published` for many rows: the rows still claimed with this token
    win (their posts are locked, so nobody can take them over meanwhile), and one prepared statement runs
    for all of them (`executemany`), instead of an ORM UPDATE each."""
    ids = [item.publication.pk for item in published]
    winners = set(
        Publication.objects.filter(pk__in=ids, status=P.PUBLISHING, claim_token=token).values_list(
            "pk", flat=True
        )
    )
    quote, adapt = connection.ops.quote_name, connection.ops.adapt_datetimefield_value
    sql = (
        f"UPDATE {quote(Publication._meta.db_table)} SET status = %s, published_at = %s, remote_id = %s, "
        "remote_url = %s, failure_reason = '', claim_token = '', attempt_count = attempt_count + %s "
        "WHERE id = %s AND status = %s AND claim_token = %s"
    )
    rows = [
        (
            P.PUBLISHED,
            adapt(item.published_at),
            item.remote_id[:255],
            item.remote_url[:500],
            len(item.attempts) - 1,
            item.publication.pk,
            P.PUBLISHING,
            token,
        )
        for item in published
        if item.publication.pk in winners
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
    return winners


def _posts_settle_published(posts: list[Post], *, reports: dict) -> None:
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
        details={post.pk: {"urls": _urls(current)} for post, current in done},
        preflight_reports={post.pk: reports.get(post.pk) for post, _current in done},
    )
    notifications_send(notices=[_published_notice(post, current) for post, current in done])
    for post in others:
        post_settle(post=post, report=reports.get(post.pk))


@transaction.atomic
def outcome_retry(
    *, publication: Publication, token: str, reason: str, retry_after: float | None, attempt: AttemptRecord
) -> bool:
    """Put the publication back on the schedule a little later, or give up after the bound."""
    attempts = Publication.objects.values_list("attempt_count", flat=True).get(pk=publication.pk)
    if attempts >= engine_setting("PAUTA_PUBLISH_MAX_ATTEMPTS"):
        reason = _("Gave up after %(count)d attempts. Last answer: %(reason)s") % {
            "count": attempts,
            "reason": reason,
        }
        return _failed(
            publication, token, reason=reason, attempt=attempt, outcome=PublishAttempt.Outcome.FAILED
        )
    post = _lock_post(publication)
    now = timezone.now()
    due = now + timedelta(seconds=retry_delay(attempt=attempts, retry_after=retry_after))
    won = _cas(
        publication.pk,
        token,
        status=P.SCHEDULED,
        next_attempt_at=due,
        queued_at=now,
        claim_token="",
        failure_reason=reason[:2000],
    )
    attempt.summary = attempt.summary or reason
    attempt.save(publication_id=publication.pk, outcome=PublishAttempt.Outcome.RETRY)
    if won:
        enqueue_publish(publication_id=publication.pk, content_hash=publication.content_hash, eta=due)
        post_settle(post=post)
    return won


@transaction.atomic
def outcome_failed(
    *,
    publication: Publication,
    token: str,
    reason: str,
    attempt: AttemptRecord,
    held: bool = False,
    report: PreflightReport | None = None,
) -> bool:
    outcome = PublishAttempt.Outcome.HELD if held else PublishAttempt.Outcome.FAILED
    return _failed(publication, token, reason=reason, attempt=attempt, outcome=outcome, report=report)


def _failed(publication, token, *, reason, attempt, outcome, report=None) -> bool:
    post = _lock_post(publication)
    status = P.HELD if outcome == PublishAttempt.Outcome.HELD else P.FAILED
    won = _cas(publication.pk, token, status=status, failure_reason=reason[:2000], claim_token="")
    attempt.summary = attempt.summary or reason
    attempt.save(publication_id=publication.pk, outcome=outcome)
    if won:
        post_settle(post=post, report=report)
    return won


@transaction.atomic
def outcome_unconfirmed(*, publication: Publication, token: str, reason: str, attempt: AttemptRecord) -> bool:
    """The request may have reached the network: read the account back later instead of sending again."""
    post = _lock_post(publication)
    now = timezone.now()
    due = now + timedelta(seconds=engine_setting("PAUTA_RECONCILE_AFTER_SECONDS"))
    won = _cas(
        publication.pk,
        token,
        status=P.UNCONFIRMED,
        failure_reason=reason[:2000],
        next_attempt_at=due,
        queued_at=now,
        claim_token="",
    )
    attempt.summary = attempt.summary or reason
    attempt.save(publication_id=publication.pk, outcome=PublishAttempt.Outcome.UNCONFIRMED)
    if won:
        enqueue_reconcile(publication_id=publication.pk, eta=due)
        post_settle(post=post)
    return won


@transaction.atomic
def outcome_worker_lost(*, publication: Publication, token: str, reason: str, attempt: AttemptRecord) -> bool:
    """The claim's worker died, so whether its request left is unknown. Every publishing call carries the
    publication's idempotency key (Mastodon's Idempotency-Key, Bluesky's record key, the webhook's delivery
    id), and a network answers a repeat with the post it already has: the publication goes straight back on
    the schedule, and the dispatcher's next tick sends it again in a burst. Bounded like retries."""
    attempts = Publication.objects.values_list("attempt_count", flat=True).get(pk=publication.pk)
    if attempts >= engine_setting("PAUTA_PUBLISH_MAX_ATTEMPTS"):
        reason = _("Not published: the workers kept stopping while sending it.")
        return _failed(
            publication, token, reason=reason, attempt=attempt, outcome=PublishAttempt.Outcome.FAILED
        )
    _lock_post(publication)
    won = _cas(
        publication.pk,
        token,
        status=P.SCHEDULED,
        next_attempt_at=timezone.now(),
        queued_at=None,
        claim_token="",
        failure_reason=reason[:2000],
        worker_lost=True,
    )
    if won:  # a sweeper that lost the race made no attempt worth recording
        attempt.save(publication_id=publication.pk, outcome=PublishAttempt.Outcome.UNCONFIRMED)
    return won


@transaction.atomic
def outcomes_worker_lost(*, publications: list[Publication], reason_for, now: datetime) -> int:
    """`outcome_worker_lost` for many (a dead worker's bursts leave hundreds of claims): the posts locked
    once, one compare-and-set UPDATE per claim, the attempts inserted together. Publications out of attempts
    fail one by one, as there. `reason_for(publication)` says what happened. Returns how many were won."""
    limit = engine_setting("PAUTA_PUBLISH_MAX_ATTEMPTS")
    again = [publication for publication in publications if publication.attempt_count < limit]
    spent = [publication for publication in publications if publication.attempt_count >= limit]
    list(
        Post.objects.select_for_update(of=("self",))
        .filter(pk__in={publication.post_id for publication in again})
        .order_by("pk")
    )
    claims: dict[str, list[Publication]] = {}
    for publication in again:
        claims.setdefault(publication.claim_token, []).append(publication)
    attempts = []
    for token, group in claims.items():
        claimed = Publication.objects.filter(
            pk__in=[publication.pk for publication in group], status=P.PUBLISHING, claim_token=token
        )
        won = set(claimed.values_list("pk", flat=True))
        reason = reason_for(group[0])  # one claim, one worker
        Publication.objects.filter(pk__in=won).update(
            status=P.SCHEDULED,
            next_attempt_at=now,
            queued_at=None,
            claim_token="",
            failure_reason=reason[:2000],
            worker_lost=True,
        )
        attempts += [
            AttemptRecord(started_at=now, worker="sweeper", summary=reason).unsaved(
                publication_id=publication_id, outcome=PublishAttempt.Outcome.UNCONFIRMED
            )
            for publication_id in won
        ]
    PublishAttempt.objects.bulk_create(attempts)
    for publication in spent:
        attempt = AttemptRecord(started_at=now, worker="sweeper", summary=reason_for(publication))
        outcome_worker_lost(
            publication=publication, token=publication.claim_token, reason=attempt.summary, attempt=attempt
        )
    return len(attempts) + len(spent)


@transaction.atomic
def outcome_release(*, publication: Publication, token: str) -> bool:
    """Give a claim back untouched (the workspace was paused between the claim and the call). When every
    publication of the post is back to scheduled, the post is approved again, as if it had never started: a
    pause's resume then sends it back to review like any post whose time passed while paused."""
    post = _lock_post(publication)
    released = _cas(
        publication.pk, token, status=P.SCHEDULED, claim_token="", attempt_count=F("attempt_count") - 1
    )
    if (
        released
        and post.status == PostStatus.PUBLISHING
        and {current.status for current in current_publications(post)} == {P.SCHEDULED}
    ):
        post_system_transition(post=post, action="give_back")
    return released


def _lock_post(publication: Publication) -> Post:
    """Posts are locked before their publications everywhere, so two writers never wait on each other."""
    return (
        Post.objects.select_for_update(of=("self",))
        .select_related("workspace", "author")
        .get(pk=publication.post_id)
    )


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
            details={"urls": _urls(publications)},
            preflight_report=checked,
        )
        _notify_published(post, publications)
        return post
    reasons = [
        f"{publication.channel.display_name}: {publication.failure_reason}"
        for publication in publications
        if publication.status in (P.FAILED, P.HELD)
    ]
    reason = " ".join(reasons)
    post_system_transition(post=post, action="mark_failed", reason=reason[:500], preflight_report=report)
    held_by_preflight = report is not None and not report.ok
    _notify_failed(post, reason, kind=Notification.Kind.PREFLIGHT_FAILED if held_by_preflight else None)
    return post


def _urls(publications: list[Publication]) -> list[str]:
    return [publication.remote_url for publication in publications if publication.remote_url]


def _notify_published(post: Post, publications: list[Publication]) -> None:
    notifications_send(notices=[_published_notice(post, publications)])


def _published_notice(post: Post, publications: list[Publication]) -> Notice:
    channels = ", ".join(publication.channel.display_name for publication in publications)
    return Notice(
        users=[post.author],
        workspace=post.workspace,
        post=post,
        kind=Notification.Kind.PUBLISHED,
        message=_("“%(post)s” was published on %(channels)s.")
        % {"post": post.display_title, "channels": channels},
    )


def _notify_failed(post: Post, reason: str, *, kind: str | None = None) -> None:
    reviewers = workspace_members_with_role(workspace=post.workspace, role=Role.REVIEWER)
    notification_send(
        users=[post.author, *reviewers],
        workspace=post.workspace,
        post=post,
        kind=kind or Notification.Kind.PUBLISH_FAILED,
        message=_("“%(post)s” was not published: %(reason)s")
        % {"post": post.display_title, "reason": reason},
    )
