"""Timing knobs of the publishing engine, with defaults that meet "within a second of its time".

Each can be overridden in Django settings (tests shorten them; operators rarely need to).
"""

from django.conf import settings

DEFAULTS: dict[str, float] = {
    # The dispatcher enqueues publications due within this window, with an ETA, so workers hold them
    # ready before their time instead of discovering them at the next beat tick.
    "PAUTA_DISPATCH_WINDOW_SECONDS": 30,
    # A queued publication still not claimed this long after its time, and queued before a worker died or
    # started or the broker restarted (`liveness`), is enqueued again; duplicates are harmless because the
    # claim is a compare-and-set.
    "PAUTA_REQUEUE_AFTER_SECONDS": 3,
    # Whatever the cause, a publication queued this long ago and still not claimed is enqueued again.
    "PAUTA_REQUEUE_FALLBACK_SECONDS": 300,
    # A claim whose lease has been silent this long belongs to a dead worker.
    "PAUTA_PUBLISH_LEASE_SECONDS": 6,
    "PAUTA_PUBLISH_MAX_ATTEMPTS": 8,
    # Exponential backoff: base * 2**(attempt-1), capped, with jitter so retries of a burst spread out.
    "PAUTA_RETRY_BASE_SECONDS": 0.5,
    "PAUTA_RETRY_MAX_SECONDS": 300,
    # An unconfirmed publication is read back after this delay (the network may still be writing it).
    "PAUTA_RECONCILE_AFTER_SECONDS": 15,
    "PAUTA_RECONCILE_MAX_ATTEMPTS": 6,
    # The brand identity asked at pre-flight is trusted at claim time for this long.
    "PAUTA_IDENTITY_CACHE_SECONDS": 60,
    # The scheduled pre-flight's link verdicts are reused at claim time when they are this recent.
    "PAUTA_PREFLIGHT_REUSE_LINKS_SECONDS": 1800,
}


def engine_setting(name: str) -> float:
    return float(getattr(settings, name, DEFAULTS[name]))
