"""Forms of the scheduler pages: they parse input only; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from calendar_app.forms.fields import LocalDateTimeField
from scheduler.adapters.webhook import BODY_FORMATS
from scheduler.models import Network


class SecretInput(forms.PasswordInput):
    """Secrets are typed, never shown back, not even after a refused submission."""

    def __init__(self):
        super().__init__(render_value=False, attrs={"autocomplete": "off"})


class ChannelConnectForm(forms.Form):
    network = forms.ChoiceField(label=_("Network"), choices=Network.choices)
    display_name = forms.CharField(label=_("Name shown in Pauta"), max_length=120)
    instance_url = forms.URLField(
        label=_("Mastodon instance address"),
        required=False,
        assume_scheme="https",
        help_text=_("For example https://mastodon.social"),
    )
    access_token = forms.CharField(
        label=_("Mastodon access token"),
        required=False,
        widget=SecretInput(),
        help_text=_("From Preferences → Development → New application, with read and write scopes."),
    )
    service_url = forms.URLField(
        label=_("Bluesky server"),
        required=False,
        assume_scheme="https",
        initial="https://bsky.social",
        help_text=_("Leave https://bsky.social unless the account lives on its own server."),
    )
    handle = forms.CharField(
        label=_("Bluesky handle"),
        required=False,
        max_length=253,
        help_text=_("For example brand.bsky.social"),
    )
    app_password = forms.CharField(
        label=_("Bluesky app password"),
        required=False,
        widget=SecretInput(),
        help_text=_("Settings → Privacy and security → App passwords. Never the account's own password."),
    )
    url = forms.URLField(
        label=_("Webhook address"),
        required=False,
        assume_scheme="https",
        max_length=500,
        widget=SecretInput(),
    )
    secret = forms.CharField(label=_("Webhook signing secret"), required=False, widget=SecretInput())
    body_format = forms.ChoiceField(
        label=_("Webhook body"), required=False, choices=[(value, value) for value in BODY_FORMATS]
    )
    confirm_brand = forms.BooleanField(
        label=_("This is the brand's official account"),
        required=False,
        help_text=_(
            "Only brand accounts can publish. Tick it only if the account shown after connecting is the "
            "brand's, not a person's."
        ),
    )

    def network_values(self) -> dict:
        data = self.cleaned_data
        return {
            key: data.get(key)
            for key in (
                "instance_url",
                "access_token",
                "service_url",
                "handle",
                "app_password",
                "url",
                "secret",
                "body_format",
            )
            if data.get(key)
        }


class ChannelReconnectForm(forms.Form):
    access_token = forms.CharField(label=_("New Mastodon access token"), required=False, widget=SecretInput())
    app_password = forms.CharField(label=_("New Bluesky app password"), required=False, widget=SecretInput())
    secret = forms.CharField(label=_("New webhook signing secret"), required=False, widget=SecretInput())

    def network_values(self) -> dict:
        return {key: value for key, value in self.cleaned_data.items() if value}


class PauseForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is publishing paused?"), max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, workspace, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resume_at"] = LocalDateTimeField(
            tz_name=workspace.timezone,
            required=False,
            label=_("Resume automatically at (optional)"),
            help_text=_("In %(zone)s. Leave empty to resume by hand.") % {"zone": workspace.timezone},
        )
