"""The transitions table and what every move shares: the row lock, the audit entry, the approvals that
still count, and the moves the scheduler makes."""

from dataclasses import dataclass
from functools import wraps

from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from calendar_app.errors import PermissionDeniedError, TransitionError
from calendar_app.models import Approval, AuditEntry, Membership, Notification, Post, PostStatus, Role
from calendar_app.services.audit import audit_record
from calendar_app.services.messages import message
from calendar_app.services.notifications import notification_send, workspace_members_with_role
from calendar_app.services.permissions import role_has

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
    "give_back": Transition(frozenset({S.PUBLISHING}), S.APPROVED, None),
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
    "give_back": _("given back to its schedule"),
    "publish_now": _("sent to publish now"),
}


SYNCED_FIELDS = (
    "status",
    "status_reason",
    "status_reason_message",
    "submitted_at",
    "scheduled_at",
    "updated_at",
)


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
    return Post.objects.select_for_update(of=("self",)).select_related("workspace", "author").get(pk=post.pk)


def _move(
    post: Post,
    *,
    action: str,
    target: str,
    actor=None,
    comment: str = "",
    reason: str = "",
    reason_message: dict | list | None = None,
    details: dict | None = None,
    **audit,
) -> Post:
    """The revision number goes into the audit entry so a reviewer's diff starts from what they last saw.
    `reason_message` is the reason as a stored message, when there is one, so each reader reads it in
    their language; whatever the move, the old one goes."""
    source = post.status
    post.status = target
    post.status_reason = reason
    post.status_reason_message = reason_message
    fields = ["status", "status_reason", "status_reason_message", "updated_at"]
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


def _reviewer_roles() -> list[str]:
    return [role for role in Role.values if Role.rank(role) >= Role.rank(Role.REVIEWER)]


def current_approvals(post: Post):
    """Approvals of the current content by people who are still reviewers (or admins) of the workspace."""
    reviewers = Membership.objects.filter(workspace_id=post.workspace_id, role__in=_reviewer_roles()).values(
        "user_id"
    )
    return post.approvals.filter(content_hash=post.content_hash, reviewer_id__in=reviewers).select_related(
        "reviewer"
    )


def current_approvals_of(posts: list[Post]) -> dict[int, list]:
    """`current_approvals` of many posts in one query (a publishing burst judges hundreds), by post id."""
    still_reviewer = Membership.objects.filter(
        workspace_id=OuterRef("post__workspace_id"),
        user_id=OuterRef("reviewer_id"),
        role__in=_reviewer_roles(),
    )
    hashes = {post.pk: post.content_hash for post in posts}
    found: dict[int, list] = {post.pk: [] for post in posts}
    approvals = (
        Approval.objects.filter(post_id__in=hashes).filter(Exists(still_reviewer)).select_related("reviewer")
    )
    for approval in approvals.order_by("pk"):
        if approval.content_hash == hashes[approval.post_id]:
            found[approval.post_id].append(approval)
    return found


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
    *, post: Post, action: str, reason: str = "", reason_message=None, preflight_report=None, details=None
) -> Post:
    """Moves made by the scheduler (publishing outcomes, pause/resume); the caller holds the transaction."""
    transition = _check(post, action)
    if transition.role is not None:
        raise ValueError(f"{action} is not a system transition")
    target = transition.target
    return _move(
        post,
        action=action,
        target=target,
        reason=reason,
        reason_message=reason_message,
        preflight_report=preflight_report,
        details=details,
    )


def posts_system_transition(
    *, posts: list[Post], action: str, details: dict | None = None, preflight_reports: dict | None = None
) -> None:
    """`post_system_transition` for many locked posts at once (a publishing burst): one UPDATE and one
    INSERT of audit entries instead of two statements per post. Same checks, same audit entries;
    `details` and `preflight_reports` are keyed by post id."""
    if not posts:
        return
    transition = TRANSITIONS[action]
    if transition.role is not None or transition.target is None:
        raise ValueError(f"{action} is not a system transition with a fixed target")
    for post in posts:
        _check(post, action)
    now = timezone.now()
    Post.objects.filter(pk__in=[post.pk for post in posts]).update(
        status=transition.target, status_reason="", status_reason_message=None, updated_at=now
    )
    entries = []
    for post in posts:
        entries.append(
            AuditEntry(
                workspace_id=post.workspace_id,
                post=post,
                action=action,
                from_status=post.status,
                to_status=transition.target,
                details={"revision": post.revision_count, **(details or {}).get(post.pk, {})},
                preflight_report=(preflight_reports or {}).get(post.pk),
            )
        )
        post.status, post.status_reason, post.status_reason_message = transition.target, "", None
        post.updated_at = now
    AuditEntry.objects.bulk_create(entries)


def user_can_review(*, user, post: Post) -> bool:
    return post.author_id != user.pk and role_has(user=user, workspace=post.workspace, role=Role.REVIEWER)


def _publications_sync(post: Post) -> None:
    from scheduler.services.publications import publications_sync_for_post

    publications_sync_for_post(post=post)
