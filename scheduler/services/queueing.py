"""Putting work on the Celery queue once the transaction that decided it has committed.

Services decide, tasks carry ids. The tasks module imports the services, so the services reach the tasks
through these functions (imported late) instead of importing them at module level.
"""

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timedelta

import redis
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from scheduler.models import Publication
from scheduler.services.engine_settings import engine_setting

log = logging.getLogger(__name__)
P = Publication.Status
# What a broker that is down or refusing raises; a time limit is not among them and goes on.
BROKER_REFUSALS = (OperationalError, redis.RedisError, OSError)
# Set by `broker_refusals_shared`: the refusals met so far in that scope.
_refusals_met: ContextVar[list[str] | None] = ContextVar("broker_refusals_met", default=None)


@contextmanager
def broker_refusals_shared() -> Iterator[None]:
    """Within it, once the broker has refused one message, the messages after it are not offered: they are
    handed back as refused at once. A broker that hangs costs its socket timeout and the publisher's retries
    for every message (seconds each), and a burst recording a few hundred outcomes one by one would spend them
    into its time limit; the dispatcher's next run queues the handed-back rows all together."""
    scope = _refusals_met.set([])
    try:
        yield
    finally:
        _refusals_met.reset(scope)


def enqueue_publish(
    *, publication_id: int, content_hash: str, eta: datetime | None = None, marked_at: datetime | None = None
) -> None:
    """`marked_at`: the `queued_at` the caller just gave the row, if it did. Refused by the broker, the row
    shows as never queued, and the dispatcher's next run queues it, ahead of its time with an ETA."""
    from scheduler.tasks import publish_task

    _send_or_requeue(
        publish_task,
        [publication_id, content_hash],
        eta=eta,
        rows=_marked(publication_id, P.SCHEDULED, marked_at),
        queued_at=lambda: None,
    )


def enqueue_publish_bursts(
    *,
    bursts: list[tuple[list[tuple[int, str]], datetime]],
    prepare_seconds: float,
    unsent: Callable[[list[int]], None],
) -> None:
    """Each burst (its (publication id, content hash) items and due time) delivered `prepare_seconds` before
    it is due; the task itself waits for the due time (`bursts`). When the broker refuses one, the
    publications of that burst and of the ones after it are handed to `unsent` before the error goes on:
    nothing else would queue them again before the fallback, minutes later."""
    from scheduler.tasks import publish_burst_task

    def send() -> None:
        for index, (items, due) in enumerate(bursts):
            try:
                publish_burst_task.apply_async(
                    args=[[list(item) for item in items], due.isoformat()],
                    eta=due - timedelta(seconds=prepare_seconds),
                )
            # kombu's OperationalError, a Redis error, a time limit: sent twice at worst, which the claim absorbs
            except Exception:
                unsent([publication_id for later, _due in bursts[index:] for publication_id, _hash in later])
                raise

    transaction.on_commit(send)


def enqueue_reconcile(
    *,
    publication_id: int,
    eta: datetime | None = None,
    marked_at: datetime | None = None,
    refused: Callable[[], None] | None = None,
) -> None:
    """Refused by the broker, the row shows as queued long ago, which is what the sweeper looks for: it
    queues the read-back again once due. (An unconfirmed row never queued is one nobody means to read
    back.) `refused` is told, so a sweep stops asking a broker that refuses."""
    from scheduler.tasks import reconcile_task

    def long_ago() -> datetime:
        """Counted from the caller's mark, not from the refusal, which comes after the publisher's retries:
        any sweep at or after the mark (even one run with the caller's own clock) finds the row stale."""
        since = marked_at or timezone.now()
        return since - timedelta(seconds=engine_setting("PAUTA_REQUEUE_FALLBACK_SECONDS") + 1)

    _send_or_requeue(
        reconcile_task,
        [publication_id],
        eta=eta,
        rows=_marked(publication_id, P.UNCONFIRMED, marked_at),
        queued_at=long_ago,
        refused=refused,
    )


def _marked(publication_id: int, status: str, marked_at: datetime | None):
    """The row as the caller left it: a refusal must not undo what another run did to it since."""
    rows = Publication.objects.filter(pk=publication_id, status=status)
    return rows.filter(queued_at=marked_at) if marked_at is not None else rows


def _send_or_requeue(task, args: list, *, eta, rows, queued_at: Callable, refused=None) -> None:
    """Sent once the decision is committed. Should the broker refuse the message, the row's `queued_at`
    is changed so that the dispatcher or the sweeper queues it again in seconds; left as it was, it would
    wait for the fallback, minutes later. The refusal stops there: the outcome is recorded, and a burst
    handing one publication back goes on with the others (without offering them to a broker that refused
    within `broker_refusals_shared`)."""

    def send() -> None:
        met = _refusals_met.get()
        if met:
            log.info("not offering %s %s: the broker refused a %s a moment ago", task.name, args, met[0])
        else:
            try:
                task.apply_async(args=args, eta=eta)
                return
            except BROKER_REFUSALS:
                log.warning(
                    "the broker refused %s %s; it will be queued again", task.name, args, exc_info=True
                )
                if met is not None:
                    met.append(task.name)
        rows.update(queued_at=queued_at())
        if refused is not None:
            refused()

    transaction.on_commit(send)


def enqueue_preflight(*, post_id: int, content_hash: str, unsent: Callable[[], None]) -> None:
    """`unsent` is called when the broker refuses the message, before the error goes on."""
    from scheduler.tasks import preflight_task

    def send() -> None:
        try:
            preflight_task.delay(post_id, content_hash)
        except Exception:
            unsent()
            raise

    transaction.on_commit(send)
