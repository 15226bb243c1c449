"""Accessibility and polish of the journey's pages, in Chromium: axe-core finds no serious or critical
violation, the calendar and the editor work by keyboard alone, status is never told by colour alone, and
long operations show progress instead of leaving a silent page."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from calendar_app.models import Post, PostStatus
from calendar_app.services.workflow import post_submit
from tests.e2e.journey.axe import axe_run, blocking
from tests.e2e.journey.support import (
    FORBIDDEN,
    REPLACEMENT,
    approved_post,
    photo_png,
    plan_background,
)
from tests.factories import held_after_its_time, make_post

pytestmark = [pytest.mark.e2e, pytest.mark.peer, pytest.mark.django_db(transaction=True)]
POST_PAGE = re.compile(r"/w/aurora/posts/(\d+)/$")


@pytest.fixture
def planned(team, links):
    """The team's week, a post in review with a style warning, one whose pre-flight found a dead link, and one
    held for it a few minutes ago (listed on Next 24 hours as not gone out)."""
    now = timezone.now()
    plan_background(team, now=now)
    shouting = make_post(
        team.workspace,
        team.author,
        title="Opening party",
        body="COME TO OUR OPENING PARTY THIS SATURDAY, FREE COFFEE FOR EVERYONE",
        when=now + timedelta(days=1, hours=2),
        channels=[team.bluesky, team.mastodon],
    )
    post_submit(post=shouting, user=team.author)
    broken = approved_post(
        team,
        title="Winter terrace",
        body=f"Our winter terrace: {links.url('/missing')}",
        when=now + timedelta(hours=5),
    )
    missed = approved_post(
        team,
        title="Autumn promo",
        body=f"Autumn promo: {links.url('/missing')}",
        when=now + timedelta(hours=6),
    )
    held_after_its_time(missed, summary=f"{links.url('/missing')} answered 404 Not Found", minutes_ago=5)
    return {"in_review": shouting, "broken": broken}


def run_preflight_from_the_page(page, team, post) -> None:
    page.goto(team.url(f"posts/{post.pk}/publishing/"))
    page.get_by_role("button", name="Run pre-flight now").click()
    page.wait_for_url("**/preflight/*/")


def test_key_pages_have_no_serious_or_critical_violations(team, planned, open_as, axe):
    found = []
    visitor = open_as(team.author, log_in=False)
    visitor.goto("/login/")
    found += axe_run(visitor, "login", axe)

    author = open_as(team.author)
    run_preflight_from_the_page(author, team, planned["broken"])
    pages = [
        ("calendar month", "calendar/?view=month"),
        ("calendar week", "calendar/?view=week"),
        ("next 24 hours", "upcoming/"),
        ("style guide", "style-guide/"),
        ("review queue", "review/"),
        ("post page with pre-flight report", f"posts/{planned['broken'].pk}/"),
        ("post publishing", f"posts/{planned['broken'].pk}/publishing/"),
    ]
    for label, path in pages:
        author.goto(team.url(path))
        found += axe_run(author, label, axe)
    author.goto(team.url("posts/new/"))
    author.locator("textarea[name=body]").fill(f"Our {FORBIDDEN} lunch menu!!! Click here: www.example.org")
    expect(author.locator("[data-lint] mark").first).to_be_visible()
    found += axe_run(author, "editor with findings", axe)
    author.goto("/notifications/")
    found += axe_run(author, "notifications", axe)

    reviewer = open_as(team.reviewer)
    reviewer.goto(team.url(f"posts/{planned['in_review'].pk}/"))
    found += axe_run(reviewer, "post page for a reviewer", axe)
    admin = open_as(team.admin)
    admin.goto(team.url("publishing/pause/"))
    found += axe_run(admin, "pause publishing", axe)

    problems = blocking(found)
    assert not problems, "serious or critical accessibility violations:\n" + "\n".join(map(str, problems))


def tab_to(page, selector: str, *, presses: int = 120) -> None:
    """Press Tab until the focused element matches `selector`: proves it can be reached by keyboard."""
    for _ in range(presses):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} cannot be reached with the Tab key")


def test_calendar_and_editor_work_by_keyboard(team, open_as):
    author = open_as(team.author)
    author.goto(team.url("calendar/?view=month"))
    tab_to(author, "a[data-cal-nav='next']")
    with author.expect_navigation():
        author.keyboard.press("Enter")
    tab_to(author, "a[data-cal-nav='today']")
    with author.expect_navigation():
        author.keyboard.press("Enter")
    tomorrow = (timezone.localtime(timezone.now(), team.workspace.tzinfo) + timedelta(days=1)).date()
    tab_to(author, f"a.cal-add[href$='at={tomorrow.isoformat()}T10:00']")
    with author.expect_navigation():
        author.keyboard.press("Enter")

    tab_to(author, "textarea[name=body]")
    author.keyboard.type(f"A {FORBIDDEN} coffee for every early bird this week.")
    fix = "[data-lint] button.lint-fix"
    expect(author.locator(fix)).to_be_visible()
    tab_to(author, fix)
    author.keyboard.press("Enter")
    expect(author.locator("textarea[name=body]")).to_have_value(
        f"A {REPLACEMENT} coffee for every early bird this week."
    )
    tab_to(author, f"input[name=channels][value='{team.mastodon.pk}']")
    author.keyboard.press("Space")
    expect(author.locator(f"input[name=channels][value='{team.mastodon.pk}']")).not_to_be_checked()
    tab_to(author, "button[value=submit]")
    with author.expect_navigation(url=POST_PAGE):
        author.keyboard.press("Enter")
    post = Post.objects.get(pk=POST_PAGE.search(author.url).group(1))
    assert post.status == PostStatus.IN_REVIEW
    assert list(post.channels.all()) == [team.bluesky]
    assert post.body.startswith(f"A {REPLACEMENT} coffee")


def test_status_is_never_told_by_colour_alone(team, planned, open_as):
    author = open_as(team.author)
    run_preflight_from_the_page(author, team, planned["broken"])
    for path in (
        "calendar/?view=month",
        "calendar/?view=week",
        "upcoming/",
        f"posts/{planned['broken'].pk}/",
        "review/",
    ):
        author.goto(team.url(path))
        wordless = author.evaluate(
            """() => [...document.querySelectorAll('.badge, .status-badge, [class*="text-bg-"]')]
                  .filter(el => el.offsetParent !== null && !el.textContent.trim()
                                && !el.getAttribute('aria-label') && !el.getAttribute('title'))
                  .map(el => el.outerHTML.slice(0, 120))"""
        )
        assert not wordless, f"{path}: coloured marks without words: {wordless}"
    author.goto(team.url("calendar/?view=month"))
    for card in author.locator("article.cal-card").all():
        expect(card.locator(".status-badge")).not_to_have_text("")
    author.goto(team.url(f"posts/{planned['broken'].pk}/"))
    verdicts = author.locator("[data-preflight] li")
    expect(verdicts.filter(has_text="failed")).to_have_count(1)  # ✘ is drawn, "failed" is said


def press_and_look(button) -> dict:
    """Presses the button while every request of the page takes 1.5 s more (Chromium's network emulation,
    through CDP) and reports what its form shows 100 ms later, well inside the slowed answer. Looked at
    from inside the page: Playwright's own checks would wait for the next page first."""
    page = button.page
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    conditions = {"offline": False, "latency": 1500, "downloadThroughput": -1, "uploadThroughput": -1}
    cdp.send("Network.emulateNetworkConditions", conditions)
    seen = button.evaluate(
        """button => {
            const form = button.form;
            button.click();
            return new Promise(done => setTimeout(() => done({
                busy: form.getAttribute("aria-busy"),
                disabled: button.disabled,
                spinner: button.querySelectorAll(".spinner-border").length,
                status: (form.querySelector("[role=status]") || {}).textContent || "",
            }), 100));
        }"""
    )
    cdp.send("Network.emulateNetworkConditions", {**conditions, "latency": 0})
    return seen


