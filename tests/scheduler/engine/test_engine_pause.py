"""Crisis mode: pausing stops everything (queued work included), resuming sends overdue posts back to review,
and a reviewer may publish one of them at once."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from calendar_app.errors import InvalidInputError, PermissionDeniedError, TransitionError
from calendar_app.models import AuditEntry, Notification, PostStatus
from calendar_app.services.workflow import post_publish_now
from scheduler.models import Publication
from scheduler.services.pause import workspace_pause, workspace_resume, workspaces_auto_resume
from scheduler.services.publishing import publication_publish
from tests.scheduler.engine.conftest import approved_post

pytestmark = pytest.mark.django_db


def test_pause_needs_an_admin_and_a_reason(brand):
    with pytest.raises(PermissionDeniedError):
        workspace_pause(workspace=brand.workspace, user=brand.reviewer, reason="Crisis")
    with pytest.raises(InvalidInputError):
        workspace_pause(workspace=brand.workspace, user=brand.admin, reason="  ")
    with pytest.raises(InvalidInputError):
        workspace_pause(workspace=brand.workspace, user=brand.admin, reason="x", resume_at=timezone.now())


def test_pause_is_recorded_and_announced(brand):
    resume_at = timezone.now() + timedelta(hours=2)
    workspace = workspace_pause(
        workspace=brand.workspace, user=brand.admin, reason="Product recall", resume_at=resume_at
    )

    assert (workspace.paused, workspace.paused_reason, workspace.resume_at) == (
        True,
        "Product recall",
        resume_at,
    )
    entry = AuditEntry.objects.get(workspace=workspace, action="pause")
    assert (entry.actor, entry.comment) == (brand.admin, "Product recall")
    told = Notification.objects.filter(workspace=workspace, kind="paused")
    assert {n.user_id for n in told} == {brand.admin.pk, brand.author.pk, brand.reviewer.pk}
    with pytest.raises(TransitionError):
        workspace_pause(workspace=workspace, user=brand.admin, reason="again")


def test_queued_work_does_not_publish_while_paused(brand, mastodon):
    post = approved_post(brand, when=timezone.now() - timedelta(seconds=1))
    publication = Publication.objects.get(post=post)
    workspace_pause(workspace=brand.workspace, user=brand.admin, reason="Crisis")

    assert (
        publication_publish(publication_id=publication.pk, content_hash=publication.content_hash, worker="w")
        == "paused"
    )
    assert mastodon.requests_to("POST", "/api/v1/statuses") == []


def test_resume_returns_overdue_posts_to_review_and_keeps_future_ones(brand, mastodon):
    overdue = approved_post(brand, when=timezone.now() + timedelta(minutes=1))
    future = approved_post(brand, when=timezone.now() + timedelta(days=1))
    workspace_pause(workspace=brand.workspace, user=brand.admin, reason="Crisis")
    Publication.objects.filter(post=overdue).update(next_attempt_at=timezone.now() - timedelta(minutes=5))

    result = workspace_resume(workspace=brand.workspace, user=brand.admin)

    assert [post.pk for post in result.returned_to_review] == [overdue.pk]
    overdue.refresh_from_db()
    future.refresh_from_db()
    assert overdue.status == PostStatus.IN_REVIEW
    assert "passed while publishing was paused" in overdue.status_reason
    with translation.override("es"):  # a Spanish colleague of this English workspace
        assert "pasó mientras las publicaciones estaban en pausa" in overdue.status_reason_text
    assert set(Publication.objects.filter(post=overdue).values_list("status", flat=True)) == {"cancelled"}
    assert future.status == PostStatus.APPROVED
    assert Publication.objects.get(post=future).status == "scheduled"
    assert not result.workspace.paused
    assert AuditEntry.objects.get(workspace=brand.workspace, action="resume").details[
        "returned_to_review"
    ] == [overdue.pk]
    assert Notification.objects.filter(post=overdue, user=brand.author, kind="paused").exists()


def test_reviewer_publishes_a_returned_post_now(brand, mastodon):
    post = approved_post(brand, when=timezone.now() + timedelta(minutes=1))
    workspace_pause(workspace=brand.workspace, user=brand.admin, reason="Crisis")
    Publication.objects.filter(post=post).update(next_attempt_at=timezone.now() - timedelta(minutes=5))
    workspace_resume(workspace=brand.workspace, user=brand.admin)

    with pytest.raises(PermissionDeniedError):
        post_publish_now(post=post, user=brand.author)
    post_publish_now(post=post, user=brand.reviewer)

    post.refresh_from_db()
    publication = Publication.objects.get(post=post, status="scheduled")
    assert post.status == PostStatus.APPROVED
    assert publication.scheduled_at <= timezone.now()
    outcome = publication_publish(
        publication_id=publication.pk, content_hash=publication.content_hash, worker="w"
    )
    assert outcome == "published"


def test_auto_resume_at_the_chosen_time(brand):
    workspace_pause(
        workspace=brand.workspace,
        user=brand.admin,
        reason="Night",
        resume_at=timezone.now() + timedelta(minutes=1),
    )
    assert workspaces_auto_resume() == 0
    assert workspaces_auto_resume(now=timezone.now() + timedelta(minutes=2)) == 1
    brand.refresh()
    assert not brand.workspace.paused
    entry = AuditEntry.objects.get(workspace=brand.workspace, action="resume")
    assert entry.actor is None and entry.details["automatic"] is True
