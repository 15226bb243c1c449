"""Publishing a burst: the publications due at one moment, prepared ahead and sent together.

A thousand posts due in the same second, each published on its own (a Celery task, a claim, the claim-time
pre-flight, the call and the outcome: some twenty statements apiece), leave the last of them many seconds
late on a small server. A burst does the same work in a shape that keeps them on time:

1. a few seconds before the due time, the claim-time pre-flight of each publication is judged and the
   request to the network is built (text, media, links), so none of that waits until the due time;
2. a moment before the due time (PAUTA_BURST_CLAIM_AHEAD_SECONDS) one compare-and-set UPDATE claims them
   all. Its condition holds each publication's queued content hash, the post's state and hash, the
   workspace's pause flag and the channel's status, so what was judged is exactly what goes out, and a
   publication claimed elsewhere is left alone. Claiming ahead keeps bursts that claim at once (which a
   database serializes) from making each other late; at the due time the pause flag and the channels are
   read once more, and a claim they no longer allow is given back untouched;
3. at the due time the requests go out at once from a pool of threads (which never touch the database),
   each thread with one adapter per channel. A transient
   failure (connection refused, 429, 5xx) is retried in place, with the engine's backoff and jitter, while
   the wait is short and attempts remain; the claim and its lease are kept meanwhile;
4. the outcomes are written together, once the moment's other bursts are done sending (recording competes
   with them for the CPU). The published time is when the network's answer arrived, or when the network
   says it created the post if that was before the request (`PublishResult.public_since`).

Anything off the common path (a check that fails or is deferred, a claim refused, a failure that is not
a short transient one) goes through the one-publication path (`publishing`, `outcomes`), so holding,
failing, releasing and reconciling are written once.
"""

import logging
import secrets
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import redis
import requests.adapters
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from redis.backoff import NoBackoff
from redis.retry import Retry

from calendar_app.models import Post, PostStatus, Workspace
from calendar_app.services.workflow import current_approvals_of, posts_system_transition
from scheduler.adapters import Adapter, PublishResult, TransientError
from scheduler.adapters.http import shared_connections
from scheduler.models import Channel, PreflightReport, Publication, PublishAttempt
from scheduler.services.channels import CallLog, channel_adapter
from scheduler.services.engine_settings import engine_setting
from scheduler.services.leases import publications_lease
from scheduler.services.outcomes import (
    AttemptRecord,
    Published,
    outcome_published,
    outcome_release,
    outcomes_published,
    retry_delay,
)
from scheduler.services.preflight import deferred_checks, preflight_judge
from scheduler.services.publishing import (
    attempt_finish,
    claim_changes,
    outcome_for_error,
    publication_publish_when_due,
    publication_request,
    publications_claimable,
)
from scheduler.services.queueing import enqueue_publish

log = logging.getLogger(__name__)
P = Publication.Status
Trigger = PreflightReport.Trigger


@dataclass
class Prepared:
    publication: Publication
    content_hash: str  # the hash it was queued for
    report: PreflightReport


@dataclass
class Sent:
    prepared: Prepared
    attempts: list[AttemptRecord] = field(default_factory=list)
    result: PublishResult | None = None
    error: BaseException | None = None
    published_at: datetime | None = None
    started: bool = False  # False: the send deadline passed before its turn; nothing left this machine


