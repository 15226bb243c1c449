from django.shortcuts import render

from calendar_app.views.helpers import workspace_view


@workspace_view
def calendar_view(request):
    posts = request.workspace.posts.order_by("scheduled_at")[:200]
    return render(request, "calendar_app/calendar.html", {"posts": posts})
