"""Publishing a burst: the publications due at one moment, prepared ahead and sent together.

A thousand posts due in the same second, each published on its own (a Celery task, a claim, the claim-time
pre-flight, the call and the outcome: some twenty statements apiece), leave the last of them many seconds
late on a small server. A burst does the same work in a shape that keeps them on time:

1. a few seconds before the due time, the claim-time pre-flight of each publication is judged and the
   request to the network is built (text, media, links), so none of that waits until the due time;
2. at the due time one compare-and-set UPDATE claims them all. Its condition holds each publication's
   queued content hash, the post's state and hash, the workspace's pause flag and the channel's status,
   so what was judged is exactly what goes out, and a publication claimed elsewhere is left alone. The
   judged reports are stored in the same transaction;
3. the requests go out at once from a pool of threads (which never touch the database). A transient
   failure (connection refused, 429, 5xx) is retried in place, with the engine's backoff and jitter, while
   the wait is short and attempts remain; the claim and its lease are kept meanwhile;
4. the outcomes are written together. The published time is when the network's answer arrived.

Anything off the common path (a check that fails or is deferred, a claim refused, a failure that is not
a short transient one) goes through the one-publication path (`publishing`, `outcomes`), so holding,
failing, releasing and reconciling are written once.
"""

import logging
import secrets
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone

from calendar_app.models import Post, PostStatus
from calendar_app.services.workflow import posts_system_transition
from scheduler.adapters import Adapter, PublishRequest, PublishResult, TransientError
from scheduler.models import Channel, PreflightReport, Publication
from scheduler.services.channels import CallLog, channel_adapter
from scheduler.services.engine_settings import engine_setting
from scheduler.services.leases import publications_lease
from scheduler.services.outcomes import (
    AttemptRecord,
    Published,
    outcome_release,
    outcomes_published,
    retry_delay,
)
from scheduler.services.preflight import deferred_checks, preflight_judge
from scheduler.services.publishing import (
    CLAIMABLE_POST,
    EARLY_TOLERANCE,
    attempt_finish,
    outcome_for_error,
    publication_publish_when_due,
    publication_request,
)

log = logging.getLogger(__name__)
P = Publication.Status
Trigger = PreflightReport.Trigger


@dataclass
class Prepared:
    publication: Publication
    content_hash: str  # the hash it was queued for
    report: PreflightReport
    request: PublishRequest


@dataclass
class Sent:
    prepared: Prepared
    attempts: list[AttemptRecord] = field(default_factory=list)
    result: PublishResult | None = None
    error: Exception | None = None
    answered_at: datetime | None = None


def publications_publish_burst(*, items: list[tuple[int, str]], due: datetime, worker: str) -> Counter:
    """Publish these (publication id, queued content hash) pairs at `due`; counts outcomes by name."""
    counts: Counter = Counter()
    started = time.monotonic()
    ready, others = _prepare(items)
    prepare_seconds = time.monotonic() - started
    _sleep_until(due)
    token = secrets.token_hex(16)
    claimed = _claim(ready, token=token, worker=worker)
    claim_lateness = (timezone.now() - due).total_seconds()
    claimed_ids = {item.publication.pk for item in claimed}
    unclaimed = [item for item in ready if item.publication.pk not in claimed_ids]
    # A report stands for a claim that happened; the lone path judges the refused ones again.
    PreflightReport.objects.filter(pk__in=[item.report.pk for item in unclaimed]).delete()
    refused = [(item.publication.pk, item.content_hash) for item in unclaimed]
    if claimed:
        with publications_lease(publication_ids=list(claimed_ids), token=token):
            sending, sending_cpu = time.monotonic(), time.process_time()
            sent = _send_all(claimed, worker=worker)
            recording, recording_cpu = time.monotonic(), time.process_time()
            counts.update(_record(sent, token=token))
        log.info(
            "burst due %s: %d prepared in %.2f s, %d claimed %.3f s after due, sent in %.2f s (%.2f s CPU), "
            "recorded in %.2f s (%.2f s CPU)",
            due.isoformat(),
            len(ready),
            prepare_seconds,
            len(claimed),
            claim_lateness,
            recording - sending,
            recording_cpu - sending_cpu,
            time.monotonic() - recording,
            time.process_time() - recording_cpu,
        )
    for publication_id, content_hash in others + refused:
        outcome = publication_publish_when_due(
            publication_id=publication_id, content_hash=content_hash, worker=worker
        )
        counts[outcome] += 1
    return counts


def _prepare(items: list[tuple[int, str]]) -> tuple[list[Prepared], list[tuple[int, str]]]:
    """Judge and build each scheduled publication; the ones whose checks do not simply pass go alone."""
    hashes = dict(items)
    publications = (
        Publication.objects.filter(pk__in=hashes, status=P.SCHEDULED)
        .select_related("post__workspace", "post__author", "channel")
        .prefetch_related("post__media", "post__channels")
    )
    ready, others = [], []
    for publication in publications:
        content_hash = hashes[publication.pk]
        try:
            report, flags = preflight_judge(
                post=publication.post,
                trigger=Trigger.CLAIM,
                channels=[publication.channel],
                publication=publication,
            )
            request = publication_request(publication=publication)
        except Exception:
            log.exception("preparing publication %s failed; it will be published on its own", publication.pk)
            others.append((publication.pk, content_hash))
            continue
        if (
            report.ok
            and not flags
            and not deferred_checks(report)
            and content_hash == publication.content_hash
        ):
            ready.append(Prepared(publication, content_hash, report, request))
        else:
            others.append((publication.pk, content_hash))
    # Stored now, ahead of the due time, to keep the claim short; deleted again if the claim is refused.
    PreflightReport.objects.bulk_create([item.report for item in ready])
    return ready, others


