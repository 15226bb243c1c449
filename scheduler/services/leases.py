"""Leases in Redis: proof that a process is still working on a claimed publication.

A worker killed with SIGKILL cannot say it died. While it publishes, a background thread renews a key with
a short TTL every RENEW_SECONDS, over a Redis connection of its own named after the claim. A claim is taken
over by the sweeper when either:

- its holder's named connection is gone *and* its key has not been renewed for SILENT_SECONDS: the kernel
  closes a killed process's sockets at once, so a crash is seen SILENT_SECONDS after the last renewal, or
  at the sweeper's first run after the crash if that is later (the sweeper waits out a fresh key, see
  `leases_dead`). Both signs are needed: a live holder whose connection dropped (a network blip)
  reconnects at its next renewal, and one that is merely slow (starved of CPU) keeps its connection. Were
  a live holder taken for dead all the same, its posts would be sent again with the same idempotency keys
  and its own outcomes would lose the compare-and-set. A key replayed once the first request has finished
  is answered with the post the network already has; two requests in flight at once may not be (Mastodon
  records the key only once the post exists, a webhook's receiver may ignore the delivery id), which is
  why one sign alone is never enough;
- or its key is gone and the claim is older than the lease TTL: a holder that stopped renewing, or a claim
  whose lease was never written.

The connections are only trusted when Redis shows names (the sweeper finds its own named connection in
CLIENT LIST) and has been up for a few seconds: right after a restart the holders have not reconnected yet.
Otherwise, and whenever Redis cannot answer, only the keys' TTL tells, and a claim is never taken over on a
guess.
"""

import logging
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import datetime, timedelta

import redis
from django.conf import settings
from redis.backoff import NoBackoff
from redis.retry import Retry

from scheduler.services.engine_settings import engine_setting

log = logging.getLogger(__name__)

LEASE_PREFIX = "pauta:lease:publication:"
HOLDER_PREFIX = "pauta-holder-"
RENEW_SECONDS = 0.25
SILENT_SECONDS = 0.75  # three renewals missed
RECONNECTED_SECONDS = 3  # after a Redis restart, every live holder has renewed (and reconnected) by then


def lease_seconds() -> float:
    return engine_setting("PAUTA_PUBLISH_LEASE_SECONDS")


def lease_key(publication_id: int, token: str) -> str:
    """One key per claim, not per publication: a burst still renewing a claim it handed back (re-queued
    alone, claimed again under another token) can neither overwrite nor delete the new holder's lease."""
    return f"{LEASE_PREFIX}{publication_id}:{token}"


def named_client(name: str, *, answer_timeout: float = 2) -> redis.Redis:
    """A client whose connections are named in Redis, on every (re)connection. Best effort: a Redis that
    refuses CLIENT SETNAME still serves the client, unnamed (the sweeper then relies on keys alone)."""

    def connect(connection) -> None:
        connection.on_connect()
        with suppress(redis.ResponseError):
            connection.send_command("CLIENT", "SETNAME", name)
            connection.read_response()

    return redis.Redis.from_url(
        settings.REDIS_URL,
        socket_timeout=answer_timeout,
        socket_connect_timeout=2,
        redis_connect_func=connect,
        retry=Retry(NoBackoff(), 0),
    )


def holder_client(token: str) -> redis.Redis:
    """The connection a holder is known by. It waits for a slow answer as long as a lease lives: a client
    that gave up sooner would close its connection with its key already silent, the very signs of a death,
    and the sweeper would send its posts again while it still sends them. Past the TTL the key is gone and
    the claim is taken over anyway. No retries inside a call: the next renewal is the retry."""
    return named_client(f"{HOLDER_PREFIX}{token}", answer_timeout=lease_seconds())


@contextmanager
def publication_lease(*, publication_id: int, token: str) -> Iterator[None]:
    with publications_lease(publication_ids=[publication_id], token=token):
        yield


@contextmanager
def publications_lease(*, publication_ids: list[int], token: str) -> Iterator[None]:
    """Hold the leases for the block, renewed together by one thread; a Redis outage only weakens crash
    detection, never the claim itself.

    The thread does all the Redis work, the first write and the release included, on its one connection:
    the publishing thread waits at most RENEW_SECONDS for the first write (a slow Redis could otherwise
    hold a due post back for seconds), and the release can never land before a renewal still on its way."""
    if not publication_ids:
        yield
        return
    client = holder_client(token)
    keys = [lease_key(publication_id, token) for publication_id in publication_ids]
    ttl_ms = int(lease_seconds() * 1000)
    written, stop = threading.Event(), threading.Event()

    def renew() -> None:
        try:
            pipeline = client.pipeline(transaction=False)
            for key in keys:
                pipeline.set(key, token, px=ttl_ms)
            pipeline.execute()
        except redis.RedisError:
            pass  # the next renewal tries again; meanwhile only the key's TTL speaks for this holder
        except Exception:
            log.exception("renewing the leases of %s failed", token)  # and keep renewing

    def hold() -> None:
        try:
            renew()
            written.set()
            while not stop.wait(RENEW_SECONDS):
                renew()
            with suppress(redis.RedisError):
                client.delete(*keys)
        finally:
            written.set()
            client.close()

    thread = threading.Thread(target=hold, daemon=True, name=f"lease-{publication_ids[0]}")
    try:  # a time limit may interrupt even `start`: whatever happens, the thread is told to stop
        thread.start()
        written.wait(RENEW_SECONDS)
        yield
    finally:
        stop.set()
        if thread.is_alive():
            thread.join(timeout=RENEW_SECONDS)


