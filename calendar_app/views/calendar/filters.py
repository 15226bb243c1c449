"""The calendar's query string: view, date and filters. Kept in the URL so a filtered calendar can be
bookmarked and shared; values that do not parse are dropped rather than answered with an error page."""

from datetime import date
from urllib.parse import urlencode

from django import forms
from django.utils.translation import gettext_lazy as _

from calendar_app.inputs import MAX_YEAR, MIN_YEAR
from calendar_app.models import PostStatus
from calendar_app.selectors.calendar import VIEWS, CalendarFilters, CalendarOptions

VIEW_LABELS = {"month": _("Month"), "week": _("Week"), "list": _("List")}


class CalendarQueryForm(forms.Form):
    view = forms.ChoiceField(choices=[(v, VIEW_LABELS[v]) for v in VIEWS], required=False)
    date = forms.DateField(required=False, input_formats=["%Y-%m-%d"])
    channel = forms.TypedMultipleChoiceField(coerce=int, required=False, label=_("Channels"))
    status = forms.MultipleChoiceField(choices=PostStatus.choices, required=False, label=_("Status"))
    author = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, label=_("Author"))
    campaign = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, label=_("Campaign"))
    tag = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, label=_("Tag"))
    mine = forms.BooleanField(required=False, label=_("Only mine"))
    review = forms.BooleanField(required=False, label=_("Needs my review"))

    def clean_date(self):
        day = self.cleaned_data.get("date")
        if day is not None and not MIN_YEAR <= day.year <= MAX_YEAR:
            raise forms.ValidationError(_("Choose a date between 1970 and 2999."))
        return day

    def __init__(self, *args, options: CalendarOptions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channel"].choices = [(pk, str(c)) for pk, c in options.channels.items()]
        self.fields["author"].choices = [("", _("Anyone"))] + [
            (u.pk, u.get_full_name() or u.get_username()) for u in options.members
        ]
        self.fields["campaign"].choices = [("", _("Any"))] + [
            (pk, c.name) for pk, c in options.campaigns.items()
        ]
        self.fields["tag"].choices = [("", _("Any"))] + [(pk, t.name) for pk, t in options.tags.items()]


class CalendarQuery:
    """The parsed query: which view, around which day, with which filters."""

    def __init__(self, data, *, options: CalendarOptions, today: date):
        form = CalendarQueryForm(data, options=options)
        form.is_valid()
        clean = {name: form.cleaned_data.get(name) for name in form.fields if name not in form.errors}
        self.form = form
        self.view = clean.get("view") or "month"
        self.anchor = clean.get("date") or today
        self.filters = CalendarFilters(
            channel_ids=tuple(clean.get("channel") or ()),
            statuses=tuple(clean.get("status") or ()),
            author_id=clean.get("author"),
            campaign_id=clean.get("campaign"),
            tag_id=clean.get("tag"),
            only_mine=bool(clean.get("mine")),
            needs_my_review=bool(clean.get("review")),
        )

    def filter_params(self) -> list[tuple[str, str]]:
        f = self.filters
        params = [("channel", str(pk)) for pk in f.channel_ids] + [("status", s) for s in f.statuses]
        for name, value in (("author", f.author_id), ("campaign", f.campaign_id), ("tag", f.tag_id)):
            if value:
                params.append((name, str(value)))
        params += [("mine", "1")] if f.only_mine else []
        params += [("review", "1")] if f.needs_my_review else []
        return params

    def url(self, *, view: str | None = None, anchor: date | None = None, keep_filters: bool = True) -> str:
        """A query string for the same calendar with another view or date."""
        params = [("view", view or self.view), ("date", (anchor or self.anchor).isoformat())]
        if keep_filters:
            params += self.filter_params()
        return "?" + urlencode(params)
