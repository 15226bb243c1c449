"""How rules and findings are shown on the style-guide page: a one-line summary of what each rule checks,
in words, and a sample text cut into pieces so the parts a rule matched can be wrapped in <mark>."""

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from calendar_app.forms.style_rules import KIND_LABELS
from calendar_app.styleguide.findings import LEVEL_RANK
from scheduler.models import Network

MAX_LISTED = 6
FIXABLE_KINDS = ("substitution", "capitalization")


@dataclass
class Segment:
    text: str
    findings: list[dict] = field(default_factory=list)

    @property
    def level(self) -> str | None:
        if not self.findings:
            return None
        return max((f["level"] for f in self.findings), key=LEVEL_RANK.__getitem__)

    @property
    def title(self) -> str:
        return " · ".join(dict.fromkeys(f["message"] for f in self.findings))


def marked_segments(text: str, findings: list[dict]) -> list[Segment]:
    """Consecutive pieces of `text`, each with the findings whose span covers it (spans may overlap)."""
    spans = [
        f
        for f in findings
        if f.get("start") is not None and f.get("end") is not None and f["end"] > f["start"]
    ]
    cuts = sorted({0, len(text), *(f["start"] for f in spans), *(f["end"] for f in spans)})
    segments = []
    for start, end in zip(cuts, cuts[1:], strict=False):
        covering = [f for f in spans if f["start"] <= start and end <= f["end"]]
        segments.append(Segment(text[start:end], covering))
    return segments


def finding_rows(text: str, findings: list[dict]) -> list[dict]:
    """Findings with the words they matched and, where the editor offers one, the one-click fix."""
    return [
        {
            **f,
            "matched": text[f["start"] : f["end"]] if f.get("start") is not None else "",
            "fix": f.get("suggestion") if f.get("kind") in FIXABLE_KINDS else None,
        }
        for f in findings
    ]


def _listed(items: list[str]) -> str:
    shown = ", ".join(f"“{item}”" for item in items[:MAX_LISTED])
    more = len(items) - MAX_LISTED
    return shown + (_(" and %(count)d more") % {"count": more} if more > 0 else "")


def _words_or_pattern(params: dict, words: str, pattern: str) -> str:
    if params.get(words):
        return _listed(params[words])
    return _("text matching %(pattern)s") % {"pattern": params.get(pattern, "")}


def rule_summary(kind: str, params: dict[str, Any]) -> str:
    """What the rule checks, in one line a community manager can read."""
    if kind in ("existence", "tone"):
        summary = _words_or_pattern(params, "words", "pattern")
        if params.get("words") and params.get("pattern"):
            summary += " " + _("and text matching %(pattern)s") % {"pattern": params["pattern"]}
        return summary
    if kind == "substitution":
        pairs = [f"{wrong} → {right}" for wrong, right in params.get("replace", {}).items()]
        more = len(pairs) - MAX_LISTED
        return ", ".join(pairs[:MAX_LISTED]) + (
            _(" and %(count)d more") % {"count": more} if more > 0 else ""
        )
    if kind == "capitalization":
        return _listed(params.get("terms", []))
    if kind == "occurrence":
        return _occurrence(params)
    if kind == "length":
        parts = []
        if "min" in params:
            parts.append(_("at least %(count)d characters") % {"count": params["min"]})
        parts.append(
            _("at most %(count)d") % {"count": params["max"]}
            if "max" in params
            else _("within the network's limit")
        )
        return ", ".join(parts)
    if kind == "conditional":
        return _("if %(condition)s, then %(requirement)s") % {
            "condition": _words_or_pattern(params, "if_words", "if_pattern"),
            "requirement": _words_or_pattern(params, "then_words", "then_pattern"),
        }
    if kind == "shouting":
        return _("more than %(percent)d%% capital letters (texts of %(letters)d letters or more)") % {
            "percent": round(params.get("max_ratio", 0.5) * 100),
            "letters": params.get("min_letters", 10),
        }
    if kind == "readability":
        return _("reading ease under %(score)s (texts of %(words)d words or more)") % {
            "score": f"{params.get('min_score', 50):g}",
            "words": params.get("min_words", 20),
        }
    if kind == "media":
        return _("alt text shorter than %(count)d characters") % {"count": params.get("min_alt_length", 10)}
    return ""


def _occurrence(params: dict) -> str:
    what = {
        "hashtags": _("hashtags"),
        "mentions": _("mentions"),
        "links": _("links"),
        "emojis": _("emojis"),
        "exclamations": _("exclamation marks"),
    }.get(params.get("what", ""), params.get("what", ""))
    if "min" in params and "max" in params:
        return _("%(what)s: between %(min)d and %(max)d") % {
            "what": what,
            "min": params["min"],
            "max": params["max"],
        }
    if "max" in params:
        return _("%(what)s: at most %(max)d") % {"what": what, "max": params["max"]}
    return _("%(what)s: at least %(min)d") % {"what": what, "min": params.get("min", 0)}


def rule_rows(rules) -> list[dict]:
    """Rules as the page shows them; `first`/`last` disable the move buttons that would do nothing."""
    rules = list(rules)
    networks = dict(Network.choices)
    return [
        {
            "rule": rule,
            "kind_label": KIND_LABELS.get(rule.kind, rule.kind),
            "summary": rule_summary(rule.kind, rule.params),
            "networks": [networks.get(name, name) for name in rule.networks],
            "first": index == 0,
            "last": index == len(rules) - 1,
        }
        for index, rule in enumerate(rules)
    ]
