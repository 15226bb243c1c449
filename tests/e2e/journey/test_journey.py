"""The journey of issue 7, end to end: the real app on a live server, a real Celery worker and beat, real
Redis, the local Bluesky PDS and a local Mastodon-API server as the brand's channels, Chromium as the people.

1. the author writes a post from the calendar (link, image with alt text, a forbidden word fixed live) and
   submits it; 2. the reviewer requests changes, the author resubmits, the reviewer approves; 3. the post is
   moved a few seconds ahead and the worker publishes it on both networks; 4. a post whose link answers 404
   is held by pre-flight and the author is told why; 5. a paused workspace publishes nothing, and on resume
   the due post is back in review.
"""

import re
import time
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from calendar_app.models import Notification, Post, PostStatus
from calendar_app.services.workflow import post_reschedule
from scheduler.models import Publication
from tests.e2e.journey.support import (
    FORBIDDEN,
    REPLACEMENT,
    approved_post,
    bluesky_record,
    eventually,
    local_day,
    mastodon_status,
    photo_png,
    plan_background,
    screenshot,
)
from tests.factories import held_after_its_time
from tests.peers.bluesky_peer import bluesky_post_records

pytestmark = [pytest.mark.e2e, pytest.mark.worker, pytest.mark.peer, pytest.mark.django_db(transaction=True)]
MADRID = ZoneInfo("Europe/Madrid")
ALT_TEXT = "A bowl of orange pumpkin soup on a linen tablecloth"
POST_PAGE = re.compile(r"/w/aurora/posts/(\d+)/$")


def tomorrow_local():
    return (timezone.now().astimezone(MADRID) + timedelta(days=1)).date()


def bring_forward(post: Post, reviewer, seconds: float = 4) -> None:
    """Time is brought forward by moving the post, not by faking clocks: a reviewer's move keeps approvals."""
    post_reschedule(post=post, user=reviewer, scheduled_at=timezone.now() + timedelta(seconds=seconds))


def write_post_from_calendar(page, team, *, text: str, image=None, title: str = "") -> None:
    """From the week view, click tomorrow at 10:00 and fill the editor (nothing is saved yet).

    Each click that changes page waits for the new page's load event: asking for the slot while the month
    view is still shown took the wrong branch, and a slot clicked before the deferred calendar script has run
    does nothing."""
    page.goto(team.url("calendar/"))
    page.get_by_role("link", name="Week", exact=True).click()
    page.wait_for_url("**view=week**", wait_until="load")
    slot = page.locator(f"td.cal-slot[data-drop-date='{tomorrow_local().isoformat()}'][data-drop-hour='10']")
    if not slot.count():
        page.get_by_role("link", name="Next week").click()
        expect(slot).to_be_visible()
        page.wait_for_load_state("load")
    slot.click(position={"x": 20, "y": 8})
    page.wait_for_url(f"**/w/aurora/posts/new/?at={tomorrow_local().isoformat()}T10:00")
    expect(page.locator('input[name="scheduled_at"]')).to_have_value(f"{tomorrow_local().isoformat()}T10:00")
    if title:
        page.get_by_label("Internal title").fill(title)
    page.locator("textarea[name=body]").fill(text)
    if image is not None:
        page.get_by_label("Add an image").set_input_files(str(image))
        page.get_by_label("Alt text for the new image").fill(ALT_TEXT)


def approve_on_post_page(page) -> None:
    approve = page.locator("[data-approve-form]")
    if approve.get_by_label("I have read the style warnings").count():
        approve.get_by_label("I have read the style warnings").check()
    approve.get_by_role("button", name="Approve").click()
    expect(page.locator(".status-badge").first).to_have_text("Approved")


def submit_from_editor(page) -> Post:
    page.get_by_role("button", name="Submit for review").click()
    page.wait_for_url(POST_PAGE)
    return Post.objects.get(pk=POST_PAGE.search(page.url).group(1))


