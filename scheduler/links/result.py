"""The outcome of checking one link, and the plain-words reasons shown to authors.

Reasons are full sentences an author can act on without knowing HTTP ("answered 404 Not Found
after 1 redirect"), because the pre-flight report shows them as they are.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from http import HTTPStatus
from typing import Any

from .i18n import gettext as _
from .i18n import ngettext


@dataclass(frozen=True)
class LinkResult:
    url: str
    final_url: str
    status: int | None
    ok: bool
    redirects: int
    duration_ms: int
    reason: str
    cached: bool = False

    def to_dict(self) -> dict[str, Any]:
        """A JSON-friendly form, so a cache backend (Redis) can store results as plain data."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LinkResult:
        return cls(**data)


def status_phrase(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


def reason_answered(url: str, status: int, redirects: int) -> str:
    if redirects:
        return ngettext(
            "%(url)s answered %(status)s after %(count)d redirect",
            "%(url)s answered %(status)s after %(count)d redirects",
            redirects,
        ) % {"url": url, "status": status_phrase(status), "count": redirects}
    return _("%(url)s answered %(status)s") % {"url": url, "status": status_phrase(status)}


def reason_timeout(seconds: float) -> str:
    return _("timed out after %(seconds)s s") % {"seconds": format_seconds(seconds)}


def reason_unresolvable(host: str) -> str:
    return _("could not resolve host %(host)s") % {"host": host}


def reason_private(address: str) -> str:
    return _("refused: points at a private address (%(address)s)") % {"address": address}


def reason_unreachable(host: str, detail: str) -> str:
    return _("could not connect to %(host)s (%(detail)s)") % {"host": host, "detail": detail}


def reason_tls(host: str) -> str:
    return _("the secure connection to %(host)s failed (certificate or TLS error)") % {"host": host}


def reason_redirect_loop() -> str:
    return _("redirect loop")


def reason_too_many_redirects(limit: int) -> str:
    return _("too many redirects (more than %(limit)d)") % {"limit": limit}


def reason_redirect_without_location(status: int) -> str:
    return _("answered %(status)s without saying where to go") % {"status": status_phrase(status)}


def reason_not_web(url: str) -> str:
    return _("%(url)s is not a web address (only http and https links can be checked)") % {"url": url}


def format_seconds(seconds: float) -> str:
    return str(int(seconds)) if float(seconds).is_integer() else f"{seconds:g}"
