"""At most N requests in flight to one host.

Checking fifty links of one site at once would look like an attack to that site and get us rate
limited; concurrency comes from checking many hosts at the same time instead.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager


class HostLimiter:
    def __init__(self, per_host: int) -> None:
        if per_host < 1:
            raise ValueError("per_host must be at least 1")
        self.per_host = per_host
        self._slots: dict[str, threading.BoundedSemaphore] = {}
        self._lock = threading.Lock()

    @contextmanager
    def slot(self, host: str) -> Iterator[None]:
        with self._lock:
            semaphore = self._slots.setdefault(host.lower(), threading.BoundedSemaphore(self.per_host))
        with semaphore:
            yield
