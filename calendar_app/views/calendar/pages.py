"""The calendar page: month, week and list views of a workspace's posts in the display time zone."""

from zoneinfo import ZoneInfo

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import get_format
from django.utils.translation import gettext as _

from calendar_app.models import Post, Role
from calendar_app.selectors.calendar import calendar_entries, calendar_options, calendar_range
from calendar_app.services.preferences import display_timezone
from calendar_app.views.calendar.filters import VIEW_LABELS, CalendarQuery
from calendar_app.views.calendar.layout import Cell, list_days, month_weeks, post_url_maker, week_rows
from calendar_app.views.helpers import workspace_view


def first_weekday() -> int:
    """The active locale's first day of the week, counted as Python does (Monday is 0)."""
    return (int(get_format("FIRST_DAY_OF_WEEK")) - 1) % 7


def _link_hidden(query: CalendarQuery, cells: list[Cell]) -> None:
    """ "+N more" opens the list view at that day, where every post of the day is shown."""
    for cell in cells:
        if cell.hidden:
            cell.more_url = f"{query.url(view='list', anchor=cell.day)}#day-{cell.day.isoformat()}"


@workspace_view
def calendar_view(request):
    workspace = request.workspace
    options = calendar_options(workspace=workspace, user=request.user)
    tz_name, own_timezone = display_timezone(workspace=workspace, preference=options.preference)
    now_local = timezone.now().astimezone(ZoneInfo(tz_name))
    query = CalendarQuery(request.GET, options=options, today=now_local.date())
    period = calendar_range(
        view=query.view, anchor=query.anchor, tz_name=tz_name, first_weekday=first_weekday()
    )
    entries = calendar_entries(
        workspace=workspace,
        user=request.user,
        start=period.start_utc,
        end=period.end_utc,
        tz_name=tz_name,
        filters=query.filters,
        role=options.role,
        channels=options.channels,
        tags=options.tags if query.view == "list" else None,
    )
    can_write = options.role is not None and Role.rank(options.role) >= Role.rank(Role.AUTHOR)
    detail_url = post_url_maker("calendar_app:post-detail", slug=workspace.slug)
    move_url = post_url_maker("calendar_app:post-move", slug=workspace.slug)
    for entry in entries:
        entry.url = detail_url(entry.id)
        entry.move_url = move_url(entry.id) if entry.movable else ""
    layout_args = {
        "period": period,
        "entries": entries,
        "now_local": now_local,
        "workspace_tz": workspace.timezone,
    }
    context = {
        "workspace": workspace,
        "query": query,
        "form": query.form,
        "period": period,
        "view": query.view,
        "entries_count": len(entries),
        "now_local": now_local,
        "tz_name": tz_name,
        "own_timezone": own_timezone,
        "preference": options.preference,
        "role": options.role,
        "can_write": can_write,
        "is_admin": options.role == Role.ADMIN,
        "channels": options.channels,
        "members": {u.pk: u for u in options.members},
        "view_links": [(v, label, query.url(view=v)) for v, label in VIEW_LABELS.items()],
        "previous_url": query.url(anchor=period.previous_anchor),
        "next_url": query.url(anchor=period.next_anchor),
        "today_url": query.url(anchor=now_local.date()),
        "clear_url": query.url(keep_filters=False),
        "filter_count": len(query.filter_params()),
        "week_days": period.days[:7],
        "untitled": _("(no text yet)"),
        "view_live": _("View live post"),
        "new_post_url": reverse("calendar_app:post-new", kwargs={"slug": workspace.slug})
        if can_write
        else "",
        "channel_connect_url": reverse("scheduler:channel-connect", kwargs={"slug": workspace.slug}),
        "feed_url": reverse("calendar_app:calendar-feed", kwargs={"slug": workspace.slug}),
        "workspace_is_new": not options.channels
        or (not entries and not Post.objects.filter(workspace=workspace).exists()),
    }
    if query.view == "month":
        context["weeks"] = month_weeks(**layout_args)
        _link_hidden(query, [cell for week in context["weeks"] for cell in week])
    elif query.view == "week":
        context["hour_rows"] = week_rows(**layout_args)
        context["now_offset"] = round(now_local.minute / 60 * 100)
        _link_hidden(query, [cell for _hour, row in context["hour_rows"] for cell in row])
    else:
        members = context["members"]
        for entry in entries:
            author = members.get(entry.author_id)
            entry.author_name = (author.get_full_name() or author.get_username()) if author else ""
            entry.campaign = options.campaigns.get(entry.campaign_id)
        context["list_days"], later = list_days(entries=entries, now_local=now_local)
        context["later_url"] = query.url(anchor=later) if later else ""
    with timezone.override(ZoneInfo(tz_name)):
        return render(request, "calendar_app/calendar.html", context)
