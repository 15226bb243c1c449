"""Times are shown in the workspace's zone, or the viewer's own when they choose it, and days follow."""

from datetime import UTC, date, datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from calendar_app.errors import InvalidInputError
from calendar_app.models import UserPreference
from calendar_app.selectors.calendar import calendar_range
from calendar_app.services.preferences import display_timezone, preference_set_timezone
from tests.calendar_app.calendar.calendar_support import (
    calendar_url,
    card_html,
    cards_by_zone,
    madrid,
    post_at,
)

pytestmark = pytest.mark.django_db
YEAR = timezone.now().year + 1


@pytest.fixture
def half_past_midnight(brand):
    """00:30 on 10 June in Madrid is 18:30 on 9 June in New York."""
    return post_at(brand, madrid(YEAR, 6, 10, 0, 30))


def render(client, brand, user, **params) -> str:
    client.force_login(user)
    return client.get(calendar_url(brand, **params)).content.decode()


@pytest.mark.parametrize("view", ["month", "week", "list"])
def test_a_madrid_viewer_sees_the_post_on_the_madrid_day(client, brand, half_past_midnight, view):
    html = render(client, brand, brand.author, view=view, date=f"{YEAR}-06-10")
    zones = cards_by_zone(html)
    key = f"{YEAR}-06-10@0" if view == "week" else f"{YEAR}-06-10"
    assert zones[key] == [half_past_midnight.pk]
    assert ">00:30<" in card_html(html, half_past_midnight.pk)
    assert "Times in the workspace's time zone, <strong>Europe/Madrid</strong>" in html


@pytest.mark.parametrize("view", ["month", "week", "list"])
def test_a_new_york_viewer_sees_it_the_evening_before(client, brand, half_past_midnight, view):
    preference_set_timezone(user=brand.author, timezone="America/New_York", use_own_timezone=True)
    html = render(client, brand, brand.author, view=view, date=f"{YEAR}-06-09")
    zones = cards_by_zone(html)
    key = f"{YEAR}-06-09@18" if view == "week" else f"{YEAR}-06-09"
    assert zones[key] == [half_past_midnight.pk]
    assert f"{YEAR}-06-10" not in [k for k, pks in zones.items() if pks]
    assert ">18:30<" in card_html(html, half_past_midnight.pk)
    assert "Times in your time zone, <strong>America/New_York</strong>" in html
    assert "show workspace time (Europe/Madrid)" in html


def test_the_calendar_range_is_bounded_by_local_midnights(brand):
    period = calendar_range(
        view="week", anchor=date(YEAR, 6, 10), tz_name="America/New_York", first_weekday=0
    )
    assert period.first_day.weekday() == 0
    assert period.start_utc == datetime.combine(period.first_day, datetime.min.time(), tzinfo=UTC).replace(
        hour=4
    )


def test_a_saved_zone_is_only_used_when_chosen(brand):
    preference = preference_set_timezone(user=brand.author, timezone="Asia/Tokyo", use_own_timezone=False)
    assert display_timezone(workspace=brand, preference=preference) == ("Europe/Madrid", False)
    preference = preference_set_timezone(user=brand.author, timezone="Asia/Tokyo", use_own_timezone=True)
    assert display_timezone(workspace=brand, preference=preference) == ("Asia/Tokyo", True)


def test_choosing_my_zone_without_naming_it_or_with_a_bad_name_is_refused(brand):
    with pytest.raises(InvalidInputError, match="Choose your time zone"):
        preference_set_timezone(user=brand.author, timezone="", use_own_timezone=True)
    with pytest.raises(InvalidInputError, match="not a known time zone"):
        preference_set_timezone(user=brand.author, timezone="Atlantis/Capital", use_own_timezone=True)


def test_a_zone_tzdata_no_longer_knows_falls_back_to_the_workspace(brand):
    stale = UserPreference.objects.create(user=brand.author, timezone="Gone/Away", use_own_timezone=True)
    assert display_timezone(workspace=brand, preference=stale) == ("Europe/Madrid", False)


def test_the_time_zone_page_saves_the_choice_and_returns_to_the_calendar(client, brand, half_past_midnight):
    client.force_login(brand.author)
    page = reverse("calendar_app:calendar-timezone", kwargs={"slug": brand.slug})
    back = calendar_url(brand, view="week", date=f"{YEAR}-06-09")
    form = client.get(page, {"next": back}).content.decode()
    assert '<option value="America/New_York">' in form and f'value="{back.replace("&", "&amp;")}"' in form
    response = client.post(page, {"timezone": "America/New_York", "use_own_timezone": "1", "next": back})
    assert response.status_code == 302 and response["Location"] == back
    assert "Times in your time zone" in client.get(back).content.decode()
    client.post(page, {"timezone": "America/New_York", "use_own_timezone": "0", "next": back})
    assert "Times in the workspace's time zone" in client.get(back).content.decode()


def test_the_time_zone_page_reports_errors_and_ignores_off_site_next(client, brand):
    client.force_login(brand.author)
    page = reverse("calendar_app:calendar-timezone", kwargs={"slug": brand.slug})
    response = client.post(
        page, {"timezone": "", "use_own_timezone": "1", "next": "https://evil.example/"}, follow=True
    )
    assert "Choose your time zone first." in response.content.decode()
    ok = client.post(
        page, {"timezone": "Asia/Tokyo", "use_own_timezone": "1", "next": "https://evil.example/"}
    )
    assert ok["Location"] == reverse("calendar_app:calendar", kwargs={"slug": brand.slug})


def test_new_post_links_carry_workspace_local_time_even_for_a_new_york_viewer(client, brand):
    preference_set_timezone(user=brand.author, timezone="America/New_York", use_own_timezone=True)
    html = render(client, brand, brand.author, view="week", date=f"{YEAR}-06-09")
    new = reverse("calendar_app:post-new", kwargs={"slug": brand.slug})
    assert f'data-drop-hour="18" data-new-url="{new}?at={YEAR}-06-10T00:00"' in html
