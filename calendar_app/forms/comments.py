from django import forms
from django.utils.translation import gettext_lazy as _

from calendar_app.services.comments import MAX_COMMENT


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Comment"),
        max_length=MAX_COMMENT,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": _("Internal note for the team")}),
    )
