"""The review queue: what is waiting for the current reviewer, oldest submission first."""

from django.shortcuts import render
from django.utils import timezone

from calendar_app.models import Role
from calendar_app.selectors.posts import review_queue_for_user
from calendar_app.services.permissions import role_has
from calendar_app.views.helpers import workspace_view


@workspace_view
def review_queue(request):
    workspace = request.workspace
    context = {
        "workspace": workspace,
        "entries": review_queue_for_user(user=request.user, workspace=workspace),
        "is_reviewer": role_has(user=request.user, workspace=workspace, role=Role.REVIEWER),
    }
    with timezone.override(workspace.tzinfo):
        return render(request, "calendar_app/review_queue.html", context)
