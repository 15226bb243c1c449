"""Workspace isolation: a member of workspace A gets 404 for anything of workspace B, in pages and API,
whatever their role there; and role checks on the pages."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from calendar_app.models import Notification
from calendar_app.services.comments import comment_create
from tests.calendar_app.workflow.wf_support import bring_to


def page_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api_client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def foreign(team, other_team):
    """A post of workspace B (other_team) in review, with a comment; `team.admin` belongs only to A."""
    post = bring_to(other_team, "in_review")
    comment = comment_create(post=post, user=other_team.author, body="Solo para B")
    return post, comment


PAGE_GETS = [
    "/w/{b}/posts/{pk}/",
    "/w/{b}/posts/{pk}/edit/",
    "/w/{b}/posts/new/",
    "/w/{b}/review/",
    "/w/{a}/posts/{pk}/",
    "/w/{a}/posts/{pk}/edit/",
    "/w/{b}/posts/{pk}/comments/{comment}/edit/",
]
PAGE_POSTS = [
    "/w/{b}/posts/new/",
    "/w/{b}/posts/lint-preview/",
    "/w/{b}/posts/{pk}/edit/",
    "/w/{b}/posts/{pk}/do/approve/",
    "/w/{b}/posts/{pk}/do/cancel/",
    "/w/{a}/posts/{pk}/do/approve/",
    "/w/{a}/posts/{pk}/do/request-changes/",
    "/w/{a}/posts/{pk}/do/cancel/",
    "/w/{b}/posts/{pk}/comments/",
    "/w/{a}/posts/{pk}/comments/",
    "/w/{b}/posts/{pk}/comments/{comment}/delete/",
    "/w/{a}/posts/{pk}/comments/{comment}/delete/",
]


def fill(template: str, team, other_team, foreign) -> str:
    post, comment = foreign
    return template.format(a=team.workspace.slug, b=other_team.workspace.slug, pk=post.pk, comment=comment.pk)


@pytest.mark.django_db
@pytest.mark.parametrize("template", PAGE_GETS)
def test_pages_of_another_workspace_are_404(team, other_team, foreign, template):
    response = page_client(team.admin).get(fill(template, team, other_team, foreign))
    assert response.status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("template", PAGE_POSTS)
def test_posting_to_another_workspace_is_404_and_changes_nothing(team, other_team, foreign, template):
    post, _comment = foreign
    data = {"comment": "x", "body": "x", "expected_hash": post.content_hash}
    response = page_client(team.admin).post(fill(template, team, other_team, foreign), data)
    assert response.status_code == 404
    post.refresh_from_db()
    assert post.status == "in_review" and post.comments.count() == 1 and post.approvals.count() == 0


API_CALLS = [
    ("get", "/api/v1/posts/{pk}/"),
    ("patch", "/api/v1/posts/{pk}/"),
    ("delete", "/api/v1/posts/{pk}/"),
    ("get", "/api/v1/posts/{pk}/history/"),
    ("post", "/api/v1/posts/{pk}/submit/"),
    ("post", "/api/v1/posts/{pk}/approve/"),
    ("post", "/api/v1/posts/{pk}/request-changes/"),
    ("post", "/api/v1/posts/{pk}/cancel/"),
    ("post", "/api/v1/posts/{pk}/reschedule/"),
    ("post", "/api/v1/posts/{pk}/retry/"),
    ("post", "/api/v1/posts/{pk}/media/"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "template"), API_CALLS)
def test_api_of_another_workspace_is_404(team, other_team, foreign, method, template):
    post, _comment = foreign
    url = template.format(pk=post.pk)
    payload = {"comment": "x", "body": "taken", "scheduled_at": "2031-01-01T10:00"}
    response = getattr(api_client(team.admin), method)(url, payload, format="json")
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"
    post.refresh_from_db()
    assert post.status == "in_review" and post.body != "taken"


@pytest.mark.django_db
def test_api_lists_and_creates_only_in_own_workspaces(team, other_team, foreign):
    api = api_client(team.admin)
    mine = bring_to(team, "draft")
    assert [row["id"] for row in api.get("/api/v1/posts/").json()["results"]] == [mine.pk]
    assert api.get("/api/v1/posts/", {"workspace": other_team.workspace.pk}).status_code == 404
    assert api.get("/api/v1/posts/", {"workspace": other_team.workspace.slug}).status_code == 404
    created = api.post("/api/v1/posts/", {"workspace": other_team.workspace.pk, "body": "x"}, format="json")
    assert created.status_code == 404
    foreign_channel = api.post(
        "/api/v1/posts/",
        {"workspace": team.workspace.pk, "body": "x", "channels": [other_team.mastodon.pk]},
        format="json",
    )
    assert foreign_channel.status_code == 400 and foreign_channel.json()["details"]["field"] == "channels"


@pytest.mark.django_db
def test_notifications_of_others_cannot_be_opened(team, other_team, foreign):
    theirs = Notification.objects.filter(user=other_team.reviewer).first()
    assert theirs is not None
    assert page_client(team.admin).get(f"/notifications/{theirs.pk}/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


@pytest.mark.django_db
def test_role_checks_on_pages(team):
    post = bring_to(team, "in_review")
    viewer = page_client(team.viewer)
    new_page = viewer.get(f"/w/{team.workspace.slug}/posts/new/", follow=True)
    assert b"This needs the Author role" in new_page.content
    approve = viewer.post(f"/w/{team.workspace.slug}/posts/{post.pk}/do/approve/", follow=True)
    assert b"This needs the Reviewer role" in approve.content
    author = page_client(team.author)
    own = author.post(f"/w/{team.workspace.slug}/posts/{post.pk}/do/approve/", follow=True)
    assert b"This needs the Reviewer role" in own.content
    admins_post = bring_to(team, "in_review", author=team.admin)
    admin = page_client(team.admin)
    four_eyes = admin.post(f"/w/{team.workspace.slug}/posts/{admins_post.pk}/do/approve/", follow=True)
    assert b"someone else must approve" in four_eyes.content
    edit = page_client(team.other_author).get(f"/w/{team.workspace.slug}/posts/{post.pk}/edit/", follow=True)
    assert b"cannot be edited by you" in edit.content
    post.refresh_from_db()
    assert post.status == "in_review" and post.approvals.count() == 0


@pytest.mark.django_db
def test_anonymous_users_are_sent_to_login(team):
    post = bring_to(team, "draft")
    response = Client().get(f"/w/{team.workspace.slug}/posts/{post.pk}/")
    assert response.status_code == 302 and "/login/" in response["Location"]
