"""Leases and single-flight locks against the real Redis. One run at a time, and a run whose process was
SIGKILLed while holding the lock does not hold the dispatcher or the sweeper back until the lock's TTL runs
out; a lease holder that Redis answers slowly is not mistaken for a dead one."""

import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import redis
from django.conf import settings
from django.utils import timezone

from scheduler.services.leases import (
    HOLDER_PREFIX,
    SILENT_SECONDS,
    lease_key,
    lease_seconds,
    leases_dead,
    publications_lease,
    single_flight,
)
from tests.scheduler.engine.conftest import lease_written
from tests.support.redis_proxy import RedisProxy

HOLD_AND_WAIT = """
import django, sys, time
django.setup()
from scheduler.services.leases import single_flight
with single_flight("test-flight", ttl_seconds=60) as leading:
    print("leading" if leading else "not leading", flush=True)
    time.sleep(60)
"""


def holder_process() -> subprocess.Popen:
    """A real process that takes the lock and keeps it (for a minute, unless killed)."""
    env = {**os.environ, "REDIS_URL": settings.REDIS_URL, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    process = subprocess.Popen(
        [sys.executable, "-c", HOLD_AND_WAIT], stdout=subprocess.PIPE, text=True, env=env
    )
    assert process.stdout.readline().strip() == "leading"
    return process


def test_one_run_at_a_time_while_the_holder_lives_and_at_once_after_it_is_killed(redis_up_a_while):
    holder = holder_process()
    try:
        with single_flight("test-flight", ttl_seconds=60) as leading:
            assert not leading  # the holder is alive: wait for its run to end
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=10)

    with single_flight("test-flight", ttl_seconds=60) as leading:
        assert leading  # its key would live another minute; its connection died with it
        with single_flight("test-flight", ttl_seconds=60) as second:
            assert not second
    with single_flight("test-flight", ttl_seconds=60) as leading:
        assert leading  # released on the way out


def holder_connections(token: str) -> set[int]:
    """The ids of the connections Redis knows the holder of this claim by."""
    client = redis.Redis.from_url(settings.REDIS_URL)
    try:
        return {
            int(connection["id"])
            for connection in client.client_list(_type="normal")
            if connection.get("name") == f"{HOLDER_PREFIX}{token}"
        }
    finally:
        client.close()


@contextmanager
def lease_through(proxy: RedisProxy, *, publication_id: int, token: str) -> Iterator[None]:
    """A lease whose holder talks to Redis through the proxy (its client is made on entering)."""
    lease = publications_lease(publication_ids=[publication_id], token=token)
    direct_url = settings.REDIS_URL
    settings.REDIS_URL = proxy.url
    try:
        lease.__enter__()
    finally:
        settings.REDIS_URL = direct_url
    try:
        yield
    finally:
        lease.__exit__(None, None, None)


def test_a_holder_whose_redis_answers_slowly_keeps_its_connection_and_is_not_taken_for_dead(
    settings, redis_up_a_while
):
    """Answers held back 3 s, longer than an ordinary call waits (2 s) but shorter than a lease lives (6 s).
    A holder that gave up would close its connection while its key had been silent for seconds: both signs
    of a death, and its posts would be sent a second time while it still sends them."""
    proxy, token, publication_id = RedisProxy(delay=3), secrets.token_hex(8), 10**9 + os.getpid()
    direct = redis.Redis.from_url(settings.REDIS_URL)
    try:
        with lease_through(proxy, publication_id=publication_id, token=token):
            assert lease_written(publication_id, token)
            seen, verdicts, remaining_ms = holder_connections(token), [], []
            assert len(seen) == 1
            proxy.slow.set()
            deadline = time.monotonic() + 4.5
            while time.monotonic() < deadline:
                seen |= holder_connections(token)
                verdicts.append(leases_dead([(publication_id, token, timezone.now())], now=timezone.now()))
                remaining_ms.append(direct.pttl(lease_key(publication_id, token)))
                time.sleep(0.1)
            leaving = time.monotonic()
        left_after = time.monotonic() - leaving
        # The renewals did wait on the slow answers: the key went quiet for longer than SILENT_SECONDS.
        assert 0 < min(remaining_ms) < (lease_seconds() - SILENT_SECONDS) * 1000
        assert len(seen) == 1, f"the holder reconnected {len(seen) - 1} time(s)"
        assert not any(verdicts), "the sweeper took a live holder for dead"
        assert left_after < 1, f"leaving the lease waited {left_after:.1f} s for Redis"
    finally:
        direct.close()
        proxy.stop()


def test_taking_a_lease_does_not_wait_for_a_slow_redis(settings, redis_up_a_while):
    """The lease is taken just before a due post is sent: a Redis answering in 3 s must not make it late.
    Its key is written as soon as Redis answers."""
    proxy, token, publication_id = RedisProxy(delay=3), secrets.token_hex(8), 10**9 + os.getpid()
    proxy.slow.set()
    direct = redis.Redis.from_url(settings.REDIS_URL)
    try:
        entering = time.monotonic()
        with lease_through(proxy, publication_id=publication_id, token=token):
            entered_after = time.monotonic() - entering
            proxy.slow.clear()  # the answers already held back still take their 3 s
            assert lease_written(publication_id, token, within=15)
        assert entered_after < 1, f"taking the lease waited {entered_after:.1f} s for Redis"
    finally:
        direct.close()
        proxy.stop()


def test_a_burst_still_renewing_a_claim_it_handed_back_does_not_speak_for_the_new_holder(redis_up_a_while):
    """A burst hands back the posts it could not send in time, re-queued alone and claimed again under
    another token, and keeps renewing its own leases until it ends. The new holder's lease is its own:
    neither the burst's renewals nor its release make the new claim look dead."""
    publication_id, burst_token, lone_token = 10**9 + os.getpid(), secrets.token_hex(8), secrets.token_hex(8)
    claimed_at = timezone.now() - timedelta(seconds=lease_seconds() + 1)  # a key missing would be fatal
    verdicts = []
    with publications_lease(publication_ids=[publication_id], token=lone_token):
        assert lease_written(publication_id, lone_token)
        with publications_lease(publication_ids=[publication_id], token=burst_token):
            assert lease_written(publication_id, burst_token)
            for _sweep in range(12):
                verdicts.append(leases_dead([(publication_id, lone_token, claimed_at)], now=timezone.now()))
                time.sleep(0.1)
        for _sweep in range(12):  # the burst has released its lease
            verdicts.append(leases_dead([(publication_id, lone_token, claimed_at)], now=timezone.now()))
            time.sleep(0.1)
    assert not any(verdicts), f"the new holder was taken for dead in {sum(map(bool, verdicts))} of 24 sweeps"
    assert leases_dead([(publication_id, lone_token, claimed_at)], now=timezone.now()) == {publication_id}
