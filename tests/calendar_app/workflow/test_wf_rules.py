"""Workflow rules beyond the state table: the four-eyes rule, N distinct approvals, content-hash
invalidation, reschedule rules, style-guide gates, the audit trail and notifications."""

import pytest
from django.core import mail

from calendar_app.errors import InvalidInputError, PermissionDeniedError, TransitionError
from calendar_app.models import Notification, Post, PostStatus
from calendar_app.services import workflow
from calendar_app.services.posts import post_update
from scheduler.models import Publication
from tests.calendar_app.workflow.wf_support import bring_to, in_days, style_rule

S = PostStatus


@pytest.mark.django_db
def test_four_eyes_the_author_never_approves_even_as_admin(team):
    post = team.post(author=team.admin)
    workflow.post_submit(post=post, user=team.admin)
    with pytest.raises(PermissionDeniedError):
        workflow.post_approve(post=post, user=team.admin)
    post.refresh_from_db()
    assert post.status == S.IN_REVIEW
    assert post.approvals.count() == 0
    workflow.post_approve(post=post, user=team.reviewer)
    post.refresh_from_db()
    assert post.status == S.APPROVED


@pytest.mark.django_db
@pytest.mark.parametrize("role_name", ["viewer", "author", "other_author"])
def test_only_reviewers_and_admins_approve_or_request_changes(team, role_name):
    post = bring_to(team, "in_review")
    user = getattr(team, role_name)
    with pytest.raises(PermissionDeniedError):
        workflow.post_approve(post=post, user=user)
    with pytest.raises(PermissionDeniedError):
        workflow.post_request_changes(post=post, user=user, comment="no")


@pytest.mark.django_db
def test_viewers_and_other_authors_cannot_submit_cancel_or_move_someone_elses_post(team):
    post = team.post()
    for user in (team.viewer, team.other_author):
        with pytest.raises(PermissionDeniedError):
            workflow.post_submit(post=post, user=user)
        with pytest.raises(PermissionDeniedError):
            workflow.post_cancel(post=post, user=user)
        with pytest.raises(PermissionDeniedError):
            workflow.post_reschedule(post=post, user=user, scheduled_at=in_days(4))
        with pytest.raises(PermissionDeniedError):
            post_update(post=post, user=user, body="taken over")
    assert post.audit.filter(action__in=["submit", "cancel", "reschedule"]).count() == 0


@pytest.mark.django_db
def test_n_distinct_approvals_are_required(team):
    team.workspace.approvals_required = 2
    team.workspace.save()
    post = bring_to(team, "in_review")
    workflow.post_approve(post=post, user=team.reviewer)
    post.refresh_from_db()
    assert post.status == S.IN_REVIEW
    partial = post.audit.latest("id")
    assert (partial.action, partial.from_status, partial.to_status) == ("approve", "in_review", "in_review")
    assert partial.details["approvals"] == 1 and partial.details["required"] == 2
    with pytest.raises(TransitionError, match="already approved"):
        workflow.post_approve(post=post, user=team.reviewer)
    assert not Publication.objects.filter(post=post).exists()
    workflow.post_approve(post=post, user=team.admin)
    post.refresh_from_db()
    assert post.status == S.APPROVED
    assert len(workflow.current_approvals(post)) == 2
    assert set(Publication.objects.filter(post=post).values_list("channel_id", flat=True)) == {
        team.mastodon.pk,
        team.bluesky.pk,
    }


@pytest.mark.django_db
def test_approvals_of_someone_no_longer_a_reviewer_do_not_count(team):
    team.workspace.approvals_required = 2
    team.workspace.save()
    post = bring_to(team, "in_review")
    workflow.post_approve(post=post, user=team.reviewer)
    team.workspace.memberships.filter(user=team.reviewer).update(role="author")
    workflow.post_approve(post=post, user=team.reviewer2)
    post.refresh_from_db()
    assert post.status == S.IN_REVIEW
    assert [a.reviewer for a in workflow.current_approvals(post)] == [team.reviewer2]


