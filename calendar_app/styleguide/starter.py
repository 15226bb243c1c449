"""The guide a new workspace starts from, in its language."""

from __future__ import annotations

from importlib import resources

from calendar_app.styleguide.spec import RuleSpec
from calendar_app.styleguide.yaml_io import guide_from_yaml

STARTER_FILES = {"es": "starter_es.yaml", "en": "starter_en.yaml"}


def starter_yaml(language: str) -> str:
    """The starter guide file itself (comments included), e.g. to offer it as a download."""
    if language not in STARTER_FILES:
        raise ValueError(f"No starter guide for language {language!r}.")
    return resources.files("calendar_app.styleguide").joinpath(STARTER_FILES[language]).read_text("utf-8")


def starter_rules(language: str) -> list[RuleSpec]:
    """The starter rules, validated like any imported guide."""
    _language, rules = guide_from_yaml(starter_yaml(language))
    return rules
