"""Moves of the review: submit, request changes, approve."""

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from calendar_app.errors import InvalidInputError, PermissionDeniedError, TransitionError
from calendar_app.models import Approval, Notification, Post, Role
from calendar_app.services.audit import audit_record
from calendar_app.services.messages import message
from calendar_app.services.notifications import notification_send
from calendar_app.services.permissions import role_require
from calendar_app.services.workflow.core import (
    S,
    _check,
    _locked,
    _move,
    _notify_reviewers,
    _publications_sync,
    _refuse_style_errors,
    _require_author_or_reviewer,
    _style_errors_and_warnings,
    _updates_caller,
    current_approvals,
)


@_updates_caller
def post_submit(*, post: Post, user) -> Post:
    with transaction.atomic():
        post = _locked(post)
        membership = role_require(user=user, workspace=post.workspace, role=Role.AUTHOR)
        _require_author_or_reviewer(
            post, user, membership, _("Only the post's author, a reviewer or an admin can submit it.")
        )
        transition = _check(post, "submit")
        if not post.body.strip():
            raise TransitionError(_("Write the post's text before submitting it."))
        if not post.channels.exists():
            raise TransitionError(_("Choose at least one channel before submitting."))
        if post.scheduled_at is None:
            raise TransitionError(_("Choose when the post goes out before submitting."))
        errors, _warnings = _style_errors_and_warnings(post)
        _refuse_style_errors(post, errors)
        _move(post, action="submit", target=transition.target, actor=user)
        _notify_reviewers(post, user, gettext_noop("%(user)s submitted “%(post)s” for review."))
    return post


@_updates_caller
def post_request_changes(*, post: Post, user, comment: str) -> Post:
    if not comment or not comment.strip():
        raise InvalidInputError(
            _("Say what needs to change: a comment is required."), details={"field": "comment"}
        )
    with transaction.atomic():
        post = _locked(post)
        role_require(user=user, workspace=post.workspace, role=Role.REVIEWER)
        transition = _check(post, "request_changes")
        _move(post, action="request_changes", target=transition.target, actor=user, comment=comment.strip())
        notification_send(
            users=[post.author],
            workspace=post.workspace,
            post=post,
            kind=Notification.Kind.CHANGES_REQUESTED,
            message=message(
                gettext_noop("%(user)s asked for changes to “%(post)s”: %(comment)s"),
                user=str(user),
                post=post.display_title,
                comment=comment.strip(),
            ),
        )
    return post


@_updates_caller
def post_approve(
    *,
    post: Post,
    user,
    comment: str = "",
    expected_hash: str | None = None,
    acknowledge_warnings: bool = False,
) -> Post:
    """`expected_hash` is the hash of the content the reviewer read: if the author changed it meanwhile,
    the approval is refused instead of landing on text nobody reviewed."""
    with transaction.atomic():
        post = _locked(post)
        role_require(user=user, workspace=post.workspace, role=Role.REVIEWER)
        _check(post, "approve")
        if post.author_id == user.pk:
            raise PermissionDeniedError(_("You wrote this post, so someone else must approve it."))
        if post.revisions.filter(content_hash=post.content_hash, author=user).exists():
            raise PermissionDeniedError(_("You wrote this version, so someone else must approve it."))
        if expected_hash and expected_hash != post.content_hash:
            raise TransitionError(
                _("The post changed while you were reviewing it. Read the new version, then approve."),
                details={"expected_hash": expected_hash, "content_hash": post.content_hash},
            )
        if current_approvals(post).filter(reviewer=user).exists():
            raise TransitionError(_("You have already approved this version."))
        errors, warnings = _style_errors_and_warnings(post)
        _refuse_style_errors(post, errors)
        if warnings and not acknowledge_warnings:
            raise TransitionError(
                _("The style guide has %(count)d warning(s); acknowledge them to approve.")
                % {"count": len(warnings)},
                details={"warnings": warnings, "needs_acknowledgement": True},
            )
        Approval.objects.create(
            post=post, reviewer=user, content_hash=post.content_hash, acknowledged_warnings=warnings
        )
        count = current_approvals(post).count()
        needed = post.workspace.approvals_required
        details = {"approvals": count, "required": needed, "acknowledged_warnings": warnings}
        if count >= needed:
            _move(post, action="approve", target=S.APPROVED, actor=user, comment=comment, details=details)
            _publications_sync(post)
            notification_send(
                users=[post.author],
                workspace=post.workspace,
                post=post,
                kind=Notification.Kind.APPROVED,
                message=message(
                    gettext_noop("“%(post)s” was approved and will go out as scheduled."),
                    post=post.display_title,
                ),
            )
        else:
            audit_record(
                workspace=post.workspace,
                post=post,
                actor=user,
                action="approve",
                from_status=post.status,
                to_status=post.status,
                comment=comment,
                details={"revision": post.revision_count, **details},
            )
    return post
