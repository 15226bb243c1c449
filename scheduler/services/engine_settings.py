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
    # A lease's TTL. A claim whose lease key is gone and that is older than this belongs to a dead worker;
    # one whose holder's connection closed is taken over sooner (`leases`).
    "PAUTA_PUBLISH_LEASE_SECONDS": 6,
    "PAUTA_PUBLISH_MAX_ATTEMPTS": 10,
    # Publications due at the same moment are published in bursts of at most this many (one task each),
    # delivered this many seconds early to judge the claim-time checks and build the requests, and sent
    # from this many threads per burst (`bursts`). A burst keeps a worker process from its delivery until
    # it is recorded, so workers need about (posts due at one moment / burst size) processes, plus two.
    "PAUTA_BURST_SIZE": 250,
    "PAUTA_BURST_PREPARE_SECONDS": 10,
    # 4 bursts of 250 against a 50 ms network on 2 cores (bench/publish.py, p99 lateness): 16 threads
    # 1.31 s, 24 0.99 s, 32 0.84-1.13 s, 48 1.19 s; past 32 the threads mostly wait for the interpreter.
    "PAUTA_BURST_THREADS": 32,
    # A burst claims its publications this long before their time (they show as publishing meanwhile, and
    # a pause in that moment still stops them): claims that a database serializes then cost no lateness.
    "PAUTA_BURST_CLAIM_AHEAD_SECONDS": 2,
    # A burst retries a transient failure in place, keeping its claim, when the backoff is this short;
    # a longer wait goes back on the schedule.
    "PAUTA_BURST_RETRY_IN_PLACE_SECONDS": 5,
    # No send of a burst starts later than this after its first: the rest are given back and queued alone,
    # which keeps a burst well inside its task's time limit whatever the network does.
    "PAUTA_BURST_SEND_SECONDS": 60,
    # A burst done sending records its outcomes once the moment's other bursts are done sending too, or
    # after this long: recording competes with their sends for the CPU (`bursts`).
    "PAUTA_BURST_RECORD_WAIT_SECONDS": 5,
    # Exponential backoff: base * 2**(attempt-1), capped, with jitter so retries of a burst spread out.
    # A first retry after 50-100 ms keeps a post that met one 503 on its minute; with the attempts above,
    # a network that keeps failing is still tried for 25-50 s before the post fails.
    "PAUTA_RETRY_BASE_SECONDS": 0.1,
    "PAUTA_RETRY_MAX_SECONDS": 300,
    # An unconfirmed publication is read back after this delay (the network may still be writing it).
    "PAUTA_RECONCILE_AFTER_SECONDS": 15,
    "PAUTA_RECONCILE_MAX_ATTEMPTS": 6,
    # Reading an account back is not racing a due time: its retries wait longer (2-4 s, 4-8 s, ...), so a
    # short outage of the network's read API does not settle an unconfirmed post as failed.
    "PAUTA_RECONCILE_RETRY_BASE_SECONDS": 4,
    # The brand identity asked at pre-flight is trusted at claim time for this long.
    "PAUTA_IDENTITY_CACHE_SECONDS": 60,
    # The scheduled pre-flight's link verdicts are reused at claim time when they are this recent.
    "PAUTA_PREFLIGHT_REUSE_LINKS_SECONDS": 1800,
}


def engine_setting(name: str) -> float:
    return float(getattr(settings, name, DEFAULTS[name]))