def test_write_review_and_publish(
    team, open_as, links, mastodon, bluesky_pds, celery_processes, worker_settings, tmp_path
):
    plan_background(team, now=timezone.now())
    celery_processes.start(settings=worker_settings)
    link = links.url("/menu/autumn")
    author = open_as(team.author)

    # 1. The author writes the post from the calendar; the forbidden word is underlined live and fixed.
    write_post_from_calendar(
        author,
        team,
        title="Autumn menu",
        text=f"Our {FORBIDDEN} autumn menu is here: pumpkin soup and chestnut cake. {link}",
        image=photo_png(tmp_path / "soup.png"),
    )
    finding = author.locator("[data-lint] mark.lint-error")
    expect(finding).to_have_text(FORBIDDEN)
    screenshot(author, "editor-findings")
    author.locator("[data-lint] button.lint-fix", has_text=REPLACEMENT).click()
    body = author.locator("textarea[name=body]")
    expect(body).to_have_value(re.compile(f"^Our {REPLACEMENT} autumn menu"))
    expect(author.locator("[data-lint] mark.lint-error")).to_have_count(0)
    post = submit_from_editor(author)
    assert post.status == PostStatus.IN_REVIEW
    assert post.links == [link]
    assert [m.alt_text for m in post.media.all()] == [ALT_TEXT]
    assert post.scheduled_at.astimezone(MADRID).hour == 10

    # 2. The reviewer finds it in the queue, reads it, asks for a change; the author edits and resubmits.
    reviewer = open_as(team.reviewer)
    reviewer.get_by_role("link", name="Review queue").click()
    reviewer.locator(f"tr[data-post='{post.pk}']").get_by_role("link", name="Autumn menu").click()
    reviewer.wait_for_url(f"**/w/aurora/posts/{post.pk}/")
    expect(reviewer.locator("#changes")).to_contain_text("Revision 1")
    reviewer.get_by_label("What needs to change").fill("Say until when the menu lasts, please.")
    reviewer.get_by_role("button", name="Request changes").click()
    expect(reviewer.locator(".status-badge").first).to_have_text("Changes requested")

    author.reload()
    expect(author.locator("#timeline")).to_contain_text("Say until when the menu lasts, please.")
    author.get_by_role("link", name="Edit", exact=True).click()
    body = author.locator("textarea[name=body]")
    body.fill(body.input_value().replace("chestnut cake.", "chestnut cake, until 30 November."))
    expect(author.locator("[data-lint] .lint-clean").first).to_be_visible()
    post = submit_from_editor(author)
    assert post.status == PostStatus.IN_REVIEW

    # The reviewer sees exactly what changed since their review, then approves.
    reviewer.reload()
    diff = reviewer.locator("#changes")
    expect(diff.locator("[data-diff-range]")).to_contain_text("Revision 1 (alba) → revision 2 (alba)")
    expect(diff.locator("ins")).to_contain_text("until 30 November")
    diff.scroll_into_view_if_needed()
    screenshot(reviewer, "review-diff")
    approve_on_post_page(reviewer)
    post.refresh_from_db()
    assert post.status == PostStatus.APPROVED

    # 3. Time is brought forward: the reviewer's move keeps the approval, and the worker publishes it.
    bring_forward(post, team.reviewer)
    eventually(
        lambda: Post.objects.get(pk=post.pk).status == PostStatus.PUBLISHED,
        timeout=40,
        message=lambda: f"post published\n{celery_processes.logs()}",
    )
    published = {
        p.channel.network: p
        for p in Publication.objects.filter(post=post, status=Publication.Status.PUBLISHED).select_related(
            "channel"
        )
    }
    assert set(published) == {"bluesky", "mastodon"}
    status = mastodon_status(mastodon, published["mastodon"].remote_id)
    assert status and "until 30 November" in status["content"]
    assert status["media_attachments"][0]["description"] == ALT_TEXT
    did = bluesky_pds.accounts["brand"].did
    record = bluesky_record(bluesky_pds, did, published["bluesky"].remote_url.rsplit("/", 1)[1])
    assert record and record["value"]["text"].startswith(f"Our {REPLACEMENT} autumn menu")
    assert record["value"]["embed"]["images"][0]["alt"] == ALT_TEXT

    author.goto(team.url(f"calendar/?view=month&date={timezone.now().astimezone(MADRID).date().isoformat()}"))
    card = author.locator(f"article.cal-card[data-post-id='{post.pk}']")
    expect(card).to_have_attribute("data-status", "published")
    expect(card.locator(".status-badge")).to_have_text("Published")
    live = card.locator("a.cal-live")
    expect(live).to_be_visible()
    assert live.get_attribute("href") in {p.remote_url for p in published.values()}
    screenshot(author, "calendar-month")
    author.get_by_role("link", name="Week", exact=True).click()
    expect(author.locator(f"article.cal-card[data-post-id='{post.pk}'] a.cal-live")).to_be_visible()
    screenshot(author, "calendar-week")
    # The week ahead, where the team's plan is (the current week may be nearly over).
    author.goto(team.url(f"calendar/?view=week&date={local_day(team, days=2, hour=0).date().isoformat()}"))
    expect(author.locator("article.cal-card").first).to_be_visible()
    screenshot(author, "calendar-week-ahead")


