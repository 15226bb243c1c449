"""Where network sessions (Bluesky access and refresh tokens) are kept between calls.

Bluesky limits how often a session may be created, so one session is kept and refreshed instead
of logging in for every post. The Django layer provides a shared (Redis) store so that all workers
use the same session; the in-memory store serves a single process and tests.
"""

from __future__ import annotations

import threading
from typing import Any, Protocol


class SessionStore(Protocol):
    def get(self, key: str) -> dict[str, Any] | None: ...

    def set(self, key: str, value: dict[str, Any]) -> None: ...


class MemorySessionStore:
    def __init__(self) -> None:
        self._values: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> dict[str, Any] | None:
        with self._lock:
            value = self._values.get(key)
            return dict(value) if value is not None else None

    def set(self, key: str, value: dict[str, Any]) -> None:
        with self._lock:
            self._values[key] = dict(value)


DEFAULT_SESSION_STORE = MemorySessionStore()
