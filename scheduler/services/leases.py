"""Leases in Redis: proof that a process is still working on a claimed publication.

A worker killed with SIGKILL cannot say it died. While it publishes, a background thread keeps a key
with a short TTL fresh, over a Redis connection of its own named after the claim. Two signs tell the sweeper
that nobody works on a claim any more:

- the named connection is gone: the kernel closes a killed process's sockets at once, so Redis knows within
  milliseconds (asked with one CLIENT LIST), without waiting for a TTL;
- the key has expired: the holder stopped renewing (a frozen process, or a Redis that refuses CLIENT LIST).

Either way the claim is recovered within a sweep of the crash instead of after the broker's visibility
timeout (an hour). A live holder is never taken over on a guess: when Redis cannot answer, every lease counts
as held.
"""

import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress

import redis

from scheduler.heartbeat import redis_client
from scheduler.services.engine_settings import engine_setting

LEASE_PREFIX = "pauta:lease:publication:"
HOLDER_PREFIX = "pauta-holder-"


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
    client = redis_client(client_name=f"{HOLDER_PREFIX}{token}")
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
        client.close()


def leases_held(claims: list[tuple[int, str]]) -> set[int]:
    """The publication ids among these (id, claim token) pairs whose lease is alive: its key holds the token
    and its holder's connection is open. Two round trips; all of them when Redis cannot answer."""
    if not claims:
        return set()
    client = redis_client()
    try:
        values = client.mget([_key(publication_id) for publication_id, _token in claims])
    except redis.RedisError:
        return {publication_id for publication_id, _token in claims}
    holders = _holders_connected(client)
    return {
        publication_id
        for (publication_id, token), value in zip(claims, values, strict=True)
        if value is not None and value.decode() == token and (holders is None or token in holders)
    }


def _holders_connected(client: redis.Redis) -> set[str] | None:
    """The claim tokens whose holder has a connection open; None when Redis will not list its clients
    (a managed Redis may forbid CLIENT LIST): the keys' TTL alone then tells."""
    try:
        connections = client.client_list(_type="normal")
    except redis.RedisError:
        return None
    return {
        connection["name"].removeprefix(HOLDER_PREFIX)
        for connection in connections
        if connection.get("name", "").startswith(HOLDER_PREFIX)
    }


_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('del', KEYS[1])
end
return 0
"""


_TAKE_OVER = """
if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('set', KEYS[1], ARGV[2], 'PX', ARGV[3])
end
return false
"""


@contextmanager
def single_flight(name: str, *, ttl_seconds: float) -> Iterator[bool]:
    """Yields True to one caller at a time; the others skip their run. Periodic runs that queued up behind a
    busy worker would otherwise all run at once and fight over the same rows. Correctness never depends on
    it (every write is a compare-and-set), so when Redis cannot answer, everyone runs.

    The holder keeps a connection named after its token, like a lease: a run killed while holding the lock
    (its worker SIGKILLed) is taken over by the next caller at once, instead of holding the dispatcher or
    the sweeper back until the lock's TTL runs out."""
    key, token = f"pauta:single-flight:{name}", secrets.token_hex(8)
    client = redis_client(client_name=f"{HOLDER_PREFIX}{token}")
    ttl_ms = int(ttl_seconds * 1000)
    try:
        acquired = bool(client.set(key, token, nx=True, px=ttl_ms))
        if not acquired:
            holder = client.get(key)
            holders = _holders_connected(client)
            if holder is not None and holders is not None and holder.decode() not in holders:
                acquired = bool(client.eval(_TAKE_OVER, 1, key, holder, token, ttl_ms))
    except redis.RedisError:
        acquired, key = True, ""
    try:
        yield acquired
    finally:
        if acquired and key:
            with suppress(redis.RedisError):
                client.eval(_RELEASE, 1, key, token)
        client.close()
