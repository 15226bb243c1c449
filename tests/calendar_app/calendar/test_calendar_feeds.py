"""The private ICS feed: a revocable secret link per user and workspace, readable by calendar programs."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from calendar_app.errors import NotFoundError
from calendar_app.models import CalendarFeedToken, Membership
from calendar_app.services.feeds import feed_token_create, feed_token_revoke
from calendar_app.services.workflow import post_cancel
from tests.calendar_app.calendar.calendar_support import approved_post_at, madrid, post_at
from tests.factories import WorkspaceFactory, member

pytestmark = pytest.mark.django_db
YEAR = timezone.now().year + 1


def feed_url(token: CalendarFeedToken) -> str:
    return reverse("calendar_app:calendar-feed-ics", kwargs={"token": token.token})


def events(client, token) -> dict:
    response = client.get(feed_url(token))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def test_the_feed_lists_posts_as_events_with_status_channels_and_a_link(client, brand):
    draft = post_at(
        brand, madrid(YEAR, 6, 10, 0, 30), body="Gazpacho del día", channels=[brand.mastodon, brand.bluesky]
    )
    approved = approved_post_at(brand, madrid(YEAR, 6, 11, 12, 0), title="Menú de verano")
    cancelled = post_at(brand, madrid(YEAR, 6, 12, 12, 0))
    post_cancel(post=cancelled, user=brand.author)
    token = feed_token_create(user=brand.author, workspace=brand)
    found = events(client, token)
    assert set(found) == {f"post-{draft.pk}.sol@pauta", f"post-{approved.pk}.sol@pauta"}
    event = found[f"post-{draft.pk}.sol@pauta"]
    assert event.decoded("DTSTART") == madrid(YEAR, 6, 10, 0, 30)
    assert event.decoded("DTEND") - event.decoded("DTSTART") == timedelta(minutes=15)
    assert str(event["SUMMARY"]) == "[Draft] Gazpacho del día"
    assert str(event["STATUS"]) == "TENTATIVE"
    assert "Channels: Sol · Bluesky (Bluesky), Sol · Mastodon (Mastodon)" in str(event["DESCRIPTION"])
    assert str(event["URL"]).endswith(
        reverse("calendar_app:post-detail", kwargs={"slug": "sol", "pk": draft.pk})
    )
    assert str(found[f"post-{approved.pk}.sol@pauta"]["STATUS"]) == "CONFIRMED"
    assert str(found[f"post-{approved.pk}.sol@pauta"]["SUMMARY"]) == "[Approved] Menú de verano"
    calendar = Calendar.from_ical(client.get(feed_url(token)).content)
    assert str(calendar["X-WR-CALNAME"]) == "Pauta · Cafetería Sol"


def test_the_feed_needs_no_session_but_a_live_token(client, brand):
    post_at(brand, madrid(YEAR, 6, 10, 9, 0))
    token = feed_token_create(user=brand.viewer, workspace=brand)
    client.logout()
    assert len(events(client, token)) == 1
    assert client.get("/calendar/feed/not-a-real-token.ics").status_code == 404


def test_a_new_link_revokes_the_old_one_and_revoking_turns_the_feed_off(client, brand):
    first = feed_token_create(user=brand.author, workspace=brand)
    second = feed_token_create(user=brand.author, workspace=brand)
    assert client.get(feed_url(first)).status_code == 404
    assert client.get(feed_url(second)).status_code == 200
    assert feed_token_revoke(user=brand.author, workspace=brand) == 1
    assert client.get(feed_url(second)).status_code == 404


def test_leaving_the_workspace_kills_the_feed_and_strangers_cannot_make_one(client, brand):
    token = feed_token_create(user=brand.author, workspace=brand)
    Membership.objects.filter(user=brand.author, workspace=brand).delete()
    assert client.get(feed_url(token)).status_code == 404
    with pytest.raises(NotFoundError):
        feed_token_create(user=member(WorkspaceFactory()), workspace=brand)


def test_a_feed_shows_only_its_own_workspace(client, brand):
    other = WorkspaceFactory()
    member(other, "author", "ana-elsewhere")
    both = member(other, "author")
    Membership.objects.create(user=both, workspace=brand, role="viewer")
    post_at(other, madrid(YEAR, 6, 10, 9, 0), author=both, channels=[])
    mine = post_at(brand, madrid(YEAR, 6, 10, 9, 0))
    assert set(events(client, feed_token_create(user=both, workspace=brand))) == {f"post-{mine.pk}.sol@pauta"}


def test_the_settings_page_makes_shows_and_revokes_the_link(client, brand):
    client.force_login(brand.author)
    page = reverse("calendar_app:calendar-feed", kwargs={"slug": brand.slug})
    assert "Make my private feed link" in client.get(page).content.decode()
    client.post(page, {"action": "create"})
    token = CalendarFeedToken.objects.get(user=brand.author, revoked_at__isnull=True)
    html = client.get(page).content.decode()
    assert f"http://testserver/calendar/feed/{token.token}.ics" in html
    client.post(page, {"action": "revoke"})
    assert not CalendarFeedToken.objects.filter(user=brand.author, revoked_at__isnull=True).exists()
    assert "Make my private feed link" in client.get(page).content.decode()
