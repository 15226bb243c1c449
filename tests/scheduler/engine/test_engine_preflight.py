"""Pre-flight ahead of time: each check against real servers (links, Mastodon API), the stored report, and
what a failure does (hold, notify in plain words, flag the channel)."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from PIL import Image

from calendar_app.models import Notification, PostMedia, PostStatus, StyleGuide, StyleRule
from calendar_app.services.media import media_attach, media_prepare
from scheduler.models import Channel, Network, PreflightReport, Publication
from scheduler.services.pause import workspace_pause
from scheduler.services.preflight import preflight_evaluate, preflight_on_demand, preflight_scheduled
from scheduler.services.preflight.media import media_check
from tests.factories import ChannelFactory
from tests.scheduler.engine.conftest import approved_post

pytestmark = pytest.mark.django_db


def checks(report: PreflightReport) -> dict[str, str]:
    return {check["name"]: check["verdict"] for check in report.checks}


def test_scheduled_preflight_passes_and_records_what_it_asked(brand, mastodon, links):
    post = approved_post(brand, body=f"New season {links.url('/moved')} and {links.url('/ok')}.")

    report = preflight_scheduled(post_id=post.pk, content_hash=post.content_hash)

    assert report.ok, report.summary
    assert checks(report) == {
        "paused": "pass",
        "approval": "pass",
        "brand_account": "pass",
        "links": "pass",
        "style": "pass",
        "media": "pass",
    }
    moved = next(entry for entry in report.links if entry["url"].endswith("/moved"))
    assert moved["final_url"].endswith("/ok") and moved["redirects"] == 1 and moved["status"] == 200
    identity = report.identity["channels"][0]
    assert identity["asked"] == [f"GET {mastodon.base_url}/api/v1/accounts/verify_credentials"]
    assert identity["answered_handle"] == "@brand" and identity["matches"]
    post.refresh_from_db()
    assert post.status == PostStatus.APPROVED


def test_broken_link_holds_the_post_and_says_why_in_plain_words(brand, links):
    broken = links.url("/found-missing")
    post = approved_post(brand, body=f"Promo: {broken}")

    report = preflight_scheduled(post_id=post.pk, content_hash=post.content_hash)

    assert not report.ok
    assert checks(report)["links"] == "fail"
    expected = f"{broken} answered 404 Not Found after 1 redirect"
    assert expected in report.summary
    post.refresh_from_db()
    assert post.status == PostStatus.FAILED
    assert expected in post.status_reason
    assert set(Publication.objects.filter(post=post).values_list("status", flat=True)) == {"held"}
    told = Notification.objects.filter(post=post, kind="preflight_failed")
    assert {n.user_id for n in told} == {brand.author.pk, brand.reviewer.pk, brand.admin.pk}
    assert all(expected in n.message for n in told)
    assert post.audit.get(action="mark_failed").preflight_report == report


def test_a_spanish_team_reads_the_held_posts_reason_in_spanish(
    brand, links, settings, django_capture_on_commit_callbacks
):
    """The worker runs in English (LANGUAGE_CODE) but writes what it stores in the workspace's language: the
    summary, the post's reason and the e-mail; the bell's sentence follows each reader."""
    from django.core import mail
    from django.utils import translation

    from calendar_app.services.messages import message_render

    settings.PAUTA_PUBLIC_URL = "https://pauta.example.org"
    brand.workspace.language = "es"
    brand.workspace.save(update_fields=["language"])
    brand.author.email = "alba@example.org"
    brand.author.save(update_fields=["email"])
    broken = links.url("/found-missing")
    post = approved_post(brand, body=f"Promo: {broken}")

    with django_capture_on_commit_callbacks(execute=True):
        report = preflight_scheduled(post_id=post.pk, content_hash=post.content_hash)

    expected = f"{broken} respondió 404 Not Found tras 1 redirección"
    assert expected in report.summary
    post.refresh_from_db()
    assert expected in post.status_reason
    [email] = mail.outbox
    assert "alba@example.org" in email.to
    assert email.body == (
        f"«{post.display_title}» no se publicará: {report.summary}\n\n"
        f"Abrir la publicación: https://pauta.example.org/w/{brand.workspace.slug}/posts/{post.pk}/"
    )
    told = Notification.objects.get(post=post, kind="preflight_failed", user=brand.author)
    english = f"{broken} answered 404 Not Found after 1 redirect"
    with translation.override("en"):
        assert message_render(told.content).startswith(
            f"“{post.display_title}” will not be published: {english} (ended at "
        )


def test_a_held_posts_reason_reads_in_each_readers_language(brand, links):
    """What the worker stored in Spanish (the workspace's language) an English-speaking reader reads in
    English: the report's summary and link reason, the post's and the publication's reason."""
    from django.utils import translation

    from calendar_app.templatetags.pauta_messages import entry_reason

    brand.workspace.language = "es"
    brand.workspace.save(update_fields=["language"])
    broken = links.url("/missing")
    post = approved_post(brand, body=f"Promo: {broken}")

    report = preflight_scheduled(post_id=post.pk, content_hash=post.content_hash)

    post.refresh_from_db()
    publication = Publication.objects.get(post=post)
    spanish, english = f"{broken} respondió 404 Not Found", f"{broken} answered 404 Not Found"
    assert report.summary == spanish and post.status_reason == spanish
    assert publication.failure_reason == spanish
    [link] = report.links
    with translation.override("en"):
        assert report.summary_text == english
        assert post.status_reason_text == english
        assert publication.failure_text == english
        assert entry_reason(link) == english
    with translation.override("es"):
        assert (report.summary_text, post.status_reason_text, publication.failure_text) == (spanish,) * 3


def test_personal_credentials_behind_the_brand_channel_block_and_alert_admins(brand, mastodon):
    post = approved_post(brand)
    mastodon.account = {"id": "2002", "username": "jane", "acct": "jane", "display_name": "Jane (personal)"}

    report = preflight_scheduled(post_id=post.pk, content_hash=post.content_hash)

    assert checks(report)["brand_account"] == "fail"
    assert "now act as @jane" in report.summary
    brand.refresh()
    assert brand.channel.status == Channel.Status.NEEDS_ATTENTION
    alert = Notification.objects.get(user=brand.admin, kind="brand_mismatch")
    assert "@jane" in alert.message
    post.refresh_from_db()
    assert post.status == PostStatus.FAILED


def test_channel_not_confirmed_as_brand_account_fails(brand):
    post = approved_post(brand)
    Channel.objects.filter(pk=brand.channel.pk).update(is_brand_account=False)

    report = preflight_scheduled(post_id=post.pk, content_hash=post.content_hash)

    assert checks(report)["brand_account"] == "fail"
    assert "has not been confirmed as one of the brand's official accounts" in report.summary


def test_style_error_added_after_approval_fails(brand):
    post = approved_post(brand, body="Buy the miracle cream today.")
    guide, _created = StyleGuide.objects.get_or_create(workspace=brand.workspace)
    StyleRule.objects.create(
        guide=guide,
        kind="existence",
        level="error",
        message="Never say “miracle”.",
        params={"words": ["miracle"]},
    )
    StyleGuide.objects.filter(pk=guide.pk).update(version=guide.version + 1)

    report = preflight_evaluate(post=post, trigger="on_demand")[0]

    assert checks(report)["style"] == "fail"
    assert "Never say “miracle”." in report.summary


def test_paused_workspace_fails_the_pause_check(brand):
    post = approved_post(brand)
    workspace_pause(workspace=brand.workspace, user=brand.admin, reason="Brand crisis")
    post.refresh_from_db()

    report = preflight_evaluate(post=post, trigger="on_demand")[0]

    assert checks(report)["paused"] == "fail"
    assert "Brand crisis" in report.summary


def test_identity_outage_is_deferred_not_failed(brand, mastodon):
    post = approved_post(brand)
    mastodon.fail_next("GET", "/api/v1/accounts/verify_credentials", 503)

    report = preflight_scheduled(post_id=post.pk, content_hash=post.content_hash)

    assert report.ok
    assert checks(report)["brand_account"] == "deferred"
    post.refresh_from_db()
    assert post.status == PostStatus.APPROVED


def test_stale_run_for_changed_content_does_nothing(brand):
    post = approved_post(brand)
    assert preflight_scheduled(post_id=post.pk, content_hash="0" * 64) is None
    assert not PreflightReport.objects.exists()


def test_on_demand_reports_without_holding(brand, links):
    post = approved_post(brand, body=f"Broken: {links.url('/missing')}")
    report = preflight_on_demand(post=post, user=brand.author)
    assert not report.ok and report.trigger == "on_demand"
    post.refresh_from_db()
    assert post.status == PostStatus.APPROVED


def test_claim_time_reuses_recent_link_verdicts(brand, links):
    post = approved_post(brand, body=f"Read {links.url('/ok')}", when=timezone.now() - timedelta(seconds=1))
    preflight_scheduled(post_id=post.pk, content_hash=post.content_hash)
    hits = links.requests_to("/ok")
    publication = Publication.objects.get(post=post)

    report, _flags = preflight_evaluate(
        post=post, trigger="claim", channels=[brand.channel], publication=publication
    )

    assert report.ok
    assert links.requests_to("/ok") == hits
    assert report.links[0]["reused_from"]
    assert report.identity["channels"][0]["cached"] is True


def png(size=(20, 10), color="teal") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "PNG")
    return buffer.getvalue()


