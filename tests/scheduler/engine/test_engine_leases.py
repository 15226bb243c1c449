"""Single-flight locks against the real Redis: one run at a time, and a run whose process was SIGKILLed
while holding the lock does not hold the dispatcher or the sweeper back until the lock's TTL runs out."""

import os
import signal
import subprocess
import sys

from django.conf import settings

from scheduler.services.leases import single_flight

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
