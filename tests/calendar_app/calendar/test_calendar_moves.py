"""Moving posts: the drag-and-drop JSON endpoint and the keyboard form, with the workflow's rules."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.contrib.messages import get_messages
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from calendar_app.models import AuditEntry, PostStatus
from scheduler.models import Publication
from tests.calendar_app.calendar.calendar_support import MADRID, approved_post_at, madrid, post_at
from tests.factories import WorkspaceFactory, member

pytestmark = pytest.mark.django_db
YEAR = timezone.now().year + 1


def move(client, post, user, **data):
    client.force_login(user)
    url = reverse("calendar_app:post-move", kwargs={"slug": post.workspace.slug, "pk": post.pk})
    return client.post(url, data)


def test_dropping_a_draft_on_another_day_keeps_its_local_time(client, brand):
    post = post_at(brand, madrid(YEAR, 6, 10, 9, 15))
    response = move(client, post, brand.author, date=f"{YEAR}-06-13", tz="Europe/Madrid")
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is True and body["local_date"] == f"{YEAR}-06-13" and body["local_time"] == "09:15"
    post.refresh_from_db()
    assert post.scheduled_at == madrid(YEAR, 6, 13, 9, 15)
    assert AuditEntry.objects.filter(post=post, action="reschedule").count() == 1


def test_dropping_on_a_week_hour_takes_that_hour(client, brand):
    post = post_at(brand, madrid(YEAR, 6, 10, 9, 15))
    body = move(client, post, brand.author, date=f"{YEAR}-06-11", time="17:15").json()
    assert body["local_time"] == "17:15"
    post.refresh_from_db()
    assert post.scheduled_at == madrid(YEAR, 6, 11, 17, 15)


def test_an_author_dragging_an_approved_post_is_asked_first_and_nothing_moves(client, brand):
    post = approved_post_at(brand, madrid(YEAR, 6, 10, 9, 0))
    response = move(client, post, brand.author, date=f"{YEAR}-06-12")
    assert response.status_code == 409
    body = response.json()
    assert body["error"] == "confirmation_required" and body["details"]["confirm"] is True
    assert "its approval is withdrawn and it goes back to review" in body["message"]
    assert body["details"]["refused"].startswith("Not moved:")
    post.refresh_from_db()
    assert post.scheduled_at == madrid(YEAR, 6, 10, 9, 0) and post.status == PostStatus.APPROVED


def test_an_author_who_confirms_moves_it_back_to_review_without_its_approval(client, brand):
    post = approved_post_at(brand, madrid(YEAR, 6, 10, 9, 0))
    response = move(client, post, brand.author, date=f"{YEAR}-06-12", confirm="1")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == PostStatus.IN_REVIEW and body["status_label"] == "In review"
    assert "approvals were withdrawn" in body["message"]
    post.refresh_from_db()
    assert post.scheduled_at == madrid(YEAR, 6, 12, 9, 0) and post.status == PostStatus.IN_REVIEW
    assert not Publication.objects.filter(post=post, status=Publication.Status.SCHEDULED).exists()


def test_an_author_cannot_move_someone_elses_post(client, brand):
    post = post_at(brand, madrid(YEAR, 6, 10, 9, 0), author=brand.admin)
    response = move(client, post, brand.author, date=f"{YEAR}-06-12")
    assert response.status_code == 403 and response.json()["error"] == "permission_denied"


def test_a_reviewer_moves_an_approved_post_and_its_publication_follows(client, brand):
    post = approved_post_at(brand, madrid(YEAR, 6, 10, 9, 0))
    response = move(client, post, brand.reviewer, date=f"{YEAR}-06-12", time="10:30")
    assert response.status_code == 200 and response.json()["status"] == PostStatus.APPROVED
    active = Publication.objects.get(post=post, status=Publication.Status.SCHEDULED)
    assert active.scheduled_at == madrid(YEAR, 6, 12, 10, 30)


def test_viewers_cannot_move_posts(client, brand):
    post = post_at(brand, madrid(YEAR, 6, 10, 9, 0))
    response = move(client, post, brand.viewer, date=f"{YEAR}-06-12")
    assert response.status_code == 403 and response.json()["error"] == "permission_denied"


def test_posts_of_other_workspaces_are_404_even_through_your_own_workspace(client, brand):
    other = WorkspaceFactory()
    outsider = member(other, "admin")
    foreign = post_at(other, madrid(YEAR, 6, 10, 9, 0), author=outsider, channels=[])
    client.force_login(brand.admin)
    via_own = reverse("calendar_app:post-move", kwargs={"slug": brand.slug, "pk": foreign.pk})
    assert client.post(via_own, {"date": f"{YEAR}-06-12"}).status_code == 404
    assert move(client, foreign, brand.admin, date=f"{YEAR}-06-12").status_code == 404


def test_get_is_not_allowed_and_csrf_is_enforced(brand):
    post = post_at(brand, madrid(YEAR, 6, 10, 9, 0))
    url = reverse("calendar_app:post-move", kwargs={"slug": brand.slug, "pk": post.pk})
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(brand.author)
    assert strict.get(url).status_code == 405
    assert strict.post(url, {"date": f"{YEAR}-06-12"}).status_code == 403
    post.refresh_from_db()
    assert post.scheduled_at == madrid(YEAR, 6, 10, 9, 0)


def _last_sunday(year: int, month: int) -> date:
    day = date(year, month + 1, 1) - timedelta(days=1)
    return day - timedelta(days=(day.weekday() - 6) % 7)


def test_a_time_skipped_by_daylight_saving_is_refused_with_a_clear_message(client, brand):
    post = post_at(brand, madrid(YEAR, 3, 20, 9, 0))
    spring = _last_sunday(YEAR, 3)
    response = move(client, post, brand.author, date=spring.isoformat(), time="02:30", tz="Europe/Madrid")
    assert response.status_code == 400
    assert "does not exist in Europe/Madrid" in response.json()["message"]
    autumn = _last_sunday(YEAR, 10)
    response = move(client, post, brand.author, date=autumn.isoformat(), time="02:30", tz="Europe/Madrid")
    assert response.status_code == 400 and "happens twice" in response.json()["message"]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"date": "tomorrow"}, "date"),
        ({"date": "2030-02-30"}, "date"),
        ({"date": "2030-02-03", "time": "25:00"}, "time"),
    ],
)
def test_malformed_targets_are_400_with_the_field(client, brand, data, field):
    post = post_at(brand, madrid(YEAR, 6, 10, 9, 0))
    response = move(client, post, brand.author, **data)
    assert response.status_code == 400 and response.json()["details"]["field"] == field


def test_unknown_time_zones_are_refused(client, brand):
    post = post_at(brand, madrid(YEAR, 6, 10, 9, 0))
    response = move(client, post, brand.author, date=f"{YEAR}-06-12", tz="Mars/Olympus")
    assert response.status_code == 400 and "Mars/Olympus" in response.json()["message"]


def test_submitted_posts_cannot_be_moved_into_the_past(client, brand):
    from calendar_app.services.workflow import post_submit

    post = post_at(brand, madrid(YEAR, 6, 10, 9, 0))
    post_submit(post=post, user=brand.author)
    yesterday = (timezone.now() - timedelta(days=1)).astimezone(MADRID).date()
    response = move(client, post, brand.author, date=yesterday.isoformat(), time="09:00")
    assert response.status_code == 400 and "future" in response.json()["message"]


def test_a_new_york_viewer_drops_in_new_york_time(client, brand):
    post = post_at(brand, madrid(YEAR, 6, 10, 9, 0))
    body = move(client, post, brand.author, date=f"{YEAR}-06-11", time="18:30", tz="America/New_York").json()
    assert body["local_date"] == f"{YEAR}-06-11" and body["local_time"] == "18:30"
    post.refresh_from_db()
    assert post.scheduled_at == madrid(YEAR, 6, 12, 0, 30)
    assert post.scheduled_at == datetime(YEAR, 6, 11, 22, 30, tzinfo=UTC)


def reschedule(client, post, user, **data):
    client.force_login(user)
    url = reverse("calendar_app:post-reschedule", kwargs={"slug": post.workspace.slug, "pk": post.pk})
    return client.post(url, data)


def test_the_keyboard_form_moves_the_post_and_returns_with_a_message(client, brand):
    post = post_at(brand, madrid(YEAR, 6, 10, 9, 0), title="Terraza")
    back = reverse("calendar_app:post-detail", kwargs={"slug": brand.slug, "pk": post.pk})
    response = reschedule(client, post, brand.author, at=f"{YEAR}-06-14T11:45", tz="Europe/Madrid", next=back)
    assert response.status_code == 302 and response["Location"] == back
    post.refresh_from_db()
    assert post.scheduled_at == madrid(YEAR, 6, 14, 11, 45)
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        f"“Terraza” now goes out on {YEAR}-06-14 11:45 (Europe/Madrid)."
    ]


def test_the_keyboard_form_refuses_with_a_message_and_never_redirects_off_site(client, brand):
    post = post_at(brand, madrid(YEAR, 6, 10, 9, 0))
    response = reschedule(client, post, brand.viewer, at=f"{YEAR}-06-14T11:45", next="https://evil.example/")
    detail = reverse("calendar_app:post-detail", kwargs={"slug": brand.slug, "pk": post.pk})
    assert response.status_code == 302 and response["Location"] == detail
    assert "needs the Author role" in [str(m) for m in get_messages(response.wsgi_request)][0]
    post.refresh_from_db()
    assert post.scheduled_at == madrid(YEAR, 6, 10, 9, 0)
    incomplete = reschedule(client, post, brand.author, at=f"{YEAR}-06-14")
    assert "complete date and time" in [str(m) for m in get_messages(incomplete.wsgi_request)][-1]


def test_the_keyboard_form_says_when_an_authors_move_sent_the_post_back_to_review(client, brand):
    post = approved_post_at(brand, madrid(YEAR, 6, 10, 9, 0))
    response = reschedule(client, post, brand.author, at=f"{YEAR}-06-14T11:45")
    message = [str(m) for m in get_messages(response.wsgi_request)][0]
    assert "now goes out on" in message and "approvals were withdrawn" in message
    post.refresh_from_db()
    assert post.status == PostStatus.IN_REVIEW


def test_the_reschedule_partial_shows_the_time_in_the_workspace_zone(brand):
    post = post_at(brand, datetime(YEAR, 6, 10, 22, 30, tzinfo=UTC))
    request = RequestFactory().get("/")
    html = render_to_string("calendar_app/partials/reschedule_form.html", {"post": post}, request=request)
    assert f'value="{YEAR}-06-11T00:30"' in html and 'name="tz" value="Europe/Madrid"' in html
    assert reverse("calendar_app:post-reschedule", kwargs={"slug": brand.slug, "pk": post.pk}) in html
    own = render_to_string(
        "calendar_app/partials/reschedule_form.html",
        {"post": post, "display_tz": "America/New_York"},
        request=request,
    )
    assert f'value="{YEAR}-06-10T18:30"' in own and "Time in America/New_York." in own
