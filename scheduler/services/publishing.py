"""Publishing one publication: claim it, check it again, call the network once, record the outcome.

The claim is a single compare-and-set UPDATE (`scheduled → publishing`) whose condition also holds the
content hash the task was queued for, the post's state and the workspace's pause flag. Exactly one of any
number of concurrent claimers (two workers, a redelivered message, a task queued twice by two beats) sees
one updated row; the rest see zero and stop. It is the same statement on SQLite and PostgreSQL.
"""

import logging
import os
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from calendar_app.models import Notification, Post, PostStatus, Workspace
from calendar_app.services.public_url import absolute_url
from calendar_app.services.workflow import post_system_transition
from calendar_app.text.links import extract_links
from scheduler.adapters import (
    MediaItem,
    PermanentError,
    PublishRequest,
    PublishResult,
    TransientError,
    UnknownOutcomeError,
)
from scheduler.models import Publication
from scheduler.services.channels import CallLog, channel_adapter, channel_flag
from scheduler.services.leases import publication_lease
from scheduler.services.outcomes import (
    AttemptRecord,
    outcome_failed,
    outcome_published,
    outcome_release,
    outcome_retry,
    outcome_unconfirmed,
)
from scheduler.services.preflight import deferred_checks, preflight_evaluate, preflight_raise_flags
from scheduler.services.publications import in_workspace_language
from scheduler.services.queueing import enqueue_publish

log = logging.getLogger(__name__)
P = Publication.Status
CLAIMABLE_POST = [PostStatus.APPROVED, PostStatus.PUBLISHING, PostStatus.UNCONFIRMED]
# A task may fire a moment before its ETA (clock skew between hosts); anything earlier is re-queued.
EARLY_TOLERANCE = timedelta(seconds=1)


@dataclass(frozen=True)
class Claim:
    publication: Publication
    token: str


def publications_claimable(*, now):
    """The claim's condition, shared by a lone claim and a burst's: still scheduled, due (give or take the
    clock skew), and its post still approved with the same content in a workspace that is not paused."""
    publishable_post = Post.objects.filter(
        pk=OuterRef("post_id"),
        content_hash=OuterRef("content_hash"),
        status__in=CLAIMABLE_POST,
        workspace__paused=False,
    )
    return Publication.objects.filter(status=P.SCHEDULED, next_attempt_at__lte=now + EARLY_TOLERANCE).filter(
        Exists(publishable_post)
    )


def claim_changes(*, now, worker: str, token: str) -> dict:
    return {
        "status": P.PUBLISHING,
        "claimed_at": now,
        "claimed_by": worker[:200],
        "claim_token": token,
        "attempt_count": F("attempt_count") + 1,
    }


def publication_claim(*, publication_id: int, content_hash: str, worker: str) -> Claim | str:
    """The claim, or why there is none ("not_due" asks the caller to try again at the due time)."""
    row = Publication.objects.filter(pk=publication_id).values_list("post_id", "status").first()
    if row is None:
        return "missing"
    post_id, status = row
    if status != P.SCHEDULED:
        return f"status:{status}"  # a duplicate message, answered without taking any lock
    now = timezone.now()
    token = secrets.token_hex(16)
    with transaction.atomic():
        post = Post.objects.select_for_update(of=("self",)).select_related("workspace").get(pk=post_id)
        claimed = (
            publications_claimable(now=now)
            .filter(pk=publication_id, content_hash=content_hash)
            .update(**claim_changes(now=now, worker=worker, token=token))
        )
        if not claimed:
            return _refusal(publication_id, content_hash, now)
        if post.status == PostStatus.APPROVED:
            post_system_transition(post=post, action="start_publishing")
    publication = (
        Publication.objects.select_related("post__workspace", "post__author", "channel")
        .prefetch_related("post__media", "post__channels")
        .get(pk=publication_id)
    )
    return Claim(publication, token)


def _refusal(publication_id: int, content_hash: str, now) -> str:
    publication = Publication.objects.select_related("post__workspace").get(pk=publication_id)
    if publication.status != P.SCHEDULED:
        return f"status:{publication.status}"
    if publication.content_hash != content_hash or publication.post.content_hash != content_hash:
        return "content_changed"
    if publication.post.workspace.paused:
        return "paused"
    if publication.next_attempt_at and publication.next_attempt_at > now + EARLY_TOLERANCE:
        return "not_due"
    return f"post:{publication.post.status}"


def publication_request(*, publication: Publication) -> PublishRequest:
    """Images are read through the storage, each with a handle of its own: the publications of one post in
    a burst share the prefetched media rows, and with them the field's file object, across threads."""
    post = publication.post
    text = post.text_for(publication.channel_id)
    media = []
    for item in post.media.all():
        with item.image.storage.open(item.image.name, "rb") as handle:
            data = handle.read()
        media.append(
            MediaItem(
                data=data,
                mime_type=item.mime_type,
                alt_text=item.alt_text,
                filename=os.path.basename(item.image.name),
                url=absolute_url(item.image.url),
            )
        )
    return PublishRequest(
        text=text,
        media=media,
        links=list(dict.fromkeys(link.url for link in extract_links(text))),
        idempotency_key=publication.idempotency_key,
    )


def publication_publish(*, publication_id: int, content_hash: str, worker: str) -> str:
    """Returns what happened, in one word, for the task's log line and for tests."""
    claim = publication_claim(publication_id=publication_id, content_hash=content_hash, worker=worker)
    if isinstance(claim, str):
        return claim
    with (
        publication_lease(publication_id=publication_id, token=claim.token),
        in_workspace_language(claim.publication),
    ):
        return _publish_claimed(claim, worker)


