"""Choosing whether the calendar shows the workspace's time zone or the viewer's own."""

import zoneinfo
from functools import lru_cache
from urllib.parse import urlencode

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from calendar_app.errors import PautaError
from calendar_app.services.preferences import display_timezone, preference_get, preference_set_timezone
from calendar_app.views.calendar.moves import safe_back
from calendar_app.views.helpers import workspace_view


@lru_cache(maxsize=1)
def timezone_names() -> list[str]:
    return sorted(zoneinfo.available_timezones())


@workspace_view
def calendar_timezone(request):
    """GET shows the choice; POST saves it and returns to the calendar the user came from."""
    workspace = request.workspace
    calendar_url = reverse("calendar_app:calendar", kwargs={"slug": workspace.slug})
    back = safe_back(request, request.POST.get("next") or request.GET.get("next", ""), calendar_url)
    preference = preference_get(user=request.user)
    if request.method == "POST":
        use_own = request.POST.get("use_own_timezone") == "1"
        try:
            preference_set_timezone(
                user=request.user, timezone=request.POST.get("timezone", ""), use_own_timezone=use_own
            )
        except PautaError as exc:
            messages.error(request, exc.message)
            page = reverse("calendar_app:calendar-timezone", kwargs={"slug": workspace.slug})
            return redirect(f"{page}?{urlencode({'next': back})}")
        tz_name, _own = display_timezone(workspace=workspace, preference=preference_get(user=request.user))
        messages.success(request, _("The calendar now shows times in %(zone)s.") % {"zone": tz_name})
        return redirect(back)
    return render(
        request,
        "calendar_app/calendar_timezone.html",
        {
            "workspace": workspace,
            "preference": preference,
            "timezones": timezone_names(),
            "next": back,
        },
    )
