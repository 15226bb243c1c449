"""`make run`'s launcher, for real: web, worker and beat start on the embedded defaults, /healthz turns 200,
and one SIGINT (what Ctrl-C sends) stops every process it started."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from config.env import BASE_DIR

pytestmark = pytest.mark.worker


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _descendants(pid: int) -> set[int]:
    children = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    parent = int(stat.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            if parent == pid:
                children.add(int(entry))
    for child in list(children):
        children |= _descendants(child)
    return children


def _health(port: int):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as exc:
        return exc.code, json.load(exc)
    except OSError:
        return None, None


def test_run_starts_web_worker_and_beat_and_ctrl_c_stops_them_all(tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(PAUTA_VAR_DIR=str(tmp_path), PAUTA_DEMO_PASSWORD="launcher-test-pw")
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "-v0"], cwd=BASE_DIR, env=env, check=True)
    port = _free_port()
    launcher = subprocess.Popen(
        [*manage, "run_pauta", "--port", str(port), "--concurrency", "1"],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 90
        status = body = None
        while time.monotonic() < deadline and status != 200:
            time.sleep(1)
            status, body = _health(port)
        assert status == 200, body
        assert body["database"]["detail"] == "sqlite"
        started = _descendants(launcher.pid)
        assert len(started) >= 4  # redis, web, worker (+ its pool), beat
    finally:
        launcher.send_signal(signal.SIGINT)
        output, _ = launcher.communicate(timeout=60)
    assert "Pauta is running at" in output
    assert "launcher-test-pw" in output
    assert "could not release the beat leader lock" not in output  # Redis outlives beat
    time.sleep(1)
    alive = [
        pid
        for pid in started
        if os.path.exists(f"/proc/{pid}") and "zombie" not in open(f"/proc/{pid}/status").read()
    ]
    assert alive == [], f"processes left behind: {alive}"


_RECORD_SIGTERM = """
import signal, sys, time
def stop(signum, frame):
    with open(sys.argv[1], "a") as log:
        log.write(f"{sys.argv[2]} told {time.monotonic()}\\n")
    time.sleep(float(sys.argv[3]))  # a worker's warm shutdown, still using the broker
    with open(sys.argv[1], "a") as log:
        log.write(f"{sys.argv[2]} gone {time.monotonic()}\\n")
    sys.exit(0)
signal.signal(signal.SIGTERM, stop)
print("ready", flush=True)
while True:
    time.sleep(0.1)
"""


def test_stopping_waits_for_the_app_processes_before_stopping_redis(tmp_path):
    """Real processes standing in for redis and the worker (each in its own process group, as the launcher
    starts them); the worker takes 0.5 s to finish on SIGTERM and Redis must still be up meanwhile."""
    from scheduler.management.commands.run_pauta import Command

    log = tmp_path / "stops.log"
    command = Command()
    command.children = []
    for name, linger in (("redis", "0"), ("worker", "0.5")):
        process = subprocess.Popen(
            [sys.executable, "-c", _RECORD_SIGTERM, str(log), name, linger],
            start_new_session=True,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert process.stdout.readline().strip() == "ready"
        command.children.append((name, process))
    command._stop_all()
    events = {tuple(line.split()[:2]): float(line.split()[2]) for line in log.read_text().splitlines()}
    assert events[("redis", "told")] >= events[("worker", "gone")], events
    assert all(process.poll() is not None for _name, process in command.children)