@pytest.mark.django_db
def test_current_approvals_of_many_posts_at_once_are_those_of_each_post(team):
    by_reviewer2 = bring_to(team, "in_review")
    workflow.post_approve(post=by_reviewer2, user=team.reviewer2)
    by_reviewer = bring_to(team, "approved")
    changed = bring_to(team, "approved")
    changed = post_update(post=changed, user=team.author, body=changed.body + " (editado)")
    team.workspace.memberships.filter(user=team.reviewer).update(role="author")
    posts = [Post.objects.get(pk=post.pk) for post in (by_reviewer2, by_reviewer, changed)]

    approvals = workflow.current_approvals_of(posts)

    assert approvals == {post.pk: list(workflow.current_approvals(post)) for post in posts}
    assert [[a.reviewer for a in found] for found in approvals.values()] == [[team.reviewer2], [], []]


@pytest.mark.django_db
@pytest.mark.parametrize("status", ["in_review", "changes_requested", "approved", "failed"])
def test_any_content_change_drops_approvals_and_returns_to_draft_with_a_reason(team, status):
    post = bring_to(team, status)
    approved_hash = post.content_hash
    post = post_update(post=post, user=team.author, body=post.body + " (editado)")
    assert post.status == S.DRAFT
    assert post.content_hash != approved_hash
    assert post.status_reason
    assert workflow.current_approvals(post).count() == 0
    entry = post.audit.latest("id")
    assert entry.action == "content_changed"
    assert entry.details["old_hash"] == approved_hash
    assert not Publication.objects.filter(post=post, status=Publication.Status.SCHEDULED).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change",
    [
        {"variants": "mastodon-variant"},
        {"channels": "drop-bluesky"},
        {"body": "link"},
    ],
    ids=["variant", "channels", "link"],
)
def test_the_hash_covers_variants_channels_and_links(team, change):
    post = bring_to(team, "approved")
    kind = next(iter(change.values()))
    if kind == "mastodon-variant":
        post = post_update(
            post=post, user=team.reviewer, variants={str(team.mastodon.pk): "Solo en Mastodon"}
        )
    elif kind == "drop-bluesky":
        post = post_update(post=post, user=team.reviewer, channels=[team.mastodon])
    else:
        post = post_update(post=post, user=team.reviewer, body="Hola, mundo https://example.org/nuevo")
    assert post.status == S.DRAFT


@pytest.mark.django_db
def test_title_and_campaign_are_not_content(team):
    post = bring_to(team, "approved")
    post = post_update(post=post, user=team.author, title="Internal name")
    assert post.status == S.APPROVED
    assert workflow.current_approvals(post).count() == 1


@pytest.mark.django_db
def test_approval_is_refused_when_the_content_changed_since_the_reviewer_read_it(team):
    post = bring_to(team, "in_review")
    read_hash = post.content_hash
    post_update(post=post, user=team.author, body="Otra cosa")
    workflow.post_submit(post=post, user=team.author)
    with pytest.raises(TransitionError, match="changed while you were reviewing") as refused:
        workflow.post_approve(post=post, user=team.reviewer, expected_hash=read_hash)
    assert refused.value.details["expected_hash"] == read_hash
    post.refresh_from_db()
    assert post.status == S.IN_REVIEW
    assert post.approvals.count() == 0


@pytest.mark.django_db
def test_request_changes_needs_a_comment(team):
    post = bring_to(team, "in_review")
    for empty in ("", "   "):
        with pytest.raises(InvalidInputError, match="comment is required"):
            workflow.post_request_changes(post=post, user=team.reviewer, comment=empty)
    post.refresh_from_db()
    assert post.status == S.IN_REVIEW


@pytest.mark.django_db
def test_submit_needs_text_channels_and_a_time(team):
    empty = team.post(body="   ")
    with pytest.raises(TransitionError, match="text"):
        workflow.post_submit(post=empty, user=team.author)
    no_channels = team.post(channels=[])
    with pytest.raises(TransitionError, match="channel"):
        workflow.post_submit(post=no_channels, user=team.author)
    no_time = bring_to(team, "draft")
    post_update(post=no_time, user=team.author)
    no_time.scheduled_at = None
    no_time.save(update_fields=["scheduled_at"])
    with pytest.raises(TransitionError, match="when"):
        workflow.post_submit(post=no_time, user=team.author)


@pytest.mark.django_db
def test_submit_is_refused_while_the_style_guide_reports_errors(team):
    style_rule(
        team.workspace, kind="existence", level="error", message="No prometas lo imposible.", words=["gratis"]
    )
    post = team.post(body="Todo gratis hoy")
    with pytest.raises(TransitionError, match="No prometas lo imposible") as refused:
        workflow.post_submit(post=post, user=team.author)
    assert refused.value.details["findings"][0]["kind"] == "existence"
    post.refresh_from_db()
    assert post.status == S.DRAFT
    post_update(post=post, user=team.author, body="Todo a mitad de precio hoy")
    workflow.post_submit(post=post, user=team.author)
    post.refresh_from_db()
    assert post.status == S.IN_REVIEW