def publications_publish_burst(*, items: list[tuple[int, str]], due: datetime, worker: str) -> Counter:
    """Publish these (publication id, queued content hash) pairs at `due`; counts outcomes by name."""
    counts: Counter = Counter()
    started = time.monotonic()
    ready, others = _prepare(items, due=due)
    for publication_id, content_hash in others:
        enqueue_publish(publication_id=publication_id, content_hash=content_hash, eta=due)
    counts["alone"] += len(others)
    prepare_seconds = time.monotonic() - started
    _sleep_until(due - timedelta(seconds=engine_setting("PAUTA_BURST_CLAIM_AHEAD_SECONDS")))
    token = secrets.token_hex(16)
    claimed = _claim(ready, token=token, worker=worker, due=due)
    claim_lead = (due - timezone.now()).total_seconds()
    claimed_ids = {item.publication.pk for item in claimed}
    with publications_lease(publication_ids=list(claimed_ids), token=token):
        unclaimed = [item for item in ready if item.publication.pk not in claimed_ids]
        # A report stands for a claim that happened; the lone path judges the refused ones again.
        if unclaimed:
            PreflightReport.objects.filter(pk__in=[item.report.pk for item in unclaimed]).delete()
        _sleep_until(due)
        claimed, stopped = _release_stopped(claimed, token=token)
        counts.update(stopped)
        sending, sending_cpu = time.monotonic(), time.process_time()
        with _sending(due, counted=bool(claimed)):
            sent = _send_all(claimed, worker=worker)
        sent_at = time.monotonic()
        if claimed:
            _wait_for_the_moments_sends(due)
        recording, recording_cpu = time.monotonic(), time.process_time()
        counts.update(_record(sent, token=token))
    if claimed:
        log.info(
            "burst due %s: %d prepared in %.2f s, %d claimed %.3f s before due, sent in %.2f s (%.2f s CPU), "
            "waited %.2f s for the other bursts' sends, recorded in %.2f s (%.2f s CPU)",
            due.isoformat(),
            len(ready),
            prepare_seconds,
            len(claimed),
            claim_lead,
            sent_at - sending,
            recording_cpu - sending_cpu,
            recording - sent_at,
            time.monotonic() - recording,
            time.process_time() - recording_cpu,
        )
    for item in unclaimed:  # refused: answered at once (claimed elsewhere, paused, changed, not due)
        outcome = publication_publish_when_due(
            publication_id=item.publication.pk, content_hash=item.content_hash, worker=worker
        )
        counts[outcome] += 1
    return +counts


def _prepare(items: list[tuple[int, str]], *, due: datetime) -> tuple[list[Prepared], list[tuple[int, str]]]:
    """Judge each scheduled publication; the ones whose checks do not simply pass, and any still unjudged at
    claim time, go alone (each its own task, the one-publication path). A burst already late (work put
    back after a crash) prepares all of it: sending them alone would only be slower."""
    hashes = dict(items)
    claim_at = due - timedelta(seconds=engine_setting("PAUTA_BURST_CLAIM_AHEAD_SECONDS"))
    stop_at = claim_at if claim_at > timezone.now() else None
    publications = (
        Publication.objects.filter(pk__in=hashes, status=P.SCHEDULED)
        .select_related("post__workspace", "post__author", "channel")
        .prefetch_related("post__media", "post__channels")
    )
    publications = list(publications)
    approvals = current_approvals_of(
        list({publication.post_id: publication.post for publication in publications}.values())
    )
    ready, others = [], []
    for publication in publications:
        content_hash = hashes[publication.pk]
        if stop_at is not None and timezone.now() >= stop_at:
            others.append((publication.pk, content_hash))
            continue
        try:
            report, flags = preflight_judge(
                post=publication.post,
                trigger=Trigger.CLAIM,
                channels=[publication.channel],
                publication=publication,
                approvals=approvals[publication.post_id],
            )
        except Exception:
            log.exception("judging publication %s failed; it will be published on its own", publication.pk)
            others.append((publication.pk, content_hash))
            continue
        passed = report.ok and not flags and not deferred_checks(report)
        if passed and content_hash == publication.content_hash:
            ready.append(Prepared(publication, content_hash, report))
        else:
            others.append((publication.pk, content_hash))
    # Stored now, ahead of the due time, to keep the claim short; deleted again if the claim is refused.
    PreflightReport.objects.bulk_create([item.report for item in ready])
    _warm_up({item.publication.channel_id: item.publication.channel for item in ready}.values())
    return ready, others


def _warm_up(channels) -> None:
    """What the sending threads would otherwise all open at once (a Bluesky session), opened once per
    channel. A failure here is only logged: each thread then meets it, and its outcome is recorded."""
    for channel in channels:
        try:
            channel_adapter(channel=channel).warm_up()
        except Exception as exc:
            log.warning("warming up channel %s before a burst failed: %s", channel.pk, exc)


def _sleep_until(due: datetime) -> None:
    wait = (due - timezone.now()).total_seconds()
    if wait > 0:
        time.sleep(wait)


