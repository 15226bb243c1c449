"""Scheduler pages: channels (admins), pause/resume, a post's publications and attempts, pre-flight reports.
Each view parses input, calls one service or selector and renders; refusals become messages."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from calendar_app.errors import InvalidInputError, NotFoundError, PautaError
from calendar_app.models import Role
from calendar_app.services.permissions import role_has
from calendar_app.services.workflow import post_publish_now
from calendar_app.views.helpers import refuse_with_message, role_refusal, workspace_view
from scheduler import selectors
from scheduler.forms import ChannelConnectForm, ChannelReconnectForm, PauseForm
from scheduler.services.channels import (
    channel_confirm_brand,
    channel_connect,
    channel_get_for_admin,
    channel_reconnect,
)
from scheduler.services.pause import workspace_pause, workspace_resume
from scheduler.services.preflight import preflight_on_demand


def _url(name: str, request, **kwargs) -> str:
    return reverse(f"scheduler:{name}", kwargs={"slug": request.workspace.slug, **kwargs})


def _calendar(request) -> str:
    return reverse("calendar_app:calendar", kwargs={"slug": request.workspace.slug})


def _render(request, template: str, context: dict, status: int = 200):
    with timezone.override(request.workspace.tzinfo):
        return render(request, template, {"workspace": request.workspace, **context}, status=status)


def _form_refusal(form) -> InvalidInputError:
    field, errors = next(iter(form.errors.items()))
    return InvalidInputError(str(errors[0]), details={"field": field})


@workspace_view
def channel_list(request):
    if refusal := role_refusal(request, Role.ADMIN, _calendar(request)):
        return refusal
    form = ChannelConnectForm()
    return _render(
        request,
        "scheduler/channels.html",
        {
            "channels": selectors.channel_list(workspace=request.workspace),
            "form": form,
        },
    )


@require_POST
@workspace_view
def channel_connect_view(request):
    form = ChannelConnectForm(request.POST)
    try:
        if not form.is_valid():
            raise _form_refusal(form)
        channel = channel_connect(
            workspace=request.workspace,
            user=request.user,
            network=form.cleaned_data["network"],
            display_name=form.cleaned_data["display_name"],
            values=form.network_values(),
            confirm_brand=form.cleaned_data["confirm_brand"],
        )
    except PautaError as error:
        if not role_has(user=request.user, workspace=request.workspace, role=Role.ADMIN):
            return refuse_with_message(request, error, _calendar(request))
        if isinstance(error, NotFoundError):
            raise Http404(error.message) from error
        messages.error(request, error.message)
        return _render(
            request,
            "scheduler/channels.html",
            {"channels": selectors.channel_list(workspace=request.workspace), "form": form},
            status=400,
        )
    messages.success(
        request,
        _("Connected %(channel)s as %(handle)s.")
        % {
            "channel": channel.display_name,
            "handle": channel.brand_handle,
        },
    )
    return redirect(_url("channels", request))


@require_POST
@workspace_view
def channel_confirm(request, pk):
    try:
        channel = channel_get_for_admin(user=request.user, workspace=request.workspace, channel_id=pk)
        channel_confirm_brand(channel=channel, user=request.user)
    except PautaError as error:
        return refuse_with_message(request, error, _url("channels", request))
    messages.success(
        request,
        _("%(channel)s is now one of the brand's official accounts.")
        % {
            "channel": channel.display_name,
        },
    )
    return redirect(_url("channels", request))


@workspace_view
def channel_reconnect_view(request, pk):
    try:
        channel = channel_get_for_admin(user=request.user, workspace=request.workspace, channel_id=pk)
    except PautaError as error:
        return refuse_with_message(request, error, _calendar(request))
    form = ChannelReconnectForm(request.POST or None)
    if request.method == "POST":
        try:
            if not form.is_valid():
                raise _form_refusal(form)
            channel_reconnect(channel=channel, user=request.user, values=form.network_values())
        except PautaError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, _("New credentials saved for %(channel)s.") % {"channel": channel.display_name}
            )
            return redirect(_url("channels", request))
    return _render(request, "scheduler/channel_reconnect.html", {"channel": channel, "form": form})


@workspace_view
def publishing_pause(request):
    workspace = request.workspace
    if refusal := role_refusal(request, Role.ADMIN, _calendar(request)):
        return refusal
    form = PauseForm(request.POST or None, workspace=workspace)
    if request.method == "POST":
        try:
            if not form.is_valid():
                raise _form_refusal(form)
            workspace_pause(
                workspace=workspace,
                user=request.user,
                reason=form.cleaned_data["reason"],
                resume_at=form.cleaned_data.get("resume_at"),
            )
        except PautaError as error:
            messages.error(request, error.message)
        else:
            messages.warning(request, _("Publishing is paused. Nothing will go out until it is resumed."))
            return redirect(_url("pause", request))
    return _render(request, "scheduler/pause.html", {"form": form})


@require_POST
@workspace_view
def publishing_resume(request):
    try:
        result = workspace_resume(workspace=request.workspace, user=request.user)
    except PautaError as error:
        return refuse_with_message(request, error, _url("pause", request))
    messages.success(
        request,
        _("Publishing resumed. %(count)d post(s) whose time passed went back to review.")
        % {
            "count": len(result.returned_to_review),
        },
    )
    return redirect(_url("pause", request))


def _post_or_404(request, pk):
    try:
        return selectors.post_for_user(user=request.user, post_id=pk, workspace=request.workspace)
    except NotFoundError as error:
        raise Http404(error.message) from error


@workspace_view
def post_publishing(request, pk):
    post = _post_or_404(request, pk)
    return _render(
        request,
        "scheduler/post_publishing.html",
        {
            "post": post,
            "publications": selectors.publications_for_post(post=post),
            "reports": selectors.preflight_reports_for_post(post=post),
            "can_run": role_has(user=request.user, workspace=request.workspace, role=Role.AUTHOR),
            "can_publish_now": post.status == "in_review"
            and role_has(user=request.user, workspace=request.workspace, role=Role.REVIEWER),
        },
    )


@require_POST
@workspace_view
def post_preflight_run(request, pk):
    post = _post_or_404(request, pk)
    try:
        report = preflight_on_demand(post=post, user=request.user)
    except PautaError as error:
        return refuse_with_message(request, error, _url("post-publishing", request, pk=post.pk))
    level = messages.SUCCESS if report.ok else messages.ERROR
    messages.add_message(request, level, report.summary)
    return redirect(_url("preflight-report", request, report_id=report.pk))


@require_POST
@workspace_view
def post_publish_now_view(request, pk):
    post = _post_or_404(request, pk)
    try:
        post_publish_now(post=post, user=request.user)
    except PautaError as error:
        return refuse_with_message(request, error, _url("post-publishing", request, pk=post.pk))
    messages.success(request, _("It goes out now, after the usual pre-flight checks."))
    return redirect(_url("post-publishing", request, pk=post.pk))


@workspace_view
def preflight_report(request, report_id):
    try:
        report = selectors.preflight_report_get_for_user(
            user=request.user, report_id=report_id, workspace=request.workspace
        )
    except NotFoundError as error:
        raise Http404(error.message) from error
    return _render(request, "scheduler/preflight_report.html", {"report": report, "post": report.post})
