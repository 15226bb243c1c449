"""Bounds and parsers for values that arrive from people: ids and moments. One place, so every entry point
(pages, API, calendar moves) refuses the same bad input with a message instead of a 500."""

from datetime import datetime, time

from django.utils.dateparse import parse_date, parse_datetime

MAX_ID = 2**63 - 1
# Far enough for any plan, near enough that converting between time zones can never overflow.
MIN_YEAR, MAX_YEAR = 1970, 2999


def id_parse(raw) -> int | None:
    """A positive database id written in ASCII digits, or None (“²” is a digit to `str.isdigit`)."""
    text = str(raw).strip()
    if not text.isascii() or not text.isdecimal():
        return None
    value = int(text)
    return value if 0 < value <= MAX_ID else None


def moment_parse(raw: str | None) -> datetime | None:
    """An ISO 8601 date or date-time (naive or with an offset) within the supported years, else None."""
    if not raw or len(raw) > 40:
        return None
    try:
        moment = parse_datetime(raw.strip())
        if moment is None and (day := parse_date(raw.strip())) is not None:
            moment = datetime.combine(day, time.min)
    except ValueError:
        return None
    if moment is None or not MIN_YEAR <= moment.year <= MAX_YEAR:
        return None
    return moment
