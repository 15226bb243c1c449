"""Celery tasks: thin wrappers that take ids and call one service.

Each is safe to run twice or late: the services re-read the row and stop when it is no longer in the
expected state (already claimed, content changed since queued, workspace paused). Time limits are set per
task; publishing's soft limit leaves the network call time to end and be recorded as unconfirmed.
"""

import logging
from datetime import datetime

from celery import shared_task
from celery.signals import worker_ready

from scheduler.services import bursts, dispatcher, pause, publishing, reconcile
from scheduler.services.liveness import worker_booted
from scheduler.services.preflight import preflight_scheduled

log = logging.getLogger(__name__)
# Periodic runs that waited behind a busy queue are dropped rather than run late and all at once: the next
# tick does the same work with fresh data.
PERIODIC_EXPIRES = 10


@worker_ready.connect
def _record_worker_boot(**kwargs) -> None:
    """A new worker may be replacing one that died holding messages (see `liveness`)."""
    worker_booted()


def _worker_name(task) -> str:
    return task.request.hostname or "worker"


@shared_task(bind=True, soft_time_limit=20, time_limit=30, ignore_result=True, expires=PERIODIC_EXPIRES)
def dispatch_due_task(self) -> dict:
    return dispatcher.dispatch_due()


@shared_task(bind=True, soft_time_limit=50, time_limit=60, ignore_result=True, expires=PERIODIC_EXPIRES)
def sweep_task(self) -> dict:
    return dispatcher.sweep()


@shared_task(bind=True, soft_time_limit=50, time_limit=60, ignore_result=True, expires=PERIODIC_EXPIRES)
def auto_resume_task(self) -> int:
    return pause.workspaces_auto_resume()


@shared_task(bind=True, soft_time_limit=120, time_limit=150, ignore_result=True)
def preflight_task(self, post_id: int, content_hash: str) -> bool | None:
    report = preflight_scheduled(post_id=post_id, content_hash=content_hash)
    return None if report is None else report.ok


@shared_task(bind=True, soft_time_limit=75, time_limit=90, ignore_result=True)
def publish_task(self, publication_id: int, content_hash: str) -> str:
    outcome = publishing.publication_publish_when_due(
        publication_id=publication_id, content_hash=content_hash, worker=_worker_name(self)
    )
    log.info("publication %s: %s", publication_id, outcome)
    return outcome


@shared_task(bind=True, soft_time_limit=150, time_limit=180, ignore_result=True)
def publish_burst_task(self, items: list[list], due: str) -> dict:
    """A burst waits until `due` (it is queued a few seconds ahead to prepare); the limits leave room for
    that wait, a slow network call and the in-place retries."""
    counts = bursts.publications_publish_burst(
        items=[(publication_id, content_hash) for publication_id, content_hash in items],
        due=datetime.fromisoformat(due),
        worker=_worker_name(self),
    )
    log.info("burst of %d due %s: %s", len(items), due, dict(counts))
    return dict(counts)


@shared_task(bind=True, soft_time_limit=75, time_limit=90, ignore_result=True)
def reconcile_task(self, publication_id: int) -> str:
    outcome = reconcile.publication_reconcile(publication_id=publication_id, worker=_worker_name(self))
    log.info("publication %s reconcile: %s", publication_id, outcome)
    return outcome
