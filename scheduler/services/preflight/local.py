"""Checks answered from the database alone: pause, approval, style guide."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from calendar_app.models import Post, PostStatus
from calendar_app.services.content import post_content_hash
from calendar_app.services.messages import message
from calendar_app.services.style import post_lint
from calendar_app.services.workflow import current_approvals
from scheduler.services.preflight.verdicts import CheckResult, verdict_from

PUBLISHABLE = {PostStatus.APPROVED, PostStatus.PUBLISHING, PostStatus.UNCONFIRMED}


def paused_check(*, post: Post) -> CheckResult:
    workspace = post.workspace
    if not workspace.paused:
        return verdict_from("paused", [], message(gettext_noop("Publishing is not paused.")))
    reason = workspace.paused_reason or _("no reason given")
    return verdict_from(
        "paused",
        [
            message(
                gettext_noop("Publishing is paused in %(workspace)s: %(reason)s."),
                workspace=workspace.name,
                reason=reason,
            )
        ],
        "",
    )


def approval_check(
    *, post: Post, expected_hash: str | None = None, approvals: list | None = None
) -> CheckResult:
    """The content is what was approved (hash recomputed now, not trusted from the row) and the approvals
    come from people who are still reviewers of the workspace (`current_approvals` counts only those; a burst
    passes them in, read for all its posts at once)."""
    problems: list[str] = []
    if post.status not in PUBLISHABLE:
        problems.append(
            message(
                gettext_noop("The post is “%(status)s”, not approved."),
                status=str(PostStatus(post.status).label),
            )
        )
    actual_hash = post_content_hash(post)
    if actual_hash != post.content_hash or (expected_hash and expected_hash != actual_hash):
        problems.append(message(gettext_noop("The content changed after it was approved.")))
    workspace = post.workspace
    approvals = current_approvals(post) if approvals is None else approvals
    valid = [approval for approval in approvals if approval.reviewer_id != post.author_id]
    if len(valid) < workspace.approvals_required:
        problems.append(
            message(
                gettext_noop("It needs %(required)d approval(s) from current reviewers; it has %(count)d."),
                required=workspace.approvals_required,
                count=len(valid),
            )
        )
    names = ", ".join(str(approval.reviewer) for approval in valid)
    return verdict_from("approval", problems, message(gettext_noop("Approved by %(names)s."), names=names))


def style_check(*, post: Post) -> CheckResult:
    errors = [finding for finding in post_lint(post=post) if finding["level"] == "error"]
    texts = dict.fromkeys(finding["message"] for finding in errors)
    problems = [message(gettext_noop("Style guide: %(message)s"), message=text) for text in texts]
    return verdict_from("style", problems, message(gettext_noop("No style-guide errors.")))
