"""Keeps one `Publication` per (post, channel) in step with the post: scheduled while the post is approved,
cancelled when it leaves that state. The database constraint guarantees at most one active row per pair."""

import hashlib

from django.db import transaction

from calendar_app.models import Post, PostStatus
from scheduler.models import Publication

ACTIVE_WHILE_APPROVED = [Publication.Status.SCHEDULED, Publication.Status.HELD]


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
    channel_ids = set(post.channels.values_list("pk", flat=True))
    for publication in pending:
        unchanged = (
            publication.channel_id in channel_ids
            and publication.content_hash == post.content_hash
            and publication.scheduled_at == post.scheduled_at
        )
        if unchanged:
            channel_ids.discard(publication.channel_id)
        else:
            publication.status = Publication.Status.CANCELLED
            publication.save(update_fields=["status"])
    for channel_id in channel_ids:
        Publication.objects.create(
            post=post,
            channel_id=channel_id,
            scheduled_at=post.scheduled_at,
            content_hash=post.content_hash,
            idempotency_key=publication_idempotency_key(
                post=post, channel_id=channel_id, content_hash=post.content_hash, scheduled_at=post.scheduled_at
            ),
        )