def attach(post, data: bytes, alt: str) -> PostMedia:
    """Through the media service (validated, re-encoded); an empty alt text is forced afterwards, as an old
    row or a direct database edit could leave it."""
    prepared = media_prepare(upload=io.BytesIO(data))
    item = media_attach(post=post, prepared=prepared, alt_text=alt or "placeholder")
    if not alt:
        PostMedia.objects.filter(pk=item.pk).update(alt_text="")
    return item


def test_media_check_reads_each_file_against_each_network(brand, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    post = approved_post(brand)
    attach(post, png(), "A teal rectangle")
    attach(post, png(), "")
    bluesky = ChannelFactory(workspace=brand.workspace, network=Network.BLUESKY, display_name="Sky")

    result = media_check(post=post, channels=[brand.channel, bluesky])

    assert result.verdict == "fail"
    assert result.problems.count("Image 2 has no alt text.") == 1  # said once, not once per channel

    noise = Image.effect_noise((1200, 1200), 100).convert("RGB")
    buffer = io.BytesIO()
    noise.save(buffer, "PNG")
    post.media.all().delete()
    attach(post, buffer.getvalue(), "Noise")
    result = media_check(post=post, channels=[brand.channel, bluesky])
    assert [p for p in result.problems if "Sky accepts up to 1.0 MB" in p]
    assert not [p for p in result.problems if "Brand · Mastodon" in p]
