"""Leases and single-flight locks against the real Redis. One run at a time, and a run whose process was
SIGKILLed while holding the lock does not hold the dispatcher or the sweeper back until the lock's TTL runs
out; a lease holder that Redis answers slowly is not mistaken for a dead one."""

import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from contextlib import suppress
from urllib.parse import urlsplit

import redis
from django.conf import settings
from django.utils import timezone
from redis.connection import parse_url

from scheduler.services.leases import (
    HOLDER_PREFIX,
    LEASE_PREFIX,
    SILENT_SECONDS,
    lease_seconds,
    leases_dead,
    publications_lease,
    single_flight,
)

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


class SlowAnswers:
    """A loopback TCP proxy in front of the real Redis that passes requests on at once and holds Redis's
    answers back for `delay` seconds while `slow` is set: a congested path, a busy Redis host."""

    def __init__(self, delay: float):
        self.delay, self.slow = delay, threading.Event()
        self.target = urlsplit(settings.REDIS_URL)
        self.listener = socket.create_server(("127.0.0.1", 0))
        database = parse_url(settings.REDIS_URL).get("db", 0)
        self.url = f"redis://127.0.0.1:{self.listener.getsockname()[1]}/{database}"
        threading.Thread(target=self._accept, daemon=True).start()

    def _upstream(self) -> socket.socket:
        if self.target.scheme == "unix":
            upstream = socket.socket(socket.AF_UNIX)
            upstream.connect(self.target.path)
            return upstream
        return socket.create_connection((self.target.hostname, self.target.port or 6379))

    def _accept(self) -> None:
        while True:
            try:
                client, _address = self.listener.accept()
            except OSError:
                return
            upstream = self._upstream()
            threading.Thread(target=self._pipe, args=(client, upstream, False), daemon=True).start()
            threading.Thread(target=self._pipe, args=(upstream, client, True), daemon=True).start()

    def _pipe(self, source: socket.socket, target: socket.socket, answers: bool) -> None:
        with suppress(OSError):
            while data := source.recv(65536):
                if answers and self.slow.is_set():
                    time.sleep(self.delay)
                target.sendall(data)
        for side in (source, target):  # one side hung up: so does the other, as a TCP path would
            with suppress(OSError):
                side.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        self.listener.close()


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


def test_a_holder_whose_redis_answers_slowly_keeps_its_connection_and_is_not_taken_for_dead(
    settings, redis_up_a_while
):
    """Answers held back 3 s, longer than an ordinary call waits (2 s) but shorter than a lease lives (6 s).
    A holder that gave up would close its connection while its key had been silent for seconds: both signs
    of a death, and its posts would be sent a second time while it still sends them."""
    proxy, token, publication_id = SlowAnswers(delay=3), secrets.token_hex(8), 10**9 + os.getpid()
    direct_url, lease = settings.REDIS_URL, publications_lease(publication_ids=[publication_id], token=token)
    try:
        settings.REDIS_URL = proxy.url  # the holder's client is made on entering, through the proxy
        lease.__enter__()
        settings.REDIS_URL = direct_url
        seen, verdicts, remaining_ms = holder_connections(token), [], []
        assert len(seen) == 1
        proxy.slow.set()
        deadline = time.monotonic() + 4.5
        direct = redis.Redis.from_url(direct_url)
        while time.monotonic() < deadline:
            seen |= holder_connections(token)
            verdicts.append(leases_dead([(publication_id, token, timezone.now())], now=timezone.now()))
            remaining_ms.append(direct.pttl(f"{LEASE_PREFIX}{publication_id}"))
            time.sleep(0.1)
        proxy.slow.clear()
        direct.close()
        # The renewals did wait on the slow answers: the key went quiet for longer than SILENT_SECONDS.
        assert 0 < min(remaining_ms) < (lease_seconds() - SILENT_SECONDS) * 1000
        assert len(seen) == 1, f"the holder reconnected {len(seen) - 1} time(s)"
        assert not any(verdicts), "the sweeper took a live holder for dead"
    finally:
        lease.__exit__(None, None, None)  # through the client it was entered with
        settings.REDIS_URL = direct_url
        proxy.close()
