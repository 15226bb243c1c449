""" "Next 24 hours": publications due soon per channel, with their latest pre-flight verdict."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from calendar_app.models import Post
from calendar_app.selectors.calendar import recently_missed, upcoming_publications
from calendar_app.services import workflow
from scheduler.models import PreflightReport, Publication
from tests.calendar_app.calendar.calendar_support import approved_post_at, post_at
from tests.factories import WorkspaceFactory, held_after_its_time, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def tomorrow(brand):
    now = timezone.now()
    soon = approved_post_at(
        brand, now + timedelta(hours=3), title="Terraza abierta", channels=[brand.mastodon, brand.bluesky]
    )
    later = approved_post_at(brand, now + timedelta(hours=20), title="Menú de noche")
    approved_post_at(brand, now + timedelta(hours=30), title="Pasado mañana")
    waiting = post_at(brand, now + timedelta(hours=5), title="Sin revisar")
    workflow.post_submit(post=waiting, user=brand.author)
    on_mastodon = Publication.objects.get(post=soon, channel=brand.mastodon)
    PreflightReport.objects.create(
        post=soon,
        publication=on_mastodon,
        trigger="scheduled",
        ok=False,
        summary="1 link failed: https://example.org/carta answered 404.",
    )
    PreflightReport.objects.create(post=later, trigger="on_demand", ok=True, summary="All checks passed.")
    return {"soon": soon, "later": later, "waiting": waiting}


def test_groups_due_publications_by_channel_in_time_order(brand, tomorrow):
    groups = upcoming_publications(workspace=brand, now=timezone.now())
    by_channel = {group.channel.pk: [item.post.title for item in group.items] for group in groups}
    assert by_channel == {
        brand.bluesky.pk: ["Terraza abierta"],
        brand.mastodon.pk: ["Terraza abierta", "Menú de noche"],
    }


def test_each_publication_gets_its_own_report_or_a_fresh_post_level_one(brand, tomorrow):
    groups = {group.channel.pk: group for group in upcoming_publications(workspace=brand, now=timezone.now())}
    mastodon = {item.post.title: item for item in groups[brand.mastodon.pk].items}
    assert mastodon["Terraza abierta"].report.ok is False
    assert mastodon["Menú de noche"].report.summary == "All checks passed."
    assert groups[brand.bluesky.pk].items[0].report is None, "a report for another channel does not count"
    assert groups[brand.mastodon.pk].problems == 1


def test_a_post_level_report_older_than_the_publication_does_not_count(brand, tomorrow):
    report = PreflightReport.objects.get(post=tomorrow["later"])
    PreflightReport.objects.filter(pk=report.pk).update(created_at=timezone.now() - timedelta(days=1))
    groups = {group.channel.pk: group for group in upcoming_publications(workspace=brand, now=timezone.now())}
    later = [item for item in groups[brand.mastodon.pk].items if item.post.title == "Menú de noche"][0]
    assert later.report is None


def test_the_page_shows_verdicts_times_and_what_is_not_approved(client, brand, tomorrow):
    client.force_login(brand.viewer)
    html = client.get(reverse("calendar_app:upcoming", kwargs={"slug": brand.slug})).content.decode()
    assert "3 publications are due." in html and "1 failed pre-flight" in html
    assert "1 link failed: https://example.org/carta answered 404." in html
    assert "All checks passed." in html
    assert "Not run yet" in html and "runs 10 minutes before, at" in html
    assert "Pasado mañana" not in html
    assert "Due soon but not approved" in html and "Sin revisar" in html
    assert html.index("Sol · Bluesky") < html.index("Sol · Mastodon")


def test_held_publications_are_listed_and_marked(client, brand, tomorrow):
    Publication.objects.filter(post=tomorrow["later"]).update(status=Publication.Status.HELD)
    client.force_login(brand.viewer)
    html = client.get(reverse("calendar_app:upcoming", kwargs={"slug": brand.slug})).content.decode()
    assert "Held by pre-flight" in html and "Menú de noche" in html


def test_a_quiet_day_says_so_and_outsiders_get_404(client, brand):
    client.force_login(brand.viewer)
    html = client.get(reverse("calendar_app:upcoming", kwargs={"slug": brand.slug})).content.decode()
    assert "Nothing is due to go out in the next 24 hours." in html
    client.force_login(member(WorkspaceFactory(), "admin"))
    assert client.get(reverse("calendar_app:upcoming", kwargs={"slug": brand.slug})).status_code == 404


def test_a_pre_flight_that_should_have_run_is_flagged(client, brand):
    soon = approved_post_at(brand, timezone.now() + timedelta(minutes=4), title="Ya casi")
    client.force_login(brand.viewer)
    html = client.get(reverse("calendar_app:upcoming", kwargs={"slug": brand.slug})).content.decode()
    assert "Ya casi" in html and "check that the Pauta worker is running" in html
    report = PreflightReport.objects.create(
        post=soon, trigger="scheduled", ok=True, summary="All checks passed."
    )
    html = client.get(reverse("calendar_app:upcoming", kwargs={"slug": brand.slug})).content.decode()
    assert "worker is running" not in html
    assert reverse("scheduler:preflight-report", kwargs={"slug": brand.slug, "report_id": report.pk}) in html


def _held_a_while_ago(brand, *, title: str, minutes_ago: int) -> Post:
    post = approved_post_at(brand, timezone.now() + timedelta(minutes=5), title=title)
    return held_after_its_time(
        post,
        summary="https://example.org/promo answered 404 Not Found after 1 redirect",
        minutes_ago=minutes_ago,
    )


def test_a_post_held_after_its_time_passed_stays_on_the_page_with_its_reason(client, brand):
    held = _held_a_while_ago(brand, title="Promo de otoño", minutes_ago=3)
    _held_a_while_ago(brand, title="De anteayer", minutes_ago=25 * 60)
    missed = recently_missed(workspace=brand, now=timezone.now())
    assert [item.post.title for item in missed] == ["Promo de otoño"]
    assert missed[0].publication.status == Publication.Status.HELD
    assert missed[0].report.post_id == held.pk

    client.force_login(brand.viewer)
    html = client.get(reverse("calendar_app:upcoming", kwargs={"slug": brand.slug})).content.decode()
    assert "1 publication did not go out in the last 24 hours" in html
    assert "Promo de otoño" in html and "answered 404 Not Found after 1 redirect" in html
    assert (
        reverse("scheduler:preflight-report", kwargs={"slug": brand.slug, "report_id": missed[0].report.pk})
        in html
    )
    assert "De anteayer" not in html
    assert "Nothing is due to go out in the next 24 hours." in html


def test_a_held_post_leaves_the_list_once_a_reviewer_retries_or_moves_it(brand):
    retried = _held_a_while_ago(brand, title="Reintentado", minutes_ago=3)
    moved = _held_a_while_ago(brand, title="Movido", minutes_ago=3)
    assert len(recently_missed(workspace=brand, now=timezone.now())) == 2
    workflow.post_retry(post=retried, user=brand.reviewer)
    workflow.post_reschedule(
        post=moved, user=brand.reviewer, scheduled_at=timezone.now() + timedelta(hours=2)
    )
    assert recently_missed(workspace=brand, now=timezone.now()) == []


def test_published_and_cancelled_posts_are_not_listed_as_missed(brand):
    out = approved_post_at(brand, timezone.now() + timedelta(minutes=5), title="Salió")
    Publication.objects.filter(post=out).update(
        status=Publication.Status.PUBLISHED, scheduled_at=timezone.now() - timedelta(minutes=2)
    )
    Post.objects.filter(pk=out.pk).update(status="published")
    cancelled = _held_a_while_ago(brand, title="Cancelado", minutes_ago=3)
    workflow.post_cancel(post=cancelled, user=brand.reviewer)
    assert recently_missed(workspace=brand, now=timezone.now()) == []


def test_a_post_that_failed_again_after_a_retry_is_listed_once_per_channel(brand):
    post = _held_a_while_ago(brand, title="Otra vez", minutes_ago=30)
    workflow.post_retry(post=post, user=brand.reviewer)
    failed = Publication.objects.get(post=post, status=Publication.Status.SCHEDULED)
    Publication.objects.filter(pk=failed.pk).update(status=Publication.Status.FAILED, failure_reason="401")
    Post.objects.filter(pk=post.pk).update(status="failed")
    workflow.post_retry(post=post, user=brand.reviewer)
    Publication.objects.filter(post=post, status=Publication.Status.SCHEDULED).update(
        status=Publication.Status.FAILED,
        failure_reason="Mastodon refused the access token (401 Unauthorized).",
    )
    Post.objects.filter(pk=post.pk).update(status="failed")
    assert Publication.objects.filter(post=post, status=Publication.Status.FAILED).count() == 2
    missed = recently_missed(workspace=brand, now=timezone.now())
    assert [item.publication.failure_reason for item in missed] == [
        "Mastodon refused the access token (401 Unauthorized)."
    ]
