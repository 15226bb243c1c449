import logging
import threading

import redis
from django.conf import settings

log = logging.getLogger(__name__)
HEARTBEAT_PREFIX = "pauta:worker-heartbeat:"


def redis_client() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2)


def heartbeat_loop(worker_name: str, stop: threading.Event) -> None:
    """Beats at once, then every interval until `stop` is set: a worker is seen alive as soon as it is ready."""
    interval = settings.PAUTA_WORKER_HEARTBEAT_SECONDS
    client = redis_client()
    while True:
        try:
            client.set(HEARTBEAT_PREFIX + worker_name, "1", ex=interval * 3)
        except redis.RedisError as exc:
            log.warning("worker heartbeat could not reach Redis: %s", exc)
        if stop.wait(interval):
            return


def live_workers() -> list[str]:
    client = redis_client()
    return sorted(key.decode()[len(HEARTBEAT_PREFIX) :] for key in client.scan_iter(HEARTBEAT_PREFIX + "*"))
