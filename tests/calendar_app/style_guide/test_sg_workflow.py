"""The guide in the post's life: errors block submit and approve, warnings must be acknowledged by the
approving reviewer, and what was acknowledged is kept in the audit log. Rules are edited through the
style-guide services, so these tests also prove that an edit reaches the workflow without delay."""

import pytest

from calendar_app.errors import TransitionError
from calendar_app.models import AuditEntry, PostStatus
from calendar_app.services import style_guide as sg
from calendar_app.services import workflow
from tests.calendar_app.style_guide.sg_support import GRATIS_ERROR, OBVIO_WARNING, guide_only, rule_spec
from tests.factories import make_post


def _post(brand, body: str):
    return make_post(brand.workspace, brand.author, body=body, channels=[brand.mastodon])


def test_an_error_blocks_submit_and_the_draft_stays_a_draft(brand):
    guide_only(brand, GRATIS_ERROR)
    post = _post(brand, "Entrada gratis al concierto")
    with pytest.raises(TransitionError, match="Nada es gratis") as refused:
        workflow.post_submit(post=post, user=brand.author)
    assert [f["rule_id"] for f in refused.value.details["findings"]] == ["sin-gratis"]
    post.refresh_from_db()
    assert post.status == PostStatus.DRAFT
    assert not AuditEntry.objects.filter(post=post, action="submit").exists()


def test_disabling_the_rule_lets_the_same_post_through(brand):
    guide_only(brand, GRATIS_ERROR)
    post = _post(brand, "Entrada gratis al concierto")
    with pytest.raises(TransitionError):
        workflow.post_submit(post=post, user=brand.author)
    sg.style_rule_toggle(user=brand.admin, rule=brand.workspace.style_guide.rules.get(key="sin-gratis"))
    workflow.post_submit(post=post, user=brand.author)
    post.refresh_from_db()
    assert post.status == PostStatus.IN_REVIEW


def test_an_error_rule_added_during_review_blocks_approval(brand):
    guide_only(brand, OBVIO_WARNING)
    post = _post(brand, "Entrada gratis al concierto")
    workflow.post_submit(post=post, user=brand.author)
    sg.style_rule_create(
        user=brand.admin,
        workspace=brand.workspace,
        rule_spec=rule_spec(level="error", message="Nada es gratis."),
    )
    with pytest.raises(TransitionError, match="Nada es gratis"):
        workflow.post_approve(post=post, user=brand.reviewer, acknowledge_warnings=True)
    post.refresh_from_db()
    assert post.status == PostStatus.IN_REVIEW
    assert not post.approvals.exists()


def test_warnings_need_the_reviewers_acknowledgement_which_is_recorded(brand):
    guide_only(brand, OBVIO_WARNING)
    post = _post(brand, "Obviamente, el concierto empieza a las nueve")
    workflow.post_submit(post=post, user=brand.author)
    with pytest.raises(TransitionError, match="acknowledge") as refused:
        workflow.post_approve(post=post, user=brand.reviewer)
    assert refused.value.details["needs_acknowledgement"] is True
    assert [f["rule_id"] for f in refused.value.details["warnings"]] == ["tono"]
    post.refresh_from_db()
    assert post.status == PostStatus.IN_REVIEW and not post.approvals.exists()

    workflow.post_approve(post=post, user=brand.reviewer, acknowledge_warnings=True, comment="Vale así.")
    post.refresh_from_db()
    assert post.status == PostStatus.APPROVED
    entry = AuditEntry.objects.get(post=post, action="approve")
    assert entry.actor == brand.reviewer
    acknowledged = entry.details["acknowledged_warnings"]
    assert [(f["rule_id"], f["level"], f["start"], f["end"]) for f in acknowledged] == [
        ("tono", "warning", 0, 10)
    ]
    assert acknowledged[0]["message"] == "Evita «obviamente»."
    assert post.approvals.get().acknowledged_warnings == acknowledged


def test_a_clean_post_is_approved_without_acknowledging_anything(brand):
    guide_only(brand, OBVIO_WARNING + GRATIS_ERROR)
    post = _post(brand, "El concierto empieza a las nueve")
    workflow.post_submit(post=post, user=brand.author)
    workflow.post_approve(post=post, user=brand.reviewer)
    entry = AuditEntry.objects.get(post=post, action="approve")
    assert entry.details["acknowledged_warnings"] == []


def test_suggestions_never_block(brand):
    guide_only(brand, GRATIS_ERROR.replace("level: error", "level: suggestion"))
    post = _post(brand, "Entrada gratis")
    workflow.post_submit(post=post, user=brand.author)
    workflow.post_approve(post=post, user=brand.reviewer)
    post.refresh_from_db()
    assert post.status == PostStatus.APPROVED
