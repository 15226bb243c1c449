"""Reads for the scheduler pages and API, scoped to workspaces the user belongs to."""

from django.db.models import Prefetch, QuerySet

from calendar_app.errors import NotFoundError
from calendar_app.inputs import MAX_ID
from calendar_app.models import Post, Workspace
from calendar_app.selectors.posts import post_get_for_user
from calendar_app.services.permissions import membership_get
from scheduler.models import Channel, PreflightReport, Publication, PublishAttempt


def channel_list(*, workspace: Workspace) -> QuerySet[Channel]:
    return (
        Channel.objects.filter(workspace=workspace)
        .select_related("brand_confirmed_by")
        .order_by("network", "display_name")
    )


def publications_for_post(*, post: Post) -> QuerySet[Publication]:
    attempts = PublishAttempt.objects.order_by("started_at", "id")
    return (
        Publication.objects.filter(post=post)
        .select_related("channel")
        .prefetch_related(Prefetch("attempts", queryset=attempts))
        .order_by("-id")
    )


def preflight_reports_for_post(*, post: Post, limit: int = 20) -> list[PreflightReport]:
    return list(post.preflight_reports.order_by("-created_at", "-id")[:limit])


def preflight_report_get_for_user(*, user, report_id, workspace: Workspace | None = None) -> PreflightReport:
    try:
        report_id = int(report_id)
    except (TypeError, ValueError) as exc:
        raise NotFoundError() from exc
    if not 0 < report_id <= MAX_ID:
        raise NotFoundError()
    report = (
        PreflightReport.objects.select_related("post__workspace", "publication__channel")
        .filter(pk=report_id)
        .first()
    )
    if report is None or (workspace is not None and report.post.workspace_id != workspace.pk):
        raise NotFoundError()
    membership_get(user=user, workspace=report.post.workspace)
    return report


def post_for_user(*, user, post_id, workspace: Workspace | None = None) -> Post:
    return post_get_for_user(user=user, post_id=post_id, workspace=workspace)
