"""Form fields for times typed in a workspace's time zone."""

from datetime import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from calendar_app.errors import InvalidInputError
from calendar_app.inputs import MAX_YEAR, MIN_YEAR
from calendar_app.services.timezones import local_to_utc, utc_to_local

INPUT_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S")


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


class LocalDateTimeField(forms.Field):
    """A wall-clock time in `tz_name`, returned as an aware UTC datetime. Times that a DST change skips or
    repeats are refused with the time-zone service's explanation instead of being silently shifted."""

    widget = LocalDateTimeInput
    default_error_messages = {"invalid": _("Enter a date and time like 2025-06-01 10:30.")}

    def __init__(self, *, tz_name: str = "UTC", **kwargs):
        self.tz_name = tz_name
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, datetime) and timezone.is_aware(value):
            return utc_to_local(moment=value, tz_name=self.tz_name).replace(tzinfo=None)
        return value

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            if timezone.is_aware(value):
                return value
            naive = value
        else:
            naive = parse_local(str(value).strip())
            if naive is None:
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        try:
            return local_to_utc(naive=naive, tz_name=self.tz_name)
        except InvalidInputError as exc:
            raise forms.ValidationError(exc.message, code="dst") from exc


def parse_local(value: str) -> datetime | None:
    """A naive datetime from the formats a datetime-local input or a person types; None when unreadable."""
    for pattern in INPUT_FORMATS:
        try:
            moment = datetime.strptime(value, pattern)
        except ValueError:
            continue
        return moment if MIN_YEAR <= moment.year <= MAX_YEAR else None
    return None
