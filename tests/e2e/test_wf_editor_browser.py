"""The editor, the post page and the review queue in Chromium: live counters per network, underlined style
findings with a one-click fix, and approving from the post page."""

import re

import pytest
from playwright.sync_api import expect

from calendar_app.models import Post, PostStatus, Role
from calendar_app.services import workflow
from tests.calendar_app.workflow.wf_support import style_rule
from tests.factories import ChannelFactory, WorkspaceFactory, make_post, member

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def brand():
    workspace = WorkspaceFactory(slug="marca", timezone="Europe/Madrid")
    workspace.mastodon = ChannelFactory(
        workspace=workspace, network="mastodon", display_name="Marca Mastodon"
    )
    workspace.bluesky = ChannelFactory(workspace=workspace, network="bluesky", display_name="Marca Bluesky")
    workspace.author = member(workspace, Role.AUTHOR)
    workspace.reviewer = member(workspace, Role.REVIEWER)
    style_rule(
        workspace,
        kind="substitution",
        level="suggestion",
        message="Di «correo».",
        replace={"email": "correo"},
    )
    return workspace


def counter(browser_page, network: str) -> int:
    text = browser_page.locator(f'[data-counters] [data-network="{network}"]').get_attribute("data-length")
    return int(text)


def test_editor_counts_per_network_underlines_findings_and_fixes_them(page, login, brand):
    login(brand.author)
    page.goto("/w/marca/posts/new/?at=2031-06-01T18:30")
    expect(page.locator('input[name="scheduled_at"]')).to_have_value("2031-06-01T18:30")
    long_url = "https://example.org/" + "camino/" * 20
    body = page.locator("textarea[name=body]")
    body.fill(f"Escríbenos un email 👩‍👩‍👧 {long_url}")
    expected_bluesky = len("Escríbenos un email ") + 1 + 1 + len(long_url)
    expect(page.locator('[data-counters] [data-network="mastodon"]')).to_have_attribute(
        "data-length", str(len("Escríbenos un email ") + 1 + 1 + 23)
    )
    assert counter(page, "bluesky") == expected_bluesky
    mark = page.locator("[data-lint] mark.lint-suggestion")
    expect(mark).to_have_text("email")
    page.locator("[data-lint] button.lint-fix").first.click()
    expect(body).to_have_value(f"Escríbenos un correo 👩‍👩‍👧 {long_url}")
    expect(page.locator("[data-lint] .lint-clean").first).to_be_visible()
    expect(page.locator(".preview-card")).to_have_count(2)
    page.uncheck(f'input[name=channels][value="{brand.bluesky.pk}"]')
    expect(page.locator(".preview-card")).to_have_count(1)
    expect(page.locator(f'[data-variant-wrapper="{brand.bluesky.pk}"]')).to_be_hidden()
    page.fill(f'textarea[name="variant_{brand.mastodon.pk}"]', "Solo para Mastodon")
    expect(page.locator(".preview-card .preview-text")).to_have_text("Solo para Mastodon")
    page.click("button[value=submit]")
    page.wait_for_url(re.compile(r"/w/marca/posts/\d+/$"))
    post = Post.objects.get()
    assert post.status == PostStatus.IN_REVIEW
    assert post.scheduled_at.isoformat() == "2031-06-01T16:30:00+00:00"
    assert post.variants == {str(brand.mastodon.pk): "Solo para Mastodon"}


def test_bluesky_over_the_limit_turns_red(page, login, brand):
    login(brand.author)
    page.goto("/w/marca/posts/new/")
    page.locator("textarea[name=body]").fill("é" * 301)
    badge = page.locator('[data-counters] [data-network="bluesky"]')
    expect(badge).to_have_attribute("data-length", "301")
    expect(badge).to_have_class(re.compile("text-bg-danger"))
    expect(page.locator('[data-counters] [data-network="mastodon"]')).not_to_have_class(
        re.compile("text-bg-danger")
    )
    expect(page.locator(".preview-bluesky .preview-overflow")).to_have_text("é")


def test_reviewer_approves_from_the_queue(page, login, brand):
    post = make_post(brand, brand.author, body="Abrimos el lunes", channels=[brand.mastodon])
    workflow.post_submit(post=post, user=brand.author)
    login(brand.reviewer)
    page.goto("/w/marca/review/")
    expect(page.locator("table.review-queue tbody tr")).to_have_count(1)
    page.click("table.review-queue a")
    expect(page.locator("[data-approvals]")).to_contain_text("0 of 1")
    page.fill("[data-approve-form] textarea[name=comment]", "Adelante")
    page.click("[data-approve-form] button")
    expect(page.locator(".status-badge").first).to_have_text("Approved")
    expect(page.locator("#timeline")).to_contain_text("Adelante")
    post.refresh_from_db()
    assert post.status == PostStatus.APPROVED
