"""`make run`: the web app, a Celery worker and Celery beat in the foreground, stopped together by one Ctrl-C.

Each child runs in its own process group and is told to die with this process (PR_SET_PDEATHSIG), so neither
Ctrl-C nor a killed launcher leaves orphans behind.
"""

import ctypes
import os
import signal
import subprocess
import sys
import time
import urllib.request

from django.conf import settings
from django.core.management.base import BaseCommand

from config.embedded_redis import embedded_redis_start
from config.env import env_str

PR_SET_PDEATHSIG = 1
# Celery's own info lines (every periodic task received, run and sent, a few a second) would bury what
# matters; Pauta's loggers still report each publication's outcome (`LOGGING` in the settings).
QUIET = "warning"


def _die_with_parent() -> None:
    os.setsid()
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


class Command(BaseCommand):
    help = "Start the web app, a Celery worker and Celery beat together (development)."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=int(env_str("PAUTA_WEB_PORT", "8000")))
        parser.add_argument("--concurrency", type=int, default=4)

    def handle(self, *args, port: int, concurrency: int, **options):
        self.children: list[tuple[str, subprocess.Popen]] = []
        signal.signal(signal.SIGTERM, self._on_signal)
        signal.signal(signal.SIGINT, self._on_signal)
        try:
            if not env_str("REDIS_URL"):
                redis_process = embedded_redis_start(preexec_fn=_die_with_parent)
                if redis_process is not None:
                    self.children.append(("redis", redis_process))
                self.stdout.write(f"Embedded Redis: {settings.REDIS_URL}")
            python = sys.executable
            var_dir = settings.STATIC_ROOT.parent
            self._start("web", [python, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"])
            self._start(
                "worker",
                [
                    python,
                    "-m",
                    "celery",
                    "-A",
                    "config",
                    "worker",
                    "-l",
                    QUIET,
                    "--concurrency",
                    str(concurrency),
                    "-n",
                    "worker@%h",
                ],
            )
            self._start(
                "beat",
                [
                    python,
                    "-m",
                    "celery",
                    "-A",
                    "config",
                    "beat",
                    "-l",
                    QUIET,
                    "-s",
                    str(var_dir / "celerybeat-schedule"),
                ],
            )
            self._announce(port)
            while True:
                for name, process in self.children:
                    if process.poll() is not None:
                        self.stderr.write(f"{name} stopped (exit {process.returncode}); stopping Pauta.")
                        raise SystemExit(1)
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            self._stop_all()

    def _start(self, name: str, command: list[str]) -> None:
        self.children.append((name, subprocess.Popen(command, preexec_fn=_die_with_parent)))

    def _announce(self, port: int) -> None:
        url = f"http://127.0.0.1:{port}/"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(url + "login/", timeout=1)
                break
            except OSError:
                time.sleep(0.3)
        from calendar_app.services.demo import demo_logins_text

        self.stdout.write(self.style.SUCCESS(f"\nPauta is running at {url}  (health: {url}healthz)"))
        self.stdout.write(demo_logins_text())
        self.stdout.write("Press Ctrl-C to stop the web app, the worker and beat.\n")

    def _on_signal(self, signum, frame):
        raise KeyboardInterrupt

    def _stop_all(self) -> None:
        """The app's processes first, Redis last: a worker finishing its tasks on SIGTERM still needs the
        broker to hand back what it has not done, and beat to release its leader lock."""
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        services = [child for child in self.children if child[0] == "redis"]
        apps = [child for child in self.children if child[0] != "redis"]
        deadline = time.monotonic() + 15
        self._stop(apps, deadline)
        self._stop(services, deadline + 5)
        self.stdout.write("Pauta stopped.")

    @staticmethod
    def _stop(children: list[tuple[str, subprocess.Popen]], deadline: float) -> None:
        """SIGTERM to each process group, then SIGKILL to whatever is still running at `deadline`."""
        for _name, process in children:
            if process.poll() is None:
                try:
                    os.killpg(process.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        for _name, process in children:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
