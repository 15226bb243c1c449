"""The bell: the user's notifications across their workspaces, and marking them read."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from calendar_app.services.notifications import (
    notification_get_for_user,
    notification_list_for_user,
    notification_mark_read,
)

PAGE_SIZE = 100


@login_required
def notification_list(request):
    notifications = notification_list_for_user(user=request.user)[:PAGE_SIZE]
    return render(request, "calendar_app/notifications.html", {"notifications": notifications})


@login_required
def notification_open(request, pk):
    """Following a notification marks it read and goes to its post (or the list when it has none)."""
    notification = notification_get_for_user(user=request.user, notification_id=pk)
    if notification is None:
        raise Http404()
    notification_mark_read(user=request.user, notification_ids=[notification.pk])
    if notification.post_id is not None:
        return redirect(
            reverse(
                "calendar_app:post-detail",
                kwargs={"slug": notification.workspace.slug, "pk": notification.post_id},
            )
        )
    return redirect("calendar_app:notifications")


@require_POST
@login_required
def notification_read_all(request):
    notification_mark_read(user=request.user)
    return redirect(
        request.POST.get("next") if _safe_next(request) else reverse("calendar_app:notifications")
    )


def _safe_next(request) -> bool:
    target = request.POST.get("next", "")
    return bool(target) and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
