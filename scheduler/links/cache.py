"""Where link results are kept for a short while.

Pre-flight checks the same links ahead of time and again at claim time; a short-lived cache makes
the second check cheap. Any object with `get(key)` and `set(key, value, ttl)` works (the Django
layer plugs in its cache); values are plain dicts so they can be serialised.
"""

from __future__ import annotations

import threading
import time
from typing import Any, Protocol


class LinkCache(Protocol):
    def get(self, key: str) -> Any | None: ...

    def set(self, key: str, value: Any, ttl: float) -> None: ...


class MemoryLinkCache:
    def __init__(self, *, ttl: float = 60.0, max_entries: int = 10_000) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self._items: dict[str, tuple[float, Any]] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> Any | None:
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return None
            expires, value = item
            if expires < time.monotonic():
                del self._items[key]
                return None
            return value

    def set(self, key: str, value: Any, ttl: float | None = None) -> None:
        with self._lock:
            if len(self._items) >= self.max_entries:
                self._evict_expired()
            if len(self._items) >= self.max_entries:
                self._items.pop(next(iter(self._items)))
            self._items[key] = (time.monotonic() + (self.ttl if ttl is None else ttl), value)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def _evict_expired(self) -> None:
        now = time.monotonic()
        for key in [key for key, (expires, _) in self._items.items() if expires < now]:
            del self._items[key]