def publication_publish_when_due(*, publication_id: int, content_hash: str, worker: str) -> str:
    """`publication_publish`, queued again for its time when the message came early."""
    outcome = publication_publish(publication_id=publication_id, content_hash=content_hash, worker=worker)
    if outcome == "not_due":
        due = Publication.objects.values_list("next_attempt_at", flat=True).get(pk=publication_id)
        enqueue_publish(publication_id=publication_id, content_hash=content_hash, eta=due)
    return outcome


def _publish_claimed(claim: Claim, worker: str) -> str:
    publication, token = claim.publication, claim.token
    attempt = AttemptRecord(started_at=timezone.now(), worker=worker)
    try:
        report, flags = preflight_evaluate(
            post=publication.post, trigger="claim", channels=[publication.channel], publication=publication
        )
        preflight_raise_flags(flags=flags)
    except Exception as exc:
        # Nothing was sent: try again later (bounded by the attempt limit) rather than publish unchecked.
        log.exception("pre-flight at claim time failed for publication %s", publication.pk)
        reason = _("Pre-flight could not run (%(error)s); trying again.") % {"error": type(exc).__name__}
        outcome_retry(publication=publication, token=token, reason=reason, retry_after=None, attempt=attempt)
        return "retry"
    if Workspace.objects.filter(pk=publication.post.workspace_id, paused=True).exists():
        outcome_release(publication=publication, token=token)
        return "paused"
    if not report.ok:
        attempt.summary = report.summary
        outcome_failed(
            publication=publication,
            token=token,
            reason=report.summary,
            attempt=attempt,
            held=True,
            report=report,
        )
        return "held"
    if "brand_account" in deferred_checks(report):
        outcome_retry(
            publication=publication, token=token, reason=report.summary, retry_after=None, attempt=attempt
        )
        return "retry"
    return _send(publication, token, attempt)


def published_time(result: PublishResult, *, attempt: AttemptRecord, publication: Publication) -> datetime:
    """When a post this attempt published went public: the answer's arrival, or the network's time for a
    post an attempt whose worker died had already created (`PublishResult.public_since`)."""
    return result.public_since(
        sent_at=attempt.started_at,
        answered_at=timezone.now(),
        scheduled_at=publication.scheduled_at,
        replay_possible=publication.worker_lost,
    )


def attempt_finish(attempt: AttemptRecord, calls: CallLog, started: float, error=None) -> None:
    """Fill in what the calls of an attempt tell: duration, the calls, the last HTTP status and answer."""
    attempt.duration_ms = int((time.monotonic() - started) * 1000)
    attempt.calls = calls.as_data()
    last = calls.records[-1] if calls.records else None
    attempt.http_status = getattr(error, "status", None) or (last.status if last else None)
    if last is not None and not attempt.summary:
        attempt.summary = last.summary


def _send(publication: Publication, token: str, attempt: AttemptRecord) -> str:
    calls = CallLog()
    started = time.monotonic()
    try:
        request = publication_request(publication=publication)
        result = channel_adapter(channel=publication.channel, recorder=calls).publish(request)
    except Exception as exc:
        attempt_finish(attempt, calls, started, exc)
        return outcome_for_error(publication=publication, token=token, attempt=attempt, error=exc)
    attempt_finish(attempt, calls, started)
    attempt.summary = result.raw_summary
    outcome_published(
        publication=publication,
        token=token,
        remote_id=result.remote_id,
        remote_url=result.url,
        attempt=attempt,
        published_at=published_time(result, attempt=attempt, publication=publication),
    )
    return "published"


def outcome_for_error(
    *, publication: Publication, token: str, attempt: AttemptRecord, error: Exception
) -> str:
    """What a failed publishing call means: retry later, failed for good, or unconfirmed (it may be out)."""
    if isinstance(error, TransientError):
        outcome_retry(
            publication=publication,
            token=token,
            reason=_reason(publication, error),
            retry_after=error.retry_after,
            attempt=attempt,
        )
        return "retry"
    if isinstance(error, PermanentError):
        reason = _reason(publication, error)
        outcome_failed(publication=publication, token=token, reason=reason, attempt=attempt)
        if error.auth_problem:
            channel_flag(channel=publication.channel, reason=reason, kind=Notification.Kind.PUBLISH_FAILED)
        return "failed"
    if isinstance(error, UnknownOutcomeError | SoftTimeLimitExceeded):
        reason = (
            str(error)
            if isinstance(error, UnknownOutcomeError)
            else _("Publishing took too long and was stopped; the post may have been published.")
        )
    else:
        # Unexpected (a bug, an odd answer): the request may have gone out, so read the account back.
        log.error("publishing publication %s failed unexpectedly", publication.pk, exc_info=error)
        reason = _(
            "Publishing stopped on an unexpected error (%(error)s); checking whether the post went out."
        ) % {"error": type(error).__name__}
    outcome_unconfirmed(
        publication=publication, token=token, reason=_reason(publication, reason), attempt=attempt
    )
    return "unconfirmed"


def _reason(publication: Publication, error) -> str:
    """Named by its network once: most adapter texts already start with it ("Mastodon refused …")."""
    network, text = publication.channel.get_network_display(), str(error)
    return text if text.startswith(network) else f"{network}: {text}"
