"""The scheduler pages: channels (admins only, secrets never rendered), pause/resume with its banner, a post's
publications and attempts, pre-flight reports."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from calendar_app.models import AuditEntry
from scheduler.models import Channel, Publication
from scheduler.services.preflight import preflight_scheduled
from scheduler.services.publishing import publication_publish
from tests.factories import UserFactory
from tests.scheduler.engine.conftest import PEER_TOKEN, approved_post

pytestmark = pytest.mark.django_db


def url(brand, name, **kwargs):
    return reverse(f"scheduler:{name}", kwargs={"slug": brand.workspace.slug, **kwargs})


def test_channels_page_is_for_admins_and_never_shows_secrets(brand, client):
    client.force_login(brand.reviewer)
    assert client.get(url(brand, "channels")).status_code == 302

    client.force_login(brand.admin)
    page = client.get(url(brand, "channels"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Brand · Mastodon" in html and "@brand" in html
    assert PEER_TOKEN not in html
    assert brand.channel.credentials_encrypted not in html


def test_connect_form_verifies_and_refuses_without_echoing_the_token(brand, client, mastodon):
    client.force_login(brand.admin)
    Channel.objects.filter(pk=brand.channel.pk).update(status="disabled")
    bad = client.post(
        url(brand, "channel-connect"),
        {
            "network": "mastodon",
            "display_name": "Other",
            "instance_url": mastodon.base_url,
            "access_token": "not-the-token-42",
            "body_format": "pauta",
        },
    )
    assert bad.status_code == 400
    assert "The access token is invalid" in bad.content.decode()
    assert "not-the-token-42" not in bad.content.decode()

    good = client.post(
        url(brand, "channel-connect"),
        {
            "network": "mastodon",
            "display_name": "Other",
            "instance_url": mastodon.base_url,
            "access_token": PEER_TOKEN,
            "body_format": "pauta",
        },
    )
    assert good.status_code == 302
    channel = Channel.objects.get(display_name="Other")
    assert (channel.brand_handle, channel.is_brand_account) == ("@brand", False)

    client.post(url(brand, "channel-confirm", pk=channel.pk))
    channel.refresh_from_db()
    assert channel.is_brand_account and channel.brand_confirmed_by == brand.admin


def test_an_author_cannot_connect_a_channel_and_is_not_shown_the_admin_page(brand, client):
    client.force_login(brand.author)
    response = client.post(url(brand, "channel-connect"), {"network": "mastodon", "display_name": "Mine"})
    assert response.status_code == 302
    assert response.url == reverse("calendar_app:calendar", kwargs={"slug": brand.workspace.slug})
    assert not Channel.objects.filter(display_name="Mine").exists()


def test_pause_form_banner_and_resume(brand, client):
    client.force_login(brand.admin)
    refused = client.post(url(brand, "pause"), {"reason": ""})
    assert refused.status_code == 200
    brand.refresh()
    assert not brand.workspace.paused

    client.post(url(brand, "pause"), {"reason": "Brand crisis: stop everything", "resume_at": ""})
    brand.refresh()
    assert brand.workspace.paused

    client.force_login(brand.author)
    calendar = client.get(reverse("calendar_app:calendar", kwargs={"slug": brand.workspace.slug}))
    assert "Publishing is paused" in calendar.content.decode()
    assert "Brand crisis: stop everything" in calendar.content.decode()

    client.force_login(brand.admin)
    client.post(url(brand, "resume"))
    brand.refresh()
    assert not brand.workspace.paused
    assert AuditEntry.objects.filter(workspace=brand.workspace, action="resume", actor=brand.admin).exists()


def test_pause_page_refuses_non_admins(brand, client):
    client.force_login(brand.reviewer)
    client.post(url(brand, "pause"), {"reason": "No"})
    brand.refresh()
    assert not brand.workspace.paused


def test_publishing_page_lists_attempts_and_links_reports(brand, client, mastodon):
    post = approved_post(brand, when=timezone.now() - timedelta(seconds=1))
    publication = Publication.objects.get(post=post)
    mastodon.fail_next("POST", "/api/v1/statuses", 503, body="<h1>down</h1>")
    publication_publish(
        publication_id=publication.pk, content_hash=publication.content_hash, worker="celery@box"
    )
    Publication.objects.filter(pk=publication.pk).update(next_attempt_at=timezone.now())
    publication_publish(
        publication_id=publication.pk, content_hash=publication.content_hash, worker="celery@box"
    )

    client.force_login(brand.author)
    page = client.get(url(brand, "post-publishing", pk=post.pk)).content.decode()

    assert "Will retry" in page and "Published" in page
    assert "celery@box" in page and "503" in page
    report = post.preflight_reports.first()
    assert url(brand, "preflight-report", report_id=report.pk) in page


def test_preflight_report_page_shows_links_and_identity(brand, client, links):
    post = approved_post(brand, body=f"Offer {links.url('/found-missing')}")
    report = preflight_scheduled(post_id=post.pk, content_hash=post.content_hash)

    client.force_login(brand.author)
    page = client.get(url(brand, "preflight-report", report_id=report.pk)).content.decode()

    assert "answered 404 Not Found after 1 redirect" in page
    assert "/api/v1/accounts/verify_credentials" in page
    client.force_login(UserFactory())
    assert client.get(url(brand, "preflight-report", report_id=report.pk)).status_code == 404


def test_run_preflight_button(brand, client):
    post = approved_post(brand)
    client.force_login(brand.author)
    response = client.post(url(brand, "post-preflight", pk=post.pk))
    report = post.preflight_reports.get()
    assert response.status_code == 302
    assert response["Location"] == url(brand, "preflight-report", report_id=report.pk)
    assert report.ok


def test_a_held_posts_pages_give_its_reason_in_the_readers_language(brand, client, links):
    """A Spanish team's held post, written by the worker in Spanish: a colleague whose browser asks for
    English reads the reason in English on every page that shows it, and a Spanish reader in Spanish."""
    from calendar_app.models import Post

    brand.workspace.language = "es"
    brand.workspace.save(update_fields=["language"])
    broken = links.url("/missing")
    post = approved_post(brand, body=f"Promo: {broken}", when=timezone.now() + timedelta(hours=2))
    report = preflight_scheduled(post_id=post.pk, content_hash=post.content_hash)
    assert Post.objects.get(pk=post.pk).status_reason == f"{broken} respondió 404 Not Found"
    pages = [
        reverse("calendar_app:post-detail", kwargs={"slug": brand.workspace.slug, "pk": post.pk}),
        url(brand, "post-publishing", pk=post.pk),
        url(brand, "preflight-report", report_id=report.pk),
        reverse("calendar_app:upcoming", kwargs={"slug": brand.workspace.slug}),
    ]
    client.force_login(brand.author)
    for language, said, not_said in (("en", "answered", "respondió"), ("es", "respondió", "answered")):
        for page in pages:
            html = client.get(page, HTTP_ACCEPT_LANGUAGE=language).content.decode()
            assert f"{broken} {said} 404 Not Found" in html, (language, page)
            assert f"{broken} {not_said} 404" not in html, (language, page)
        answer = client.get(f"/api/v1/posts/{post.pk}/", HTTP_ACCEPT_LANGUAGE=language).json()
        assert answer["status_reason"] == f"{broken} {said} 404 Not Found"
