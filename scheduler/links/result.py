"""The outcome of checking one link, and the plain-words reasons shown to authors.

Reasons are full sentences an author can act on without knowing HTTP ("answered 404 Not Found
after 1 redirect"), because the pre-flight report shows them as they are. Each is kept as a stored message
(`reason_message`, translated for each reader of the report) and as text in the caller's language (`reason`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from http import HTTPStatus
from typing import Any

from calendar_app.services.messages import gettext_noop, message, message_render, plural_message


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
    reason_message: dict | None = None

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


def link_result(
    url: str, final_url: str, status: int | None, ok: bool, redirects: int, duration_ms: int, reason: dict
) -> LinkResult:
    """A result whose reason is given as a message: stored as it is, and as text in the active language."""
    return LinkResult(
        url, final_url, status, ok, redirects, duration_ms, message_render(reason), reason_message=reason
    )


def reason_answered(url: str, status: int, redirects: int) -> dict:
    if redirects:
        return plural_message(
            "%(url)s answered %(status)s after %(count)d redirect",
            "%(url)s answered %(status)s after %(count)d redirects",
            redirects,
            url=url,
            status=status_phrase(status),
        )
    return message(gettext_noop("%(url)s answered %(status)s"), url=url, status=status_phrase(status))


def reason_timeout(seconds: float) -> dict:
    return message(gettext_noop("timed out after %(seconds)s s"), seconds=format_seconds(seconds))


def reason_unresolvable(host: str) -> dict:
    return message(gettext_noop("could not resolve host %(host)s"), host=host)


def reason_private(address: str) -> dict:
    return message(gettext_noop("refused: points at a private address (%(address)s)"), address=address)


def reason_unreachable(host: str, detail: dict) -> dict:
    return message(gettext_noop("could not connect to %(host)s (%(detail)s)"), host=host, detail=detail)


def reason_tls(host: str) -> dict:
    return message(
        gettext_noop("the secure connection to %(host)s failed (certificate or TLS error)"), host=host
    )


def reason_redirect_loop() -> dict:
    return message(gettext_noop("redirect loop"))


def reason_too_many_redirects(limit: int) -> dict:
    return message(gettext_noop("too many redirects (more than %(limit)d)"), limit=limit)


def reason_redirect_without_location(status: int) -> dict:
    return message(
        gettext_noop("answered %(status)s without saying where to go"), status=status_phrase(status)
    )


def reason_not_web(url: str) -> dict:
    return message(
        gettext_noop("%(url)s is not a web address (only http and https links can be checked)"), url=url
    )


def format_seconds(seconds: float) -> str:
    return str(int(seconds)) if float(seconds).is_integer() else f"{seconds:g}"