def assert_busy(seen: dict) -> None:
    assert seen["busy"] == "true" and seen["disabled"] and seen["spinner"] == 1, seen
    assert len(seen["status"]) > 10, seen


def test_long_operations_show_progress(team, planned, open_as, tmp_path):
    author = open_as(team.author)
    author.goto(team.url(f"posts/{planned['broken'].pk}/publishing/"))
    assert_busy(press_and_look(author.get_by_role("button", name="Run pre-flight now")))
    author.wait_for_url("**/preflight/*/", timeout=20_000)

    author.goto(team.url("posts/new/"))
    author.locator("textarea[name=body]").fill("The new espresso bar, in one picture.")
    author.get_by_label("Add an image").set_input_files(str(photo_png(tmp_path / "bar.png")))
    author.get_by_label("Alt text for the new image").fill("The new espresso bar with two baristas at work")
    assert_busy(press_and_look(author.get_by_role("button", name="Save draft")))
    author.wait_for_url(POST_PAGE, timeout=20_000)
    assert Post.objects.get(pk=POST_PAGE.search(author.url).group(1)).media.count() == 1

    admin = open_as(team.admin)
    admin.goto(team.url("style-guide/import/"))
    admin.get_by_label("…or paste the YAML").fill(
        "version: 1\nlanguage: en\nrules:\n  - id: no-cheap\n    kind: substitution\n    level: error\n"
        "    message: Say affordable.\n    params:\n      replace:\n        cheap: affordable\n"
    )
    admin.get_by_label("I understand that this replaces every rule of the guide.").check()
    assert_busy(press_and_look(admin.get_by_role("button", name="Import and replace the guide")))
    admin.wait_for_url(re.compile(r"/style-guide/$"), timeout=20_000)
