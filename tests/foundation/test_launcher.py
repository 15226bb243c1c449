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
    time.sleep(1)
    alive = [
        pid
        for pid in started
        if os.path.exists(f"/proc/{pid}") and "zombie" not in open(f"/proc/{pid}/status").read()
    ]
    assert alive == [], f"processes left behind: {alive}"
