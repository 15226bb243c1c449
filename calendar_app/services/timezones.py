"""Local wall-clock times in a workspace's time zone, refusing the ones a DST change makes ambiguous or absent."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from calendar_app.errors import InvalidInputError
from calendar_app.inputs import MAX_YEAR, MIN_YEAR


def local_to_utc(*, naive: datetime, tz_name: str) -> datetime:
    """A wall time exists once exactly when both `fold` values give the same UTC instant; otherwise it falls
    in the gap (spring forward) or the overlap (fall back) of a DST change."""
    if not MIN_YEAR <= naive.year <= MAX_YEAR:
        raise InvalidInputError(
            _("Choose a date between %(first)d and %(last)d.") % {"first": MIN_YEAR, "last": MAX_YEAR},
            details={"field": "scheduled_at"},
        )
    zone = ZoneInfo(tz_name)
    first = naive.replace(tzinfo=zone, fold=0)
    second = naive.replace(tzinfo=zone, fold=1)
    if first.utcoffset() != second.utcoffset():
        at = naive.strftime("%Y-%m-%d %H:%M")
        round_trip = first.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
        if round_trip != naive:
            message = _(
                "%(time)s does not exist in %(zone)s: the clocks skip that hour for daylight saving time."
            )
        else:
            message = _("%(time)s happens twice in %(zone)s when the clocks go back; choose another time.")
        raise InvalidInputError(message % {"time": at, "zone": tz_name}, details={"field": "scheduled_at"})
    return first.astimezone(UTC)


def utc_to_local(*, moment: datetime, tz_name: str) -> datetime:
    return moment.astimezone(ZoneInfo(tz_name))
