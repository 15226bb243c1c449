"""Moves in time: cancel, reschedule, publish now, retry after a failure."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from calendar_app.errors import InvalidInputError, TransitionError
from calendar_app.models import Post, Role
from calendar_app.services.permissions import role_require
from calendar_app.services.workflow.core import (
    S,
    _check,
    _locked,
    _move,
    _notify_reviewers,
    _publications_sync,
    _require_author_or_reviewer,
    _updates_caller,
    current_approvals,
)


@_updates_caller
def post_cancel(*, post: Post, user, comment: str = "") -> Post:
    with transaction.atomic():
        post = _locked(post)
        membership = role_require(user=user, workspace=post.workspace, role=Role.AUTHOR)
        transition = _check(post, "cancel")
        _require_author_or_reviewer(
            post, user, membership, _("Only the post's author, a reviewer or an admin can cancel it.")
        )
        _move(post, action="cancel", target=transition.target, actor=user, comment=comment)
        _publications_sync(post)
    return post


@_updates_caller
def post_reschedule(*, post: Post, user, scheduled_at) -> Post:
    """A reviewer's or an admin's move keeps the approvals: they vouch for the new time. An author's move
    withdraws them and sends an approved post back to review: nothing goes out at a time no reviewer saw."""
    if scheduled_at is None or timezone.is_naive(scheduled_at):
        raise InvalidInputError(_("Give a complete date and time."), details={"field": "scheduled_at"})
    with transaction.atomic():
        post = _locked(post)
        membership = role_require(user=user, workspace=post.workspace, role=Role.AUTHOR)
        _check(post, "reschedule")
        _require_author_or_reviewer(
            post, user, membership, _("Only the post's author, a reviewer or an admin can move it.")
        )
        if scheduled_at < timezone.now() - timedelta(minutes=1) and post.status != S.DRAFT:
            raise InvalidInputError(_("Choose a time in the future."), details={"field": "scheduled_at"})
        previous = post.scheduled_at
        if previous == scheduled_at:
            return post
        post.scheduled_at = scheduled_at
        post.save(update_fields=["scheduled_at", "updated_at"])
        approvals = list(current_approvals(post))
        target, reason, reason_message = post.status, post.status_reason, post.status_reason_message
        details = {"from": previous.isoformat() if previous else None, "to": scheduled_at.isoformat()}
        if approvals and not membership.has_role(Role.REVIEWER):
            post.approvals.filter(content_hash=post.content_hash).delete()
            details["withdrawn_approvals"] = [approval.reviewer.get_username() for approval in approvals]
            if post.status in (S.APPROVED, S.FAILED):
                target = S.IN_REVIEW
            reason, reason_message = (
                _(
                    "The author moved it, so its approvals were withdrawn: it needs approving for the new time."
                ),
                None,
            )
            _notify_reviewers(
                post,
                user,
                gettext_noop("%(user)s moved “%(post)s”; it needs approving again for the new time."),
            )
        elif post.status == S.FAILED and len(approvals) >= post.workspace.approvals_required:
            target, reason, reason_message = S.APPROVED, "", None
        _move(
            post,
            action="reschedule",
            target=target,
            actor=user,
            reason=reason,
            reason_message=reason_message,
            details=details,
        )
        _publications_sync(post)
    return post


def post_publish_now(*, post: Post, user, comment: str = "") -> Post:
    """A post whose time passed while publishing was paused waits in review with its approvals intact; a
    reviewer may send it right away instead of having it approved again."""
    with transaction.atomic():
        post = _locked(post)
        role_require(user=user, workspace=post.workspace, role=Role.REVIEWER)
        transition = _check(post, "publish_now")
        if current_approvals(post).count() < post.workspace.approvals_required:
            raise TransitionError(_("Its approvals no longer match the content; approve it instead."))
        previous = post.scheduled_at
        post.scheduled_at = timezone.now()
        post.save(update_fields=["scheduled_at", "updated_at"])
        details = {"from": previous.isoformat() if previous else None, "to": post.scheduled_at.isoformat()}
        _move(
            post, action="publish_now", target=transition.target, actor=user, comment=comment, details=details
        )
        _publications_sync(post)
    return post


@_updates_caller
def post_retry(*, post: Post, user, comment: str = "") -> Post:
    """After a failure the reviewer can put the same, still-approved content back on the schedule."""
    with transaction.atomic():
        post = _locked(post)
        role_require(user=user, workspace=post.workspace, role=Role.REVIEWER)
        transition = _check(post, "retry")
        if current_approvals(post).count() < post.workspace.approvals_required:
            raise TransitionError(
                _("The approvals no longer match this content; submit it for review again.")
            )
        _move(post, action="retry", target=transition.target, actor=user, comment=comment)
        _publications_sync(post)
    return post
