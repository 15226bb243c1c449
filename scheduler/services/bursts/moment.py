"""The bursts of one moment still sending, counted in Redis across workers: a hint that lets a burst record
its outcomes once the others are done sending (`bursts`)."""

import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import datetime

import redis
from django.conf import settings
from redis.backoff import NoBackoff
from redis.retry import Retry

from scheduler.services.engine_settings import engine_setting


def _sending_key(due: datetime) -> str:
    return f"pauta:bursts-sending:{due.isoformat()}"


_DECREMENT_IF_COUNTED = """
if redis.call('exists', KEYS[1]) == 1 then
  return redis.call('decr', KEYS[1])
end
return 0
"""


def _hint_client() -> redis.Redis:
    """For the sending count, a hint: short timeouts and no retries, so a Redis outage delays no send."""
    return redis.Redis.from_url(
        settings.REDIS_URL, socket_timeout=0.5, socket_connect_timeout=0.5, retry=Retry(NoBackoff(), 0)
    )


@contextmanager
def counted_as_sending(due: datetime, *, counted: bool) -> Iterator[None]:
    """Counts, in Redis (shared by all workers), the bursts of this moment that are still sending."""
    client, key = _hint_client(), _sending_key(due) if counted else ""
    try:
        if key:
            client.pipeline(transaction=False).incr(key).expire(key, 300).execute()
    except redis.RedisError:
        key = ""
    try:
        yield
    finally:
        if key:
            with suppress(redis.RedisError):
                client.eval(_DECREMENT_IF_COUNTED, 1, key)
        client.close()


def wait_for_the_moments_sends(due: datetime) -> None:
    """Recording a burst takes about as much CPU as sending it. On a small server, a burst that records while
    the moment's other bursts still send makes their posts late, while recording a little later costs nothing:
    the published time is taken when the network answers (`publishing.published_time`). So recording waits
    until no burst of the moment is sending, at most PAUTA_BURST_RECORD_WAIT_SECONDS (a killed burst never says it stopped)."""
    client, key = _hint_client(), _sending_key(due)
    deadline = time.monotonic() + engine_setting("PAUTA_BURST_RECORD_WAIT_SECONDS")
    try:
        while time.monotonic() < deadline and int(client.get(key) or 0) > 0:
            time.sleep(0.05)
    except redis.RedisError:
        pass
    finally:
        client.close()
