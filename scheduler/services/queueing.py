"""Putting work on the Celery queue once the transaction that decided it has committed.

Services decide, tasks carry ids. The tasks module imports the services, so the services reach the tasks
through these functions (imported late) instead of importing them at module level.
"""

from datetime import datetime, timedelta


def enqueue_publish(*, publication_id: int, content_hash: str, eta: datetime | None = None) -> None:
    from scheduler.tasks import publish_task

    publish_task.apply_async_on_commit(args=[publication_id, content_hash], eta=eta)


def enqueue_publish_burst(*, items: list[tuple[int, str]], due: datetime, prepare_seconds: float) -> None:
    """Delivered `prepare_seconds` before `due`; the task itself waits for the due time (`bursts`)."""
    from scheduler.tasks import publish_burst_task

    publish_burst_task.apply_async_on_commit(
        args=[[list(item) for item in items], due.isoformat()], eta=due - timedelta(seconds=prepare_seconds)
    )


def enqueue_reconcile(*, publication_id: int, eta: datetime | None = None) -> None:
    from scheduler.tasks import reconcile_task

    reconcile_task.apply_async_on_commit(args=[publication_id], eta=eta)


def enqueue_preflight(*, post_id: int, content_hash: str) -> None:
    from scheduler.tasks import preflight_task

    preflight_task.delay_on_commit(post_id, content_hash)
