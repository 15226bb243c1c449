"""Editing a workspace's style guide. Every change is validated by the engine before it is saved, so a
broken rule is refused here with a clear message and never reaches linting; and every change bumps the
guide's version in the same transaction, so the compiled guide cached per version is replaced at once."""

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from calendar_app.errors import InvalidInputError, NotFoundError
from calendar_app.models import Role, StyleGuide, StyleRule, Workspace
from calendar_app.services.audit import audit_record
from calendar_app.services.permissions import membership_get, role_require
from calendar_app.styleguide import (
    GuideImportError,
    RuleError,
    RuleSpec,
    compile_guide,
    guide_from_yaml,
    guide_to_yaml,
    starter_rules,
    validate_rule,
)
from calendar_app.styleguide.starter import STARTER_FILES

#: Names people see for the engine's fields, so "params.words" is reported as "Words and phrases".
RULE_FIELD_LABELS = {
    "id": gettext_lazy("Identifier"),
    "kind": gettext_lazy("Kind"),
    "level": gettext_lazy("Level"),
    "message": gettext_lazy("Message"),
    "networks": gettext_lazy("Networks"),
    "enabled": gettext_lazy("Enabled"),
    "words": gettext_lazy("Words and phrases"),
    "pattern": gettext_lazy("Pattern (regular expression)"),
    "replace": gettext_lazy("Replacements"),
    "terms": gettext_lazy("Names written exactly"),
    "what": gettext_lazy("What to count"),
    "min": gettext_lazy("Minimum"),
    "max": gettext_lazy("Maximum"),
    "if_words": gettext_lazy("When the text contains"),
    "if_pattern": gettext_lazy("When the text matches (regular expression)"),
    "then_words": gettext_lazy("…it must also contain"),
    "then_pattern": gettext_lazy("…it must also match (regular expression)"),
    "max_ratio": gettext_lazy("Highest share of capital letters"),
    "min_letters": gettext_lazy("Only judge texts with at least this many letters"),
    "formula": gettext_lazy("Formula"),
    "min_score": gettext_lazy("Lowest reading-ease score"),
    "min_words": gettext_lazy("Only judge texts with at least this many words"),
    "min_alt_length": gettext_lazy("Shortest alt text (characters)"),
    "ignore_case": gettext_lazy("Ignore upper and lower case"),
    "ignore_accents": gettext_lazy("Ignore accents"),
}
DIRECTIONS = ("up", "down")


def rule_error_to_input_error(error: RuleError, *, prefix: str = "") -> InvalidInputError:
    """The engine's English template is translated before it is filled in; `details.field` keeps its path."""
    reason = _(error.template).format(**error.params) if error.params else _(error.template)
    field = error.field or ""
    label = RULE_FIELD_LABELS.get(field.split(".")[-1]) if field else None
    message = f"{label}: {reason}" if label else reason
    return InvalidInputError(f"{prefix}{message}", details={"field": field, "reason": reason})


def style_rule_validate(*, rule_spec: Mapping[str, Any]) -> RuleSpec:
    try:
        return validate_rule(rule_spec)
    except RuleError as error:
        raise rule_error_to_input_error(error) from None


def style_rule_spec(rule: StyleRule) -> dict[str, Any]:
    """A saved rule in the engine's shape (the form's starting values and the export use it)."""
    spec: dict[str, Any] = {"id": rule.key} if rule.key else {}
    spec.update(
        kind=rule.kind,
        level=rule.level,
        message=rule.message,
        networks=list(rule.networks),
        enabled=rule.enabled,
        params=dict(rule.params),
    )
    return spec


def _language(workspace: Workspace) -> str:
    return workspace.language if workspace.language in STARTER_FILES else "en"


def _bump(guide: StyleGuide) -> None:
    StyleGuide.objects.filter(pk=guide.pk).update(version=F("version") + 1, updated_at=timezone.now())


def _fill(rule: StyleRule, spec: RuleSpec) -> StyleRule:
    rule.key = spec.id or ""
    rule.kind = spec.kind
    rule.level = spec.level
    rule.message = spec.message
    rule.networks = list(spec.networks)
    rule.enabled = spec.enabled
    rule.params = spec.params
    rule.full_clean()
    rule.save()
    return rule


def _rules_replace(guide: StyleGuide, specs: list[RuleSpec]) -> None:
    guide.rules.all().delete()
    for position, spec in enumerate(specs):
        _fill(StyleRule(guide=guide, position=position), spec)


def style_guide_ensure(*, workspace: Workspace) -> StyleGuide:
    """The workspace's guide, created from the starter guide in the workspace's language when missing."""
    guide = StyleGuide.objects.filter(workspace=workspace).first()
    if guide is not None:
        return guide
    with transaction.atomic():
        guide, created = StyleGuide.objects.get_or_create(workspace=workspace)
        if created:
            _rules_replace(guide, starter_rules(_language(workspace)))
    return guide


def _guide_locked(workspace: Workspace) -> StyleGuide:
    style_guide_ensure(workspace=workspace)
    return StyleGuide.objects.select_for_update().get(workspace=workspace)


def _rule_locked(rule: StyleRule) -> tuple[StyleGuide, StyleRule]:
    """The locked guide and the rule as it is now: another admin may have changed or deleted it meanwhile."""
    guide = _guide_locked(rule.guide.workspace)
    current = guide.rules.filter(pk=rule.pk).first()
    if current is None:
        raise NotFoundError(_("This rule no longer exists; someone may have deleted it."))
    return guide, current


