"""A REAL Celery worker and beat, as subprocesses, working on the test database and the test Redis.

Use it from a transactional test (the subprocesses only see committed rows):

    from tests.support.worker import celery_processes  # noqa: F401  (in a conftest.py or the test module)

    @pytest.mark.worker
    @pytest.mark.django_db(transaction=True)
    def test_something(celery_processes):
        celery_processes.start(settings={"PAUTA_LINK_ALLOW_HOSTS": ["127.0.0.1"]})
        ...
        celery_processes.wait_for(lambda: Post.objects.get(pk=pk).status == "published", timeout=30)

`start()` starts one worker (prefork, 2 processes) and one beat; `start_worker(name)` adds workers,
`kill_worker(name)` sends SIGKILL to a worker's whole process group (main process and pool children, like a
host dying), `restart_worker(name)` starts it again under the same name. Everything is stopped (and the
broker queue emptied) before the test database is flushed. Logs are kept under the test's tmp_path and
printed when a wait times out.

The test database is the SQLite file var/test/test.sqlite3 (or test_<name> on PostgreSQL): the
subprocesses get a DATABASE_URL pointing at it, the same REDIS_URL, and config.settings.test plus the
overrides passed to `start()` (tests/support/worker_settings.py).
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


class CeleryProcessError(AssertionError):
    """A subprocess did not start, died, or a wait timed out; the message carries the logs' tails. An
    AssertionError, so pytest reports it as a test failure; the benchmark (bench/publish.py) uses it too."""


HEARTBEAT_PREFIX = "pauta:worker-heartbeat:"
IDLE_LINE = re.compile(
    r"Scheduler: Sending due task"
    r"|(dispatch_due_task|sweep_task|auto_resume_task)\[[^\]]+\] received"
    r"|succeeded in \S+s: (0|\{'queued': 0, 'requeued': 0, 'preflights': 0\}|\{'recovered': 0, 'reconciles': 0\})$"
)
# Keys the broker and the engine keep in Redis; cleared between tests so nothing leaks from one to the next.
BROKER_KEYS = ("celery", "unacked", "unacked_index", "unacked_mutex", "pauta:beat:leader")


def database_url() -> str:
    """The URL of the database the tests are using right now (the test database, not the configured one)."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return "sqlite:///" + str(Path(db["NAME"]).resolve())
    if connection.vendor == "postgresql":
        auth = quote(db["USER"] or "", safe="")
        if db.get("PASSWORD"):
            auth += ":" + quote(db["PASSWORD"], safe="")
        host = db.get("HOST") or "127.0.0.1"
        port = f":{db['PORT']}" if db.get("PORT") else ""
        return f"postgres://{auth}@{host}{port}/{db['NAME']}"
    raise RuntimeError(f"no worker support for {connection.vendor}")


def redis_client() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL)


