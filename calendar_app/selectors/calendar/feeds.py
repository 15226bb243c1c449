"""The private ICS feed: which token opens which calendar, and the calendar itself (RFC 5545 via `icalendar`).

The feed is read by calendar programs without a session, so the token is the only credential: it must be
live, and its user must still belong to the workspace, or the feed answers as if it never existed."""

from collections.abc import Callable
from datetime import datetime, timedelta

from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from calendar_app.errors import NotFoundError
from calendar_app.models import CalendarFeedToken, Membership, Post, PostStatus

FEED_PAST = timedelta(days=60)
FEED_FUTURE = timedelta(days=366)
EVENT_LENGTH = timedelta(minutes=15)
TENTATIVE = {PostStatus.DRAFT, PostStatus.IN_REVIEW, PostStatus.CHANGES_REQUESTED, PostStatus.FAILED}


def feed_token_active(*, user, workspace) -> CalendarFeedToken | None:
    return CalendarFeedToken.objects.filter(user=user, workspace=workspace, revoked_at__isnull=True).first()


def feed_token_resolve(*, token: str) -> CalendarFeedToken:
    feed = (
        CalendarFeedToken.objects.filter(token=token, revoked_at__isnull=True, user__is_active=True)
        .select_related("workspace", "user")
        .first()
    )
    if feed is None or not Membership.objects.filter(user=feed.user, workspace=feed.workspace).exists():
        raise NotFoundError()
    return feed


def feed_calendar(*, feed: CalendarFeedToken, now: datetime, post_url: Callable[[Post], str]) -> bytes:
    """Every post not cancelled from two months back to a year ahead, as 15-minute events in UTC;
    the summary carries the status in words so a draft never looks like a confirmed publication."""
    workspace = feed.workspace
    calendar = Calendar()
    calendar.add("prodid", "-//Pauta//Editorial calendar//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"Pauta · {workspace.name}")
    calendar.add("x-wr-timezone", workspace.timezone)
    calendar.add("refresh-interval", timedelta(minutes=15), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT15M")
    posts = (
        Post.objects.filter(
            workspace=workspace, scheduled_at__gte=now - FEED_PAST, scheduled_at__lt=now + FEED_FUTURE
        )
        .exclude(status=PostStatus.CANCELLED)
        .prefetch_related("channels")
        .order_by("scheduled_at", "id")
    )
    for post in posts:
        calendar.add_component(_event(post, now=now, url=post_url(post), workspace_slug=workspace.slug))
    return calendar.to_ical()


def _event(post: Post, *, now: datetime, url: str, workspace_slug: str) -> Event:
    status_label = post.get_status_display()
    channels = [str(channel) for channel in post.channels.all()]
    event = Event()
    event.add("uid", f"post-{post.pk}.{workspace_slug}@pauta")
    event.add("dtstamp", now)
    event.add("dtstart", post.scheduled_at)
    event.add("dtend", post.scheduled_at + EVENT_LENGTH)
    event.add("last-modified", post.updated_at)
    event.add("summary", f"[{status_label}] {post.display_title}")
    lines = [_("Status: %(status)s") % {"status": status_label}]
    if channels:
        lines.append(_("Channels: %(channels)s") % {"channels": ", ".join(channels)})
    lines += ["", post.body, "", url]
    event.add("description", "\n".join(lines))
    event.add("url", url)
    event.add("status", "TENTATIVE" if post.status in TENTATIVE else "CONFIRMED")
    if channels:
        event.add("categories", channels)
    return event
