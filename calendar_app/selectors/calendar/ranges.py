"""The stretch of local days a calendar view covers, and the UTC instants that bound it.

Days are counted in the display time zone, so a post at 00:30 in Madrid lands on the Madrid day for a Madrid
viewer and on the evening before for a New York viewer. Bounds are computed from local midnights, never by
adding 24-hour steps to a UTC instant, because a day with a DST change is 23 or 25 hours long.
"""

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

VIEWS = ("month", "week", "list")
LIST_DAYS = 31


@dataclass(frozen=True)
class CalendarRange:
    view: str
    anchor: date
    first_day: date
    last_day: date  # inclusive
    previous_anchor: date
    next_anchor: date
    tz_name: str

    @property
    def days(self) -> list[date]:
        return [self.first_day + timedelta(days=n) for n in range((self.last_day - self.first_day).days + 1)]

    @property
    def start_utc(self) -> datetime:
        return local_midnight_utc(day=self.first_day, tz_name=self.tz_name)

    @property
    def end_utc(self) -> datetime:
        return local_midnight_utc(day=self.last_day + timedelta(days=1), tz_name=self.tz_name)


def local_midnight_utc(*, day: date, tz_name: str) -> datetime:
    """The first instant of a local day. Where midnight itself is skipped by DST, fold=0 gives the instant
    just after the gap, which is still the day's first instant."""
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(tz_name)).astimezone(UTC)


def _add_months(day: date, months: int) -> date:
    month_index = day.year * 12 + day.month - 1 + months
    year, month = divmod(month_index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def _week_start(day: date, first_weekday: int) -> date:
    """`first_weekday` as Python counts it: 0 is Monday, 6 is Sunday."""
    return day - timedelta(days=(day.weekday() - first_weekday) % 7)


def calendar_range(*, view: str, anchor: date, tz_name: str, first_weekday: int = 0) -> CalendarRange:
    """Month: the whole weeks that contain the month. Week: seven days from the locale's first weekday.
    List: an agenda of the 31 days from the anchor on."""
    if view not in VIEWS:
        raise ValueError(view)
    if view == "week":
        first = _week_start(anchor, first_weekday)
        step = timedelta(days=7)
        return CalendarRange(
            view, anchor, first, first + timedelta(days=6), anchor - step, anchor + step, tz_name
        )
    if view == "list":
        step = timedelta(days=LIST_DAYS)
        return CalendarRange(
            view, anchor, anchor, anchor + step - timedelta(days=1), anchor - step, anchor + step, tz_name
        )
    month_first = anchor.replace(day=1)
    month_last = _add_months(month_first, 1) - timedelta(days=1)
    first = _week_start(month_first, first_weekday)
    last = _week_start(month_last, first_weekday) + timedelta(days=6)
    return CalendarRange(
        view, anchor, first, last, _add_months(month_first, -1), _add_months(month_first, 1), tz_name
    )
