"""The one interface every network adapter implements, and the values it speaks in.

Adapters take plain values (no Django models) so pre-flight, publishing and reconciliation can
share them. Errors say what the worker should do next: retry later (`TransientError`), stop and
tell a person (`PermanentError`), or read the account back before doing anything
(`UnknownOutcomeError`: the request may have reached the network).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime


def network_time(value: object) -> datetime | None:
    """A time a network reported in ISO 8601 (`Z` for UTC allowed), or None when missing, malformed or
    without a zone: such a time only refines when a post went public, it never decides whether it did."""
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


@dataclass(frozen=True)
class Identity:
    account_id: str
    handle: str
    display_name: str


@dataclass(frozen=True)
class MediaItem:
    data: bytes = field(repr=False)
    mime_type: str
    alt_text: str
    filename: str
    url: str = ""  # public address of the file, for networks that link instead of upload (webhooks)


@dataclass(frozen=True)
class PublishRequest:
    text: str
    media: list[MediaItem]
    links: list[str]
    idempotency_key: str


@dataclass(frozen=True)
class PublishResult:
    remote_id: str
    url: str
    raw_summary: str
    created_at: datetime | None = None  # when the network says it created the post, where it says

    def public_since(
        self, *, sent_at: datetime, answered_at: datetime, scheduled_at: datetime, replay_possible: bool
    ) -> datetime:
        """When the post went public: normally when the network's answer arrived. Where an earlier attempt
        may have reached the network (`replay_possible`: its worker was killed before it could record the
        answer, or this is a read-back) and the network reports creating the post before this request was
        sent, it answered the earlier attempt's post: public since the network's time. Only then: a network
        whose clock runs behind ours, or that rounds its times down to the second (Pleroma, Akkoma), would
        otherwise make every fresh post look published early. That time is never taken as earlier than the
        scheduled time (nothing is sent before it) nor later than the answer."""
        if not replay_possible or self.created_at is None or self.created_at >= sent_at:
            return answered_at
        return min(answered_at, max(self.created_at, scheduled_at))


@dataclass(frozen=True)
class CallRecord:
    """One outbound call, as shown in the pre-flight report and the publication attempts."""

    method: str
    url: str
    status: int | None
    duration_ms: int
    summary: str


Recorder = Callable[[CallRecord], None]


class AdapterError(Exception):
    def __init__(self, reason: str, *, status: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status

    def __str__(self) -> str:
        return self.reason


class TransientError(AdapterError):
    """Nothing was published; the same call may succeed later (rate limit, outage, no connection)."""

    def __init__(self, reason: str, *, status: int | None = None, retry_after: float | None = None) -> None:
        super().__init__(reason, status=status)
        self.retry_after = retry_after


class PermanentError(AdapterError):
    """Retrying the same call cannot help; a person must fix credentials, content or settings."""

    def __init__(self, reason: str, *, status: int | None = None, auth_problem: bool = False) -> None:
        super().__init__(reason, status=status)
        self.auth_problem = auth_problem


class UnknownOutcomeError(AdapterError):
    """The request was sent but no answer came back: the post may or may not exist."""


class Adapter(ABC):
    network: str

    @abstractmethod
    def verify_identity(self) -> Identity:
        """The account the stored credentials act as, asked of the network now."""

    def warm_up(self) -> None:  # noqa: B027 - a hook; most networks need nothing
        """Called once per channel before a burst's threads send, so they do not all open the same thing
        (a session) at once. Nothing by default."""

    @abstractmethod
    def publish(self, req: PublishRequest) -> PublishResult:
        """Publish once; a repeat with the same idempotency key must not create a second post."""

    @abstractmethod
    def find_published(
        self, idempotency_key: str, *, since: datetime | None = None, text: str = ""
    ) -> PublishResult | None:
        """Read the account back to settle an unknown outcome; None when the post is not there.

        `text` is the text that was sent: networks without a stored key (Mastodon) match on it.
        """
