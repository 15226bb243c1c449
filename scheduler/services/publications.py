"""Keeps one `Publication` per (post, channel) in step with the post: scheduled while the post is approved,
cancelled when it leaves that state. The database constraint guarantees at most one active row per pair.

A channel the post already went out on (or is going out on) never gets a second publication: retrying a
post that failed on one of two channels sends it on that one only.
"""

import hashlib

from django.db import transaction
from django.utils import translation

from calendar_app.models import Post, PostStatus
from scheduler.models import Publication

ACTIVE_WHILE_APPROVED = [Publication.Status.SCHEDULED, Publication.Status.HELD]
ALREADY_OUT = [Publication.Status.PUBLISHING, Publication.Status.PUBLISHED, Publication.Status.UNCONFIRMED]


def in_workspace_language(publication: Publication) -> translation.override:
    """What a worker writes about a publication (failure reasons, attempt summaries) is in its workspace's
    language, as its pre-flight report is. A worker runs in the default language, and its sending threads
    would too."""
    return translation.override(publication.post.workspace.language)


def publication_idempotency_key(*, post: Post, channel_id: int, content_hash: str, scheduled_at) -> str:
    """Fixed for the life of one publication, so every retry of it reuses the key and the network dedupes;
    a new publication of the same post and channel (after a cancel) gets a new one."""
    generation = Publication.objects.filter(post=post, channel_id=channel_id).count()
    seed = f"{post.pk}:{channel_id}:{content_hash}:{scheduled_at.isoformat()}:{generation}"
    return hashlib.sha256(seed.encode()).hexdigest()[:32]


@transaction.atomic
def publications_sync_for_post(*, post: Post) -> None:
    pending = Publication.objects.filter(post=post, status__in=ACTIVE_WHILE_APPROVED)
    if post.status != PostStatus.APPROVED or post.scheduled_at is None:
        pending.update(status=Publication.Status.CANCELLED)
        return
    out = set(
        Publication.objects.filter(post=post, status__in=ALREADY_OUT).values_list("channel_id", flat=True)
    )
    channel_ids = set(post.channels.values_list("pk", flat=True)) - out
    for publication in pending:
        unchanged = (
            publication.channel_id in channel_ids
            and publication.content_hash == post.content_hash
            and publication.scheduled_at == post.scheduled_at
        )
        if unchanged:
            channel_ids.discard(publication.channel_id)
            if publication.status == Publication.Status.HELD:
                # Approved again after pre-flight held it (a retry): it is checked again before it goes out.
                publication.status = Publication.Status.SCHEDULED
                publication.preflight_queued_at = None
                publication.queued_at = None
                publication.next_attempt_at = publication.scheduled_at
                publication.save(
                    update_fields=["status", "preflight_queued_at", "queued_at", "next_attempt_at"]
                )
        else:
            publication.status = Publication.Status.CANCELLED
            publication.save(update_fields=["status"])
    for channel_id in channel_ids:
        Publication.objects.create(
            post=post,
            channel_id=channel_id,
            scheduled_at=post.scheduled_at,
            next_attempt_at=post.scheduled_at,
            content_hash=post.content_hash,
            idempotency_key=publication_idempotency_key(
                post=post,
                channel_id=channel_id,
                content_hash=post.content_hash,
                scheduled_at=post.scheduled_at,
            ),
        )
