"""Demo channels and a believable publishing history for the demo workspace.

When the local Bluesky server of tests/peers/bluesky has been started (its accounts.json exists), the demo's
Bluesky channel is connected to its brand.test account for real, and two posts due a few minutes after
seeding show pre-flight at work: one with a working link goes out, one with a broken link is held.
"""

import json
from datetime import timedelta
from pathlib import Path

from django.utils import timezone

from calendar_app.models import Post, PostStatus
from calendar_app.services import posts as post_services
from calendar_app.services import workflow
from calendar_app.services.workflow import post_system_transition
from config.env import env_str, local_web_url
from scheduler.models import Channel, Network, Publication, PublishAttempt
from scheduler.services.credentials import credentials_encrypt

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
    "failed": (
        "mark_failed",
        Publication.Status.FAILED,
        "Mastodon refused the access token (401 Unauthorized).",
        401,
    ),
    "unconfirmed": (
        "mark_unconfirmed",
        Publication.Status.UNCONFIRMED,
        "The network did not answer within 20 s after the post was sent; "
        "reading recent posts back to settle it.",
        None,
    ),
}


def bluesky_peer_accounts() -> dict | None:
    """The accounts the local Bluesky server created (tests/peers/bluesky/start.sh), when it was started."""
    home = Path(env_str("PEER_HOME") or Path.home() / ".cache" / "pauta-peers" / "bluesky-pds")
    path = Path(env_str("PEER_STATE") or home / "state") / "accounts.json"
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def _bluesky_peer_fields(spec: dict) -> dict:
    peer = bluesky_peer_accounts()
    brand = (peer or {}).get("accounts", {}).get("brand")
    if not brand or not brand.get("appPassword"):
        return {}
    return {
        "config": {**spec["config"], "service_url": peer["service"], "handle": brand["handle"]},
        "credentials_encrypted": credentials_encrypt(values={"app_password": brand["appPassword"]}),
        "brand_account_id": brand["did"],
        "brand_handle": brand["handle"],
    }


def demo_channels(*, workspace, admin) -> list[Channel]:
    channels = []
    for spec in DEMO_CHANNELS:
        defaults = {
            "config": spec["config"],
            "brand_handle": spec["brand_handle"],
            "is_brand_account": True,
            "brand_confirmed_by": admin,
            "brand_confirmed_at": timezone.now(),
        }
        if spec["network"] == Network.BLUESKY:
            defaults.update(_bluesky_peer_fields(spec))
        channel, _created = Channel.objects.get_or_create(
            workspace=workspace,
            network=spec["network"],
            display_name=spec["display_name"],
            defaults=defaults,
        )
        channels.append(channel)
    return channels


def demo_link_posts(*, workspace, author, reviewer, channels: list[Channel]) -> list[Post]:
    """Two approved Bluesky posts due a few minutes from now: one links to a page that answers (the app
    itself), one to a page that does not exist, which pre-flight holds with the reason."""
    bluesky = [channel for channel in channels if channel.network == Network.BLUESKY]
    base = local_web_url()
    when = timezone.now().replace(second=0, microsecond=0) + timedelta(minutes=3)
    texts = [
        (when, f"Abrimos la inscripción del taller de primavera. Apúntate aquí: {base}/login/"),
        (
            when + timedelta(minutes=1),
            f"Descarga el dosier de prensa de la campaña: {base}/demo/dosier-que-no-existe/",
        ),
    ]
    posts = []
    for moment, text in texts:
        post = post_services.post_create(
            workspace=workspace, user=author, body=text, scheduled_at=moment, channels=bluesky
        )
        workflow.post_submit(post=post, user=author)
        workflow.post_approve(post=post, user=reviewer, acknowledge_warnings=True)
        posts.append(post)
    return posts


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


def demo_bluesky_text(*, workspace) -> str:
    """What `seed_demo` says about the demo's Bluesky channel, so a new user knows at once whether the
    tour's publishing step will reach a real server, and when to watch it."""
    channel = Channel.objects.filter(workspace=workspace, network=Network.BLUESKY).first()
    if channel is None or not channel.credentials_encrypted:
        return (
            "Bluesky: no local server was running when the demo was seeded, so its Bluesky channel posts "
            "nowhere. To watch posts go out: tests/peers/bluesky/start.sh, then rm -rf var and make run "
            "again (README, tour step 6)."
        )
    now = timezone.now()
    due = Post.objects.filter(
        workspace=workspace,
        publications__channel=channel,
        status=PostStatus.APPROVED,
        scheduled_at__range=(now, now + timedelta(hours=1)),
    )
    times = [
        timezone.localtime(moment, workspace.tzinfo).strftime("%H:%M")
        for moment in due.order_by("scheduled_at").values_list("scheduled_at", flat=True).distinct()
    ]
    text = (
        f"Bluesky: the demo channel posts to {channel.brand_handle} on {channel.config.get('service_url')}."
    )
    if times:
        text += (
            f" Approved posts due at {', '.join(times)} ({workspace.timezone}): watch them on Next 24 hours."
        )
    return text