def test_a_post_whose_link_is_broken_is_held_and_the_author_is_told(
    team, open_as, links, mastodon, bluesky_pds, celery_processes, worker_settings
):
    plan_background(team, now=timezone.now())
    celery_processes.start(settings=worker_settings)
    author = open_as(team.author)
    write_post_from_calendar(
        author, team, title="Winter terrace", text=f"Our winter terrace opens soon: {links.url('/missing')}"
    )
    post = submit_from_editor(author)
    reviewer = open_as(team.reviewer)
    reviewer.goto(team.url(f"posts/{post.pk}/"))
    approve_on_post_page(reviewer)

    # Its pre-flight runs at once (it is due within 10 minutes) and holds it well before its time, so it is
    # still among the next 24 hours when the page is looked at below.
    bring_forward(Post.objects.get(pk=post.pk), team.reviewer, seconds=30)
    eventually(
        lambda: Post.objects.get(pk=post.pk).status == PostStatus.FAILED,
        timeout=30,
        message=lambda: f"post held by pre-flight\n{celery_processes.logs()}",
    )
    assert not mastodon.statuses
    did = bluesky_pds.accounts["brand"].did
    # The PDS keeps its posts between runs: this run's link (its port) tells this post apart.
    assert not [
        r for r in bluesky_post_records(bluesky_pds, did) if links.url("/missing") in r["value"]["text"]
    ]
    assert Notification.objects.filter(user=team.author, post=post, kind="preflight_failed").exists()

    # The author hears it from the bell, and the post page says exactly which link failed and how.
    author.goto(team.url("calendar/"))
    bell = author.locator("a.nav-bell")
    expect(bell.locator(".badge")).to_contain_text(re.compile(r"[1-9]\d* unread"))
    bell.click()
    notice = author.locator(".list-group-item", has_text="will not be published")
    expect(notice).to_contain_text("“Winter terrace”")
    expect(notice).to_contain_text("404 Not Found")
    notice.get_by_role("link").click()
    author.wait_for_url(f"**/w/aurora/posts/{post.pk}/")
    expect(author.locator(".status-badge").first).to_have_text("Failed")
    expect(author.get_by_role("status").filter(has_text="404 Not Found")).to_be_visible()
    report = author.locator("[data-preflight]")
    expect(report).to_contain_text("blocked")
    expect(report.locator("tr", has_text="/missing")).to_contain_text("404")
    report.scroll_into_view_if_needed()
    screenshot(author, "post-preflight")

    # A post held by pre-flight whose time has passed since: the page says first what did not go out.
    missed = approved_post(
        team,
        title="Harvest market",
        body=f"The harvest market is on: {links.url('/missing')}",
        when=timezone.now() + timedelta(hours=1),
    )
    held_after_its_time(missed, summary=f"{links.url('/missing')} answered 404 Not Found", minutes_ago=40)

    # Any post can be checked ahead of time; the next 24 hours show each one's latest verdict.
    chestnut = Post.objects.get(title="Chestnut season")
    author.goto(team.url(f"posts/{chestnut.pk}/publishing/"))
    author.get_by_role("button", name="Run pre-flight now").click()
    expect(author.get_by_test_id("preflight-summary")).to_have_text("All checks passed.")
    author.goto(team.url("upcoming/"))
    expect(author.locator("tr", has_text="Chestnut season")).to_contain_text("Passed")
    expect(author.locator("tr", has_text="Winter terrace").first).to_contain_text("Failed")
    did_not_go_out = author.get_by_test_id("upcoming-missed")
    expect(did_not_go_out).to_contain_text("did not go out in the last 24 hours")
    expect(did_not_go_out).to_contain_text("Harvest market")
    expect(did_not_go_out).to_contain_text("/missing answered 404 Not Found")
    screenshot(author, "next-24-hours")


