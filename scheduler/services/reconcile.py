"""Settling publications whose outcome is unknown, and recovering those whose worker died.

Unconfirmed (the network went silent after the request was sent): the account's recent posts are read
back; found means published, still missing after a second look means it was not published, and it is
marked failed — never sent again automatically, because the network may simply be slow to show it.

Worker lost (the claim's holder is gone, `leases`: the process was killed mid-publish): put straight back
on the schedule and sent again with the same idempotency key, which the network uses to answer a repeat with
the post it already has (`outcomes.outcome_worker_lost`). Reading the account back first would cost a few
requests per post, and a burst whose worker dies leaves hundreds of them.
"""

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from calendar_app.errors import PautaError
from calendar_app.models import Post
from scheduler.adapters import AdapterError, TransientError
from scheduler.models import Publication, PublishAttempt
from scheduler.services.channels import CallLog, channel_adapter
from scheduler.services.engine_settings import engine_setting
from scheduler.services.leases import leases_dead
from scheduler.services.outcomes import AttemptRecord, outcomes_worker_lost, retry_delay
from scheduler.services.post_settling import post_settle
from scheduler.services.publications import in_workspace_language
from scheduler.services.queueing import enqueue_reconcile

log = logging.getLogger(__name__)
P = Publication.Status
READS_BEFORE_GIVING_UP = 2
RECOVER_BATCH = 5000


def publications_recover_stuck(*, now=None) -> int:
    """Claims whose holder is gone (`leases_dead`) belong to a dead worker."""
    now = now or timezone.now()
    # Only ids, tokens and times: while a burst sends, every one of its claims is a candidate, every second.
    claims = list(
        Publication.objects.filter(status=P.PUBLISHING).values_list("pk", "claim_token", "claimed_at")[
            :RECOVER_BATCH
        ]
    )
    dead_ids = leases_dead(claims, now=now, wait_for_silence=True)
    dead_claims = {
        publication_id: token for publication_id, token, _at in claims if publication_id in dead_ids
    }
    if not dead_claims:
        return 0
    # The same claims that were judged dead, not a claim made since (the compare-and-set holds the token).
    dead = [
        publication
        for publication in Publication.objects.filter(pk__in=dead_claims, status=P.PUBLISHING).select_related(
            "post__workspace"
        )
        if publication.claim_token == dead_claims[publication.pk]
    ]
    if not dead:
        return 0

    def reason_for(publication: Publication) -> str:
        return _("The worker %(worker)s stopped while publishing; sending it again.") % {
            "worker": publication.claimed_by or "?"
        }

    recovered = outcomes_worker_lost(publications=dead, reason_for=reason_for, now=now)
    log.warning(
        "%d publication(s) recovered from dead workers %s", recovered, sorted({p.claimed_by for p in dead})
    )
    return recovered


def publication_reconcile(*, publication_id: int, worker: str) -> str:
    publication = (
        Publication.objects.select_related("post__workspace", "channel").filter(pk=publication_id).first()
    )
    if publication is None or publication.status != P.UNCONFIRMED:
        return "settled"
    with in_workspace_language(publication):
        return _reconcile(publication, worker)


def _reconcile(publication: Publication, worker: str) -> str:
    attempt = AttemptRecord(started_at=timezone.now(), worker=worker)
    calls = CallLog()
    since = (publication.claimed_at or publication.scheduled_at) - timedelta(minutes=5)
    try:
        found = channel_adapter(channel=publication.channel, recorder=calls).find_published(
            publication.idempotency_key, since=since, text=publication.post.text_for(publication.channel_id)
        )
    except (AdapterError, PautaError, ValueError) as exc:
        attempt.calls, attempt.summary = calls.as_data(), str(exc)
        attempt.retry_after = getattr(exc, "retry_after", None)
        return _read_failed(publication, attempt, transient=isinstance(exc, TransientError))
    attempt.calls = calls.as_data()
    attempt.http_status = calls.records[-1].status if calls.records else None
    if found is not None:
        attempt.summary = found.raw_summary
        now = timezone.now()
        published_at = found.public_since(
            sent_at=now, answered_at=now, scheduled_at=publication.scheduled_at, replay_possible=True
        )
        return _settle(
            publication,
            attempt,
            P.PUBLISHED,
            remote_id=found.remote_id,
            remote_url=found.url,
            published_at=published_at,
        )
    return _not_found(publication, attempt)


