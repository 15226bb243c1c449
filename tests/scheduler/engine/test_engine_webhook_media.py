"""What leaves the app carries the app's public address (PAUTA_PUBLIC_URL): a webhook's receiver gets image
URLs it can fetch, and a notification e-mail links to the post. Published for real to a webhook receiver on
127.0.0.1."""

import io
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from PIL import Image

from calendar_app.services.media import media_prepare
from calendar_app.services.notifications import Notice, notification_send, notifications_send
from calendar_app.services.posts import post_update
from calendar_app.services.public_url import public_url
from calendar_app.services.workflow import post_approve, post_submit
from scheduler.models import Publication
from scheduler.services.channels import channel_connect
from scheduler.services.publishing import publication_publish
from tests.factories import make_post
from tests.peers.webhook_receiver import WebhookReceiver

pytestmark = pytest.mark.django_db(transaction=True)
SECRET = "whsec-media-test"


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "teal").save(buffer, "PNG")
    return buffer.getvalue()


def publish_with_an_image(brand, receiver):
    channel = channel_connect(
        workspace=brand.workspace,
        user=brand.admin,
        network="webhook",
        display_name="Team chat",
        values={"url": receiver.url, "secret": SECRET},
        confirm_brand=True,
    )
    post = make_post(brand.workspace, brand.author, body="Our terrace opens today.", channels=[channel])
    post_update(
        post=post, user=brand.author, media_add=[(media_prepare(upload=io.BytesIO(png())), "Terrace")]
    )
    post_submit(post=post, user=brand.author)
    post_approve(post=post, user=brand.reviewer, acknowledge_warnings=True)
    due = timezone.now() - timedelta(seconds=1)
    Publication.objects.filter(post=post).update(scheduled_at=due, next_attempt_at=due)
    publication = Publication.objects.get(post=post)
    outcome = publication_publish(
        publication_id=publication.pk, content_hash=publication.content_hash, worker="celery@media-test"
    )
    assert outcome == "published"
    [delivery] = receiver.deliveries
    return post, delivery["body"]["post"]["media"][0]["url"]


def test_a_webhook_receives_image_urls_on_the_public_address(brand, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.PAUTA_PUBLIC_URL = "https://pauta.example.org/"
    with WebhookReceiver(secret=SECRET) as receiver:
        settings.PAUTA_LINK_ALLOW_HOSTS = ["127.0.0.1", receiver.netloc]
        post, url = publish_with_an_image(brand, receiver)
    image = post.media.get().image
    assert url == f"https://pauta.example.org/media/{image.name}"
    assert (tmp_path / image.name).is_file()


def test_without_a_public_address_the_image_url_is_the_apps_own_path(brand, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.PAUTA_PUBLIC_URL = ""
    with WebhookReceiver(secret=SECRET) as receiver:
        settings.PAUTA_LINK_ALLOW_HOSTS = ["127.0.0.1", receiver.netloc]
        post, url = publish_with_an_image(brand, receiver)
    assert url == post.media.get().image.url
    assert url.startswith("/media/posts/")


def test_a_notification_email_links_to_the_post_on_the_public_address(brand, settings):
    settings.PAUTA_PUBLIC_URL = "https://pauta.example.org"
    post = make_post(brand.workspace, brand.author, body="A post to act on.", channels=[brand.channel])
    author = brand.author
    author.email = "alba@example.org"
    author.save(update_fields=["email"])
    notification_send(
        users=[author], workspace=brand.workspace, kind="info", message="Look at this", post=post
    )
    [email] = mail.outbox
    post_path = f"/w/{brand.workspace.slug}/posts/{post.pk}/"
    assert email.body == f"Look at this\n\nOpen the post: https://pauta.example.org{post_path}"
    brand.workspace.language = "es"
    notification_send(users=[author], workspace=brand.workspace, kind="info", message="Mira", post=post)
    assert mail.outbox[1].body.endswith("\n\nAbrir la publicación: https://pauta.example.org" + post_path)
    settings.PAUTA_PUBLIC_URL = ""
    notification_send(users=[author], workspace=brand.workspace, kind="info", message="Look again", post=post)
    assert mail.outbox[2].body == "Look again"


def test_each_notice_of_a_batch_links_to_its_own_post(brand, settings):
    """A burst settles many posts with one call: each e-mail names its own post; no e-mail, no link."""
    settings.PAUTA_PUBLIC_URL = "https://pauta.example.org"
    posts = [
        make_post(brand.workspace, brand.author, body=f"Post {n}.", channels=[brand.channel]) for n in (1, 2)
    ]
    brand.author.email, brand.reviewer.email = "alba@example.org", ""
    brand.author.save(update_fields=["email"])
    brand.reviewer.save(update_fields=["email"])
    notifications_send(
        notices=[
            Notice([brand.author, brand.reviewer], brand.workspace, "info", f"About post {n}", post)
            for n, post in enumerate(posts, start=1)
        ]
        + [Notice([brand.author], brand.workspace, "info", "About nothing in particular")]
    )
    bodies = [(email.to, email.body) for email in mail.outbox]
    slug = brand.workspace.slug
    assert bodies == [
        (
            ["alba@example.org"],
            f"About post 1\n\nOpen the post: https://pauta.example.org/w/{slug}/posts/{posts[0].pk}/",
        ),
        (
            ["alba@example.org"],
            f"About post 2\n\nOpen the post: https://pauta.example.org/w/{slug}/posts/{posts[1].pk}/",
        ),
        (["alba@example.org"], "About nothing in particular"),
    ]


@pytest.mark.parametrize(
    ("base", "path", "expected"),
    [
        (
            "https://pauta.example.org",
            "/media/posts/1/a.png",
            "https://pauta.example.org/media/posts/1/a.png",
        ),
        ("https://pauta.example.org/", "media/a.png", "https://pauta.example.org/media/a.png"),
        ("https://pauta.example.org", "https://cdn.example/a.png", "https://cdn.example/a.png"),
        ("https://pauta.example.org", "//cdn.example/a.png", "//cdn.example/a.png"),
        ("", "/media/a.png", ""),
    ],
)
def test_public_url_joins_paths_and_keeps_absolute_urls(settings, base, path, expected):
    settings.PAUTA_PUBLIC_URL = base
    assert public_url(path) == expected
