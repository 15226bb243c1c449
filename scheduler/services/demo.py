"""Demo channels and a believable publishing history for the demo workspace."""

from django.utils import timezone

from calendar_app.models import Post
from calendar_app.services.workflow import post_system_transition
from scheduler.models import Channel, Network, Publication, PublishAttempt

DEMO_CHANNELS = [
    {
        "network": Network.BLUESKY,
        "display_name": "PautaCo · Bluesky",
        "config": {"service_url": "http://127.0.0.1:2583", "handle": "brand.test"},
        "brand_handle": "brand.test",
    },
    {
        "network": Network.MASTODON,
        "display_name": "PautaCo · Mastodon",
        "config": {"instance_url": "http://127.0.0.1:3100"},
        "brand_handle": "pautaco@127.0.0.1",
    },
]

OUTCOMES = {
    "published": ("mark_published", Publication.Status.PUBLISHED, "", 200),
    "failed": ("mark_failed", Publication.Status.FAILED, "Mastodon refused the access token (401 Unauthorized).", 401),
    "unconfirmed": (
        "mark_unconfirmed",
        Publication.Status.UNCONFIRMED,
        "The network did not answer within 20 s after the post was sent; reading recent posts back to settle it.",
        None,
    ),
}


def demo_channels(*, workspace, admin) -> list[Channel]:
    channels = []
    for spec in DEMO_CHANNELS:
        channel, _created = Channel.objects.get_or_create(
            workspace=workspace,
            network=spec["network"],
            display_name=spec["display_name"],
            defaults={
                "config": spec["config"],
                "brand_handle": spec["brand_handle"],
                "is_brand_account": True,
                "brand_confirmed_by": admin,
                "brand_confirmed_at": timezone.now(),
            },
        )
        channels.append(channel)
    return channels


def demo_record_outcome(*, post: Post, outcome: str) -> None:
    action, publication_status, reason, http_status = OUTCOMES[outcome]
    post_system_transition(post=post, action="start_publishing")
    for publication in post.publications.filter(status=Publication.Status.SCHEDULED):
        publication.status = publication_status
        publication.claimed_at = post.scheduled_at
        publication.failure_reason = reason
        if outcome == "published":
            publication.published_at = post.scheduled_at
            publication.remote_id = f"demo{publication.pk}"
            publication.remote_url = _demo_url(publication)
        publication.save()
        PublishAttempt.objects.create(
            publication=publication,
            started_at=post.scheduled_at,
            duration_ms=180,
            http_status=http_status,
            outcome=outcome,
            summary=reason or "created",
            worker="demo",
        )
    post_system_transition(post=post, action=action, reason=reason)


def _demo_url(publication: Publication) -> str:
    channel = publication.channel
    if channel.network == Network.BLUESKY:
        return f"https://bsky.app/profile/{channel.brand_handle}/post/{publication.remote_id}"
    return f"{channel.config.get('instance_url', '')}/@pautaco/{publication.remote_id}"
