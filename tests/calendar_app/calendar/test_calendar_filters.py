"""Filters: channel, status, author, campaign, tag, only mine, needs my review — all in the URL."""

import re

import pytest
from django.utils import timezone

from calendar_app.models import Campaign, Post, PostStatus, Tag
from calendar_app.services import workflow
from tests.calendar_app.calendar.calendar_support import approved_post_at, calendar_url, madrid, post_at
from tests.factories import ChannelFactory, WorkspaceFactory

pytestmark = pytest.mark.django_db
YEAR = timezone.now().year + 1
JUNE = f"{YEAR}-06-01"


def shown(client, workspace, user, **filters) -> set[int]:
    client.force_login(user)
    html = client.get(calendar_url(workspace, view="list", date=JUNE, **filters)).content.decode()
    return {int(pk) for pk in re.findall(r'data-post-id="(\d+)"', html)}


@pytest.fixture
def plan(brand):
    summer = Campaign.objects.create(workspace=brand, name="Verano")
    menu = Tag.objects.create(workspace=brand, name="menú")
    posts = {
        "mastodon_draft": post_at(brand, madrid(YEAR, 6, 3, 9, 0)),
        "bluesky_tagged": post_at(brand, madrid(YEAR, 6, 4, 9, 0), channels=[brand.bluesky], tags=[menu]),
        "campaign_by_admin": post_at(
            brand, madrid(YEAR, 6, 5, 9, 0), author=brand.admin, campaign=summer, channels=[brand.bluesky]
        ),
        "approved": approved_post_at(brand, madrid(YEAR, 6, 6, 9, 0)),
    }
    in_review = post_at(brand, madrid(YEAR, 6, 7, 9, 0), author=brand.admin)
    workflow.post_submit(post=in_review, user=brand.admin)
    posts["in_review_by_admin"] = in_review
    brand.summer, brand.menu = summer, menu
    return {name: post.pk for name, post in posts.items()}


def test_no_filter_shows_everything(client, brand, plan):
    assert shown(client, brand, brand.author) == set(plan.values())


def test_channel_filter_accepts_several_channels(client, brand, plan):
    assert shown(client, brand, brand.author, channel=brand.bluesky.pk) == {
        plan["bluesky_tagged"],
        plan["campaign_by_admin"],
    }
    both = shown(client, brand, brand.author, channel=[brand.bluesky.pk, brand.mastodon.pk])
    assert both == set(plan.values())


def test_status_author_campaign_and_tag_filters(client, brand, plan):
    assert shown(client, brand, brand.author, status=PostStatus.APPROVED) == {plan["approved"]}
    assert shown(client, brand, brand.author, status=[PostStatus.APPROVED, PostStatus.IN_REVIEW]) == {
        plan["approved"],
        plan["in_review_by_admin"],
    }
    assert shown(client, brand, brand.author, author=brand.admin.pk) == {
        plan["campaign_by_admin"],
        plan["in_review_by_admin"],
    }
    assert shown(client, brand, brand.author, campaign=brand.summer.pk) == {plan["campaign_by_admin"]}
    assert shown(client, brand, brand.author, tag=brand.menu.pk) == {plan["bluesky_tagged"]}


def test_filters_combine(client, brand, plan):
    assert shown(client, brand, brand.author, channel=brand.bluesky.pk, author=brand.admin.pk) == {
        plan["campaign_by_admin"]
    }


def test_only_mine(client, brand, plan):
    assert shown(client, brand, brand.admin, mine="1") == {
        plan["campaign_by_admin"],
        plan["in_review_by_admin"],
    }


def test_needs_my_review_lists_posts_in_review_by_others_that_i_have_not_approved(client, brand, plan):
    assert shown(client, brand, brand.reviewer, review="1") == {plan["in_review_by_admin"]}
    assert shown(client, brand, brand.admin, review="1") == set(), "nobody reviews their own post"
    assert shown(client, brand, brand.author, review="1") == set(), "authors review nothing"


def test_needs_my_review_forgets_posts_i_already_approved_when_more_approvals_are_needed(client, brand, plan):
    brand.approvals_required = 2
    brand.save()
    workflow.post_approve(post=Post.objects.get(pk=plan["in_review_by_admin"]), user=brand.reviewer)
    assert shown(client, brand, brand.reviewer, review="1") == set()


def test_filters_stay_in_navigation_links_and_the_filter_bar_shows_them(client, brand, plan):
    client.force_login(brand.author)
    url = calendar_url(brand, view="month", date=JUNE, channel=brand.bluesky.pk, status="draft", mine="1")
    html = client.get(url).content.decode()
    kept = f"channel={brand.bluesky.pk}&amp;status=draft&amp;mine=1"
    assert f"date={YEAR}-05-01&amp;{kept}" in html and f"date={YEAR}-07-01&amp;{kept}" in html
    assert f"view=week&amp;date={JUNE}&amp;{kept}" in html
    assert f'name="channel" value="{brand.bluesky.pk}" id="f-channel-{brand.bluesky.pk}" checked' in html
    assert 'name="status" value="draft" id="f-status-draft" checked' in html
    assert 'name="mine" value="1" id="f-mine" checked' in html
    assert "Clear 3 filters" in html


def test_filters_pointing_at_another_workspace_are_ignored(client, brand, plan):
    foreign = ChannelFactory(workspace=WorkspaceFactory())
    assert shown(client, brand, brand.author, channel=foreign.pk) == set(plan.values())


def test_needs_my_review_switch_is_offered_to_reviewers_only(client, brand, plan):
    client.force_login(brand.author)
    assert 'id="f-review"' not in client.get(calendar_url(brand)).content.decode()
    client.force_login(brand.reviewer)
    assert 'id="f-review"' in client.get(calendar_url(brand)).content.decode()
