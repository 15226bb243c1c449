"""Exactly one Celery beat sends the periodic tasks: a leader lock in Redis.

Run ONE beat per deployment (`celery -A config beat`, started by `make run`). If a second one is started by
mistake (two hosts, a restarted container while the old one lingers), it finds the lock held and stays
idle, logging who holds it; it takes over within `LEADER_TTL_SECONDS` if the leader dies. Correctness does
not depend on this lock — dispatching and claiming are compare-and-set updates — but it keeps the queue
free of doubled periodic work.

Enabled by `CELERY_BEAT_SCHEDULER = "scheduler.beat:LeaderScheduler"` in the settings.
"""

import logging
import os
import socket
import uuid

import redis
from celery.beat import PersistentScheduler

from scheduler.heartbeat import redis_client

log = logging.getLogger(__name__)
LEADER_KEY = "pauta:beat:leader"
LEADER_TTL_SECONDS = 15
# Extend the lock only if we still hold it: a beat that lost it (paused for longer than the TTL) must not
# steal it back from the beat that took over.
_RENEW = """
if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('pexpire', KEYS[1], ARGV[2])
end
return 0
"""


class BeatLeaderLock:
    def __init__(self, client: redis.Redis | None = None, *, ttl_seconds: int = LEADER_TTL_SECONDS) -> None:
        self.client = client or redis_client()
        self.ttl_ms = ttl_seconds * 1000
        self.identity = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.leading: bool | None = None

    def acquire_or_renew(self) -> bool:
        try:
            if self.client.set(LEADER_KEY, self.identity, nx=True, px=self.ttl_ms):
                leading = True
            else:
                leading = bool(self.client.eval(_RENEW, 1, LEADER_KEY, self.identity, self.ttl_ms))
        except redis.RedisError as exc:
            log.warning("beat leader lock unavailable (%s); not sending periodic tasks", exc)
            leading = False
        if leading != self.leading:
            if leading:
                log.info("this beat (%s) is the leader and sends the periodic tasks", self.identity)
            else:
                log.warning("another beat holds the leader lock (%s); this one stays idle", self.holder())
        self.leading = leading
        return leading

    def holder(self) -> str:
        try:
            value = self.client.get(LEADER_KEY)
        except redis.RedisError:
            return "unknown"
        return value.decode() if value else "nobody"

    def release(self) -> None:
        try:
            if self.client.get(LEADER_KEY) == self.identity.encode():
                self.client.delete(LEADER_KEY)
        except redis.RedisError:
            log.warning("could not release the beat leader lock; it expires by itself")


class LeaderScheduler(PersistentScheduler):
    def __init__(self, *args, **kwargs) -> None:
        self.leader_lock = BeatLeaderLock()
        super().__init__(*args, **kwargs)

    def apply_entry(self, entry, producer=None):
        if not self.leader_lock.acquire_or_renew():
            return None
        return super().apply_entry(entry, producer=producer)

    def close(self) -> None:
        self.leader_lock.release()
        super().close()
