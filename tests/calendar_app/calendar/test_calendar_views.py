"""Month, week and list views: what each card shows, where it sits, navigation and empty states."""

import io
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from calendar_app.models import PostStatus
from calendar_app.services.media import media_attach, media_prepare
from scheduler.models import Publication
from tests.calendar_app.calendar.calendar_support import (
    approved_post_at,
    calendar_url,
    card_html,
    cards_by_zone,
    madrid,
    post_at,
)
from tests.factories import WorkspaceFactory, member

pytestmark = pytest.mark.django_db
YEAR = timezone.now().year + 1


def page(client, workspace, user, **params) -> str:
    client.force_login(user)
    response = client.get(calendar_url(workspace, **params))
    assert response.status_code == 200
    return response.content.decode()


def test_month_card_shows_time_channels_status_in_words_and_first_words(client, brand):
    post = post_at(
        brand,
        madrid(YEAR, 6, 10, 9, 15),
        body="Nuevo menú de verano en Sol con gazpacho, salmorejo y tortilla para toda la familia",
        channels=[brand.mastodon, brand.bluesky],
    )
    html = page(client, brand, brand.author, view="month", date=f"{YEAR}-06-01")
    card = card_html(html, post.pk)
    assert '<time class="cal-time"' in card and ">09:15<" in card
    assert 'aria-label="Sol · Mastodon"' in card and 'aria-label="Sol · Bluesky"' in card
    assert 'class="badge status-badge status-draft">Draft<' in card
    assert "Nuevo menú de verano en Sol con gazpacho,…" in card
    assert reverse("calendar_app:post-detail", kwargs={"slug": brand.slug, "pk": post.pk}) in card
    assert cards_by_zone(html)[f"{YEAR}-06-10"] == [post.pk]


def test_title_wins_over_text_and_published_posts_link_to_the_live_post(client, brand):
    post = approved_post_at(brand, madrid(YEAR, 6, 11, 12, 0), title="Menú de verano")
    Publication.objects.filter(post=post).update(
        status=Publication.Status.PUBLISHED,
        remote_url="https://social.example/@sol/1",
        published_at=post.scheduled_at,
    )
    html = page(client, brand, brand.author, view="month", date=f"{YEAR}-06-01")
    card = card_html(html, post.pk)
    assert ">Menú de verano<" in card
    assert 'href="https://social.example/@sol/1"' in card and "View live" in card


