"""The private ICS feed: a settings page to make or revoke the link, and the feed calendar programs read."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from calendar_app.errors import NotFoundError
from calendar_app.selectors.calendar.feeds import feed_calendar, feed_token_active, feed_token_resolve
from calendar_app.services.feeds import feed_token_create, feed_token_revoke
from calendar_app.views.helpers import workspace_view


@workspace_view
def calendar_feed_settings(request):
    workspace = request.workspace
    page = reverse("calendar_app:calendar-feed", kwargs={"slug": workspace.slug})
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            feed_token_revoke(user=request.user, workspace=workspace)
            messages.success(request, _("The feed link is turned off; calendars using it stop updating."))
        else:
            feed_token_create(user=request.user, workspace=workspace)
            messages.success(request, _("A new feed link is ready. Any earlier link no longer works."))
        return redirect(page)
    token = feed_token_active(user=request.user, workspace=workspace)
    feed_url = ""
    if token is not None:
        feed_url = request.build_absolute_uri(
            reverse("calendar_app:calendar-feed-ics", kwargs={"token": token.token})
        )
    return render(
        request,
        "calendar_app/feed_settings.html",
        {"workspace": workspace, "token": token, "feed_url": feed_url},
    )


@require_GET
def calendar_feed_ics(request, token: str):
    """No login: the unguessable token is the credential. Unknown, revoked or orphaned tokens are a 404."""
    try:
        feed = feed_token_resolve(token=token)
    except NotFoundError as exc:
        raise Http404(exc.message) from exc

    def post_url(post) -> str:
        return request.build_absolute_uri(
            reverse("calendar_app:post-detail", kwargs={"slug": feed.workspace.slug, "pk": post.pk})
        )

    body = feed_calendar(feed=feed, now=timezone.now(), post_url=post_url)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="pauta-{feed.workspace.slug}.ics"'
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    return response