def _not_found(publication: Publication, attempt: AttemptRecord) -> str:
    reads = publication.attempts.filter(outcome=PublishAttempt.Outcome.NOT_FOUND).count() + 1
    if reads < READS_BEFORE_GIVING_UP:
        attempt.summary = _("Not among the account's recent posts yet; looking again shortly.")
        # The network may be slow to show what it accepted: look again a while later.
        delay = 4 * engine_setting("PAUTA_RECONCILE_AFTER_SECONDS")
        return _later(publication, attempt, outcome=PublishAttempt.Outcome.NOT_FOUND, delay=delay)
    reason = _(
        "The network never confirmed the post and it is not among the account's recent posts, so it was not "
        "published. Retry to send it again."
    )
    return _settle(
        publication, attempt, P.FAILED, reason=f"{publication.channel.get_network_display()}: {reason}"
    )


def _read_failed(publication: Publication, attempt: AttemptRecord, *, transient: bool) -> str:
    reads = publication.attempts.filter(outcome=PublishAttempt.Outcome.READ_FAILED).count() + 1
    if transient and reads < engine_setting("PAUTA_RECONCILE_MAX_ATTEMPTS"):
        base = engine_setting("PAUTA_RECONCILE_RETRY_BASE_SECONDS")
        delay = retry_delay(attempt=reads, retry_after=attempt.retry_after, base=base)
        return _later(publication, attempt, outcome=PublishAttempt.Outcome.READ_FAILED, delay=delay)
    reason = _("The post could not be confirmed: %(error)s. Check the account, then retry.") % {
        "error": attempt.summary
    }
    return _settle(publication, attempt, P.FAILED, reason=reason)


@transaction.atomic
def _later(publication: Publication, attempt: AttemptRecord, *, outcome: str, delay: float) -> str:
    now = timezone.now()
    due = now + timedelta(seconds=delay)
    moved = Publication.objects.filter(pk=publication.pk, status=P.UNCONFIRMED).update(
        next_attempt_at=due, queued_at=now
    )
    attempt.save(publication_id=publication.pk, outcome=outcome)
    if moved:
        enqueue_reconcile(publication_id=publication.pk, eta=due, marked_at=now)
    return "later"


@transaction.atomic
def _settle(
    publication: Publication,
    attempt: AttemptRecord,
    status: str,
    *,
    reason: str = "",
    remote_id: str = "",
    remote_url: str = "",
    published_at: datetime | None = None,
) -> str:
    post = (
        Post.objects.select_for_update(of=("self",))
        .select_related("workspace", "author")
        .get(pk=publication.post_id)
    )
    now = timezone.now()
    changes: dict = {"status": status, "worker_lost": False}
    if status == P.PUBLISHED:
        changes.update(
            published_at=published_at or now,
            remote_id=remote_id[:255],
            remote_url=remote_url[:500],
            failure_reason="",
            failure_message=None,
        )
        outcome = PublishAttempt.Outcome.PUBLISHED
    else:
        changes.update(failure_reason=reason[:2000], failure_message=None)
        outcome = PublishAttempt.Outcome.FAILED
    won = Publication.objects.filter(pk=publication.pk, status=P.UNCONFIRMED).update(**changes)
    attempt.summary = attempt.summary or reason
    attempt.save(publication_id=publication.pk, outcome=outcome)
    if not won:
        return "settled"
    post_settle(post=post)
    return "published" if status == P.PUBLISHED else "failed"