def test_paused_workspace_publishes_nothing_and_resume_returns_due_posts_to_review(
    team, open_as, links, mastodon, bluesky_pds, celery_processes, worker_settings
):
    celery_processes.start(settings=worker_settings)
    post = approved_post(
        team,
        title="Flash sale",
        body=f"Flash sale on pastries today: {links.url('/ok')}",
        when=timezone.now() + timedelta(days=2),
    )
    admin = open_as(team.admin)
    admin.goto(team.url("publishing/pause/"))
    admin.get_by_label("Why is publishing paused?").fill("A supplier recall: check every post first.")
    bring_forward(post, team.reviewer, seconds=5)
    # Already in the worker's hands (queued with its ETA) before the pause: the pause must stop it anyway.
    eventually(
        lambda: (
            Publication.objects.filter(post=post, status="scheduled", queued_at__isnull=False).count() == 2
        ),
        timeout=4,
        message="publications queued by the dispatcher",
    )
    admin.get_by_role("button", name="Pause all publishing").click()
    expect(admin.get_by_test_id("paused-state")).to_contain_text("A supplier recall")
    assert Post.objects.get(pk=post.pk).scheduled_at > timezone.now(), "paused too late to prove anything"
    author = open_as(team.author)
    author.goto(team.url("calendar/"))
    expect(author.get_by_role("alert").filter(has_text="Publishing is paused")).to_contain_text(
        "A supplier recall"
    )

    post.refresh_from_db()
    moment = post.scheduled_at + timedelta(seconds=2)
    eventually(lambda: timezone.now() > moment, timeout=15, message="the post's time passed")
    live = Publication.objects.filter(post=post).exclude(status=Publication.Status.CANCELLED)
    assert sorted(live.values_list("status", flat=True)) == ["scheduled", "scheduled"]
    assert not mastodon.statuses
    did = bluesky_pds.accounts["brand"].did
    assert not [r for r in bluesky_post_records(bluesky_pds, did) if links.url("/ok") in r["value"]["text"]]

    admin.get_by_role("button", name="Resume publishing").click()
    expect(admin.get_by_role("alert").filter(has_text="Publishing resumed")).to_contain_text(
        "1 post(s) whose time passed went back to review"
    )
    post.refresh_from_db()
    assert post.status == PostStatus.IN_REVIEW
    author.goto(team.url(f"posts/{post.pk}/"))
    expect(author.locator(".status-badge").first).to_have_text("In review")
    expect(author.get_by_role("status")).to_contain_text("passed while publishing was paused")
    time.sleep(2)  # the worker keeps running: nothing goes out late behind the reviewers' backs
    assert not mastodon.statuses
