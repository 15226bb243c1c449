"""Rule specs: what a style rule is, and the checks that refuse a bad one before it is saved.

A rule is a plain mapping::

    {"id": "ad-disclosure",            # optional, unique in the guide, passed through to findings
     "kind": "conditional",            # see calendar_app.styleguide.kinds
     "level": "error",                 # error | warning | suggestion
     "message": "Say it is an ad.",    # shown to the author
     "networks": ["mastodon"],         # empty: every network
     "enabled": True,
     "params": {...}}                  # per kind, documented on each schema

Everything that can go wrong with a rule (a regex that does not compile or could backtrack
catastrophically, an empty word list, an unknown key, a number out of range) is refused here,
so linting never meets a broken rule.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from calendar_app.styleguide import params as p
from calendar_app.styleguide.errors import RuleError
from calendar_app.styleguide.kinds import KINDS, KindSchema

LEVELS = ("error", "warning", "suggestion")
NETWORKS = ("mastodon", "bluesky", "webhook")
RULE_KEYS = ("id", "kind", "level", "message", "networks", "enabled", "params")
MAX_RULES = 1000
MAX_MESSAGE_LENGTH = 500


@dataclass(frozen=True)
class RuleSpec:
    """A validated rule; build it with ``validate_rule``, not directly."""

    kind: str
    level: str
    message: str
    networks: tuple[str, ...] = ()
    enabled: bool = True
    params: dict[str, Any] = field(default_factory=dict)
    id: str | None = None

    def applies_to(self, network: str | None) -> bool:
        return not self.networks or network is None or network in self.networks

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {} if self.id is None else {"id": self.id}
        data.update(
            kind=self.kind,
            level=self.level,
            message=self.message,
            networks=list(self.networks),
            enabled=self.enabled,
            params=copy.deepcopy(self.params),
        )
        return data


def validate_rule(spec: Mapping[str, Any] | RuleSpec) -> RuleSpec:
    """Check a rule and return it normalised (defaults filled in), or raise ``RuleError``."""
    if isinstance(spec, RuleSpec):
        spec = spec.as_dict()
    if not isinstance(spec, Mapping):
        raise RuleError("A rule must be a mapping of keys to values.")
    unknown = [key for key in spec if key not in RULE_KEYS]
    if unknown:
        raise RuleError(
            "Unknown key {key!r}; a rule has: {keys}.",
            str(unknown[0]),
            key=unknown[0],
            keys=", ".join(RULE_KEYS),
        )
    kind = spec.get("kind")
    if kind not in KINDS:
        raise RuleError(
            "Unknown kind {kind!r}; use one of: {kinds}.", "kind", kind=kind, kinds=", ".join(KINDS)
        )
    level = spec.get("level")
    if level not in LEVELS:
        raise RuleError(
            "Unknown level {level!r}; use one of: {levels}.", "level", level=level, levels=", ".join(LEVELS)
        )
    return RuleSpec(
        kind=kind,
        level=level,
        message=_message(spec.get("message")),
        networks=tuple(_networks(spec.get("networks", []))),
        enabled=_field(p.boolean, spec.get("enabled", True), "enabled"),
        params=_params(KINDS[kind], spec.get("params", {})),
        id=_rule_id(spec.get("id")),
    )


def validate_rules(rules: Iterable[Mapping[str, Any] | RuleSpec]) -> list[RuleSpec]:
    """Validate a whole guide; the error's field starts with the rule's position (``3.params``)."""
    validated: list[RuleSpec] = []
    seen_ids: set[str] = set()
    for index, rule in enumerate(rules):
        if index >= MAX_RULES:
            raise RuleError("A guide holds at most {limit} rules.", limit=MAX_RULES)
        try:
            spec = validate_rule(rule)
            if spec.id is not None and spec.id in seen_ids:
                raise RuleError("The id {id!r} is used by another rule.", "id", id=spec.id)
        except RuleError as exc:
            raise exc.within(str(index)) from None
        if spec.id is not None:
            seen_ids.add(spec.id)
        validated.append(spec)
    return validated


def _field(validator: p.Validator, value: Any, name: str) -> Any:
    try:
        return validator(value)
    except RuleError as exc:
        raise exc.within(name) from None


def _message(value: Any) -> str:
    message = _field(p.text, value, "message").strip()
    if len(message) > MAX_MESSAGE_LENGTH:
        raise RuleError(
            "The message is too long (at most {limit} characters).", "message", limit=MAX_MESSAGE_LENGTH
        )
    return message


def _networks(value: Any) -> list[str]:
    if isinstance(value, str) or not isinstance(value, list | tuple):
        raise RuleError("Expected a list of networks (empty for all).", "networks")
    for item in value:
        if item not in NETWORKS:
            raise RuleError(
                "Unknown network {network!r}; use {known}.",
                "networks",
                network=item,
                known=", ".join(NETWORKS),
            )
    return list(dict.fromkeys(value))


def _rule_id(value: Any) -> str | None:
    if value is None:
        return None
    if (
        not isinstance(value, str)
        or not value
        or len(value) > 64
        or not all(ch.isascii() and (ch.isalnum() or ch in "-_.") for ch in value)
    ):
        raise RuleError("The id must be 1–64 letters, digits, dots, dashes or underscores.", "id")
    return value


def _params(schema: KindSchema, raw: Any) -> dict[str, Any]:
    if not isinstance(raw, Mapping):
        raise RuleError("Expected the parameters as a mapping of names to values.", "params")
    unknown = [name for name in raw if name not in schema.params]
    if unknown:
        raise RuleError(
            "Unknown parameter {name!r}; this kind takes: {names}.",
            f"params.{unknown[0]}",
            name=unknown[0],
            names=", ".join(schema.params),
        )
    values: dict[str, Any] = {}
    for name, param in schema.params.items():
        if name in raw and raw[name] is not None:
            values[name] = _field(param.validate, raw[name], f"params.{name}")
        elif param.required:
            raise RuleError("The parameter {name!r} is required.", f"params.{name}", name=name)
        elif param.default is not None:
            values[name] = param.default
    if schema.check is not None:
        try:
            schema.check(values)
        except RuleError as exc:
            raise exc.within("params") from None
    return values
