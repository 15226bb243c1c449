"""Arranging calendar entries into what the templates draw: month weeks of day cells, week hour slots and
list days. Cells show a few cards and a "+N more" link, so a busy month stays readable and fast to render."""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.urls import reverse

from calendar_app.selectors.calendar import CalendarEntry, CalendarRange

MONTH_CELL_LIMIT = 4
WEEK_SLOT_LIMIT = 3
LIST_LIMIT = 150
NEW_POST_HOUR = 10


@dataclass
class Cell:
    day: date
    hour: int | None
    entries: list[CalendarEntry] = field(default_factory=list)
    hidden: int = 0
    new_at: str = ""
    is_today: bool = False
    in_month: bool = True
    is_now: bool = False
    more_url: str = ""


def workspace_local_at(*, day: date, hour: int, display_tz: str, workspace_tz: str) -> str:
    """The `?at=` value for "new post here": the editor reads it in the workspace's zone, while the viewer
    clicked a slot of their own display zone."""
    moment = datetime.combine(day, time(hour), tzinfo=ZoneInfo(display_tz)).astimezone(ZoneInfo(workspace_tz))
    return moment.strftime("%Y-%m-%dT%H:%M")


def _by_day(entries: list[CalendarEntry]) -> dict[date, list[CalendarEntry]]:
    grouped: dict[date, list[CalendarEntry]] = defaultdict(list)
    for entry in entries:
        grouped[entry.local_at.date()].append(entry)
    return grouped


def _fill(cell: Cell, entries: list[CalendarEntry], limit: int) -> Cell:
    cell.entries = entries[:limit]
    cell.hidden = max(0, len(entries) - limit)
    return cell


def month_weeks(
    *, period: CalendarRange, entries: list[CalendarEntry], now_local: datetime, workspace_tz: str
) -> list[list[Cell]]:
    grouped = _by_day(entries)
    days = period.days
    cells = [
        _fill(
            Cell(
                day=day,
                hour=None,
                new_at=workspace_local_at(
                    day=day, hour=NEW_POST_HOUR, display_tz=period.tz_name, workspace_tz=workspace_tz
                ),
                is_today=day == now_local.date(),
                in_month=day.month == period.anchor.month,
            ),
            grouped.get(day, []),
            MONTH_CELL_LIMIT,
        )
        for day in days
    ]
    return [cells[index : index + 7] for index in range(0, len(cells), 7)]


def week_rows(
    *, period: CalendarRange, entries: list[CalendarEntry], now_local: datetime, workspace_tz: str
) -> list[tuple[int, list[Cell]]]:
    """One row per hour, one cell per day; the cell of the current hour knows it, to draw the now line."""
    grouped: dict[tuple[date, int], list[CalendarEntry]] = defaultdict(list)
    for entry in entries:
        grouped[(entry.local_at.date(), entry.local_at.hour)].append(entry)
    rows = []
    for hour in range(24):
        row = [
            _fill(
                Cell(
                    day=day,
                    hour=hour,
                    new_at=workspace_local_at(
                        day=day, hour=hour, display_tz=period.tz_name, workspace_tz=workspace_tz
                    ),
                    is_today=day == now_local.date(),
                    is_now=day == now_local.date() and hour == now_local.hour,
                ),
                grouped.get((day, hour), []),
                WEEK_SLOT_LIMIT,
            )
            for day in period.days
        ]
        rows.append((hour, row))
    return rows


def list_days(
    *, entries: list[CalendarEntry], now_local: datetime, limit: int = LIST_LIMIT
) -> tuple[list[Cell], date | None]:
    """Whole days until about `limit` posts are shown, and the first day left out (where "later" starts),
    so a busy month becomes a few pages instead of one page nobody can scroll through."""
    cells: list[Cell] = []
    shown = 0
    for day, day_entries in _by_day(entries).items():
        if shown >= limit:
            return cells, day
        cells.append(Cell(day=day, hour=None, entries=day_entries, is_today=day == now_local.date()))
        shown += len(day_entries)
    return cells, None


def post_url_maker(name: str, *, slug: str) -> Callable[[int], str]:
    """A calendar draws thousands of links to posts and `reverse` costs tens of microseconds each, so the
    URL is reversed once around a marker and filled in per post."""
    marker = "2147483647"
    head, _marker, tail = reverse(name, kwargs={"slug": slug, "pk": int(marker)}).partition(marker)
    return lambda pk: f"{head}{pk}{tail}"
