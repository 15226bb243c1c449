"""Checking a batch of links concurrently across hosts.

Work is interleaved host by host before it is handed to the thread pool: with links grouped by
host, every worker would queue on the first host's semaphore while other hosts sat idle.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from itertools import chain, zip_longest
from urllib.parse import urlsplit

from .cache import LinkCache, MemoryLinkCache
from .guard import AddressGuard
from .i18n import current_language, in_language
from .limits import HostLimiter
from .probe import ProbeOutcome, Prober, ProbeSettings
from .result import LinkResult
from .transport import guarded_session

DEFAULT_USER_AGENT = "Pauta-LinkCheck/1.0 (editorial calendar; checks links before publishing)"
DEFAULT_CACHE = MemoryLinkCache(ttl=60.0)


def check_links(
    urls: Iterable[str],
    *,
    allow_hosts: Iterable[str] = (),
    timeout: float = 5.0,
    max_redirects: int = 5,
    per_host_limit: int = 2,
    max_workers: int = 32,
    retries: int = 2,
    cache: LinkCache | None = None,
    cache_ttl: float = 60.0,
    backoff: float = 0.5,
    max_retry_after: float = 10.0,
    user_agent: str = DEFAULT_USER_AGENT,
) -> list[LinkResult]:
    """One result per input URL, in input order; duplicates are checked once.

    Retries (429, 5xx, timeouts, dropped connections) wait `backoff * 2**attempt` seconds, or what
    the server asked for in Retry-After, never more than `max_retry_after`. Only definitive results
    are cached, so a link that failed for a passing reason is asked again next time.
    """
    urls = list(urls)
    cache = DEFAULT_CACHE if cache is None else cache
    allow = sorted(AddressGuard(allow_hosts).allow_hosts)
    language = current_language()
    cache_prefix = _cache_prefix(allow, max_redirects, language)

    results: dict[str, LinkResult] = {}
    pending: list[str] = []
    for url in dict.fromkeys(urls):
        stored = cache.get(cache_prefix + url)
        if stored is not None:
            results[url] = LinkResult.from_dict({**stored, "cached": True})
        else:
            pending.append(url)

    if pending:
        guard = AddressGuard(allow)
        prober = Prober(
            settings=ProbeSettings(timeout, max_redirects, retries, backoff, max_retry_after),
            guard=guard,
            limiter=HostLimiter(per_host_limit),
            session_factory=lambda: guarded_session(
                allow_hosts=guard.allow_hosts, pool_maxsize=per_host_limit, user_agent=user_agent
            ),
        )
        workers = max(1, min(max_workers, len(pending)))
        ordered = _interleave_by_host(pending)
        try:
            with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="linkcheck") as pool:
                for url, outcome in zip(
                    ordered, pool.map(in_language(language, prober.probe), ordered), strict=True
                ):
                    results[url] = outcome.result
                    _store(cache, cache_prefix + url, outcome, cache_ttl)
        finally:
            prober.close()

    return [results[url] for url in urls]


def _store(cache: LinkCache, key: str, outcome: ProbeOutcome, ttl: float) -> None:
    if outcome.cacheable:
        cache.set(key, outcome.result.to_dict(), ttl)


def _cache_prefix(allow: list[str], max_redirects: int, language: str | None) -> str:
    """Results depend on the allow-list, so callers with different lists never share entries; and their
    reasons are written in the caller's language, so callers in different languages do not either."""
    digest = hashlib.sha256("\n".join(allow).encode()).hexdigest()[:16]
    return f"pauta:links:v1:{digest}:{max_redirects}:{language or ''}:"


def _interleave_by_host(urls: list[str]) -> list[str]:
    by_host: dict[str, list[str]] = defaultdict(list)
    for url in urls:
        try:
            host = (urlsplit(url).hostname or "").lower()
        except ValueError:
            host = ""
        by_host[host].append(url)
    rounds = zip_longest(*by_host.values())
    return [url for url in chain.from_iterable(rounds) if url is not None]
