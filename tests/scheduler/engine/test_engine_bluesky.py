"""Against the real Bluesky PDS (tests/peers/bluesky): a brand channel holding the personal account's app
password is blocked by pre-flight, and the demo's two link posts go out / are held through a real worker."""

from datetime import timedelta

import pytest
from django.utils import timezone

from calendar_app.models import Notification, PostStatus, Role
from calendar_app.services.demo import seed_demo
from calendar_app.services.workflow import post_reschedule
from scheduler.models import Channel, Publication
from scheduler.services.channels import channel_connect
from scheduler.services.credentials import credentials_encrypt
from scheduler.services.preflight import preflight_scheduled
from scheduler.services.publishing import publication_publish
from tests.factories import WorkspaceFactory, member
from tests.peers.bluesky_peer import bluesky_post_records
from tests.scheduler.engine.conftest import Brand, approved_post

pytestmark = pytest.mark.peer


@pytest.fixture
def sky_brand(db, bluesky_pds) -> Brand:
    workspace = WorkspaceFactory(language="en")
    admin = member(workspace, Role.ADMIN)
    brand = bluesky_pds.accounts["brand"]
    channel = channel_connect(
        workspace=workspace,
        user=admin,
        network="bluesky",
        display_name="Brand · Bluesky",
        values={
            "service_url": bluesky_pds.service,
            "handle": brand.handle,
            "app_password": brand.app_password,
        },
        confirm_brand=True,
    )
    return Brand(workspace, admin, member(workspace, Role.AUTHOR), member(workspace, Role.REVIEWER), channel)


def test_connecting_records_the_did_the_server_reports(sky_brand, bluesky_pds):
    assert sky_brand.channel.brand_account_id == bluesky_pds.accounts["brand"].did
    assert sky_brand.channel.brand_handle == "brand.test"


def test_brand_channel_holding_the_personal_app_password_is_blocked(sky_brand, bluesky_pds, settings):
    settings.PAUTA_LINK_ALLOW_HOSTS = ["127.0.0.1"]
    personal = bluesky_pds.accounts["personal"]
    # Someone pasted the personal account's login into the brand channel (outside Pauta's own checks).
    Channel.objects.filter(pk=sky_brand.channel.pk).update(
        config={"service_url": bluesky_pds.service, "handle": personal.handle},
        credentials_encrypted=credentials_encrypt(values={"app_password": personal.app_password}),
    )
    sky_brand.refresh()
    text = f"Brand announcement {timezone.now().timestamp()}"
    post = approved_post(sky_brand, body=text, when=timezone.now() + timedelta(minutes=5))

    report = preflight_scheduled(post_id=post.pk, content_hash=post.content_hash)

    assert not report.ok
    identity = report.identity["channels"][0]
    assert identity["answered_handle"] == "personal.test" and not identity["matches"]
    assert "registered as the brand account brand.test, but its credentials now act as personal.test" in (
        report.summary
    )
    sky_brand.refresh()
    assert sky_brand.channel.status == Channel.Status.NEEDS_ATTENTION
    assert Notification.objects.filter(user=sky_brand.admin, kind="brand_mismatch").exists()
    post.refresh_from_db()
    assert post.status == PostStatus.FAILED

    # Even if it were due right now, the claim-time check refuses it too: nothing reaches either account.
    post_retry_now = approved_post(
        sky_brand, body=text + " (again)", when=timezone.now() - timedelta(seconds=1)
    )
    publication = Publication.objects.get(post=post_retry_now)
    assert publication_publish(
        publication_id=publication.pk, content_hash=publication.content_hash, worker="w"
    ) == ("held")
    for account in (personal, bluesky_pds.accounts["brand"]):
        assert not [
            r for r in bluesky_post_records(bluesky_pds, account.did) if r["value"]["text"].startswith(text)
        ]


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_demo_link_posts_go_out_or_are_held_through_a_real_worker(
    bluesky_pds, live_server, celery_processes, monkeypatch
):
    """The demo's approved post with a working link is published on the local Bluesky server; the one with a
    broken link is held with the reason. The links point at this app (served by `live_server`)."""
    monkeypatch.setenv("PAUTA_WEB_PORT", live_server.url.rsplit(":", 1)[1])
    seed_demo()
    posts = list(
        Publication.objects.filter(channel__network="bluesky", status="scheduled").select_related("post")
    )
    by_text = {publication.post.body: publication.post for publication in posts}
    working = next(post for body, post in by_text.items() if body.endswith("/login/"))
    broken = next(post for body, post in by_text.items() if "dosier-que-no-existe" in body)
    reviewer = working.workspace.memberships.get(role=Role.REVIEWER).user
    soon = timezone.now() + timedelta(seconds=3)
    for post in (working, broken):
        post_reschedule(post=post, user=reviewer, scheduled_at=soon)

    celery_processes.start(settings={"PAUTA_LINK_ALLOW_HOSTS": ["127.0.0.1"]})
    celery_processes.wait_for(
        lambda: (
            {p.status for p in [*type(working).objects.filter(pk__in=[working.pk, broken.pk])]}
            <= {PostStatus.PUBLISHED, PostStatus.FAILED}
        ),
        timeout=60,
        message="both demo link posts settled",
    )

    working.refresh_from_db()
    broken.refresh_from_db()
    assert working.status == PostStatus.PUBLISHED
    publication = Publication.objects.get(post=working, status="published")
    texts = [
        record["value"]["text"]
        for record in bluesky_post_records(bluesky_pds, bluesky_pds.accounts["brand"].did)
    ]
    assert working.body in texts
    assert publication.remote_id.startswith(f"at://{bluesky_pds.accounts['brand'].did}/app.bsky.feed.post/")
    assert broken.status == PostStatus.FAILED
    assert "dosier-que-no-existe/ respondió 404 Not Found" in broken.status_reason  # the demo team is Spanish
    assert broken.body not in texts