def _key_free(guide: StyleGuide, spec: RuleSpec, rule: StyleRule | None = None) -> None:
    if not spec.id:
        return
    taken = guide.rules.filter(key=spec.id).exclude(pk=rule.pk if rule else None)
    if taken.exists():
        raise InvalidInputError(
            _("Identifier: another rule already uses “%(key)s”.") % {"key": spec.id},
            details={"field": "id", "reason": _("Another rule already uses this identifier.")},
        )


def _audit(workspace: Workspace, user, action: str, rule: StyleRule | None = None, **details) -> None:
    if rule is not None:
        details = {"rule": rule.key or rule.pk, "kind": rule.kind, "message": rule.message, **details}
    audit_record(workspace=workspace, actor=user, action=action, details=details)


def style_rule_create(*, user, workspace: Workspace, rule_spec: Mapping[str, Any]) -> StyleRule:
    role_require(user=user, workspace=workspace, role=Role.ADMIN)
    spec = style_rule_validate(rule_spec=rule_spec)
    with transaction.atomic():
        guide = _guide_locked(workspace)
        _key_free(guide, spec)
        rule = _fill(StyleRule(guide=guide, position=guide.rules.count()), spec)
        _bump(guide)
        _audit(workspace, user, "style_rule_create", rule)
    return rule


def style_rule_update(*, user, rule: StyleRule, rule_spec: Mapping[str, Any]) -> StyleRule:
    workspace = rule.guide.workspace
    role_require(user=user, workspace=workspace, role=Role.ADMIN)
    spec = style_rule_validate(rule_spec=rule_spec)
    with transaction.atomic():
        guide, rule = _rule_locked(rule)
        _key_free(guide, spec, rule)
        _fill(rule, spec)
        _bump(guide)
        _audit(workspace, user, "style_rule_update", rule)
    return rule


def style_rule_delete(*, user, rule: StyleRule) -> None:
    workspace = rule.guide.workspace
    role_require(user=user, workspace=workspace, role=Role.ADMIN)
    with transaction.atomic():
        guide, rule = _rule_locked(rule)
        _audit(workspace, user, "style_rule_delete", rule)
        rule.delete()
        _renumber(list(guide.rules.all()))
        _bump(guide)


def _renumber(rules: list[StyleRule]) -> None:
    for position, rule in enumerate(rules):
        if rule.position != position:
            rule.position = position
            rule.save(update_fields=["position"])


def style_rule_move(*, user, rule: StyleRule, direction: str) -> StyleRule:
    """Order matters: findings are listed in guide order, so the most important rules go first."""
    if direction not in DIRECTIONS:
        raise InvalidInputError(_("Move a rule up or down."), details={"field": "direction"})
    workspace = rule.guide.workspace
    role_require(user=user, workspace=workspace, role=Role.ADMIN)
    with transaction.atomic():
        guide, rule = _rule_locked(rule)
        rules = list(guide.rules.all())
        index = next(i for i, item in enumerate(rules) if item.pk == rule.pk)
        target = index - 1 if direction == "up" else index + 1
        if 0 <= target < len(rules):
            rules[index], rules[target] = rules[target], rules[index]
            _renumber(rules)
            _bump(guide)
            _audit(workspace, user, "style_rule_move", rule, direction=direction)
    rule.refresh_from_db()
    return rule


def style_rule_toggle(*, user, rule: StyleRule, enabled: bool | None = None) -> StyleRule:
    """`enabled` None flips the rule; a disabled rule stays in the guide (and in exports) but never runs."""
    workspace = rule.guide.workspace
    role_require(user=user, workspace=workspace, role=Role.ADMIN)
    with transaction.atomic():
        guide, rule = _rule_locked(rule)
        rule.enabled = (not rule.enabled) if enabled is None else enabled
        rule.save(update_fields=["enabled"])
        _bump(guide)
        _audit(workspace, user, "style_rule_toggle", rule, enabled=rule.enabled)
    return rule


def style_guide_import_yaml(*, user, workspace: Workspace, text: str) -> list[StyleRule]:
    """Replaces the whole guide, or nothing: a file with one bad rule changes no rule at all."""
    role_require(user=user, workspace=workspace, role=Role.ADMIN)
    try:
        _language_in_file, specs = guide_from_yaml(text)
    except GuideImportError as error:
        problems = [{"line": line, "message": message} for line, message in error.problems]
        first = problems[0]
        summary = _("Line %(line)s: %(message)s") % first if first["line"] else first["message"]
        raise InvalidInputError(
            _("The file was not imported (%(count)d problem(s)). %(first)s")
            % {"count": len(problems), "first": summary},
            details={"field": "yaml", "line": first["line"], "problems": problems},
        ) from None
    with transaction.atomic():
        guide = _guide_locked(workspace)
        _rules_replace(guide, specs)
        _bump(guide)
        _audit(workspace, user, "style_guide_import", rules=len(specs))
    return list(guide.rules.all())


def style_guide_export_yaml(*, user, workspace: Workspace) -> str:
    """Every member may read the guide; disabled rules are exported too, marked `enabled: false`."""
    membership_get(user=user, workspace=workspace)
    guide = style_guide_ensure(workspace=workspace)
    return guide_to_yaml([style_rule_spec(rule) for rule in guide.rules.all()], language=_language(workspace))


def style_rule_test(
    *, rule_spec: Mapping[str, Any], text: str, language: str, network: str | None = None, media=()
) -> list[dict]:
    """Findings of one rule (saved or still being edited) on a sample text, for "test against a sample"."""
    spec = style_rule_validate(rule_spec={**rule_spec, "enabled": True})
    guide = compile_guide([spec], language=language if language in STARTER_FILES else "en")
    return [finding.as_dict() for finding in guide.lint(text, network=network, media=media)]