def _claim(ready: list[Prepared], *, token: str, worker: str, due: datetime) -> list[Prepared]:
    """One compare-and-set UPDATE for the whole burst, a moment before `due` (PAUTA_BURST_CLAIM_AHEAD_SECONDS)
    so that bursts claiming at once, which a database serializes, do not make each other late. Its condition
    is the lone claim's: still scheduled, due at `due`, the post approved with the same content, the
    workspace not paused; plus the channel still active and holding the credentials it had when prepared (an
    admin may have reconnected it meanwhile). A pause in the moment between the claim and `due` is caught by
    `_release_paused`; the post, now publishing, can no longer be edited."""
    if not ready:
        return []
    by_id = {item.publication.pk: item for item in ready}
    with transaction.atomic():
        posts = list(
            Post.objects.select_for_update(of=("self",))
            .filter(pk__in={item.publication.post_id for item in ready})
            .order_by("pk")
        )
        now = timezone.now()  # after the locks: the claim's age is what the sweeper judges leases by
        unchanged = _channels_unchanged(ready)
        publications_claimable(now=max(now, due)).filter(pk__in=by_id, channel__in=unchanged).update(
            **claim_changes(now=now, worker=worker, token=token)
        )
        claimed_ids = set(
            Publication.objects.filter(pk__in=by_id, claim_token=token, status=P.PUBLISHING).values_list(
                "pk", flat=True
            )
        )
        claimed = [item for item in ready if item.publication.pk in claimed_ids]
        claimed_posts = {item.publication.post_id for item in claimed}
        posts_system_transition(
            posts=[post for post in posts if post.pk in claimed_posts and post.status == PostStatus.APPROVED],
            action="start_publishing",
        )
    return claimed


def _channels_unchanged(items: list[Prepared]) -> set[int]:
    """The items' channels still active and holding the credentials they had when prepared (an admin may have
    reconnected, disabled or flagged one meanwhile)."""
    credentials = {
        item.publication.channel_id: item.publication.channel.credentials_encrypted for item in items
    }
    return {
        channel_id
        for channel_id, stored in Channel.objects.filter(
            pk__in=credentials, status=Channel.Status.ACTIVE
        ).values_list("pk", "credentials_encrypted")
        if stored == credentials[channel_id]
    }


def _release_stopped(claimed: list[Prepared], *, token: str) -> tuple[list[Prepared], Counter]:
    """At the due time, claims made a moment earlier are given back untouched (`outcome_release`, as the lone
    path does) when, since the claim, their workspace was paused (its resume then handles them like any post
    whose time passed during the pause) or their channel was disabled, flagged or reconnected (queued alone,
    where the checks decide). Two queries when nothing changed."""
    workspaces = {item.publication.post.workspace_id for item in claimed}
    paused = set(Workspace.objects.filter(pk__in=workspaces, paused=True).values_list("pk", flat=True))
    usable = _channels_unchanged(claimed) if claimed else set()
    going, stopped, counts = [], [], Counter()
    for item in claimed:
        if item.publication.post.workspace_id in paused:
            outcome_release(publication=item.publication, token=token)
            counts["paused"] += 1
        elif item.publication.channel_id not in usable:
            outcome_release(publication=item.publication, token=token)
            enqueue_publish(publication_id=item.publication.pk, content_hash=item.content_hash)
            counts["alone"] += 1
        else:
            going.append(item)
            continue
        stopped.append(item.report.pk)
    if stopped:
        PreflightReport.objects.filter(pk__in=stopped).delete()
    return going, counts


def _send_all(claimed: list[Prepared], *, worker: str) -> list[Sent]:
    """Threads share one pool of connections for the burst, closed at its end: nothing is left idle for a
    server to close under the next burst's request. Nothing starts after the send deadline."""
    if not claimed:
        return []
    threads = max(1, min(len(claimed), int(engine_setting("PAUTA_BURST_THREADS"))))
    deadline = time.monotonic() + engine_setting("PAUTA_BURST_SEND_SECONDS")
    transport = requests.adapters.HTTPAdapter(pool_connections=4, pool_maxsize=threads)
    adapters = threading.local()
    try:
        with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="burst") as pool:
            return list(
                pool.map(lambda item: _send_one(item, worker, transport, deadline, adapters), claimed)
            )
    finally:
        transport.close()


