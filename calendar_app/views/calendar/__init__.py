"""The calendar: its pages, moving posts on it, and the viewer's time-zone choice."""

from calendar_app.views.calendar.moves import post_move, post_reschedule_submit
from calendar_app.views.calendar.pages import calendar_view
from calendar_app.views.calendar.timezone import calendar_timezone

__all__ = ["calendar_timezone", "calendar_view", "post_move", "post_reschedule_submit"]
