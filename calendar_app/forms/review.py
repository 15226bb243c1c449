"""Forms behind the workflow buttons on the post page. They only parse; the workflow service decides."""

from django import forms
from django.utils.translation import gettext_lazy as _

from calendar_app.forms.fields import LocalDateTimeField


class ApproveForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    acknowledge_warnings = forms.BooleanField(label=_("I have read the style warnings"), required=False)
    expected_hash = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)


class RequestChangesForm(forms.Form):
    comment = forms.CharField(
        label=_("What needs to change"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say what needs to change: a comment is required.")},
    )


class CancelForm(forms.Form):
    comment = forms.CharField(label=_("Reason (optional)"), required=False, max_length=2000)


class RescheduleForm(forms.Form):
    def __init__(self, *args, workspace, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scheduled_at"] = LocalDateTimeField(
            tz_name=workspace.timezone,
            label=_("New time (%(zone)s)") % {"zone": workspace.timezone},
        )
