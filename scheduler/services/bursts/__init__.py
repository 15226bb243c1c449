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
   with them for the CPU). The published time is when the network's answer arrived, or, for a post a
   killed worker had already sent, when the network says it created it (`publishing.published_time`).

Anything off the common path (a check that fails or is deferred, a claim refused, a failure that is not
a short transient one) goes through the one-publication path (`publishing`, `outcomes`), so holding,
failing, releasing and reconciling are written once.

The steps live in `preparing` (1 and 2), `sending` (3), `recording` (4) and `moment` (the count, across
workers, of the moment's bursts still sending).
"""

import logging
import secrets
import time
from collections import Counter
from datetime import datetime, timedelta

from django.utils import timezone

from scheduler.models import PreflightReport
from scheduler.services.engine_settings import engine_setting
from scheduler.services.leases import publications_lease
from scheduler.services.publishing import publication_publish_when_due
from scheduler.services.queueing import broker_refusals_shared, enqueue_publish

from .moment import counted_as_sending, wait_for_the_moments_sends
from .preparing import claim, prepare, release_stopped, sleep_until
from .recording import record
from .sending import send_all

log = logging.getLogger(__name__)


def publications_publish_burst(*, items: list[tuple[int, str]], due: datetime, worker: str) -> Counter:
    """Publish these (publication id, queued content hash) pairs at `due`; counts outcomes by name. Once the
    broker refuses one of the messages the burst queues, the others are handed back without asking it."""
    with broker_refusals_shared():
        return _publish_burst(items=items, due=due, worker=worker)


def _publish_burst(*, items: list[tuple[int, str]], due: datetime, worker: str) -> Counter:
    counts: Counter = Counter()
    started = time.monotonic()
    ready, others = prepare(items, due=due)
    for publication_id, content_hash in others:
        enqueue_publish(publication_id=publication_id, content_hash=content_hash, eta=due)
    counts["alone"] += len(others)
    prepare_seconds = time.monotonic() - started
    sleep_until(due - timedelta(seconds=engine_setting("PAUTA_BURST_CLAIM_AHEAD_SECONDS")))
    token = secrets.token_hex(16)
    claimed = claim(ready, token=token, worker=worker, due=due)
    claim_lead = (due - timezone.now()).total_seconds()
    claimed_ids = {item.publication.pk for item in claimed}
    with publications_lease(publication_ids=list(claimed_ids), token=token):
        unclaimed = [item for item in ready if item.publication.pk not in claimed_ids]
        # A report stands for a claim that happened; the lone path judges the refused ones again.
        if unclaimed:
            PreflightReport.objects.filter(pk__in=[item.report.pk for item in unclaimed]).delete()
        sleep_until(due)
        claimed, stopped = release_stopped(claimed, token=token)
        counts.update(stopped)
        sending, sending_cpu = time.monotonic(), time.process_time()
        with counted_as_sending(due, counted=bool(claimed)):
            sent = send_all(claimed, worker=worker)
        sent_at = time.monotonic()
        if claimed:
            wait_for_the_moments_sends(due)
        recording, recording_cpu = time.monotonic(), time.process_time()
        counts.update(record(sent, token=token))
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
