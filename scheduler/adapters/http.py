"""The HTTP plumbing all adapters share: timeouts, call records, secret scrubbing, error mapping.

An error answer (4xx, 5xx) means the network handled the request and said no; 5xx and 429 are
worth retrying because every publish call carries an idempotency key or a record key, so a retry
after a 5xx that was in fact processed cannot duplicate the post.

Two questions decide what a failed call means for a post: did the request leave this machine
(a connect error means it did not; a read timeout or a dropped connection means it may have been
processed), and was the call one that creates something (`unsafe`)? Reads and uploads can always be
retried; an unsafe call that may have been processed becomes `UnknownOutcomeError`.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

import requests
import requests.adapters
from urllib3.exceptions import NewConnectionError

from calendar_app.services.messages import message_render
from scheduler.links.guard import AddressGuard
from scheduler.links.headers import retry_after_seconds
from scheduler.links.i18n import gettext as _
from scheduler.links.result import format_seconds, status_phrase
from scheduler.links.transport import find_cause

from .base import CallRecord, PermanentError, Recorder, TransientError, UnknownOutcomeError

logger = logging.getLogger(__name__)

USER_AGENT = "Pauta/1.0 (self-hosted editorial calendar)"
DEFAULT_TIMEOUT = (5.0, 30.0)
_SECRET_KEY = re.compile(r"jwt|token|password|secret|authorization", re.IGNORECASE)
_SUMMARY_LIMIT = 200
_thread = threading.local()


@contextmanager
def shared_connections(transport: requests.adapters.HTTPAdapter) -> Iterator[None]:
    """Callers made in this thread during the block send through `transport`, a pool of open connections
    (a publishing burst shares one among its threads and closes it at the end). Only connections are
    shared: headers and credentials stay on each caller's own session. Outside such a block every caller
    has its own connections, as before."""
    _thread.transport = transport
    try:
        yield
    finally:
        _thread.transport = None


def json_object(response: requests.Response) -> dict[str, Any]:
    """The body as a JSON object, or {} when the server answered something else (an HTML error page)."""
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def require_safe_url(url: str, *, allow_hosts: Iterable[str], network: str) -> None:
    """https only, except for hosts an operator allow-listed (local servers, tests)."""
    parts = urlsplit(url)
    guard = AddressGuard(allow_hosts)
    if not parts.hostname or parts.scheme not in ("http", "https"):
        raise PermanentError(_("The %(network)s address is not a web address.") % {"network": network})
    if parts.scheme != "https" and not guard.allows(parts.hostname, parts.port or 80):
        raise PermanentError(
            _("The %(network)s address must use https (http is only allowed for allow-listed hosts).")
            % {"network": network}
        )


class HttpCaller:
    def __init__(
        self,
        *,
        network: str,
        recorder: Recorder | None,
        secrets: Iterable[str] = (),
        timeout: float | tuple[float, float] = DEFAULT_TIMEOUT,
        allow_hosts: Iterable[str] = (),
        session: requests.Session | None = None,
    ) -> None:
        self.network = network
        self.recorder = recorder
        self.timeout = timeout
        self.allow_hosts = tuple(allow_hosts)
        if session is None:
            session = requests.Session()
            transport = getattr(_thread, "transport", None)
            if transport is not None:
                session.mount("http://", transport)
                session.mount("https://", transport)
        self.session = session
        self.session.trust_env = False
        self.session.headers["User-Agent"] = USER_AGENT
        self._secrets: set[str] = set()
        for secret in secrets:
            self.add_secret(secret)

    def add_secret(self, value: str | None) -> None:
        """Register a value (token, password) that must never reach a record, log or error."""
        if value and len(value) >= 4:
            self._secrets.add(value)

    def scrub(self, text: str) -> str:
        for secret in sorted(self._secrets, key=len, reverse=True):
            text = text.replace(secret, "***")
        return text

    def call(
        self, method: str, url: str, *, unsafe: bool = False, record_url: str | None = None, **kwargs: Any
    ) -> requests.Response:
        shown_url = self.scrub(record_url or url)
        self._refuse_private_target(url)
        started = time.monotonic()
        try:
            response = self.session.request(
                method, url, timeout=self.timeout, allow_redirects=False, **kwargs
            )
        except requests.RequestException as exc:
            error = self._error_for_exception(exc, unsafe=unsafe)
            self._record(method, shown_url, None, started, error.reason)
            raise error from None
        self._record(method, shown_url, response.status_code, started, self.summarize(response))
        return response

    def summarize(self, response: requests.Response) -> str:
        """Status and a short excerpt of the body, with anything secret-looking removed. Worked out once per
        answer: the call's record and the adapter's result both show it."""
        summary = getattr(response, "_pauta_summary", None)
        if summary is None:
            summary = response._pauta_summary = self._summary(response)
        return summary

    def _summary(self, response: requests.Response) -> str:
        try:
            body: Any = _without_secret_fields(response.json())
            excerpt = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
        except ValueError:
            excerpt = " ".join(response.text.split())
        if len(excerpt) > _SUMMARY_LIMIT:
            excerpt = excerpt[: _SUMMARY_LIMIT - 1] + "…"
        head = status_phrase(response.status_code)
        return self.scrub(f"{head}: {excerpt}" if excerpt else head)

    def raise_for_status(self, response: requests.Response, *, subject: str, what: str, detail: str) -> None:
        """Map an error answer to the adapter error that says what to do next."""
        status = response.status_code
        if status < 300:
            return
        values = {
            "network": self.network,
            "status": status_phrase(status),
            "subject": subject,
            "what": what,
            "detail": f": {self.scrub(detail)}" if detail else "",
        }
        if status in (401, 403):
            reason = _("%(network)s refused %(subject)s (%(status)s)%(detail)s") % values
            raise PermanentError(reason, status=status, auth_problem=True)
        if status in (408, 429) or status >= 500:
            wait = retry_after_seconds(response.headers)
            if status == 429:
                reason = _("%(network)s is limiting how fast Pauta may call it (%(status)s)") % values
            else:
                reason = _("%(network)s could not handle the request (%(status)s)%(detail)s") % values
            if wait is not None:
                reason += " " + _("Retry in %(seconds)s s.") % {"seconds": format_seconds(round(wait, 1))}
            raise TransientError(reason, status=status, retry_after=wait)
        if status < 400:
            raise PermanentError(
                _("%(network)s answered with an unexpected redirect (%(status)s)") % values, status=status
            )
        raise PermanentError(
            _("%(network)s rejected %(what)s (%(status)s)%(detail)s") % values, status=status
        )

    def _refuse_private_target(self, url: str) -> None:
        """Resolved on every call (not remembered): an address may change between two calls."""
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
        verdict = AddressGuard(self.allow_hosts).check(parts.hostname or "", port)
        if not verdict.refused:
            return
        values = {"network": self.network, "reason": message_render(verdict.refusal)}
        if not verdict.addresses:
            raise TransientError(_("Could not reach %(network)s: %(reason)s") % values)
        raise PermanentError(_("%(network)s cannot be called: %(reason)s") % values)

    def _error_for_exception(
        self, exc: requests.RequestException, *, unsafe: bool
    ) -> TransientError | UnknownOutcomeError:
        values = {"network": self.network, "seconds": format_seconds(self._read_timeout())}
        if not _was_sent(exc):
            if isinstance(exc, requests.ConnectTimeout):
                reason = _("Could not reach %(network)s: connecting timed out") % values
            else:
                reason = _("Could not reach %(network)s: no connection") % values
            return TransientError(reason)
        timed_out = isinstance(exc, requests.Timeout)
        if not unsafe:
            if timed_out:
                return TransientError(_("%(network)s did not answer within %(seconds)s s") % values)
            return TransientError(_("The connection to %(network)s dropped before it answered") % values)
        if timed_out:
            reason = (
                _("%(network)s did not answer within %(seconds)s s; the post may have been published")
                % values
            )
        else:
            reason = (
                _("The connection to %(network)s dropped after sending; the post may have been published")
                % values
            )
        return UnknownOutcomeError(reason)

    def _read_timeout(self) -> float:
        return self.timeout[1] if isinstance(self.timeout, tuple) else self.timeout

    def _record(self, method: str, url: str, status: int | None, started: float, summary: str) -> None:
        record = CallRecord(method, url, status, int((time.monotonic() - started) * 1000), summary)
        logger.debug("%s %s -> %s in %d ms: %s", method, url, status, record.duration_ms, summary)
        if self.recorder is not None:
            self.recorder(record)


def _was_sent(exc: requests.RequestException) -> bool:
    """False only when the request certainly never left: no connection, no TLS session."""
    if isinstance(exc, (requests.ConnectTimeout, requests.exceptions.SSLError)):
        return False
    if isinstance(exc, requests.ConnectionError) and find_cause(exc, NewConnectionError) is not None:
        return False
    return True


def _without_secret_fields(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_secret_fields(v) for k, v in value.items() if not _SECRET_KEY.search(str(k))}
    if isinstance(value, list):
        return [_without_secret_fields(v) for v in value]
    return value