def test_a_burst_opens_one_session_for_all_its_threads(sky_brand, bluesky_pds, settings, monkeypatch):
    """The real createSession is called, and counted: with the cached session gone, a burst of posts on one
    account asks for a session once (when preparing), not once per sending thread."""
    import redis
    from django.conf import settings as django_settings

    from scheduler.adapters.bluesky import BlueskyAdapter
    from scheduler.services import bursts

    settings.PAUTA_LINK_ALLOW_HOSTS = ["127.0.0.1"]
    stamp = timezone.now().timestamp()
    posts = [approved_post(sky_brand, body=f"Burst {n} at {stamp}") for n in range(4)]
    due = timezone.now() + timedelta(seconds=2)
    Publication.objects.filter(post__in=posts).update(scheduled_at=due, next_attempt_at=due)
    preflight_scheduled(post_id=posts[0].pk, content_hash=posts[0].content_hash)  # the identity is cached
    client = redis.Redis.from_url(django_settings.REDIS_URL)
    for key in client.scan_iter("*:sessions:*"):  # but the session is gone (expired, say)
        client.delete(key)
    created = []
    create_session = BlueskyAdapter._create_session

    def counted(adapter):
        created.append(adapter.handle)
        return create_session(adapter)

    monkeypatch.setattr(BlueskyAdapter, "_create_session", counted)

    counts = bursts.publications_publish_burst(
        items=list(Publication.objects.filter(post__in=posts).values_list("pk", "content_hash")),
        due=due,
        worker="celery@burst-host",
    )

    assert counts == {"published": 4}
    assert created == ["brand.test"]
    texts = {
        record["value"]["text"]
        for record in bluesky_post_records(bluesky_pds, sky_brand.channel.brand_account_id)
    }
    assert {f"Burst {n} at {stamp}" for n in range(4)} <= texts


def test_the_cached_session_is_encrypted_and_still_reused(sky_brand, bluesky_pds, settings, monkeypatch):
    """A channel's first identity check logs in to the real PDS and caches the session in Redis, where its
    tokens are not readable; the next check reuses it (no new login), and a session sealed with a key since
    rotated away is replaced by a new login rather than failing."""
    import redis
    from cryptography.fernet import Fernet
    from django.conf import settings as django_settings

    from scheduler.adapters.bluesky import BlueskyAdapter
    from scheduler.services.channels import channel_adapter
    from scheduler.services.credentials import credentials_fingerprint
    from scheduler.services.stores import session_store

    settings.PAUTA_LINK_ALLOW_HOSTS = ["127.0.0.1"]
    channel = sky_brand.channel
    created = []
    create_session = BlueskyAdapter._create_session

    def counted(adapter):
        created.append(adapter.handle)
        return create_session(adapter)

    monkeypatch.setattr(BlueskyAdapter, "_create_session", counted)
    channel_adapter(channel=channel).verify_identity()
    assert created == ["brand.test"]
    prefix = f"sessions:sealed:{channel.pk}:{credentials_fingerprint(channel=channel)}:"
    client = redis.Redis.from_url(django_settings.REDIS_URL)
    [key] = client.scan_iter(f"*{prefix}*")
    name = key.decode().split(prefix, 1)[1]
    store = session_store(channel_id=channel.pk, fingerprint=credentials_fingerprint(channel=channel))
    session = store.get(name)
    assert session["did"] == bluesky_pds.accounts["brand"].did
    raw = client.get(key)
    for secret in (session["accessJwt"], session["refreshJwt"], session["did"]):
        assert secret.encode() not in raw
    old_keys = [k for k in client.scan_iter(f"*sessions:{channel.pk}:*")]
    assert old_keys == []  # the previous version's key space: an older worker finds nothing to misread

    assert channel_adapter(channel=channel).verify_identity().account_id == session["did"]
    assert created == ["brand.test"]

    current_key = settings.PAUTA_CREDENTIALS_KEY
    settings.PAUTA_CREDENTIALS_KEY = Fernet.generate_key().decode()
    store.set(name, session)  # sealed with a key that is then retired
    settings.PAUTA_CREDENTIALS_KEY = current_key
    assert store.get(name) is None
    assert channel_adapter(channel=channel).verify_identity().account_id == session["did"]
    assert created == ["brand.test", "brand.test"]
    assert store.get(name)["did"] == session["did"]
