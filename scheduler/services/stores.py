"""Short-lived shared state in Redis (through Django's cache), handed to the network layer, which only
knows `get(key)` / `set(key, value, ttl)`: link results, Bluesky sessions (encrypted), recent identity answers.

Kept in Redis rather than in process memory so the web process, every worker process and beat see the
same entries: a link checked by the scheduled pre-flight is not fetched again at claim time.
"""

from typing import Any

from django.core.cache import cache

from calendar_app.errors import InvalidInputError
from scheduler.services.credentials import credentials_decrypt, credentials_encrypt


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


class SealedStore:
    """A store whose values are encrypted with the channel credentials' key: a Bluesky session's refresh token
    is as good as the app password for weeks, so it is kept like the password, not in clear in Redis (or in
    a dump of it). A value the current keys cannot read (rotated away) is a missing one: a new session is
    made."""

    def __init__(self, inner: CacheStore) -> None:
        self.inner = inner

    def get(self, key: str) -> dict | None:
        token = self.inner.get(key)
        if not isinstance(token, str) or not token:
            return None
        try:
            return credentials_decrypt(token=token)
        except InvalidInputError:
            return None

    def set(self, key: str, value: dict, ttl: float | None = None) -> None:
        self.inner.set(key, credentials_encrypt(values=value), ttl)


def session_store(*, channel_id: int, fingerprint: str) -> SealedStore:
    """Per channel and per set of credentials: new credentials never reuse the old account's session. Sealed
    sessions have keys of their own: a worker of the previous version, still running during an upgrade,
    never reads one (it expects a session in clear), and finds no session rather than failing."""
    prefix = f"sessions:sealed:{channel_id}:{fingerprint}:"
    return SealedStore(CacheStore(prefix, default_ttl=SESSION_TTL))


def identity_cache() -> CacheStore:
    return CacheStore("identity:")