def _sleep_until(due: datetime) -> None:
    wait = (due - timezone.now()).total_seconds()
    if wait > 0:
        time.sleep(wait)


def _claim(ready: list[Prepared], *, token: str, worker: str) -> list[Prepared]:
    """One compare-and-set UPDATE for the whole burst. A publication whose content hash moved on since it
    was prepared (edited and approved again in between) is given straight back: its request is stale."""
    if not ready:
        return []
    by_id = {item.publication.pk: item for item in ready}
    publishable_post = Post.objects.filter(
        pk=OuterRef("post_id"),
        content_hash=OuterRef("content_hash"),
        status__in=CLAIMABLE_POST,
        workspace__paused=False,
    )
    now = timezone.now()
    with transaction.atomic():
        posts = list(
            Post.objects.select_for_update(of=("self",))
            .filter(pk__in={item.publication.post_id for item in ready})
            .order_by("pk")
        )
        Publication.objects.filter(
            pk__in=by_id,
            status=P.SCHEDULED,
            next_attempt_at__lte=now + EARLY_TOLERANCE,
            channel__status=Channel.Status.ACTIVE,
        ).filter(Exists(publishable_post)).update(
            status=P.PUBLISHING,
            claimed_at=now,
            claimed_by=worker[:200],
            claim_token=token,
            attempt_count=F("attempt_count") + 1,
            worker_lost=False,
        )
        claimed = []
        rows = Publication.objects.filter(pk__in=by_id, claim_token=token, status=P.PUBLISHING)
        for publication_id, content_hash in rows.values_list("pk", "content_hash"):
            item = by_id[publication_id]
            if content_hash == item.content_hash:
                claimed.append(item)
            else:
                outcome_release(publication=item.publication, token=token)
        claimed_posts = {item.publication.post_id for item in claimed}
        posts_system_transition(
            posts=[post for post in posts if post.pk in claimed_posts and post.status == PostStatus.APPROVED],
            action="start_publishing",
        )
    return claimed


def _send_all(claimed: list[Prepared], *, worker: str) -> list[Sent]:
    threads = max(1, min(len(claimed), int(engine_setting("PAUTA_BURST_THREADS"))))
    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="burst") as pool:
        return list(pool.map(lambda prepared: _send_one(prepared, worker), claimed))


def _send_one(prepared: Prepared, worker: str) -> Sent:
    """One publication's calls, retried in place while the network's trouble looks short."""
    sent = Sent(prepared)
    publication = prepared.publication
    attempts_before = publication.attempt_count + 1  # the claim counted this one
    limit = engine_setting("PAUTA_PUBLISH_MAX_ATTEMPTS")
    in_place = engine_setting("PAUTA_BURST_RETRY_IN_PLACE_SECONDS")
    while True:
        attempt = AttemptRecord(started_at=timezone.now(), worker=worker)
        sent.attempts.append(attempt)
        calls = CallLog()
        started = time.monotonic()
        try:
            # Made from the loaded channel (no query): the sending threads never touch the database.
            adapter: Adapter = channel_adapter(channel=publication.channel, recorder=calls)
            sent.result = adapter.publish(prepared.request)
        except Exception as exc:
            attempt_finish(attempt, calls, started, exc)
            attempt_number = attempts_before + len(sent.attempts) - 1
            if isinstance(exc, TransientError) and attempt_number < limit:
                delay = retry_delay(attempt=attempt_number, retry_after=exc.retry_after)
                if delay <= in_place:
                    attempt.summary = attempt.summary or str(exc)
                    time.sleep(delay)
                    continue
            sent.error = exc
            return sent
        sent.answered_at = timezone.now()
        attempt_finish(attempt, calls, started)
        attempt.summary = sent.result.raw_summary
        return sent


def _record(sent: list[Sent], *, token: str) -> Counter:
    counts: Counter = Counter()
    published = [
        Published(
            publication=item.prepared.publication,
            remote_id=item.result.remote_id,
            remote_url=item.result.url,
            published_at=item.answered_at,
            attempts=item.attempts,
            report=item.prepared.report,
        )
        for item in sent
        if item.result is not None
    ]
    counts["published"] = outcomes_published(published=published, token=token)
    for item in sent:
        if item.error is not None:
            counts[_record_failure(item, token=token)] += 1
    return +counts


def _record_failure(item: Sent, *, token: str) -> str:
    """The in-place retries are stored as such; the last attempt decides, as for a lone publication."""
    publication = item.prepared.publication
    *retries, last = item.attempts
    if retries:
        with transaction.atomic():
            Publication.objects.filter(pk=publication.pk, status=P.PUBLISHING, claim_token=token).update(
                attempt_count=F("attempt_count") + len(retries)
            )
            for attempt in retries:
                attempt.save(publication_id=publication.pk, outcome="retry")
    return outcome_for_error(publication=publication, token=token, attempt=last, error=item.error)
