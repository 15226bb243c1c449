"""Reads behind the calendar pages, the ICS feed and the calendar API."""

from calendar_app.selectors.calendar.entries import (
    CalendarEntry,
    CalendarFilters,
    calendar_entries,
    calendar_posts_queryset,
)
from calendar_app.selectors.calendar.options import CalendarOptions, calendar_options
from calendar_app.selectors.calendar.ranges import VIEWS, CalendarRange, calendar_range, local_midnight_utc
from calendar_app.selectors.calendar.upcoming import (
    UpcomingChannel,
    recently_missed,
    upcoming_publications,
    upcoming_unapproved,
)

__all__ = [
    "VIEWS",
    "CalendarEntry",
    "CalendarFilters",
    "CalendarOptions",
    "CalendarRange",
    "UpcomingChannel",
    "calendar_entries",
    "calendar_options",
    "calendar_posts_queryset",
    "calendar_range",
    "local_midnight_utc",
    "recently_missed",
    "upcoming_publications",
    "upcoming_unapproved",
]