@dataclass
class CeleryProcesses:
    log_dir: Path
    concurrency: int = 2
    pool: str = "prefork"
    env: dict[str, str] = field(default_factory=dict)
    workers: dict[str, subprocess.Popen] = field(default_factory=dict)
    beats: list[subprocess.Popen] = field(default_factory=list)
    _opened: list = field(default_factory=list)

    def start(
        self, *, settings: dict | None = None, beat: bool = True, beat_every: float = 1.0, workers: int = 1
    ) -> CeleryProcesses:
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.support.worker_settings",
            "DATABASE_URL": database_url(),
            "REDIS_URL": _redis_url(),
            "PAUTA_TEST_SETTINGS": json.dumps(settings or {}),
            "PAUTA_TEST_BEAT_SECONDS": str(beat_every),
            "PYTHONUNBUFFERED": "1",
        }
        for index in range(1, workers + 1):
            self.start_worker(f"w{index}")
        if beat:
            self.start_beat()
        return self

    def start_worker(self, name: str) -> subprocess.Popen:
        client = redis_client()
        for key in client.scan_iter(f"{HEARTBEAT_PREFIX}{name}@*"):
            client.delete(key)
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "-l",
            "info",
            "-n",
            f"{name}@%h",
            "--pool",
            self.pool,
            "--concurrency",
            str(self.concurrency),
            "--without-gossip",
            "--without-mingle",
        ]
        process = self._spawn(command, f"worker-{name}")
        self.workers[name] = process
        self._wait_ready(name, process)
        return process

    def start_beat(self) -> subprocess.Popen:
        schedule = self.log_dir / f"celerybeat-schedule-{len(self.beats)}"
        command = [sys.executable, "-m", "celery", "-A", "config", "beat", "-l", "info", "-s", str(schedule)]
        process = self._spawn(command, f"beat-{len(self.beats)}")
        self.beats.append(process)
        return process

    def kill_worker(self, name: str) -> None:
        """SIGKILL to the worker's process group: no shutdown handlers run, nothing is acknowledged."""
        process = self.workers.pop(name)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def restart_worker(self, name: str) -> subprocess.Popen:
        return self.start_worker(name)

    def wait_for(
        self,
        predicate: Callable[[], bool],
        *,
        timeout: float = 30.0,
        interval: float = 0.1,
        message: str = "",
    ) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return
            self._check_alive()
            time.sleep(interval)
        raise CeleryProcessError(
            f"timed out after {timeout} s waiting for {message or predicate}\n{self.logs()}"
        )

    def logs(self, tail: int = 60) -> str:
        """The last lines of each log, without the periodic tasks' idle chatter that would hide the rest."""
        parts = []
        for path in sorted(self.log_dir.glob("*.log")):
            lines = [
                line for line in path.read_text(errors="replace").splitlines() if not IDLE_LINE.search(line)
            ]
            lines = lines[-tail:]
            parts.append(f"--- {path.name} (last {len(lines)} lines) ---\n" + "\n".join(lines))
        return "\n".join(parts)

    def log_text(self, prefix: str) -> str:
        return "\n".join(p.read_text(errors="replace") for p in sorted(self.log_dir.glob(f"{prefix}*.log")))

    def stop(self) -> None:
        for process in [*self.beats, *self.workers.values()]:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in [*self.beats, *self.workers.values()]:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)
        self.workers.clear()
        self.beats.clear()
        for handle in self._opened:
            handle.close()

    def _spawn(self, command: list[str], label: str) -> subprocess.Popen:
        log = open(self.log_dir / f"{label}-{int(time.time() * 1000)}.log", "w")  # noqa: SIM115 - closed in stop()
        self._opened.append(log)
        return subprocess.Popen(
            command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def _wait_ready(self, name: str, process: subprocess.Popen, timeout: float = 60.0) -> None:
        """Ready when the worker's heartbeat (written on `worker_ready`) shows up in Redis."""
        deadline = time.monotonic() + timeout
        client = redis_client()
        while time.monotonic() < deadline:
            if any(client.scan_iter(f"{HEARTBEAT_PREFIX}{name}@*")):
                return
            if process.poll() is not None:
                break
            time.sleep(0.1)
        raise CeleryProcessError(f"worker {name} did not become ready\n{self.logs()}")

    def _check_alive(self) -> None:
        for name, process in self.workers.items():
            if process.poll() is not None:
                raise CeleryProcessError(f"worker {name} exited with {process.returncode}\n{self.logs()}")


def _redis_url() -> str:
    return settings.REDIS_URL


def broker_reset() -> None:
    client = redis_client()
    client.delete(*BROKER_KEYS)
    for key in client.scan_iter("pauta:lease:*"):
        client.delete(key)


@pytest.fixture
def celery_processes(transactional_db, tmp_path):
    """Stopped before `transactional_db` flushes the tables, so no subprocess writes during the flush."""
    if not settings.REDIS_URL:
        pytest.skip("no Redis configured")
    broker_reset()
    processes = CeleryProcesses(log_dir=tmp_path)
    try:
        yield processes
    finally:
        processes.stop()
        broker_reset()
