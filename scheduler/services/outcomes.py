"""Recording what happened to a claimed publication, and what that means for its post.

Every write is a compare-and-set on (status = publishing, claim token): a worker whose claim was taken
over (the sweeper decided it was dead) cannot overwrite the outcome of the claim that replaced it. The
attempt itself is always recorded, whoever wins.

The post then settles (`post_settling`); a burst's successes are written together (`outcomes_burst`).
"""

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from calendar_app.models import Post, PostStatus
from calendar_app.services.workflow import post_system_transition
from scheduler.models import PreflightReport, Publication, PublishAttempt
from scheduler.services.engine_settings import engine_setting
from scheduler.services.post_settling import current_publications, post_settle
from scheduler.services.publications import in_workspace_language
from scheduler.services.queueing import enqueue_publish, enqueue_reconcile

P = Publication.Status


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
    """A new reason replaces the stored message of the old one, unless it comes with its own."""
    if "failure_reason" in changes:
        changes.setdefault("failure_message", None)
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
        worker_lost=False,
    )
    attempt.save(publication_id=publication.pk, outcome=PublishAttempt.Outcome.PUBLISHED)
    if won:
        post_settle(post=post)
    return won


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
        enqueue_publish(
            publication_id=publication.pk, content_hash=publication.content_hash, eta=due, marked_at=now
        )
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
    won = _cas(
        publication.pk,
        token,
        status=status,
        failure_reason=reason[:2000],
        failure_message=report.summary_message if report is not None and not report.ok else None,
        claim_token="",
        worker_lost=False,
    )
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
        enqueue_reconcile(publication_id=publication.pk, eta=due, marked_at=now)
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
    fail one by one, as there. `reason_for(publication)` says what happened; it is asked, like everything
    written here, in the publication's workspace language. Returns how many were won."""
    limit = engine_setting("PAUTA_PUBLISH_MAX_ATTEMPTS")
    again = [publication for publication in publications if publication.attempt_count < limit]
    spent = [publication for publication in publications if publication.attempt_count >= limit]
    list(
        Post.objects.select_for_update(of=("self",))
        .filter(pk__in={publication.post_id for publication in again})
        .order_by("pk")
    )
    # One claim is one worker, but a burst may hold several workspaces: one reason per claim and language.
    claims: dict[tuple[str, str], list[Publication]] = {}
    for publication in again:
        claims.setdefault((publication.claim_token, publication.post.workspace.language), []).append(
            publication
        )
    attempts = []
    for (token, _language), group in claims.items():
        claimed = Publication.objects.filter(
            pk__in=[publication.pk for publication in group], status=P.PUBLISHING, claim_token=token
        )
        won = set(claimed.values_list("pk", flat=True))
        with in_workspace_language(group[0]):
            reason = reason_for(group[0])
        Publication.objects.filter(pk__in=won).update(
            status=P.SCHEDULED,
            next_attempt_at=now,
            queued_at=None,
            claim_token="",
            failure_reason=reason[:2000],
            failure_message=None,
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
        with in_workspace_language(publication):
            attempt = AttemptRecord(started_at=now, worker="sweeper", summary=reason_for(publication))
            outcome_worker_lost(
                publication=publication,
                token=publication.claim_token,
                reason=attempt.summary,
                attempt=attempt,
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
