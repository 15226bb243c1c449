"""Running pre-flight and acting on its verdict.

Three moments: on demand (every check, asked live, nothing held), scheduled (ahead of time, every check;
the identity answer of the last minute is reused, so a thousand posts on one channel ask the network once,
not a thousand times against its rate limit) and at claim time (the essentials again, cheaply: that
identity answer and the link verdicts of a recent report for the same content are reused). The report is
stored every time, so what was asked and answered can be shown later.

Report layout (`PreflightReport`): `checks` is a list of {name, verdict (pass/fail/deferred), message,
problems, detail, label}; `links` a list of {url, written, final_url, status, ok, redirects, duration_ms,
reason, reason_message, cached, channels}; `identity` is {"channels": [{channel, channel_name, network,
asked, expected_handle, answered_handle, matches, is_brand_account, verdict, reason, reason_message,
calls}]}.

The report's summary (which also becomes the post's and the publications' reason) is stored twice: as a
message (`summary_message`, like each check's `detail` and each link's and identity's reason), translated
again for every reader, and as text (`summary`) in the language of whoever asked on demand, and otherwise
(scheduled, at claim time: a worker, with no reader) in the workspace's, for the e-mail and the logs.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_noop

from calendar_app.models import Notification, Post, PostStatus, Role
from calendar_app.services.messages import message, message_render
from calendar_app.services.notifications import notification_send, workspace_members_with_role
from calendar_app.services.permissions import role_require
from calendar_app.services.workflow import post_system_transition
from scheduler.models import Channel, PreflightReport, Publication
from scheduler.services.channels import channel_flag
from scheduler.services.engine_settings import engine_setting
from scheduler.services.preflight.local import approval_check, paused_check, style_check
from scheduler.services.preflight.media import media_check
from scheduler.services.preflight.remote import ChannelFlag, remote_checks
from scheduler.services.preflight.verdicts import DEFERRED, CheckResult

Trigger = PreflightReport.Trigger


def _summary(checks: list[CheckResult]) -> dict | list:
    problems = [problem for check in checks if check.failed for problem in check.detail]
    if problems:
        return problems
    deferred = [item for check in checks if check.verdict == DEFERRED for item in check.detail]
    if deferred:
        return message(
            gettext_noop("Passed so far; still to confirm at publishing time: %(what)s"), what=deferred
        )
    return message(gettext_noop("All checks passed."))


def _recent_link_report(post: Post) -> PreflightReport | None:
    since = timezone.now() - timedelta(seconds=engine_setting("PAUTA_PREFLIGHT_REUSE_LINKS_SECONDS"))
    return (
        PreflightReport.objects.filter(
            post=post,
            content_hash=post.content_hash,
            created_at__gte=since,
            trigger__in=[Trigger.SCHEDULED, Trigger.ON_DEMAND],
        )
        .order_by("-created_at", "-id")
        .first()
    )


def preflight_evaluate(
    *, post: Post, trigger: str, channels: list[Channel] | None = None, publication: Publication | None = None
) -> tuple[PreflightReport, list[ChannelFlag]]:
    """Run the checks and store the report; raising flags and holding the post are the caller's choice."""
    report, flags = preflight_judge(post=post, trigger=trigger, channels=channels, publication=publication)
    report.save()
    return report, flags


def preflight_judge(
    *,
    post: Post,
    trigger: str,
    channels: list[Channel] | None = None,
    publication: Publication | None = None,
    approvals: list | None = None,
) -> tuple[PreflightReport, list[ChannelFlag]]:
    """The checks, with the report not yet stored: a burst judges its posts seconds ahead and stores the
    reports together with the claim (`bursts`), with the posts' current approvals read at once."""
    language = None if trigger == Trigger.ON_DEMAND else post.workspace.language
    with translation.override(language or translation.get_language()):
        return _judge(
            post=post, trigger=trigger, channels=channels, publication=publication, approvals=approvals
        )


