"""Step 4 of a burst: its outcomes written, successes together and failures as the lone path writes them
(`bursts`)."""

import logging
from collections import Counter

from django.db import transaction
from django.db.models import F

from scheduler.models import Publication, PublishAttempt
from scheduler.services.outcomes import AttemptRecord, outcome_published, outcome_release
from scheduler.services.outcomes_burst import Published, outcomes_published
from scheduler.services.publications import in_workspace_language
from scheduler.services.publishing import outcome_for_error
from scheduler.services.queueing import enqueue_publish

from .sending import Sent

log = logging.getLogger(__name__)
P = Publication.Status


def record(sent: list[Sent], *, token: str) -> Counter:
    """Successes together; should that fail, one by one, so one bad row cannot undo the rest. Each failure
    on its own, as the lone path records it."""
    counts: Counter = Counter()
    published = [
        Published(
            publication=item.prepared.publication,
            remote_id=item.result.remote_id,
            remote_url=item.result.url,
            published_at=item.published_at,
            attempts=item.attempts,
            report=item.prepared.report,
        )
        for item in sent
        if item.result is not None
    ]
    try:
        counts["published"] = outcomes_published(published=published, token=token)
    except Exception:
        log.exception("recording a burst's successes together failed; recording them one by one")
        for item in published:
            counts[_record_one_published(item, token=token)] += 1
    for item in sent:
        if item.result is None:
            try:
                with in_workspace_language(item.prepared.publication):
                    counts[_record_failure(item, token=token)] += 1
            except Exception:
                log.exception("recording publication %s failed", item.prepared.publication.pk)
                counts["unrecorded"] += 1
    return +counts


def _record_one_published(item: Published, *, token: str) -> str:
    *retries, success = item.attempts
    try:
        _record_retries(item.publication, retries, token=token)
        outcome_published(
            publication=item.publication,
            token=token,
            remote_id=item.remote_id,
            remote_url=item.remote_url,
            attempt=success,
            published_at=item.published_at,
        )
    except Exception:
        log.exception("recording publication %s failed", item.publication.pk)
        return "unrecorded"
    return "published"


def _record_failure(item: Sent, *, token: str) -> str:
    """The in-place retries are stored as such; the last attempt decides, as for a lone publication. One
    whose turn never came (the send deadline passed) is given back and queued on its own."""
    publication = item.prepared.publication
    if not item.started:
        outcome_release(publication=publication, token=token)
        enqueue_publish(publication_id=publication.pk, content_hash=publication.content_hash)
        return "alone"
    *retries, last = item.attempts
    _record_retries(publication, retries, token=token)
    return outcome_for_error(publication=publication, token=token, attempt=last, error=item.error)


@transaction.atomic
def _record_retries(publication: Publication, retries: list[AttemptRecord], *, token: str) -> None:
    if not retries:
        return
    Publication.objects.filter(pk=publication.pk, status=P.PUBLISHING, claim_token=token).update(
        attempt_count=F("attempt_count") + len(retries)
    )
    for attempt in retries:
        attempt.save(publication_id=publication.pk, outcome=PublishAttempt.Outcome.RETRY)
