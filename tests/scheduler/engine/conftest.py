"""A brand workspace whose Mastodon channel talks to a real HTTP server speaking the Mastodon API
(tests/peers/mastodon_server.py: Mastodon itself cannot run here), and a real link server for pre-flight."""

import os
from dataclasses import dataclass
from datetime import timedelta

import pytest
import redis
from django.conf import settings
from django.utils import timezone

from calendar_app.models import Post, Role, Workspace
from calendar_app.services.workflow import post_approve, post_submit
from scheduler.models import Channel, Publication
from scheduler.services.channels import channel_connect
from tests.factories import WorkspaceFactory, make_post, member
from tests.peers.bluesky_peer import PeerUnavailable, bluesky_peer_start
from tests.peers.link_server import LinkServer
from tests.peers.mastodon_server import MastodonPeer
from tests.support.worker import celery_processes  # noqa: F401 - a fixture, shared with the worker tests

PEER_TOKEN = "brand-token-0123456789"


@pytest.fixture(autouse=True)
def _local_hosts_allowed(settings):
    """The peers listen on 127.0.0.1, which pre-flight and the adapters refuse unless allow-listed."""
    settings.PAUTA_LINK_ALLOW_HOSTS = ["127.0.0.1"]
    settings.PAUTA_RETRY_BASE_SECONDS = 0.05


ENGINE_KEYS = (
    "*:identity:*",
    "*:links:*",
    "*:sessions:*",
    "pauta:workers:*",
    "pauta:broker:*",
    "pauta:single-flight:*",
    "pauta:lease:*",
    "pauta:bursts-sending:*",
)


def _forget_engine_state() -> None:
    client = redis.Redis.from_url(settings.REDIS_URL)
    for pattern in ENGINE_KEYS:
        for key in client.scan_iter(pattern):
            client.delete(key)


@pytest.fixture(autouse=True)
def _clean_engine_state():
    """Identity answers, link verdicts and worker events live in Redis; each test starts from nothing."""
    _forget_engine_state()
    yield
    _forget_engine_state()


@pytest.fixture
def mastodon():
    with MastodonPeer(token=PEER_TOKEN, account_id="1001", username="brand") as peer:
        yield peer


@pytest.fixture
def links():
    with LinkServer() as server:
        yield server


@dataclass
class Brand:
    workspace: Workspace
    admin: object
    author: object
    reviewer: object
    channel: Channel

    def refresh(self) -> "Brand":
        self.workspace.refresh_from_db()
        self.channel.refresh_from_db()
        return self


def connect_mastodon(workspace, admin, peer, *, token=PEER_TOKEN, name="Brand · Mastodon") -> Channel:
    return channel_connect(
        workspace=workspace,
        user=admin,
        network="mastodon",
        display_name=name,
        values={"instance_url": peer.base_url, "access_token": token},
        confirm_brand=True,
    )


def make_brand(mastodon, *, language="en", channel_name="Brand · Mastodon") -> Brand:
    """A workspace with an admin, an author, a reviewer and a brand Mastodon channel on `mastodon`."""
    workspace = WorkspaceFactory(language=language)
    admin = member(workspace, Role.ADMIN)
    author = member(workspace, Role.AUTHOR)
    reviewer = member(workspace, Role.REVIEWER)
    channel = connect_mastodon(workspace, admin, mastodon, name=channel_name)
    return Brand(workspace, admin, author, reviewer, channel)


@pytest.fixture
def brand(db, mastodon) -> Brand:
    return make_brand(mastodon)


def approved_post(brand: Brand, *, body="Our spring catalogue is out.", when=None, channels=None):
    """A post taken through the real workflow: created, submitted, approved."""
    post = make_post(
        brand.workspace,
        brand.author,
        body=body,
        channels=channels or [brand.channel],
        when=when or timezone.now() + timedelta(minutes=30),
    )
    post_submit(post=post, user=brand.author)
    post_approve(post=post, user=brand.reviewer, acknowledge_warnings=True)
    post.refresh_from_db()
    return post


def due_posts(brand, count: int, *, body="Burst post {n}: the spring collection."):
    """Approved for later, then all moved to one moment a second ahead (moving keeps the approval)."""
    posts = [approved_post(brand, body=body.format(n=n)) for n in range(count)]
    due = timezone.now() + timedelta(seconds=1)
    Post.objects.filter(pk__in=[post.pk for post in posts]).update(scheduled_at=due)
    Publication.objects.filter(post__in=posts).update(scheduled_at=due, next_attempt_at=due)
    return posts, due


@pytest.fixture(scope="session")
def bluesky_pds():
    """The real Bluesky PDS of tests/peers/bluesky. Skips with the reason when it cannot run here (no node);
    fails instead when PAUTA_REQUIRE_PEERS=1."""
    try:
        peer = bluesky_peer_start()
    except PeerUnavailable as exc:
        if os.environ.get("PAUTA_REQUIRE_PEERS") == "1":
            pytest.fail(f"PAUTA_REQUIRE_PEERS=1 but the Bluesky peer is unavailable: {exc}")
        pytest.skip(f"Bluesky PDS peer unavailable: {exc}")
    yield peer
    peer.stop()


@pytest.fixture
def redis_up_a_while():
    """Connections are not trusted right after Redis starts (as after a restart); a test session's Redis
    may have just started."""
    import time

    from scheduler.heartbeat import redis_client
    from scheduler.services.leases import RECONNECTED_SECONDS

    uptime = redis_client().info("server")["uptime_in_seconds"]
    time.sleep(max(0, RECONNECTED_SECONDS + 1 - uptime))


def lease_written(publication_id: int, token: str, *, within: float = 5) -> bool:
    """Waits for a lease's first write, which its thread makes as soon as Redis answers."""
    import time

    from scheduler.services.leases import lease_key

    client = redis.Redis.from_url(settings.REDIS_URL)
    try:
        deadline = time.monotonic() + within
        while client.get(lease_key(publication_id, token)) is None:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.01)
        return True
    finally:
        client.close()
