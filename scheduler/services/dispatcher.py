"""The dispatcher (every couple of seconds, from beat) and the sweeper.

No beat entry per post: the dispatcher looks a short window ahead and enqueues the due publications as
bursts (`bursts`): one task per due moment and at most `PAUTA_BURST_SIZE` publications, delivered a few
seconds early so the worker prepares them and sends them on the second. Marking publications queued is
a compare-and-set on `queued_at` in short statements (a long transaction would hold row locks the claims
are waiting for); each run marks with its own timestamp and enqueues only the rows that carry it, so two
dispatchers never enqueue the same row twice; and if they somehow did, the claim would still let only one
message publish. Rows the broker refused are unmarked at once, for the next run to queue (pre-flights too,
and the workers' retries and read-backs: `queueing`).

Messages can be lost (a worker killed while holding ETA tasks, a broker restarted empty). The database is
the truth: a publication still scheduled after its time that was queued before such a loss could have
happened (`liveness`) is enqueued again, and so is anything queued long ago and never claimed. The sweeper
also recovers claims whose worker died (`leases`), and queues them at once, and unconfirmed publications
whose read-back message was lost.
"""

from collections import defaultdict
from collections.abc import Iterator
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from calendar_app.models import PostStatus, Workspace
from scheduler.models import Publication
from scheduler.services.engine_settings import engine_setting
from scheduler.services.leases import single_flight
from scheduler.services.liveness import messages_possibly_lost_since, workers_observe
from scheduler.services.queueing import enqueue_preflight, enqueue_publish_bursts, enqueue_reconcile
from scheduler.services.reconcile import publications_recover_stuck

P = Publication.Status
BATCH = 5000
# How long a run may keep the others out. Short: a worker killed in the middle of a sweep would otherwise
# hold back crash recovery until its lock expires; a run that takes longer merely lets a second one start,
# which is harmless (every write is a compare-and-set).
SINGLE_FLIGHT_SECONDS = 10
IDLE = {"queued": 0, "requeued": 0, "preflights": 0}


def _not_queued(stale_before=None) -> Q:
    """Never queued, or queued before `stale_before` (its message may be gone)."""
    condition = Q(queued_at__isnull=True)
    if stale_before is not None:
        condition |= Q(queued_at__lt=stale_before)
    return condition


def _mark_queued(publication_id: int, *, now, stale_before=None) -> bool:
    return bool(
        Publication.objects.filter(_not_queued(stale_before), pk=publication_id).update(queued_at=now)
    )