def _judge(*, post, trigger, channels, publication, approvals) -> tuple[PreflightReport, list[ChannelFlag]]:
    channels = channels if channels is not None else list(post.channels.all())
    at_claim = trigger == Trigger.CLAIM
    expected_hash = publication.content_hash if publication is not None else None
    local = [
        paused_check(post=post),
        approval_check(post=post, expected_hash=expected_hash, approvals=approvals),
        style_check(post=post),
        media_check(post=post, channels=channels),
    ]
    remote = remote_checks(
        post=post,
        channels=channels,
        use_cache=trigger != Trigger.ON_DEMAND,
        reuse=(lambda: _recent_link_report(post)) if at_claim else None,
    )
    checks = [local[0], local[1], remote.identity_check, remote.links_check, local[2], local[3]]
    summary = _summary(checks)
    report = PreflightReport(
        post=post,
        publication=publication,
        trigger=trigger,
        content_hash=post.content_hash,
        ok=not any(check.failed for check in checks),
        summary=message_render(summary),
        summary_message=summary,
        checks=[check.as_data() for check in checks],
        links=remote.links,
        identity={"channels": remote.identities},
    )
    return report, remote.flags


def preflight_raise_flags(*, flags: list[ChannelFlag]) -> None:
    for flag in flags:
        channel_flag(channel=flag.channel, reason=flag.reason, kind=flag.kind)


def preflight_notify_failure(*, post: Post, report: PreflightReport) -> None:
    reviewers = workspace_members_with_role(workspace=post.workspace, role=Role.REVIEWER)
    notification_send(
        users=[post.author, *reviewers],
        workspace=post.workspace,
        post=post,
        kind=Notification.Kind.PREFLIGHT_FAILED,
        message=message(
            gettext_noop("“%(post)s” will not be published: %(reason)s"),
            post=post.display_title,
            reason=report.summary_message or report.summary,
        ),
    )


def preflight_scheduled(*, post_id: int, content_hash: str) -> PreflightReport | None:
    """The run ahead of time. A failure holds every scheduled publication of the post and fails the post, so
    the author hears about it minutes before, not after the time has passed."""
    post = Post.objects.select_related("workspace", "author").filter(pk=post_id).first()
    if post is None or post.status != PostStatus.APPROVED or post.content_hash != content_hash:
        return None
    report, flags = preflight_evaluate(post=post, trigger=Trigger.SCHEDULED)
    preflight_raise_flags(flags=flags)
    if not report.ok:
        preflight_hold(post_id=post.pk, report=report)
    return report


@transaction.atomic
def preflight_hold(*, post_id: int, report: PreflightReport) -> bool:
    """Hold the post if it is still the approved content the report judged; False when it moved on."""
    post = Post.objects.select_for_update(of=("self",)).select_related("workspace", "author").get(pk=post_id)
    if post.status != PostStatus.APPROVED or post.content_hash != report.content_hash:
        return False
    Publication.objects.filter(post=post, status=Publication.Status.SCHEDULED).update(
        status=Publication.Status.HELD,
        failure_reason=report.summary[:2000],
        failure_message=report.summary_message,
    )
    post_system_transition(
        post=post,
        action="mark_failed",
        reason=report.summary[:500],
        reason_message=report.summary_message,
        preflight_report=report,
    )
    preflight_notify_failure(post=post, report=report)
    return True


def preflight_on_demand(*, post: Post, user) -> PreflightReport:
    """Anyone who may edit posts can ask "would this go out?"; the answer holds nothing, but a brand
    mismatch is still raised with the admins, since it is wrong whatever the post."""
    role_require(user=user, workspace=post.workspace, role=Role.AUTHOR)
    report, flags = preflight_evaluate(post=post, trigger=Trigger.ON_DEMAND)
    preflight_raise_flags(flags=flags)
    return report


def deferred_checks(report: PreflightReport) -> list[str]:
    return [check["name"] for check in report.checks if check["verdict"] == DEFERRED]
