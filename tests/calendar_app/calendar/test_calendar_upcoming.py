""" "Next 24 hours": publications due soon per channel, with their latest pre-flight verdict."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from calendar_app.selectors.calendar import upcoming_publications
from calendar_app.services import workflow
from scheduler.models import PreflightReport, Publication
from tests.calendar_app.calendar.calendar_support import approved_post_at, post_at
from tests.factories import WorkspaceFactory, member

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
