"""Form fields for the parameters of each kind of style rule, named as the engine names them so a refusal
for ``params.words`` lands on the ``words`` field. Lists are typed one item per line, replacements as
“wrong → right”; regular expressions get a monospaced box and no spell-checking."""

from django import forms
from django.utils.translation import gettext_lazy as _

from calendar_app.services.style_guide import RULE_FIELD_LABELS as LABELS

ARROWS = ("→", "=>", "->")


class LinesField(forms.CharField):
    """One word or phrase per line; blank lines are ignored."""

    widget = forms.Textarea(attrs={"rows": 4})

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", _("One word or phrase per line."))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list | tuple) else value

    def to_python(self, value) -> list[str]:
        return [line.strip() for line in (super().to_python(value) or "").splitlines() if line.strip()]


class ReplacementsField(forms.CharField):
    """“wrong → right”, one per line (-> and => work too, for keyboards without an arrow)."""

    widget = forms.Textarea(attrs={"rows": 4})

    def prepare_value(self, value):
        if isinstance(value, dict):
            return "\n".join(f"{wrong} → {right}" for wrong, right in value.items())
        return value

    def to_python(self, value) -> dict[str, str]:
        pairs: dict[str, str] = {}
        for number, line in enumerate((super().to_python(value) or "").splitlines(), start=1):
            if not line.strip():
                continue
            arrow = next((arrow for arrow in ARROWS if arrow in line), None)
            wrong, _arrow, right = line.partition(arrow) if arrow else (line, "", "")
            if not wrong.strip() or not right.strip():
                raise forms.ValidationError(
                    _("Line %(number)d: write it as  wrong → right."), params={"number": number}, code="arrow"
                )
            pairs[wrong.strip()] = right.strip()
        return pairs


def _folding_fields() -> dict[str, forms.Field]:
    return {
        "ignore_case": forms.BooleanField(label=LABELS["ignore_case"], required=False, initial=True),
        "ignore_accents": forms.BooleanField(label=LABELS["ignore_accents"], required=False, initial=True),
    }


def _pattern(name: str) -> forms.CharField:
    return forms.CharField(
        label=LABELS[name],
        required=False,
        max_length=2000,
        widget=forms.TextInput(attrs={"class": "font-monospace", "spellcheck": "false"}),
        help_text=_("For experts; leave empty if unsure."),
    )


def _number(name: str, minimum: int, maximum: int, **kwargs) -> forms.IntegerField:
    return forms.IntegerField(
        label=LABELS[name], required=False, min_value=minimum, max_value=maximum, **kwargs
    )


def param_fields(kind: str) -> dict[str, forms.Field]:
    if kind == "existence":
        return {
            "words": LinesField(label=LABELS["words"]),
            "pattern": _pattern("pattern"),
            **_folding_fields(),
        }
    if kind == "substitution":
        return {
            "replace": ReplacementsField(
                label=LABELS["replace"], help_text=_("One per line, written as  wrong → right.")
            ),
            **_folding_fields(),
        }
    if kind == "capitalization":
        return {
            "terms": LinesField(label=LABELS["terms"], help_text=_("One name per line, written exactly.")),
            "ignore_accents": _folding_fields()["ignore_accents"],
        }
    if kind == "occurrence":
        targets = [
            ("hashtags", _("Hashtags")),
            ("mentions", _("Mentions")),
            ("links", _("Links")),
            ("emojis", _("Emojis")),
            ("exclamations", _("Exclamation marks")),
        ]
        return {
            "what": forms.ChoiceField(label=LABELS["what"], choices=targets),
            "min": _number("min", 0, 1000),
            "max": _number("max", 0, 1000),
        }
    if kind == "length":
        return {
            "min": _number("min", 1, 100_000, help_text=_("In characters; empty for no minimum.")),
            "max": _number("max", 1, 100_000, help_text=_("Empty: the network's own limit.")),
        }
    if kind == "conditional":
        return {
            "if_words": LinesField(label=LABELS["if_words"]),
            "then_words": LinesField(label=LABELS["then_words"]),
            "if_pattern": _pattern("if_pattern"),
            "then_pattern": _pattern("then_pattern"),
            **_folding_fields(),
        }
    if kind == "shouting":
        return {
            "max_ratio": _number("max_ratio", 5, 100, initial=50, help_text=_("In percent of the letters.")),
            "min_letters": _number("min_letters", 1, 1000, initial=10),
        }
    if kind == "tone":
        return {"words": LinesField(label=LABELS["words"]), **_folding_fields()}
    if kind == "readability":
        formulas = [
            ("auto", _("Automatic (by the workspace's language)")),
            ("fernandez_huerta", "Fernández-Huerta"),
            ("szigriszt_pazos", "Szigriszt-Pazos"),
            ("flesch", "Flesch"),
        ]
        return {
            "formula": forms.ChoiceField(label=LABELS["formula"], choices=formulas, initial="auto"),
            "min_score": forms.FloatField(
                label=LABELS["min_score"],
                required=False,
                min_value=-100,
                max_value=150,
                initial=50,
                help_text=_("0–100; higher is easier. 50–60 is plain language."),
            ),
            "min_words": _number("min_words", 1, 10_000, initial=20),
        }
    if kind == "media":
        return {"min_alt_length": _number("min_alt_length", 1, 1500, initial=10)}
    raise ValueError(f"Unknown rule kind {kind!r}")
