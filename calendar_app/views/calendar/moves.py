"""Moving a post in time: by dragging it on the calendar (JSON for the script) or with the small form the
post page includes for keyboard users. Both read a local wall time in a named zone and leave the rules
(who may move an approved post, no moving into the past) to `post_reschedule`."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from calendar_app.errors import InvalidInputError, PautaError
from calendar_app.models import Post, Role, UserPreference
from calendar_app.services.permissions import role_has
from calendar_app.services.preferences import display_timezone
from calendar_app.services.timezones import local_to_utc
from calendar_app.services.workflow import current_approvals, post_reschedule
from calendar_app.views.helpers import refuse_with_message, workspace_view

DEFAULT_TIME = time(10, 0)


def safe_back(request, candidate: str, fallback: str) -> str:
    """Where to return after a form: the page the form came from, if it is on this site."""
    ok = url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return candidate if candidate and ok else fallback


def _post_in_workspace(request, pk: int) -> Post:
    post = Post.objects.filter(workspace=request.workspace, pk=pk).first()
    if post is None:
        raise Http404(_("Not found."))
    post.workspace = request.workspace
    return post


def _zone(request, requested: str) -> str:
    """The zone the page was drawn in (sent back by the page), else the viewer's current display zone."""
    if requested:
        try:
            ZoneInfo(requested)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise InvalidInputError(_("Unknown time zone: %(zone)s") % {"zone": requested}) from exc
        return requested
    preference = UserPreference.objects.filter(user=request.user).first()
    return display_timezone(workspace=request.workspace, preference=preference)[0]


def _parse_date(value: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except (AttributeError, ValueError) as exc:
        raise InvalidInputError(_("Give the day as YYYY-MM-DD."), details={"field": "date"}) from exc


def _parse_time(value: str) -> time:
    try:
        return time.fromisoformat(value.strip()).replace(second=0, microsecond=0)
    except (AttributeError, ValueError) as exc:
        raise InvalidInputError(_("Give the time as HH:MM."), details={"field": "time"}) from exc


def _target(post: Post, *, day: str, at: str, tz_name: str) -> datetime:
    """Without a time (a drop on a month day) the post keeps its local time of day."""
    if at:
        local_time = _parse_time(at)
    elif post.scheduled_at is not None:
        local_time = post.scheduled_at.astimezone(ZoneInfo(tz_name)).time().replace(second=0, microsecond=0)
    else:
        local_time = DEFAULT_TIME
    naive = datetime.combine(_parse_date(day), local_time)
    return local_to_utc(naive=naive, tz_name=tz_name)


def _withdraws_approvals(post: Post, user) -> bool:
    """Whether `post_reschedule` would withdraw approvals for this user's move. The service decides; the
    calendar only asks first, because a drag is too casual a gesture to un-approve a post silently."""
    return (
        not role_has(user=user, workspace=post.workspace, role=Role.REVIEWER)
        and current_approvals(post).exists()
    )


def _moved_message(post: Post, status_before: str, local: datetime, tz_name: str) -> str:
    message = _("“%(post)s” now goes out on %(when)s (%(zone)s).") % {
        "post": post.display_title,
        "when": local.strftime("%Y-%m-%d %H:%M"),
        "zone": tz_name,
    }
    if post.status != status_before and post.status_reason:
        message = f"{message} {post.status_reason}"
    return message


def _confirmation_required(post: Post) -> JsonResponse:
    names = {"post": post.display_title}
    question = _(
        "“%(post)s” is approved. If you move it, its approval is withdrawn and it goes back to review. "
        "Move it anyway?"
    )
    refused = _(
        "Not moved: “%(post)s” keeps its approval and its time. A reviewer or an admin can move it "
        "without withdrawing the approval."
    )
    return JsonResponse(
        {
            "error": "confirmation_required",
            "message": question % names,
            "details": {"confirm": True, "refused": refused % names},
        },
        status=409,
    )


@require_POST
@workspace_view
def post_move(request, pk: int):
    """Answers `{"ok": true, ...}` with the new position, or `{"error", "message", "details"}` with a 4xx
    status so the calendar script can snap the card back and say why. A move that would withdraw approvals
    answers 409 `confirmation_required` until it is sent again with `confirm=1`."""
    post = _post_in_workspace(request, pk)
    status_before = post.status
    try:
        tz_name = _zone(request, request.POST.get("tz", ""))
        day, at = request.POST.get("date", ""), request.POST.get("time", "")
        scheduled_at = _target(post, day=day, at=at, tz_name=tz_name)
        if request.POST.get("confirm") != "1" and _withdraws_approvals(post, request.user):
            return _confirmation_required(post)
        post = post_reschedule(post=post, user=request.user, scheduled_at=scheduled_at)
    except PautaError as exc:
        return JsonResponse(
            {"error": exc.code, "message": exc.message, "details": exc.details}, status=exc.http_status
        )
    local = post.scheduled_at.astimezone(ZoneInfo(tz_name))
    return JsonResponse(
        {
            "ok": True,
            "id": post.pk,
            "scheduled_at": post.scheduled_at.isoformat(),
            "local_date": local.date().isoformat(),
            "local_time": local.strftime("%H:%M"),
            "status": post.status,
            "status_label": post.get_status_display(),
            "message": _moved_message(post, status_before, local, tz_name),
        }
    )


@require_POST
@workspace_view
def post_reschedule_submit(request, pk: int):
    """The keyboard path: a plain form (`calendar_app/partials/reschedule_form.html`) posting `at` as
    YYYY-MM-DDTHH:MM and the zone it is written in; answers with a message and a redirect."""
    post = _post_in_workspace(request, pk)
    status_before = post.status
    detail = reverse("calendar_app:post-detail", kwargs={"slug": request.workspace.slug, "pk": post.pk})
    back = safe_back(request, request.POST.get("next", ""), detail)
    at = request.POST.get("at", "").strip()
    day, _sep, clock = at.partition("T")
    try:
        if not clock:
            raise InvalidInputError(_("Give a complete date and time."), details={"field": "at"})
        tz_name = _zone(request, request.POST.get("tz", ""))
        post = post_reschedule(
            post=post, user=request.user, scheduled_at=_target(post, day=day, at=clock, tz_name=tz_name)
        )
    except PautaError as exc:
        return refuse_with_message(request, exc, back)
    local = post.scheduled_at.astimezone(ZoneInfo(tz_name))
    messages.success(request, _moved_message(post, status_before, local, tz_name))
    return redirect(back)
