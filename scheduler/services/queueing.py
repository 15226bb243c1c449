"""Putting work on the Celery queue once the transaction that decided it has committed.

Services decide, tasks carry ids. The tasks module imports the services, so the services reach the tasks
through these functions (imported late) instead of importing them at module level.
"""

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from django.db import transaction

from scheduler.models import Publication

log = logging.getLogger(__name__)
P = Publication.Status


def enqueue_publish(*, publication_id: int, content_hash: str, eta: datetime | None = None) -> None:
    from scheduler.tasks import publish_task

    _send_or_unqueue(publish_task, [publication_id, content_hash], eta=eta, publication_id=publication_id)


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


def enqueue_reconcile(*, publication_id: int, eta: datetime | None = None) -> None:
    from scheduler.tasks import reconcile_task

    _send_or_unqueue(reconcile_task, [publication_id], eta=eta, publication_id=publication_id)


def _send_or_unqueue(task, args: list, *, eta: datetime | None, publication_id: int) -> None:
    """Sent once the decision is committed. Should the broker refuse the message, the publication is marked
    as never queued, so the dispatcher's next run (a read-back: the sweeper's) queues it in seconds; marked
    queued, it would wait for the fallback, minutes later. The error stops there: the outcome is recorded,
    and a burst handing one publication back goes on with the others."""

    def send() -> None:
        try:
            task.apply_async(args=args, eta=eta)
        # kombu's OperationalError, a Redis error: whatever the broker raised, the row says "not queued"
        except Exception:
            Publication.objects.filter(pk=publication_id, status__in=[P.SCHEDULED, P.UNCONFIRMED]).update(
                queued_at=None
            )
            log.warning(
                "the broker refused %s for publication %s; it will be queued again",
                task.name,
                publication_id,
                exc_info=True,
            )

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