@pytest.mark.django_db
def test_approval_needs_style_warnings_acknowledged_and_records_them(team):
    style_rule(
        team.workspace, kind="existence", level="warning", message="Evita «obviamente».", words=["obviamente"]
    )
    post = team.post(body="Obviamente, volvemos el lunes")
    workflow.post_submit(post=post, user=team.author)
    with pytest.raises(TransitionError, match="acknowledge") as refused:
        workflow.post_approve(post=post, user=team.reviewer)
    assert refused.value.details["needs_acknowledgement"] is True
    workflow.post_approve(post=post, user=team.reviewer, acknowledge_warnings=True)
    post.refresh_from_db()
    assert post.status == S.APPROVED
    assert post.approvals.get().acknowledged_warnings[0]["message"] == "Evita «obviamente»."


@pytest.mark.django_db
def test_every_transition_is_audited_with_who_from_to_comment_and_revision(team):
    post = team.post()
    workflow.post_submit(post=post, user=team.author)
    workflow.post_request_changes(post=post, user=team.reviewer, comment="Falta el enlace")
    post_update(post=post, user=team.author, body="Con enlace https://example.org")
    workflow.post_submit(post=post, user=team.author)
    workflow.post_approve(post=post, user=team.reviewer, comment="Perfecto")
    workflow.post_cancel(post=post, user=team.author, comment="Cambio de planes")
    rows = list(post.audit.values_list("action", "actor__username", "from_status", "to_status", "comment"))
    assert rows == [
        ("create", team.author.username, "", "draft", ""),
        ("submit", team.author.username, "draft", "in_review", ""),
        ("request_changes", team.reviewer.username, "in_review", "changes_requested", "Falta el enlace"),
        ("content_changed", team.author.username, "changes_requested", "draft", ""),
        ("submit", team.author.username, "draft", "in_review", ""),
        ("approve", team.reviewer.username, "in_review", "approved", "Perfecto"),
        ("cancel", team.author.username, "approved", "cancelled", "Cambio de planes"),
    ]
    revisions = [e.details.get("revision") for e in post.audit.exclude(action="create")]
    assert revisions == [1, 1, 2, 2, 2, 2]


@pytest.mark.django_db
def test_notifications_in_app_and_by_email(team, django_capture_on_commit_callbacks):
    post = team.post()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.post_submit(post=post, user=team.author)
    submitted = Notification.objects.filter(post=post, kind="submitted")
    assert set(submitted.values_list("user__username", flat=True)) == {
        team.reviewer.username,
        team.reviewer2.username,
        team.admin.username,
    }
    assert len(mail.outbox) == 1 and set(mail.outbox[0].to) == {
        team.reviewer.email,
        team.reviewer2.email,
        team.admin.email,
    }
    with django_capture_on_commit_callbacks(execute=True):
        workflow.post_request_changes(post=post, user=team.reviewer, comment="Más corto")
    assert Notification.objects.get(post=post, kind="changes_requested").user == team.author
    assert mail.outbox[-1].to == [team.author.email] and "Más corto" in mail.outbox[-1].body
    workflow.post_submit(post=post, user=team.author)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.post_approve(post=post, user=team.reviewer)
    assert Notification.objects.get(post=post, kind="approved").user == team.author


@pytest.mark.django_db
def test_a_refused_transition_sends_nothing(team, django_capture_on_commit_callbacks):
    style_rule(team.workspace, kind="existence", level="error", message="No.", words=["gratis"])
    post = team.post(body="gratis")
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(TransitionError):
        workflow.post_submit(post=post, user=team.author)
    assert not Notification.objects.filter(post=post).exists()
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_reviewer_cannot_approve_a_version_they_wrote(team):
    post = bring_to(team, "changes_requested")
    post = post_update(
        post=post, user=team.reviewer, body="Texto reescrito por quien revisa https://example.org"
    )
    workflow.post_submit(post=post, user=team.author)
    with pytest.raises(PermissionDeniedError):
        workflow.post_approve(post=post, user=team.reviewer)
    workflow.post_approve(post=post, user=team.reviewer2, acknowledge_warnings=True)
    post.refresh_from_db()
    assert post.status == S.APPROVED
