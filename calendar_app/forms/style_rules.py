"""Forms for style-guide rules, one per kind, in words a community manager uses: word lists are typed one
per line, replacements as “wrong → right”, shares as percentages; regular expressions only appear in the
advanced part. The forms only parse; the engine (through the service) decides what is a valid rule."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from calendar_app.forms.style_rule_fields import param_fields
from calendar_app.models import StyleRule
from calendar_app.services.style_guide import RULE_FIELD_LABELS as LABELS
from scheduler.models import Network

KIND_LABELS = {
    "existence": _("Words to avoid"),
    "substitution": _("Preferred words"),
    "capitalization": _("Brand names spelled exactly"),
    "occurrence": _("Hashtags, mentions, links… per post"),
    "length": _("Text length"),
    "conditional": _("If one thing, then another"),
    "shouting": _("No shouting"),
    "tone": _("Tone of voice"),
    "readability": _("Readability"),
    "media": _("Image alt text"),
}
KIND_HELP = {
    "existence": _("Flags words or phrases that should not appear, e.g. “free” or “click here”."),
    "substitution": _("Offers the preferred word with a one-click fix, e.g. link → enlace."),
    "capitalization": _("Flags any other spelling of a name, e.g. “Pautaco” for “PautaCo”."),
    "occurrence": _("Limits how many hashtags, mentions, links, emojis or exclamation marks a post has."),
    "length": _("Keeps the text within the network's limit, or within your own."),
    "conditional": _(
        "When the text has one thing it must also have another, e.g. #ad needs “Advertisement”."
    ),
    "shouting": _("Flags texts written mostly in capital letters."),
    "tone": _("Flags aggressive or dismissive expressions in posts and replies."),
    "readability": _("Flags texts that are hard to read (long sentences and words)."),
    "media": _("Every image needs a description for people who cannot see it."),
}
ADVANCED_FIELDS = ("key", "pattern", "if_pattern", "then_pattern")
PERCENT = 100


class StyleRuleForm(forms.Form):
    """The fields every rule has, plus those of its kind (added in __init__)."""

    level = forms.ChoiceField(
        label=LABELS["level"],
        choices=StyleRule.Level.choices,
        initial=StyleRule.Level.WARNING,
        help_text=_(
            "Error blocks submitting, approving and publishing; a warning needs a reviewer's "
            "acknowledgement; a suggestion is only shown."
        ),
    )
    message = forms.CharField(
        label=LABELS["message"],
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What the author reads when the rule is broken."),
    )
    networks = forms.MultipleChoiceField(
        label=LABELS["networks"],
        choices=Network.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every network."),
    )
    enabled = forms.BooleanField(label=LABELS["enabled"], required=False, initial=True)
    key = forms.CharField(
        label=LABELS["id"],
        required=False,
        max_length=64,
        help_text=_("Optional short name used in exported files, e.g. no-shouting."),
    )

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.param_names = list(param_fields(kind))
        self.fields.update(param_fields(kind))

    @classmethod
    def initial_from_spec(cls, spec: dict[str, Any]) -> dict[str, Any]:
        params = dict(spec.get("params", {}))
        if "max_ratio" in params:
            params["max_ratio"] = round(params["max_ratio"] * PERCENT)
        return {
            "level": spec["level"],
            "message": spec["message"],
            "networks": list(spec.get("networks", [])),
            "enabled": spec.get("enabled", True),
            "key": spec.get("id", ""),
            **params,
        }

    @property
    def advanced_names(self) -> list[str]:
        return [name for name in self.fields if name in ADVANCED_FIELDS]

    def basic_fields(self):
        return [self[name] for name in self.fields if name not in ADVANCED_FIELDS]

    def advanced_fields(self):
        return [self[name] for name in self.advanced_names]

    def rule_spec(self) -> dict[str, Any]:
        """The cleaned form in the engine's shape; empty fields are left out so defaults apply."""
        data = self.cleaned_data
        params = {name: data[name] for name in self.param_names if data.get(name) not in (None, "", [], {})}
        for flag in ("ignore_case", "ignore_accents"):
            if flag in self.param_names:
                params[flag] = bool(data.get(flag))
        if "max_ratio" in params:
            params["max_ratio"] = params["max_ratio"] / PERCENT
        for words, pattern in (
            ("words", "pattern"),
            ("if_words", "if_pattern"),
            ("then_words", "then_pattern"),
        ):
            if words in self.param_names and words not in params and pattern not in params:
                params[words] = []
        if "terms" in self.param_names:
            params.setdefault("terms", [])
        spec: dict[str, Any] = {
            "kind": self.kind,
            "level": data["level"],
            "message": data["message"],
            "networks": list(data.get("networks") or []),
            "enabled": bool(data.get("enabled")),
            "params": params,
        }
        if data.get("key"):
            spec["id"] = data["key"].strip()
        return spec

    def add_service_error(self, details: dict, message: str) -> None:
        """Put the engine's refusal next to the field it names (``params.words`` → words)."""
        name = (details.get("field") or "").split(".")[-1]
        name = "key" if name == "id" else name
        if name in self.fields:
            self.add_error(name, details.get("reason") or message)
        else:
            self.add_error(None, message)


class RuleSampleForm(forms.Form):
    """A sample text to run a rule on before saving it."""

    text = forms.CharField(
        label=_("Sample text"),
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Type or paste a text to test.")},
    )
    network = forms.ChoiceField(
        label=_("Network"), required=False, choices=[("", _("Any network"))] + list(Network.choices)
    )


class SampleTextForm(RuleSampleForm):
    """The page's test box: the whole guide, or one of its rules."""

    rule = forms.TypedChoiceField(label=_("Rules"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, rules=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rule"].choices = [("", _("The whole guide (enabled rules)"))] + [
            (rule.pk, f"{number}. {rule.message[:80]}") for number, rule in enumerate(rules, start=1)
        ]


class ImportGuideForm(forms.Form):
    file = forms.FileField(label=_("YAML file"), required=False)
    text = forms.CharField(
        label=_("…or paste the YAML"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12, "class": "font-monospace", "spellcheck": "false"}),
    )
    confirm = forms.BooleanField(
        label=_("I understand that this replaces every rule of the guide."),
        error_messages={"required": _("Tick the box to confirm that the import replaces the whole guide.")},
    )

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if upload is not None:
            try:
                data["text"] = upload.read().decode("utf-8")
            except UnicodeDecodeError:
                raise forms.ValidationError(_("The file is not UTF-8 text."), code="encoding") from None
        if not (data.get("text") or "").strip():
            raise forms.ValidationError(_("Choose a YAML file or paste its text."), code="empty")
        return data
