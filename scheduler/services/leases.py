"""Leases in Redis: proof that a process is still working on a claimed publication.

A worker killed with SIGKILL cannot say it died. While it publishes, a background thread keeps a key
with a short TTL fresh; when the key is gone and the claim is older than the TTL, the sweeper knows
nobody is working on the publication any more and recovers it, seconds after the crash instead of
after the broker's visibility timeout (an hour).
"""

import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress

import redis

from scheduler.heartbeat import redis_client
from scheduler.services.engine_settings import engine_setting

LEASE_PREFIX = "pauta:lease:publication:"


def lease_seconds() -> float:
    return engine_setting("PAUTA_PUBLISH_LEASE_SECONDS")


def _key(publication_id: int) -> str:
    return f"{LEASE_PREFIX}{publication_id}"


@contextmanager
def publication_lease(*, publication_id: int, token: str) -> Iterator[None]:
    with publications_lease(publication_ids=[publication_id], token=token):
        yield


@contextmanager
def publications_lease(*, publication_ids: list[int], token: str) -> Iterator[None]:
    """Hold the leases for the block, renewed together by one thread; a Redis outage only weakens crash
    detection, never the claim itself."""
    if not publication_ids:
        yield
        return
    client = redis_client()
    ttl_ms = int(lease_seconds() * 1000)
    stop = threading.Event()

    def renew() -> None:
        with suppress(redis.RedisError):
            pipeline = client.pipeline(transaction=False)
            for publication_id in publication_ids:
                pipeline.set(_key(publication_id), token, px=ttl_ms)
            pipeline.execute()

    def refresh() -> None:
        while not stop.wait(lease_seconds() / 3):
            renew()

    renew()
    thread = threading.Thread(target=refresh, daemon=True, name=f"lease-{publication_ids[0]}")
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=1)
        with suppress(redis.RedisError):
            client.delete(*[_key(publication_id) for publication_id in publication_ids])


def leases_held(claims: list[tuple[int, str]]) -> set[int]:
    """The publication ids among these (id, claim token) pairs whose lease is alive, asked in one round trip;
    all of them when Redis cannot answer (a claim is never taken over on a guess)."""
    if not claims:
        return set()
    try:
        values = redis_client().mget([_key(publication_id) for publication_id, _token in claims])
    except redis.RedisError:
        return {publication_id for publication_id, _token in claims}
    return {
        publication_id
        for (publication_id, token), value in zip(claims, values, strict=True)
        if value is not None and value.decode() == token
    }


_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('del', KEYS[1])
end
return 0
"""


@contextmanager
def single_flight(name: str, *, ttl_seconds: float) -> Iterator[bool]:
    """Yields True to one caller at a time; the others skip their run. Periodic runs that queued up behind a
    busy worker would otherwise all run at once and fight over the same rows. Correctness never depends on
    it (every write is a compare-and-set), so when Redis cannot answer, everyone runs."""
    client = redis_client()
    key, token = f"pauta:single-flight:{name}", secrets.token_hex(8)
    try:
        acquired = bool(client.set(key, token, nx=True, px=int(ttl_seconds * 1000)))
    except redis.RedisError:
        acquired, key = True, ""
    try:
        yield acquired
    finally:
        if acquired and key:
            with suppress(redis.RedisError):
                client.eval(_RELEASE, 1, key, token)
