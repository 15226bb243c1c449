"""The post page, its workflow buttons and comments, the review queue and the notifications bell, through
Django's test client."""

import re

import pytest

from calendar_app.models import Notification, PostStatus
from calendar_app.services import workflow
from calendar_app.services.comments import comment_create
from calendar_app.services.posts import post_update
from scheduler.models import PreflightReport
from tests.calendar_app.workflow.wf_support import (
    bring_to,
    browser,
    in_days,
    messages_of,
    style_rule,
)

S = PostStatus


@pytest.mark.django_db
def test_post_page_shows_content_previews_approvals_diff_timeline_and_preflight(team):
    post = team.post(body="Primera versión del texto")
    workflow.post_submit(post=post, user=team.author)
    workflow.post_request_changes(post=post, user=team.reviewer, comment="Menciona el horario")
    post = post_update(
        post=post, user=team.author, body="Segunda versión del texto, de 9 a 14 https://example.org"
    )
    workflow.post_submit(post=post, user=team.author)
    comment_create(post=post, user=team.reviewer2, body="Me gusta")
    PreflightReport.objects.create(
        post=post,
        trigger="on_demand",
        ok=False,
        summary="1 link failed",
        checks=[{"name": "links", "ok": False, "detail": "https://example.org answered 404"}],
        links=[
            {
                "url": "https://example.org",
                "final_url": "https://example.org/",
                "status": 404,
                "ok": False,
                "duration_ms": 35,
                "reason": "Not Found",
            }
        ],
    )
    html = browser(team.reviewer).get(f"/w/{team.workspace.slug}/posts/{post.pk}/").content.decode()
    assert "status-in_review" in html and "In review" in html
    assert html.count('data-preview-network="') == 2
    assert '<span class="preview-link">https://example.org</span>' in html
    assert "0 of 1 approval" in html
    assert "<del>Primera</del><ins>Segunda</ins>" in html
    assert "Revision 1" in html and "revision 2" in html
    assert "Menciona el horario" in html and "Me gusta" in html
    assert "1 link failed" in html and "answered 404" in html and "35 ms" in html
    assert "data-approve-form" in html and "Request changes" in html
    timeline = re.findall(r'data-action="(\w+)"', html)
    assert timeline == ["create", "submit", "request_changes", "content_changed", "submit"]


@pytest.mark.django_db
def test_post_page_buttons_follow_the_role(team):
    post = bring_to(team, "in_review")
    author_html = browser(team.author).get(f"/w/{team.workspace.slug}/posts/{post.pk}/").content.decode()
    assert "data-approve-form" not in author_html and "Request changes" not in author_html
    viewer_html = browser(team.viewer).get(f"/w/{team.workspace.slug}/posts/{post.pk}/").content.decode()
    assert "Add comment" not in viewer_html and "Cancel this post" not in viewer_html


@pytest.mark.django_db
def test_transitions_from_the_post_page(team):
    post = bring_to(team, "in_review")
    base = f"/w/{team.workspace.slug}/posts/{post.pk}/do/"
    reviewer = browser(team.reviewer)
    empty = reviewer.post(base + "request-changes/", {"comment": ""}, follow=True)
    assert any("comment is required" in m for m in messages_of(empty))
    reviewer.post(base + "approve/", {"expected_hash": post.content_hash, "comment": "Adelante"})
    post.refresh_from_db()
    assert post.status == S.APPROVED
    again = reviewer.post(base + "approve/", {"expected_hash": post.content_hash}, follow=True)
    assert any("cannot be approved" in m for m in messages_of(again))
    gap = reviewer.post(base + "reschedule/", {"scheduled_at": "2031-03-30T02:30"}, follow=True)
    assert any("does not exist" in m for m in messages_of(gap))
    reviewer.post(base + "reschedule/", {"scheduled_at": "2031-04-02T12:00"})
    post.refresh_from_db()
    assert post.status == S.APPROVED and post.scheduled_at.isoformat() == "2031-04-02T10:00:00+00:00"
    assert reviewer.post(base + "explode/").status_code == 404
    assert reviewer.get(base + "approve/").status_code == 405


@pytest.mark.django_db
def test_comments_from_the_post_page(team):
    post = bring_to(team, "draft")
    base = f"/w/{team.workspace.slug}/posts/{post.pk}/comments/"
    browser(team.reviewer).post(base, {"body": "¿Y la foto?"})
    comment = post.comments.get()
    assert browser(team.author).get(f"{base}{comment.pk}/edit/", follow=True).redirect_chain
    browser(team.author).post(f"{base}{comment.pk}/delete/")
    assert post.comments.count() == 1
    browser(team.reviewer).post(f"{base}{comment.pk}/edit/", {"body": "¿Y la imagen?"})
    comment.refresh_from_db()
    assert comment.body == "¿Y la imagen?" and comment.edited_at
    browser(team.reviewer).post(f"{base}{comment.pk}/delete/")
    assert not post.comments.exists()


@pytest.mark.django_db
def test_review_queue_lists_what_waits_for_me_oldest_first(team):
    style_rule(
        team.workspace, kind="existence", level="warning", message="Evita «obviamente».", words=["obviamente"]
    )
    first = bring_to(team, "in_review", body="Obviamente el primero", when=in_days(9))
    second = bring_to(team, "in_review", body="El segundo", when=in_days(2))
    mine = bring_to(team, "in_review", author=team.reviewer)
    bring_to(team, "draft")
    workflow.post_approve(post=second, user=team.reviewer2)
    html = browser(team.reviewer).get(f"/w/{team.workspace.slug}/review/").content.decode()
    rows = [int(pk) for pk in re.findall(r'<tr data-post="(\d+)"', html)]
    assert rows == [first.pk], "approved posts leave the queue; my own post is not mine to review"
    team.workspace.approvals_required = 2
    team.workspace.save()
    second.refresh_from_db()
    workflow.post_system_transition(post=second, action="return_to_review")
    html = browser(team.reviewer).get(f"/w/{team.workspace.slug}/review/").content.decode()
    rows = [int(pk) for pk in re.findall(r'<tr data-post="(\d+)"', html)]
    assert rows == [first.pk, second.pk]
    assert "Brand Mastodon" in html and team.author.username in html
    assert '<span class="badge text-bg-warning">1</span>' in html
    assert mine.pk not in rows


@pytest.mark.django_db
def test_bell_counts_unread_and_opening_marks_read(team):
    post = bring_to(team, "in_review")
    client = browser(team.reviewer)
    html = client.get(f"/w/{team.workspace.slug}/review/").content.decode()
    assert re.search(r'text-bg-danger">1<span class="visually-hidden"> unread', html)
    notification = Notification.objects.get(user=team.reviewer)
    listing = client.get("/notifications/").content.decode()
    assert "submitted" in listing and post.display_title in listing
    opened = client.get(f"/notifications/{notification.pk}/")
    assert opened["Location"] == f"/w/{team.workspace.slug}/posts/{post.pk}/"
    notification.refresh_from_db()
    assert notification.read_at is not None
    html = client.get(f"/w/{team.workspace.slug}/review/").content.decode()
    assert "unread" not in html
    bring_to(team, "in_review")
    client.post("/notifications/read/", {"next": "https://evil.example/"})
    assert not Notification.objects.filter(user=team.reviewer, read_at__isnull=True).exists()
