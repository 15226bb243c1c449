"""Short-lived shared state in Redis (through Django's cache), handed to the network layer, which only
knows `get(key)` / `set(key, value, ttl)`: link results, Bluesky sessions, recent identity answers.

Kept in Redis rather than in process memory so the web process, every worker process and beat see the
same entries: a link checked by the scheduled pre-flight is not fetched again at claim time.
"""

from typing import Any

from django.core.cache import cache


class CacheStore:
    def __init__(self, prefix: str, *, default_ttl: float | None = None) -> None:
        self.prefix = prefix
        self.default_ttl = default_ttl

    def get(self, key: str) -> Any | None:
        return cache.get(self.prefix + key)

    def set(self, key: str, value: Any, ttl: float | None = None) -> None:
        ttl = self.default_ttl if ttl is None else ttl
        cache.set(self.prefix + key, value, timeout=None if ttl is None else max(1, int(ttl)))

    def delete(self, key: str) -> None:
        cache.delete(self.prefix + key)


SESSION_TTL = 24 * 3600


def link_cache() -> CacheStore:
    return CacheStore("links:")


def session_store(*, channel_id: int, fingerprint: str) -> CacheStore:
    """Per channel and per set of credentials: new credentials never reuse the old account's session."""
    return CacheStore(f"sessions:{channel_id}:{fingerprint}:", default_ttl=SESSION_TTL)


def identity_cache() -> CacheStore:
    return CacheStore("identity:")