def leases_dead(
    claims: list[tuple[int, str, datetime]], *, now: datetime, wait_for_silence: bool = False
) -> set[int]:
    """The publication ids among these (id, claim token, claimed at) whose holder is gone (see above); none
    when Redis cannot answer. A few round trips, whatever the number of claims (twice, after a wait of at
    most SILENT_SECONDS, when some holder's connection is gone but its key is fresh).

    With `wait_for_silence` (the sweeper), a holder whose connection is gone but whose key was renewed less
    than SILENT_SECONDS ago is looked at again the moment its key would have gone silent, instead of a
    sweep later: a worker killed just before a sweep is taken over within SILENT_SECONDS rather than up to
    a second after that. A live holder has reconnected and renewed by then, and is left alone."""
    dead, suspects, silent_in = _leases_judged(claims, now=now)
    if wait_for_silence and suspects:
        time.sleep(silent_in)
        dead |= _leases_judged(suspects, now=now + timedelta(seconds=silent_in))[0]
    return dead


def _leases_judged(
    claims: list[tuple[int, str, datetime]], *, now: datetime
) -> tuple[set[int], list[tuple[int, str, datetime]], float]:
    """(the dead, the suspects: connection gone but key renewed of late, seconds until all of them would be
    silent)."""
    if not claims:
        return set(), [], 0.0
    client = named_client(f"pauta-sweeper-{secrets.token_hex(8)}")
    try:
        values = client.mget([lease_key(publication_id, token) for publication_id, token, _at in claims])
        holders = _holders_connected(client)
        leased = {
            publication_id
            for (publication_id, token, _at), value in zip(claims, values, strict=True)
            if value is not None and value.decode() == token
        }
        orphaned = (
            []
            if holders is None
            else [claim for claim in claims if claim[0] in leased and claim[1] not in holders]
        )
        pipeline = client.pipeline(transaction=False)
        for publication_id, token, _at in orphaned:
            pipeline.pttl(lease_key(publication_id, token))
        remaining = pipeline.execute() if orphaned else []
    except redis.RedisError:
        return set(), [], 0.0
    finally:
        client.close()
    never_leased_before = now - timedelta(seconds=lease_seconds())
    dead = {
        publication_id
        for publication_id, _token, claimed_at in claims
        if publication_id not in leased and (claimed_at is None or claimed_at < never_leased_before)
    }
    silent_below_ms = (lease_seconds() - SILENT_SECONDS) * 1000
    dead |= {
        claim[0]
        for claim, remaining_ms in zip(orphaned, remaining, strict=True)
        if 0 <= remaining_ms < silent_below_ms
    }
    not_yet_silent = [
        (claim, remaining_ms)
        for claim, remaining_ms in zip(orphaned, remaining, strict=True)
        if remaining_ms >= silent_below_ms
    ]
    if not not_yet_silent:
        return dead, [], 0.0
    # Until the last of them would be silent: a worker's bursts renew their leases at different moments
    # of the same RENEW_SECONDS, and each left to the next sweep would come back a second later.
    silent_in = (max(remaining_ms for _claim, remaining_ms in not_yet_silent) - silent_below_ms) / 1000 + 0.01
    return dead, [claim for claim, _remaining_ms in not_yet_silent], silent_in  # PTTL never exceeds the TTL


def _holders_connected(client: redis.Redis) -> set[str] | None:
    """The claim tokens whose holder has a connection open, or None when connections cannot be trusted: Redis
    will not list its clients (a managed Redis may forbid CLIENT LIST), does not show names (a proxy), or
    restarted moments ago."""
    try:
        connections = client.client_list(_type="normal")
        own_name = client.client_getname()
        uptime = client.info("server").get("uptime_in_seconds", 0)
    except redis.RedisError:
        return None
    names = {connection.get("name", "") for connection in connections}
    if not own_name or own_name not in names or uptime < RECONNECTED_SECONDS:
        return None
    return {name.removeprefix(HOLDER_PREFIX) for name in names if name.startswith(HOLDER_PREFIX)}


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
    client = named_client(f"{HOLDER_PREFIX}{token}")
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