def _chunks(values: list, size: int = 500) -> Iterator[list]:
    """In lists of `size`; the default keeps a statement within SQLite's limit on parameters."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _mark_all_queued(publication_ids: list[int], *, now, stale_before=None) -> set[int]:
    """`_mark_queued` for many rows in two statements. The rows this run marked are the ones holding its own
    `now` (a timestamp to the microsecond): a dispatcher running at the same time marks with another."""
    marked = set()
    for chunk in _chunks(publication_ids):
        Publication.objects.filter(_not_queued(stale_before), pk__in=chunk).update(queued_at=now)
        marked |= set(Publication.objects.filter(pk__in=chunk, queued_at=now).values_list("pk", flat=True))
    return marked


def _enqueue_rows(rows, *, now, stale_before=None) -> int:
    """Marked together, then enqueued as bursts: one task per due moment and `PAUTA_BURST_SIZE` rows."""
    marked = _mark_all_queued(
        [publication_id for publication_id, _hash, _due in rows], now=now, stale_before=stale_before
    )
    due_together: dict = defaultdict(list)
    for publication_id, content_hash, due in rows:
        if publication_id in marked:
            due_together[max(due, now)].append((publication_id, content_hash))
    size = max(1, int(engine_setting("PAUTA_BURST_SIZE")))
    bursts = [(chunk, due) for due, items in due_together.items() for chunk in _chunks(items, size)]
    if not bursts:
        return 0

    def unmark(publication_ids: list[int]) -> None:
        """The broker refused them: the next run queues them again."""
        for chunk in _chunks(publication_ids):
            Publication.objects.filter(pk__in=chunk, status=P.SCHEDULED, queued_at=now).update(queued_at=None)

    enqueue_publish_bursts(
        bursts=bursts, prepare_seconds=engine_setting("PAUTA_BURST_PREPARE_SECONDS"), unsent=unmark
    )
    return sum(len(items) for items, _due in bursts)


def _requeue_before(now):
    """Queued before this moment and still waiting after its time: its message may be gone."""
    fallback = now - timedelta(seconds=engine_setting("PAUTA_REQUEUE_FALLBACK_SECONDS"))
    lost_since = messages_possibly_lost_since()
    return max(fallback, lost_since) if lost_since else fallback


def dispatch_due(*, now=None) -> dict[str, int]:
    with single_flight("dispatch", ttl_seconds=SINGLE_FLIGHT_SECONDS) as leading:
        if not leading:
            return dict(IDLE)
        now = now or timezone.now()
        window = now + timedelta(seconds=engine_setting("PAUTA_DISPATCH_WINDOW_SECONDS"))
        grace = now - timedelta(seconds=engine_setting("PAUTA_REQUEUE_AFTER_SECONDS"))
        requeue_before = min(grace, _requeue_before(now))
        scheduled = Publication.objects.filter(status=P.SCHEDULED, post__workspace__paused=False)
        fields = ("pk", "content_hash", "next_attempt_at")
        fresh = scheduled.filter(queued_at__isnull=True, next_attempt_at__lte=window).values_list(*fields)
        overdue = scheduled.filter(next_attempt_at__lte=grace, queued_at__lt=requeue_before).values_list(
            *fields
        )
        return {
            "queued": _enqueue_rows(list(fresh[:BATCH]), now=now),
            "requeued": _enqueue_rows(list(overdue[:BATCH]), now=now, stale_before=requeue_before),
            "preflights": _dispatch_preflights(now=now),
        }


def _dispatch_preflights(*, now) -> int:
    """One scheduled pre-flight per post, `preflight_minutes_before` (a workspace setting) ahead."""
    count = 0
    minutes_in_use = Workspace.objects.filter(paused=False).values_list("preflight_minutes_before", flat=True)
    for minutes in set(minutes_in_use):
        rows = (
            Publication.objects.filter(
                status=P.SCHEDULED,
                preflight_queued_at__isnull=True,
                scheduled_at__lte=now + timedelta(minutes=minutes),
                post__status=PostStatus.APPROVED,
                post__workspace__paused=False,
                post__workspace__preflight_minutes_before=minutes,
            )
            .values_list("post_id", "content_hash")
            .distinct()[:BATCH]
        )
        for post_id, content_hash in set(rows):
            marked = Publication.objects.filter(
                post_id=post_id, status=P.SCHEDULED, preflight_queued_at__isnull=True
            ).update(preflight_queued_at=now)
            if marked:
                enqueue_preflight(
                    post_id=post_id, content_hash=content_hash, unsent=_preflight_unmark(post_id, now)
                )
                count += 1
    return count


def _preflight_unmark(post_id: int, now):
    """The broker refused the post's pre-flight: the next run queues it again (nothing else would)."""
    return lambda: Publication.objects.filter(post_id=post_id, preflight_queued_at=now).update(
        preflight_queued_at=None
    )


def sweep(*, now=None) -> dict[str, int]:
    with single_flight("sweep", ttl_seconds=SINGLE_FLIGHT_SECONDS) as leading:
        if not leading:
            return {"recovered": 0, "reconciles": 0}
        now = now or timezone.now()
        workers_observe()
        grace = now - timedelta(seconds=engine_setting("PAUTA_REQUEUE_AFTER_SECONDS"))
        requeue_before = min(grace, _requeue_before(now))
        recovered = publications_recover_stuck(now=now)
        lost_reads = Publication.objects.filter(
            status=P.UNCONFIRMED, next_attempt_at__lte=grace, queued_at__lt=requeue_before
        )
        reconciles, refused = 0, []
        for publication_id in lost_reads.values_list("pk", flat=True)[:BATCH]:
            if refused:  # the broker refuses: the next sweep tries again, the rest keep their place
                break
            if _mark_queued(publication_id, now=now, stale_before=requeue_before):
                enqueue_reconcile(
                    publication_id=publication_id, marked_at=now, refused=lambda: refused.append(True)
                )
                reconciles += 1
        reconciles -= len(refused)
    if recovered:  # they are late already: queued now rather than at the dispatcher's next tick
        dispatch_due()
    return {"recovered": recovered, "reconciles": reconciles}
