"""Putting work on the Celery queue once the transaction that decided it has committed.

Services decide, tasks carry ids. The tasks module imports the services, so the services reach the tasks
through these functions (imported late) instead of importing them at module level.
"""

from collections.abc import Callable
from datetime import datetime, timedelta

from django.db import transaction


def enqueue_publish(*, publication_id: int, content_hash: str, eta: datetime | None = None) -> None:
    from scheduler.tasks import publish_task

    publish_task.apply_async_on_commit(args=[publication_id, content_hash], eta=eta)


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

    reconcile_task.apply_async_on_commit(args=[publication_id], eta=eta)


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
