"""Moving posts in time: who may move what, and what happens to the approvals."""

from datetime import datetime

import pytest

from calendar_app.errors import InvalidInputError, TransitionError
from calendar_app.models import Notification, PostStatus
from calendar_app.services import workflow
from scheduler.models import Publication
from tests.calendar_app.workflow.wf_support import bring_to, in_days

S = PostStatus


@pytest.mark.django_db
def test_reviewer_moving_an_approved_post_keeps_its_approval(team):
    post = bring_to(team, "approved")
    new_time = in_days(6)
    workflow.post_reschedule(post=post, user=team.reviewer2, scheduled_at=new_time)
    post.refresh_from_db()
    assert post.status == S.APPROVED
    assert post.scheduled_at == new_time
    assert workflow.current_approvals(post).count() == 1
    scheduled = Publication.objects.filter(post=post, status=Publication.Status.SCHEDULED)
    assert {p.scheduled_at for p in scheduled} == {new_time}


@pytest.mark.django_db
def test_author_moving_an_approved_post_withdraws_approval_and_sends_it_back_to_review(team):
    post = bring_to(team, "approved")
    workflow.post_reschedule(post=post, user=team.author, scheduled_at=in_days(6))
    post.refresh_from_db()
    assert post.status == S.IN_REVIEW
    assert "approvals were withdrawn" in post.status_reason
    assert workflow.current_approvals(post).count() == 0
    entry = post.audit.latest("id")
    assert entry.action == "reschedule" and entry.to_status == S.IN_REVIEW
    assert entry.details["withdrawn_approvals"] == [team.reviewer.username]
    assert not Publication.objects.filter(post=post, status=Publication.Status.SCHEDULED).exists()
    assert Notification.objects.filter(user=team.reviewer, post=post, kind="submitted").count() == 2
    workflow.post_approve(post=post, user=team.reviewer)
    post.refresh_from_db()
    assert post.status == S.APPROVED


@pytest.mark.django_db
def test_author_moving_a_draft_or_a_post_in_review_keeps_its_state(team):
    draft = bring_to(team, "draft")
    workflow.post_reschedule(post=draft, user=team.author, scheduled_at=in_days(3))
    draft.refresh_from_db()
    assert draft.status == S.DRAFT
    in_review = bring_to(team, "in_review")
    workflow.post_reschedule(post=in_review, user=team.author, scheduled_at=in_days(3))
    in_review.refresh_from_db()
    assert in_review.status == S.IN_REVIEW


@pytest.mark.django_db
def test_moving_a_submitted_post_into_the_past_is_refused_but_a_draft_may_be_anywhere(team):
    post = bring_to(team, "in_review")
    with pytest.raises(InvalidInputError, match="future"):
        workflow.post_reschedule(post=post, user=team.reviewer, scheduled_at=in_days(-1))
    draft = bring_to(team, "draft")
    workflow.post_reschedule(post=draft, user=team.author, scheduled_at=in_days(-1))


@pytest.mark.django_db
def test_a_naive_time_is_refused(team):

    post = bring_to(team, "draft")
    with pytest.raises(InvalidInputError):
        workflow.post_reschedule(post=post, user=team.author, scheduled_at=datetime(2030, 1, 1, 10, 0))


@pytest.mark.django_db
def test_reviewer_rescheduling_a_failed_post_puts_it_back_on_the_schedule(team):
    post = bring_to(team, "failed")
    workflow.post_reschedule(post=post, user=team.reviewer, scheduled_at=in_days(1))
    post.refresh_from_db()
    assert post.status == S.APPROVED
    assert Publication.objects.filter(post=post, status=Publication.Status.SCHEDULED).count() == 2


@pytest.mark.django_db
def test_retry_needs_approvals_that_still_match(team):
    post = bring_to(team, "failed")
    post.approvals.all().delete()
    with pytest.raises(TransitionError, match="no longer match"):
        workflow.post_retry(post=post, user=team.reviewer)
