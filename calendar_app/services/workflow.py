"""The only module that changes `Post.status`. Every move goes through `TRANSITIONS`, inside a transaction,
on a row locked with SELECT … FOR UPDATE (on SQLite, IMMEDIATE transactions serialise writers), and
writes an audit entry. Illegal moves raise `TransitionError`, which the UI shows and the API answers with 409.
"""

from dataclasses import dataclass
from datetime import timedelta
from functools import wraps

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from calendar_app.errors import InvalidInputError, PermissionDeniedError, TransitionError
from calendar_app.models import Approval, Membership, Notification, Post, PostStatus, Role
from calendar_app.services.audit import audit_record
from calendar_app.services.messages import message
from calendar_app.services.notifications import notification_send, workspace_members_with_role
from calendar_app.services.permissions import role_has, role_require

S = PostStatus
#: A failed post stays editable so its author can fix what pre-flight or the network refused.
EDITABLE = {S.DRAFT, S.IN_REVIEW, S.CHANGES_REQUESTED, S.APPROVED, S.FAILED}
PLANNED = EDITABLE | {S.FAILED}


@dataclass(frozen=True)
class Transition:
    sources: frozenset
    target: str | None  # None: decided by the action itself (approve stays in review until N approvals)
    role: str | None  # None: a system move made by the scheduler, never by a person


TRANSITIONS: dict[str, Transition] = {
    "submit": Transition(frozenset({S.DRAFT, S.CHANGES_REQUESTED}), S.IN_REVIEW, Role.AUTHOR),
    "request_changes": Transition(frozenset({S.IN_REVIEW}), S.CHANGES_REQUESTED, Role.REVIEWER),
    "approve": Transition(frozenset({S.IN_REVIEW}), None, Role.REVIEWER),
    "cancel": Transition(frozenset(PLANNED), S.CANCELLED, Role.AUTHOR),
    "reschedule": Transition(frozenset(PLANNED), None, Role.AUTHOR),
    "retry": Transition(frozenset({S.FAILED}), S.APPROVED, Role.REVIEWER),
    "content_changed": Transition(
        frozenset({S.IN_REVIEW, S.CHANGES_REQUESTED, S.APPROVED, S.FAILED}), S.DRAFT, None
    ),
    "return_to_review": Transition(frozenset({S.APPROVED, S.FAILED}), S.IN_REVIEW, None),
    "start_publishing": Transition(frozenset({S.APPROVED}), S.PUBLISHING, None),
    "mark_published": Transition(frozenset({S.PUBLISHING, S.UNCONFIRMED}), S.PUBLISHED, None),
    "mark_failed": Transition(frozenset({S.APPROVED, S.PUBLISHING, S.UNCONFIRMED}), S.FAILED, None),
    "mark_unconfirmed": Transition(frozenset({S.PUBLISHING}), S.UNCONFIRMED, None),
    "publish_now": Transition(frozenset({S.IN_REVIEW}), S.APPROVED, Role.REVIEWER),
}


def _check(post: Post, action: str) -> Transition:
    transition = TRANSITIONS[action]
    if post.status not in transition.sources:
        raise TransitionError(
            _("A post that is “%(status)s” cannot be %(action)s.")
            % {"status": PostStatus(post.status).label, "action": ACTION_LABELS[action]},
            details={"status": post.status, "action": action},
        )
    return transition


ACTION_LABELS = {
    "submit": _("submitted for review"),
    "request_changes": _("sent back with requested changes"),
    "approve": _("approved"),
    "cancel": _("cancelled"),
    "reschedule": _("moved"),
    "retry": _("retried"),
    "content_changed": _("returned to draft"),
    "return_to_review": _("returned to review"),
    "start_publishing": _("published"),
    "mark_published": _("marked published"),
    "mark_failed": _("marked failed"),
    "mark_unconfirmed": _("marked unconfirmed"),
    "publish_now": _("sent to publish now"),
}


SYNCED_FIELDS = ("status", "status_reason", "submitted_at", "scheduled_at", "updated_at")


def _updates_caller(transition_function):
    """Each transition works on a freshly locked copy of the row; this copies the outcome back onto the
    object the caller passed, so code that keeps using it (the demo seed, views) never sees a stale status."""

    @wraps(transition_function)
    def wrapper(*, post: Post, **kwargs) -> Post:
        result = transition_function(post=post, **kwargs)
        if result is not post:
            for field in SYNCED_FIELDS:
                setattr(post, field, getattr(result, field))
        return result

    return wrapper


def _locked(post: Post) -> Post:
    return Post.objects.select_for_update().select_related("workspace", "author").get(pk=post.pk)


