"""Checking one link: redirects followed by hand, HEAD with a GET fallback, retries with backoff.

Redirects are followed manually so that every hop is checked against the address guard (a public
URL may redirect to http://127.0.0.1/admin) and so loops and long chains are caught with a clear
reason. Many servers refuse HEAD (405, 501) or mishandle it (400, 403) while serving GET fine, so
those answers are asked again with GET, without reading the body.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import requests

from calendar_app.services.messages import gettext_noop, message

from .guard import AddressGuard
from .headers import retry_after_seconds
from .limits import HostLimiter
from .result import (
    LinkResult,
    link_result,
    reason_answered,
    reason_not_web,
    reason_private,
    reason_redirect_loop,
    reason_redirect_without_location,
    reason_timeout,
    reason_tls,
    reason_too_many_redirects,
    reason_unreachable,
    reason_unresolvable,
)
from .transport import AddressRefusedError, find_cause

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
HEAD_REFUSED_STATUSES = frozenset({400, 403, 405, 501})


@dataclass(frozen=True)
class ProbeSettings:
    timeout: float
    max_redirects: int
    retries: int
    backoff: float
    max_retry_after: float


@dataclass(frozen=True)
class _Answer:
    """One request's outcome: a status, or a failure reason; `transient` failures are retried."""

    status: int | None = None
    location: str | None = None
    retry_after: float | None = None
    failure: dict | None = None
    transient: bool = False


@dataclass(frozen=True)
class ProbeOutcome:
    result: LinkResult
    cacheable: bool


class Prober:
    def __init__(
        self,
        *,
        settings: ProbeSettings,
        guard: AddressGuard,
        limiter: HostLimiter,
        session_factory: Callable[[], requests.Session],
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.settings = settings
        self.guard = guard
        self.limiter = limiter
        self._session_factory = session_factory
        self._local = threading.local()
        self._sessions: list[requests.Session] = []
        self._lock = threading.Lock()
        self._sleep = sleep

    def _session(self) -> requests.Session:
        """One session per worker thread: requests does not promise a shared session is thread-safe."""
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = self._session_factory()
            with self._lock:
                self._sessions.append(session)
        return session

    def close(self) -> None:
        with self._lock:
            for session in self._sessions:
                session.close()
            self._sessions.clear()

    def probe(self, url: str) -> ProbeOutcome:
        started = time.monotonic()
        current, redirects, seen = url, 0, {url}

        def finish(ok: bool, status: int | None, reason: dict, cacheable: bool = True) -> ProbeOutcome:
            duration = int((time.monotonic() - started) * 1000)
            result = link_result(url, current, status, ok, redirects, duration, reason)
            return ProbeOutcome(result, cacheable)

        while True:
            parts = urlsplit(current)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                return finish(False, None, reason_not_web(current))
            try:
                port = parts.port or (443 if parts.scheme == "https" else 80)
            except ValueError:
                return finish(False, None, reason_not_web(current))
            verdict = self.guard.check(parts.hostname, port)
            if verdict.refused:
                return finish(False, None, verdict.refusal)

            answer = self._ask_with_retries(current, parts.hostname)
            if answer.failure:
                return finish(False, answer.status, answer.failure, cacheable=not answer.transient)
            assert answer.status is not None
            if answer.status in REDIRECT_STATUSES:
                if not answer.location:
                    return finish(False, answer.status, reason_redirect_without_location(answer.status))
                target = urljoin(current, answer.location)
                if target in seen:
                    return finish(False, answer.status, reason_redirect_loop())
                if redirects >= self.settings.max_redirects:
                    return finish(
                        False, answer.status, reason_too_many_redirects(self.settings.max_redirects)
                    )
                seen.add(target)
                redirects += 1
                current = target
                continue
            ok = 200 <= answer.status < 300
            transient = answer.status == 429 or answer.status >= 500
            reason = reason_answered(current, answer.status, redirects)
            return finish(ok, answer.status, reason, cacheable=not transient)

    def _ask_with_retries(self, url: str, host: str) -> _Answer:
        answer = _Answer()
        for attempt in range(self.settings.retries + 1):
            answer = self._ask(url, host)
            retryable = answer.transient or (
                answer.status is not None and (answer.status == 429 or answer.status >= 500)
            )
            if not retryable or attempt == self.settings.retries:
                return answer
            self._sleep(self._delay(attempt, answer.retry_after))
        return answer

    def _delay(self, attempt: int, retry_after: float | None) -> float:
        cap = self.settings.max_retry_after
        if retry_after is not None:
            return min(retry_after, cap)
        return min(self.settings.backoff * (2**attempt), cap)

    def _ask(self, url: str, host: str) -> _Answer:
        session = self._session()
        timeout = self.settings.timeout
        try:
            with self.limiter.slot(host):
                response = session.head(url, allow_redirects=False, timeout=timeout)
                response.close()
                if response.status_code in HEAD_REFUSED_STATUSES:
                    response = session.get(url, allow_redirects=False, timeout=timeout, stream=True)
                    response.close()
        except requests.Timeout:
            return _Answer(failure=reason_timeout(timeout), transient=True)
        except requests.RequestException as exc:
            return _failure_for(exc, host)
        return _Answer(
            status=response.status_code,
            location=response.headers.get("Location"),
            retry_after=retry_after_seconds(response.headers),
        )


def _failure_for(exc: requests.RequestException, host: str) -> _Answer:
    refused = find_cause(exc, AddressRefusedError)
    if refused is not None:
        return _Answer(failure=reason_private(refused.address))
    if find_cause(exc, socket.gaierror) is not None:
        return _Answer(failure=reason_unresolvable(host))
    if isinstance(exc, requests.exceptions.SSLError):
        return _Answer(failure=reason_tls(host))
    if find_cause(exc, ConnectionRefusedError) is not None:
        return _Answer(
            failure=reason_unreachable(host, message(gettext_noop("connection refused"))), transient=True
        )
    return _Answer(failure=reason_unreachable(host, message(gettext_noop("connection lost"))), transient=True)