def _thread_adapter(adapters: threading.local, channel: Channel) -> tuple[Adapter, CallLog]:
    """A sending thread builds each channel's adapter (credentials decrypted, an HTTP session) once per burst
    rather than once per post: that work was a third of a send's CPU. Its call log is emptied for each
    attempt."""
    built = adapters.__dict__.setdefault("by_channel", {})
    if channel.pk not in built:
        calls = CallLog()
        built[channel.pk] = (channel_adapter(channel=channel, recorder=calls), calls)
    adapter, calls = built[channel.pk]
    calls.records = []
    return adapter, calls


def _send_one(prepared: Prepared, worker: str, transport, deadline: float, adapters: threading.local) -> Sent:
    """One publication's calls, retried in place while the network's trouble looks short and the deadline
    allows. Builds the request here, so images are read only when they are about to be sent."""
    sent = Sent(prepared)
    if time.monotonic() >= deadline:
        return sent
    sent.started = True
    publication = prepared.publication
    attempts_before = publication.attempt_count + 1  # the claim counted this one
    limit = engine_setting("PAUTA_PUBLISH_MAX_ATTEMPTS")
    in_place = engine_setting("PAUTA_BURST_RETRY_IN_PLACE_SECONDS")
    with shared_connections(transport):
        while True:
            attempt = AttemptRecord(started_at=timezone.now(), worker=worker)
            sent.attempts.append(attempt)
            calls = CallLog()
            started = time.monotonic()
            try:
                # From the loaded rows (media prefetched): the sending threads never touch the database.
                request = publication_request(publication=publication)
                adapter, calls = _thread_adapter(adapters, publication.channel)
                sent.result = adapter.publish(request)
            except Exception as exc:
                attempt_finish(attempt, calls, started, exc)
                attempt_number = attempts_before + len(sent.attempts) - 1
                if isinstance(exc, TransientError) and attempt_number < limit:
                    delay = retry_delay(attempt=attempt_number, retry_after=exc.retry_after)
                    if delay <= in_place and time.monotonic() + delay < deadline:
                        attempt.summary = attempt.summary or str(exc)
                        time.sleep(delay)
                        continue
                sent.error = exc
                return sent
            sent.published_at = sent.result.public_since(
                sent_at=attempt.started_at, answered_at=timezone.now(), scheduled_at=publication.scheduled_at
            )
            attempt_finish(attempt, calls, started)
            attempt.summary = sent.result.raw_summary
            return sent


def _sending_key(due: datetime) -> str:
    return f"pauta:bursts-sending:{due.isoformat()}"


_DECREMENT_IF_COUNTED = """
if redis.call('exists', KEYS[1]) == 1 then
  return redis.call('decr', KEYS[1])
end
return 0
"""


def _hint_client() -> redis.Redis:
    """For the sending count, a hint: short timeouts and no retries, so a Redis outage delays no send."""
    return redis.Redis.from_url(
        settings.REDIS_URL, socket_timeout=0.5, socket_connect_timeout=0.5, retry=Retry(NoBackoff(), 0)
    )


@contextmanager
def _sending(due: datetime, *, counted: bool) -> Iterator[None]:
    """Counts, in Redis (shared by all workers), the bursts of this moment that are still sending."""
    client, key = _hint_client(), _sending_key(due) if counted else ""
    try:
        if key:
            client.pipeline(transaction=False).incr(key).expire(key, 300).execute()
    except redis.RedisError:
        key = ""
    try:
        yield
    finally:
        if key:
            with suppress(redis.RedisError):
                client.eval(_DECREMENT_IF_COUNTED, 1, key)
        client.close()


def _wait_for_the_moments_sends(due: datetime) -> None:
    """Recording a burst takes about as much CPU as sending it. On a small server, a burst that records while
    the moment's other bursts still send makes their posts late, while recording a little later costs nothing:
    the published time is when the network answered. So recording waits until no burst of the moment is
    sending, at most PAUTA_BURST_RECORD_WAIT_SECONDS (a killed burst never says it stopped)."""
    client, key = _hint_client(), _sending_key(due)
    deadline = time.monotonic() + engine_setting("PAUTA_BURST_RECORD_WAIT_SECONDS")
    try:
        while time.monotonic() < deadline and int(client.get(key) or 0) > 0:
            time.sleep(0.05)
    except redis.RedisError:
        pass
    finally:
        client.close()


def _record(sent: list[Sent], *, token: str) -> Counter:
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