def _move(
    post: Post,
    *,
    action: str,
    target: str,
    actor=None,
    comment: str = "",
    reason: str = "",
    details: dict | None = None,
    **audit,
) -> Post:
    """The revision number goes into the audit entry so a reviewer's diff starts from what they last saw."""
    source = post.status
    post.status = target
    post.status_reason = reason
    fields = ["status", "status_reason", "updated_at"]
    if action == "submit":
        post.submitted_at = timezone.now()
        fields.append("submitted_at")
    post.save(update_fields=fields)
    audit_record(
        workspace=post.workspace,
        post=post,
        actor=actor,
        action=action,
        from_status=source,
        to_status=target,
        comment=comment,
        details={"revision": post.revision_count, **(details or {})},
        **audit,
    )
    return post


def current_approvals(post: Post):
    """Approvals of the current content by people who are still reviewers (or admins) of the workspace."""
    reviewer_roles = [role for role in Role.values if Role.rank(role) >= Role.rank(Role.REVIEWER)]
    reviewers = Membership.objects.filter(workspace_id=post.workspace_id, role__in=reviewer_roles).values(
        "user_id"
    )
    return post.approvals.filter(content_hash=post.content_hash, reviewer_id__in=reviewers).select_related(
        "reviewer"
    )


def _require_author_or_reviewer(post: Post, user, membership, message: str) -> None:
    if post.author_id != user.pk and not membership.has_role(Role.REVIEWER):
        raise PermissionDeniedError(message)


def _style_errors_and_warnings(post: Post) -> tuple[list[dict], list[dict]]:
    from calendar_app.services.style import post_lint

    findings = post_lint(post=post)
    return (
        [f for f in findings if f["level"] == "error"],
        [f for f in findings if f["level"] == "warning"],
    )


def _refuse_style_errors(post: Post, errors: list[dict]) -> None:
    if errors:
        raise TransitionError(
            _("The style guide reports %(count)d error(s): %(first)s")
            % {"count": len(errors), "first": errors[0]["message"]},
            details={"findings": errors},
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
        target, reason = post.status, post.status_reason
        details = {"from": previous.isoformat() if previous else None, "to": scheduled_at.isoformat()}
        if approvals and not membership.has_role(Role.REVIEWER):
            post.approvals.filter(content_hash=post.content_hash).delete()
            details["withdrawn_approvals"] = [approval.reviewer.get_username() for approval in approvals]
            if post.status in (S.APPROVED, S.FAILED):
                target = S.IN_REVIEW
            reason = _(
                "The author moved it, so its approvals were withdrawn: it needs approving for the new time."
            )
            _notify_reviewers(
                post,
                user,
                gettext_noop("%(user)s moved “%(post)s”; it needs approving again for the new time."),
            )
        elif post.status == S.FAILED and len(approvals) >= post.workspace.approvals_required:
            target, reason = S.APPROVED, ""
        _move(post, action="reschedule", target=target, actor=user, reason=reason, details=details)
        _publications_sync(post)
    return post


def _notify_reviewers(post: Post, user, template: str) -> None:
    reviewers = [
        u for u in workspace_members_with_role(workspace=post.workspace, role=Role.REVIEWER) if u != user
    ]
    notification_send(
        users=reviewers,
        workspace=post.workspace,
        post=post,
        kind=Notification.Kind.SUBMITTED,
        message=message(template, user=str(user), post=post.display_title),
    )


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


def post_content_changed(*, post: Post, actor, old_hash: str) -> Post:
    """Called by the content service inside its transaction after a save: changed content drops approvals."""
    if post.content_hash == old_hash or post.status not in TRANSITIONS["content_changed"].sources:
        return post
    if post.status == S.CHANGES_REQUESTED:
        reason = _("Edited after changes were requested. Submit it for review again when it is ready.")
    else:
        reason = _("The content changed after review, so earlier approvals no longer count. Submit it again.")
    _move(
        post,
        action="content_changed",
        target=S.DRAFT,
        actor=actor,
        reason=reason,
        details={"old_hash": old_hash, "new_hash": post.content_hash},
    )
    _publications_sync(post)
    return post


def post_system_transition(
    *, post: Post, action: str, reason: str = "", preflight_report=None, details=None
) -> Post:
    """Moves made by the scheduler (publishing outcomes, pause/resume); the caller holds the transaction."""
    transition = _check(post, action)
    if transition.role is not None:
        raise ValueError(f"{action} is not a system transition")
    target = transition.target
    return _move(
        post, action=action, target=target, reason=reason, preflight_report=preflight_report, details=details
    )


def user_can_review(*, user, post: Post) -> bool:
    return post.author_id != user.pk and role_has(user=user, workspace=post.workspace, role=Role.REVIEWER)


def _publications_sync(post: Post) -> None:
    from scheduler.services.publications import publications_sync_for_post

    publications_sync_for_post(post=post)
