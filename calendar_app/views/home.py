from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from calendar_app.errors import NotFoundError
from calendar_app.selectors.workspaces import workspace_current_for_user, workspace_get_for_user
from calendar_app.services.preferences import preference_set_workspace


@login_required
def home(request):
    """The calendar of the current workspace is the home page; with no workspace, explain what to do."""
    workspace = workspace_current_for_user(user=request.user)
    if workspace is None:
        return render(request, "calendar_app/no_workspace.html")
    return redirect("calendar_app:calendar", slug=workspace.slug)


@login_required
def workspace_switch(request):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        workspace = workspace_get_for_user(user=request.user, slug=request.POST.get("slug", ""))
    except NotFoundError as exc:
        raise Http404(exc.message) from exc
    preference_set_workspace(user=request.user, workspace=workspace)
    messages.info(request, _("You are now in %(workspace)s.") % {"workspace": workspace.name})
    return redirect("calendar_app:calendar", slug=workspace.slug)
