"""When could queued messages have been lost? Moments recorded in Redis that tell the dispatcher so.

A publish message waiting for its ETA lives in a worker's memory (and, unacknowledged, in the broker until
its visibility timeout, an hour later). It is lost for practical purposes when that worker dies, and for
good when the broker restarts empty. Re-sending every late publication "just in case" would flood a busy
queue with duplicates at the worst moment, so the dispatcher re-sends only publications queued before one
of these moments: a worker started (it may replace one that died), a worker's heartbeat vanished, or the
broker lost its memory (its epoch key is gone).
"""

from contextlib import suppress
from datetime import UTC, datetime

import redis

from scheduler.heartbeat import live_workers, redis_client

LAST_BOOT = "pauta:workers:last-boot"
LAST_LOSS = "pauta:workers:last-loss"
KNOWN = "pauta:workers:known"
EPOCH = "pauta:broker:epoch"


def _now() -> float:
    return datetime.now(UTC).timestamp()


def worker_booted() -> None:
    with suppress(redis.RedisError):
        redis_client().set(LAST_BOOT, _now())


def workers_observe() -> None:
    """Called by the sweeper: a worker that was seen alive and no longer has a heartbeat has died."""
    with suppress(redis.RedisError):
        client = redis_client()
        alive = set(live_workers())
        known = {member.decode() for member in client.smembers(KNOWN)}
        gone = known - alive
        if gone:
            client.set(LAST_LOSS, _now())
            client.srem(KNOWN, *gone)
        if alive:
            client.sadd(KNOWN, *alive)


def messages_possibly_lost_since() -> datetime | None:
    """The latest moment before which a queued message may have been lost; None when Redis cannot say."""
    try:
        client = redis_client()
        client.set(EPOCH, _now(), nx=True)
        values = client.mget(LAST_BOOT, LAST_LOSS, EPOCH)
    except redis.RedisError:
        return None
    moments = [float(value) for value in values if value is not None]
    return datetime.fromtimestamp(max(moments), UTC) if moments else None
