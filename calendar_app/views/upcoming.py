""" "Next 24 hours": every publication due soon, per channel, with its pre-flight verdict."""

from zoneinfo import ZoneInfo

from django.shortcuts import render
from django.utils import timezone

from calendar_app.models import UserPreference
from calendar_app.selectors.calendar import (
    recently_missed,
    upcoming_publications,
    upcoming_unapproved,
)
from calendar_app.services.preferences import display_timezone
from calendar_app.views.helpers import workspace_view

HOURS = 24


@workspace_view
def upcoming_view(request):
    workspace = request.workspace
    preference = UserPreference.objects.filter(user=request.user).first()
    tz_name, own_timezone = display_timezone(workspace=workspace, preference=preference)
    now = timezone.now()
    groups = upcoming_publications(workspace=workspace, now=now, hours=HOURS)
    context = {
        "workspace": workspace,
        "groups": groups,
        "unapproved": upcoming_unapproved(workspace=workspace, now=now, hours=HOURS),
        "missed": recently_missed(workspace=workspace, now=now, hours=HOURS),
        "hours": HOURS,
        "now": now,
        "tz_name": tz_name,
        "own_timezone": own_timezone,
        "total": sum(len(group.items) for group in groups),
        "problems": sum(group.problems for group in groups),
    }
    with timezone.override(ZoneInfo(tz_name)):
        return render(request, "calendar_app/upcoming.html", context)
