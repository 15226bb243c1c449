"""Crisis mode: an admin stops all publishing of a workspace at once.

Nothing already queued slips through: the claim's compare-and-set requires the workspace not to be paused,
and the worker looks again right before calling the network. On resume, posts whose time passed during the
pause go back to review instead of going out late and unannounced; a reviewer may send one at once.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from calendar_app.errors import InvalidInputError, TransitionError
from calendar_app.models import Notification, Post, PostStatus, Role, Workspace
from calendar_app.services.audit import audit_record
from calendar_app.services.messages import message, message_render
from calendar_app.services.notifications import notification_send, workspace_members_with_role
from calendar_app.services.permissions import role_require
from calendar_app.services.workflow import post_system_transition
from scheduler.models import Publication
from scheduler.services.post_settling import post_settle
from scheduler.services.publications import publications_sync_for_post

P = Publication.Status


@dataclass
class ResumeResult:
    workspace: Workspace
    returned_to_review: list[Post] = field(default_factory=list)


def workspace_pause(*, workspace: Workspace, user, reason: str, resume_at=None) -> Workspace:
    role_require(user=user, workspace=workspace, role=Role.ADMIN)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInputError(
            _("Say why publishing is paused: a reason is required."), details={"field": "reason"}
        )
    now = timezone.now()
    if resume_at is not None and (timezone.is_naive(resume_at) or resume_at <= now):
        raise InvalidInputError(_("Choose a resume time in the future."), details={"field": "resume_at"})
    with transaction.atomic():
        workspace = Workspace.objects.select_for_update().get(pk=workspace.pk)
        if workspace.paused:
            raise TransitionError(
                _("Publishing is already paused in %(workspace)s.") % {"workspace": workspace.name}
            )
        workspace.paused, workspace.paused_reason, workspace.paused_at = True, reason[:300], now
        workspace.paused_by, workspace.resume_at = user, resume_at
        workspace.full_clean()
        workspace.save(update_fields=["paused", "paused_reason", "paused_at", "paused_by", "resume_at"])
        details = {"resume_at": resume_at.isoformat() if resume_at else None}
        audit_record(workspace=workspace, actor=user, action="pause", comment=reason, details=details)
        told = [
            message(
                gettext_noop("%(user)s paused publishing in %(workspace)s: %(reason)s"),
                user=str(user),
                workspace=workspace.name,
                reason=reason,
            )
        ]
        if resume_at:
            told.append(
                message(
                    gettext_noop("It resumes automatically at %(time)s."), time=_local(resume_at, workspace)
                )
            )
        _tell_team(workspace, told)
    return workspace


def workspace_resume(*, workspace: Workspace, user=None) -> ResumeResult:
    """`user` is None when the scheduled resume time came (auto-resume)."""
    if user is not None:
        role_require(user=user, workspace=workspace, role=Role.ADMIN)
    with transaction.atomic():
        workspace = Workspace.objects.select_for_update().get(pk=workspace.pk)
        if not workspace.paused:
            raise TransitionError(
                _("Publishing is not paused in %(workspace)s.") % {"workspace": workspace.name}
            )
        paused_at = workspace.paused_at
        workspace.paused, workspace.paused_reason, workspace.paused_at = False, "", None
        workspace.paused_by, workspace.resume_at = None, None
        workspace.save(update_fields=["paused", "paused_reason", "paused_at", "paused_by", "resume_at"])
        result = ResumeResult(workspace=workspace)
        for post in _posts_whose_time_passed(workspace):
            if _return_to_review(post, paused_at=paused_at, workspace=workspace):
                result.returned_to_review.append(post)
        audit_record(
            workspace=workspace,
            actor=user,
            action="resume",
            details={
                "automatic": user is None,
                "returned_to_review": [post.pk for post in result.returned_to_review],
            },
        )
        who = str(user) if user is not None else message(gettext_noop("The scheduled resume"))
        told = [
            message(
                gettext_noop("%(who)s resumed publishing in %(workspace)s."),
                who=who,
                workspace=workspace.name,
            )
        ]
        if result.returned_to_review:
            told.append(
                message(
                    gettext_noop("%(count)d post(s) whose time passed meanwhile went back to review."),
                    count=len(result.returned_to_review),
                )
            )
        _tell_team(workspace, told)
    return result


def workspaces_auto_resume(*, now=None) -> int:
    now = now or timezone.now()
    resumed = 0
    for workspace in Workspace.objects.filter(paused=True, resume_at__isnull=False, resume_at__lte=now):
        try:
            workspace_resume(workspace=workspace)
        except TransitionError:
            continue
        resumed += 1
    return resumed


def _posts_whose_time_passed(workspace: Workspace):
    now = timezone.now()
    post_ids = (
        Publication.objects.filter(post__workspace=workspace, status=P.SCHEDULED, next_attempt_at__lte=now)
        .values_list("post_id", flat=True)
        .distinct()
    )
    return (
        Post.objects.select_for_update(of=("self",))
        .select_related("author", "workspace")
        .filter(pk__in=list(post_ids))
    )


def _return_to_review(post: Post, *, paused_at, workspace: Workspace) -> bool:
    why = message(
        gettext_noop(
            "Its time (%(time)s) passed while publishing was paused. Review it again, move it, or choose "
            "“publish now”."
        ),
        time=_local(post.scheduled_at, workspace),
    )
    with translation.override(workspace.language):
        reason = message_render(why)
    if post.status == PostStatus.APPROVED:
        post_system_transition(
            post=post,
            action="return_to_review",
            reason=reason[:500],
            reason_message=why,
            details={"paused_at": paused_at.isoformat() if paused_at else None},
        )
        publications_sync_for_post(post=post)
        reviewers = workspace_members_with_role(workspace=workspace, role=Role.REVIEWER)
        notification_send(
            users=[post.author, *reviewers],
            workspace=workspace,
            post=post,
            kind=Notification.Kind.PAUSED,
            message=message(
                gettext_noop("“%(post)s” is back in review: %(reason)s"), post=post.display_title, reason=why
            ),
        )
        return True
    # Already going out on another channel: the late channel is held rather than sent late.
    Publication.objects.filter(post=post, status=P.SCHEDULED).update(
        status=P.HELD, failure_reason=reason, failure_message=why
    )
    post_settle(post=post)
    return False


def _tell_team(workspace: Workspace, sentences: list[dict]) -> None:
    notification_send(
        users=workspace_members_with_role(workspace=workspace, role=Role.AUTHOR),
        workspace=workspace,
        kind=Notification.Kind.PAUSED,
        message=sentences,
    )


def _local(moment, workspace: Workspace) -> str:
    """In the workspace's time zone and language: a time inside a stored sentence keeps the format it was
    written in, whoever reads it."""
    with translation.override(workspace.language):
        return date_format(timezone.localtime(moment, workspace.tzinfo), "DATETIME_FORMAT")
