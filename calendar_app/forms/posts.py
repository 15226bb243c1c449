"""The post editor's form. It parses what was typed (times in the workspace's zone, images through the
media service's checks) and hands clean values to the post services; it decides nothing else."""

from django import forms
from django.utils.translation import gettext_lazy as _

from calendar_app.errors import InvalidInputError
from calendar_app.forms.fields import LocalDateTimeField
from calendar_app.models import Post
from calendar_app.services.media import MAX_ALT_TEXT, media_clean_alt_text, media_prepare

ACTION_SAVE = "save"
ACTION_SUBMIT = "submit"


class ChannelCheckboxes(forms.CheckboxSelectMultiple):
    """Each checkbox says its network, so the editor counts characters the way that network does."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex=subindex, attrs=attrs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"]["data-network"] = instance.network
            option["attrs"]["data-channel"] = instance.pk
        return option


class PostForm(forms.Form):
    title = forms.CharField(label=_("Internal title"), max_length=200, required=False)
    body = forms.CharField(
        label=_("Text"), required=False, widget=forms.Textarea(attrs={"rows": 6, "data-editor-body": ""})
    )
    new_tags = forms.CharField(
        label=_("New tags"),
        required=False,
        max_length=300,
        help_text=_("Comma-separated; new labels are created with a colour of their own."),
    )
    image = forms.FileField(label=_("Add an image"), required=False)
    image_alt_text = forms.CharField(
        label=_("Alt text for the new image"),
        required=False,
        max_length=MAX_ALT_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    expected_hash = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, workspace, post: Post | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.workspace = workspace
        self.post = post
        self.channels = list(workspace.channels.all())
        self.fields["channels"] = forms.ModelMultipleChoiceField(
            label=_("Channels"), queryset=workspace.channels.all(), required=False, widget=ChannelCheckboxes
        )
        self.fields["scheduled_at"] = LocalDateTimeField(
            tz_name=workspace.timezone,
            required=False,
            label=_("Publish at (%(zone)s)") % {"zone": workspace.timezone},
        )
        self.fields["campaign"] = forms.ModelChoiceField(
            label=_("Campaign"), queryset=workspace.campaigns.all(), required=False
        )
        self.fields["tags"] = forms.ModelMultipleChoiceField(
            label=_("Tags"),
            queryset=workspace.tags.all(),
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )
        for channel in self.channels:
            self.fields[self.variant_field(channel)] = forms.CharField(
                label=_("Text for %(channel)s") % {"channel": channel.display_name},
                required=False,
                help_text=_("Leave empty to use the main text."),
                widget=forms.Textarea(
                    attrs={"rows": 3, "data-variant-for": channel.pk, "data-network": channel.network}
                ),
            )
        for media in post.media.all() if post else ():
            self.fields[f"media_alt_{media.pk}"] = forms.CharField(
                label=_("Alt text"),
                required=False,
                max_length=MAX_ALT_TEXT,
                initial=media.alt_text,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[f"media_remove_{media.pk}"] = forms.BooleanField(label=_("Remove"), required=False)
        if post is not None:
            self.initial.update(
                title=post.title,
                body=post.body,
                channels=list(post.channels.all()),
                scheduled_at=post.scheduled_at,
                campaign=post.campaign,
                tags=list(post.tags.all()),
                expected_hash=post.content_hash,
                **{self.variant_field(c): post.variants.get(str(c.pk), "") for c in self.channels},
            )

    @staticmethod
    def variant_field(channel) -> str:
        return f"variant_{channel.pk}"

    def variant_fields(self):
        return [(channel, self[self.variant_field(channel)]) for channel in self.channels]

    def media_fields(self):
        if self.post is None:
            return []
        return [
            (media, self[f"media_alt_{media.pk}"], self[f"media_remove_{media.pk}"])
            for media in self.post.media.all()
        ]

    def clean(self):
        cleaned = super().clean()
        for media in self.post.media.all() if self.post else ():
            if not cleaned.get(f"media_remove_{media.pk}") and f"media_alt_{media.pk}" in cleaned:
                try:
                    media_clean_alt_text(cleaned[f"media_alt_{media.pk}"])
                except InvalidInputError as exc:
                    self.add_error(f"media_alt_{media.pk}", exc.message)
        upload = cleaned.get("image")
        if upload:
            try:
                cleaned["image_alt_text"] = media_clean_alt_text(cleaned.get("image_alt_text"))
            except InvalidInputError as exc:
                self.add_error("image_alt_text", exc.message)
            try:
                cleaned["prepared_image"] = media_prepare(upload=upload)
            except InvalidInputError as exc:
                self.add_error("image", exc.message)
        return cleaned

    def content_changes(self) -> dict:
        """Keyword arguments for `post_create` / `post_update`; the view adds the tags named in `new_tags`."""
        data = self.cleaned_data
        changes = {
            "title": data["title"],
            "body": data["body"],
            "variants": {str(c.pk): data.get(self.variant_field(c), "") for c in self.channels},
            "channels": list(data["channels"]),
            "scheduled_at": data["scheduled_at"],
            "campaign": data["campaign"],
            "tags": list(data["tags"]),
        }
        media_add = [(data["prepared_image"], data["image_alt_text"])] if data.get("prepared_image") else []
        changes["media_add"] = media_add
        if self.post is not None:
            media = list(self.post.media.all())
            changes["media_remove"] = [m.pk for m in media if data.get(f"media_remove_{m.pk}")]
            changes["media_alt_texts"] = {
                m.pk: data[f"media_alt_{m.pk}"]
                for m in media
                if not data.get(f"media_remove_{m.pk}") and data.get(f"media_alt_{m.pk}") != m.alt_text
            }
            changes["expected_hash"] = data.get("expected_hash") or None
        return changes

    def new_tag_names(self) -> list[str]:
        return [name for name in self.cleaned_data.get("new_tags", "").split(",") if name.strip()]
