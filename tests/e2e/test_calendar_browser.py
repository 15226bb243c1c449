"""The calendar in a real browser: dragging posts between days, and a refused move snapping back."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from calendar_app.models import PostStatus, Role
from calendar_app.services import workflow
from scheduler.models import Network
from tests.factories import ChannelFactory, WorkspaceFactory, make_post, member

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
MADRID = ZoneInfo("Europe/Madrid")
YEAR = timezone.now().year + 1


@pytest.fixture
def brand():
    workspace = WorkspaceFactory(name="Cafetería Sol", slug="sol")
    workspace.channel = ChannelFactory(
        workspace=workspace, network=Network.MASTODON, display_name="Sol · Mastodon"
    )
    workspace.author = member(workspace, Role.AUTHOR, "ana")
    workspace.reviewer = member(workspace, Role.REVIEWER, "rita")
    return workspace


def post_on(brand, day: int, hour: int, body: str):
    when = datetime(YEAR, 6, day, hour, 15, tzinfo=MADRID)
    return make_post(brand, brand.author, body=body, when=when, channels=[brand.channel])


def card(page, post):
    return page.locator(f"article.cal-card[data-post-id='{post.pk}']")


def day(page, iso: str):
    return page.locator(f"td.cal-day[data-drop-date='{iso}']")


def test_an_author_drags_a_draft_to_another_day(page, login, brand):
    draft = post_on(brand, 10, 9, "Abrimos la terraza este fin de semana")
    login(brand.author)
    page.goto(f"/w/sol/calendar/?view=month&date={YEAR}-06-01")
    expect(day(page, f"{YEAR}-06-10").locator(card(page, draft))).to_be_visible()

    card(page, draft).drag_to(day(page, f"{YEAR}-06-13"))

    expect(page.locator("#cal-feedback")).to_contain_text(f"now goes out on {YEAR}-06-13 09:15")
    expect(day(page, f"{YEAR}-06-13").locator(card(page, draft))).to_be_visible()
    draft.refresh_from_db()
    assert draft.scheduled_at == datetime(YEAR, 6, 13, 9, 15, tzinfo=MADRID)
    page.reload()
    expect(day(page, f"{YEAR}-06-13").locator(card(page, draft))).to_be_visible()
    expect(day(page, f"{YEAR}-06-10").locator("article.cal-card")).to_have_count(0)


def test_an_author_moving_an_approved_post_is_refused_and_it_snaps_back(page, login, brand):
    approved = post_on(brand, 10, 12, "Menú de verano: gazpacho y salmorejo")
    workflow.post_submit(post=approved, user=brand.author)
    workflow.post_approve(post=approved, user=brand.reviewer)
    login(brand.author)
    page.goto(f"/w/sol/calendar/?view=month&date={YEAR}-06-01")
    questions = []

    def decline(dialog):
        questions.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", decline)
    card(page, approved).drag_to(day(page, f"{YEAR}-06-17"))

    feedback = page.locator("#cal-feedback")
    expect(feedback).to_contain_text("Not moved")
    expect(feedback).to_contain_text("A reviewer or an admin can move it")
    expect(day(page, f"{YEAR}-06-10").locator(card(page, approved))).to_be_visible()
    expect(day(page, f"{YEAR}-06-17").locator("article.cal-card")).to_have_count(0)
    assert questions and "its approval is withdrawn" in questions[0]
    approved.refresh_from_db()
    assert approved.status == PostStatus.APPROVED
    assert approved.scheduled_at == datetime(YEAR, 6, 10, 12, 15, tzinfo=MADRID)


def test_a_reviewer_drags_an_approved_post_in_the_week_view_and_it_stays_approved(page, login, brand):
    approved = post_on(brand, 10, 12, "Concierto en la terraza")
    workflow.post_submit(post=approved, user=brand.author)
    workflow.post_approve(post=approved, user=brand.reviewer)
    login(brand.reviewer)
    page.goto(f"/w/sol/calendar/?view=week&date={YEAR}-06-10")
    target = page.locator(f"td.cal-slot[data-drop-date='{YEAR}-06-11'][data-drop-hour='15']")
    card(page, approved).drag_to(target)
    expect(target.locator(card(page, approved))).to_be_visible()
    expect(card(page, approved).locator(".cal-time")).to_have_text("15:15")
    approved.refresh_from_db()
    assert approved.status == PostStatus.APPROVED
    assert approved.scheduled_at == datetime(YEAR, 6, 11, 15, 15, tzinfo=MADRID)


def test_clicking_an_empty_day_starts_a_post_there(page, login, brand):
    login(brand.author)
    page.goto(f"/w/sol/calendar/?view=month&date={YEAR}-06-01")
    day(page, f"{YEAR}-06-20").click(position={"x": 60, "y": 80})
    page.wait_for_url(f"**/w/sol/posts/new/?at={YEAR}-06-20T10:00")


def test_filters_apply_from_the_bar_and_stay_in_the_url(page, login, brand):
    draft = post_on(brand, 10, 9, "Borrador de junio")
    submitted = post_on(brand, 11, 9, "Enviado a revisión")
    workflow.post_submit(post=submitted, user=brand.author)
    login(brand.author)
    page.goto(f"/w/sol/calendar/?view=month&date={YEAR}-06-01")
    page.get_by_role("button", name="Status").click()
    page.get_by_label("In review").check()
    page.keyboard.press("Escape")
    page.wait_for_url("**status=in_review**")
    expect(card(page, submitted)).to_be_visible()
    expect(card(page, draft)).to_have_count(0)
    page.get_by_role("link", name="Next month").click()
    page.wait_for_url(f"**date={YEAR}-07-01**status=in_review**")