def test_a_post_with_an_image_shows_its_thumbnail_with_alt_text(client, brand, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    post = post_at(brand, madrid(YEAR, 6, 12, 8, 0))
    picture = io.BytesIO()
    Image.new("RGB", (640, 480), "orange").save(picture, "PNG")
    picture.seek(0)
    media = media_attach(post=post, prepared=media_prepare(upload=picture), alt_text="La terraza al sol")
    card = card_html(page(client, brand, brand.author, date=f"{YEAR}-06-01"), post.pk)
    assert media.thumbnail.name
    assert f'src="/media/{media.thumbnail.name}"' in card and 'alt="La terraza al sol"' in card


def test_month_grid_covers_whole_weeks_and_marks_days_outside_the_month(client, brand):
    html = page(client, brand, brand.author, view="month", date=f"{YEAR}-06-15")
    zones = list(cards_by_zone(html))
    assert len(zones) % 7 == 0 and len(zones) >= 28
    first, last = date.fromisoformat(zones[0]), date.fromisoformat(zones[-1])
    assert first <= date(YEAR, 6, 1) and last >= date(YEAR, 6, 30)
    assert html.count("cal-day cal-out") == len(zones) - 30


def test_a_busy_day_shows_a_few_cards_and_links_to_the_rest(client, brand):
    posts = [post_at(brand, madrid(YEAR, 6, 3, 8 + n, 0)) for n in range(6)]
    html = page(client, brand, brand.author, view="month", date=f"{YEAR}-06-01")
    assert cards_by_zone(html)[f"{YEAR}-06-03"] == [p.pk for p in posts[:4]]
    assert "+2 more" in html
    assert f"view=list&amp;date={YEAR}-06-03#day-{YEAR}-06-03" in html


def test_week_view_puts_posts_in_their_hour_and_list_view_shows_every_post(client, brand):
    morning = post_at(brand, madrid(YEAR, 6, 10, 9, 15))
    evening = post_at(brand, madrid(YEAR, 6, 12, 21, 40))
    week = page(client, brand, brand.author, view="week", date=f"{YEAR}-06-10")
    zones = cards_by_zone(week)
    assert len(zones) == 7 * 24
    assert zones[f"{YEAR}-06-10@9"] == [morning.pk] and zones[f"{YEAR}-06-12@21"] == [evening.pk]
    listing = page(client, brand, brand.author, view="list", date=f"{YEAR}-06-10")
    assert cards_by_zone(listing) == {f"{YEAR}-06-10": [morning.pk], f"{YEAR}-06-12": [evening.pk]}
    assert "by ana" in card_html(listing, morning.pk)


def test_navigation_links_keep_the_view_and_move_by_its_period(client, brand):
    html = page(client, brand, brand.author, view="week", date=f"{YEAR}-06-10", mine="1")
    assert f'href="?view=week&amp;date={YEAR}-06-03&amp;mine=1" rel="prev"' in html
    assert f'href="?view=week&amp;date={YEAR}-06-17&amp;mine=1" rel="next"' in html
    today = timezone.now().astimezone(ZoneInfo("Europe/Madrid")).date()
    assert f'href="?view=week&amp;date={today.isoformat()}&amp;mine=1" data-cal-nav="today"' in html
    month = page(client, brand, brand.author, view="month", date=f"{YEAR}-01-31")
    assert f"date={YEAR - 1}-12-01" in month and f"date={YEAR}-02-01" in month


def test_today_and_the_current_hour_are_marked(client, brand):
    now = timezone.now().astimezone(ZoneInfo("Europe/Madrid"))
    month = page(client, brand, brand.author)
    assert f'data-drop-date="{now.date().isoformat()}" data-new-url' in month
    assert month.count('aria-current="date"') == 1
    week = page(client, brand, brand.author, view="week")
    assert week.count('class="cal-now"') == 1


def test_empty_days_start_a_draft_at_that_local_time(client, brand):
    html = page(client, brand, brand.author, view="week", date=f"{YEAR}-06-10")
    new = reverse("calendar_app:post-new", kwargs={"slug": brand.slug})
    assert f'data-drop-hour="14" data-new-url="{new}?at={YEAR}-06-10T14:00"' in html
    month = page(client, brand, brand.author, view="month", date=f"{YEAR}-06-10")
    assert f'href="{new}?at={YEAR}-06-10T10:00"' in month


def test_viewers_see_posts_but_cannot_create_or_drag(client, brand):
    post = post_at(brand, madrid(YEAR, 6, 10, 9, 0))
    html = page(client, brand, brand.viewer, date=f"{YEAR}-06-01")
    assert 'draggable="true"' not in card_html(html, post.pk)
    assert "data-new-url" not in html and "New post" not in html
    author_html = page(client, brand, brand.author, date=f"{YEAR}-06-01")
    assert 'draggable="true"' in card_html(author_html, post.pk)


def test_authors_can_drag_their_own_posts_and_reviewers_any(client, brand):
    by_admin = post_at(brand, madrid(YEAR, 6, 11, 9, 0), author=brand.admin)
    assert 'draggable="true"' not in card_html(
        page(client, brand, brand.author, date=f"{YEAR}-06-01"), by_admin.pk
    )
    assert 'draggable="true"' in card_html(
        page(client, brand, brand.reviewer, date=f"{YEAR}-06-01"), by_admin.pk
    )


def test_a_new_workspace_explains_how_to_connect_a_channel_and_write_the_first_post(client):
    workspace = WorkspaceFactory(name="Nueva")
    admin = member(workspace, "admin")
    html = page(client, workspace, admin)
    assert "Welcome to the calendar of Nueva" in html
    assert "Connect a channel" in html and "Mastodon, Bluesky or webhook" in html
    assert reverse("scheduler:channel-connect", kwargs={"slug": workspace.slug}) in html
    assert reverse("calendar_app:post-new", kwargs={"slug": workspace.slug}) in html
    author = member(workspace, "author")
    assert "ask an admin of this workspace" in page(client, workspace, author)


def test_an_empty_month_with_posts_elsewhere_says_so_without_the_welcome(client, brand):
    post_at(brand, madrid(YEAR, 6, 10, 9, 0))
    html = page(client, brand, brand.author, date=f"{YEAR}-08-01")
    assert "Nothing planned in this period yet." in html and "Welcome" not in html


def test_cancelled_posts_stay_off_the_calendar_unless_asked_for(client, brand):
    from calendar_app.services.workflow import post_cancel

    post = post_at(brand, madrid(YEAR, 6, 10, 9, 0))
    post_cancel(post=post, user=brand.author)
    assert f'data-post-id="{post.pk}"' not in page(client, brand, brand.author, date=f"{YEAR}-06-01")
    html = page(client, brand, brand.author, date=f"{YEAR}-06-01", status=PostStatus.CANCELLED)
    assert "Cancelled" in card_html(html, post.pk)


def test_non_members_get_404_and_anonymous_users_go_to_login(client, brand):
    stranger = member(WorkspaceFactory(), "admin")
    client.force_login(stranger)
    assert client.get(calendar_url(brand)).status_code == 404
    client.logout()
    response = client.get(calendar_url(brand))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_nav_has_calendar_and_next_24_hours(client, brand):
    html = page(client, brand, brand.author)
    assert 'aria-current="page" href="/w/sol/calendar/"' in html
    assert reverse("calendar_app:upcoming", kwargs={"slug": brand.slug}) in html
    assert reverse("calendar_app:calendar-feed", kwargs={"slug": brand.slug}) in html


def test_junk_in_the_query_string_falls_back_instead_of_failing(client, brand):
    html = page(client, brand, brand.author, view="year", date="31/06", author="x", channel="nope")
    today = timezone.now().astimezone(ZoneInfo("Europe/Madrid")).date()
    assert 'class="cal-month"' in html
    assert f'value="{today.isoformat()}"' in html


def test_posts_of_other_workspaces_never_show(client, brand):
    other = WorkspaceFactory()
    outsider = member(other, "author")
    member(other, "author", "ana-other")
    foreign = post_at(other, madrid(YEAR, 6, 10, 9, 0), author=outsider, channels=[])
    html = page(client, brand, brand.author, date=f"{YEAR}-06-01")
    assert f'data-post-id="{foreign.pk}"' not in html


def test_a_late_post_on_the_25_hour_dst_sunday_stays_on_that_sunday(client, brand):
    """The October change makes the last Sunday 25 hours long: a post at 23:30 stays on that Sunday."""
    sunday = date(YEAR, 10, 31)
    while sunday.weekday() != 6:
        sunday -= timedelta(days=1)
    post = post_at(brand, madrid(sunday.year, sunday.month, sunday.day, 23, 30))
    html = page(client, brand, brand.author, view="week", date=sunday.isoformat())
    assert cards_by_zone(html)[f"{sunday.isoformat()}@23"] == [post.pk]
