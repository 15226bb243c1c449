"""Compiling a style guide once and linting texts against it.

``compile_guide`` does the expensive work once per guide version: validation, regex compilation
and merging every word list into a single lexicon. ``CompiledGuide.lint`` then runs per text:
one scan for all word lists, plus the rules that measure the whole text.

Each text gets a time budget. User patterns run with the ``regex`` module's timeout, and the
budget is checked between rules; if it runs out, linting stops and reports an ``incomplete``
finding at the level of the most severe rule left unchecked, so a post whose check could not
finish is never treated as clean.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import Any

from calendar_app.styleguide.checks import CHECKS, Check
from calendar_app.styleguide.context import LintContext
from calendar_app.styleguide.findings import LEVEL_RANK, Finding
from calendar_app.styleguide.lexicon import Lexicon
from calendar_app.styleguide.spec import RuleSpec, validate_rules

LANGUAGES = ("es", "en")
DEFAULT_TIME_LIMIT = 0.25
_CACHE_SIZE = 128


class CompiledGuide:
    """A guide ready to lint: immutable once built, so one instance serves every thread."""

    def __init__(self, rules: list[RuleSpec], *, language: str) -> None:
        if language not in LANGUAGES:
            raise ValueError(f"Unsupported guide language {language!r}; use one of {', '.join(LANGUAGES)}.")
        self.language = language
        self.rules = rules
        self._lexicon = Lexicon()
        self._checks: list[Check] = []
        for index, spec in enumerate(rules):
            if spec.enabled:
                check = CHECKS[spec.kind](index, spec, language=language)
                check.register(self._lexicon)
                self._checks.append(check)
        self._lexicon.compile()
        self._plans: dict[str | None, tuple[list[Check], dict[int, Check]]] = {}

    def lint(
        self,
        text: str,
        *,
        network: str | None = None,
        media: Sequence[Any] = (),
        time_limit: float = DEFAULT_TIME_LIMIT,
    ) -> list[Finding]:
        """Findings for ``text`` on ``network`` (None: every rule, as for a text shared by all).

        ``media`` holds objects or mappings with an ``alt_text``. Findings come in guide order,
        then in text order.
        """
        eager, by_lexicon = self._plan(network)
        ctx = LintContext(
            text,
            network=network,
            media=media,
            language=self.language,
            lexicon=self._lexicon,
            deadline=time.monotonic() + time_limit,
        )
        pending = (
            eager + [by_lexicon[index] for index in ctx.hits if index in by_lexicon] if by_lexicon else eager
        )
        findings: list[Finding] = []
        done = 0
        try:
            for check in pending:
                if time.monotonic() > ctx.deadline:
                    raise TimeoutError
                findings.extend(check.run(ctx))
                done += 1
        except TimeoutError:
            findings.append(_incomplete(pending[done:], time_limit))
        findings.sort(key=lambda f: (f.rule_index, -1 if f.start is None else f.start))
        return findings

    def _plan(self, network: str | None) -> tuple[list[Check], dict[int, Check]]:
        """Checks that always run, and those that only run when the lexicon hits their words."""
        plan = self._plans.get(network)
        if plan is None:
            applicable = [check for check in self._checks if check.spec.applies_to(network)]
            plan = (
                [check for check in applicable if not check.lexicon_driven],
                {check.index: check for check in applicable if check.lexicon_driven},
            )
            self._plans[network] = plan
        return plan


def _incomplete(unchecked: list[Check], time_limit: float) -> Finding:
    first = min(unchecked, key=lambda check: check.index)
    level = max((check.spec.level for check in unchecked), key=LEVEL_RANK.__getitem__)
    return Finding(
        rule_index=first.index,
        rule_id=first.spec.id,
        kind="incomplete",
        level=level,
        message="The style check ran out of time on this text; some rules were not checked.",
        detail={
            "time_limit": time_limit,
            "unchecked_rules": sorted(check.index for check in unchecked),
        },
    )


def compile_guide(rules: Iterable[Mapping[str, Any] | RuleSpec], *, language: str) -> CompiledGuide:
    """Compile a guide; plain mappings are validated first (``RuleError`` if one is refused)."""
    items = list(rules)
    specs = items if all(isinstance(rule, RuleSpec) for rule in items) else validate_rules(items)
    return CompiledGuide(specs, language=language)  # type: ignore[arg-type]


_cache: OrderedDict[Hashable, CompiledGuide] = OrderedDict()
_cache_lock = threading.Lock()


def cached_guide(
    key: Hashable, *, rules: Iterable[Mapping[str, Any] | RuleSpec], language: str
) -> CompiledGuide:
    """The compiled guide for ``key`` (e.g. ``(workspace_id, guide_version)``), compiling once.

    A new guide version must come with a new key; old versions age out of the small LRU.
    """
    with _cache_lock:
        guide = _cache.get(key)
        if guide is not None:
            _cache.move_to_end(key)
            return guide
    guide = compile_guide(rules, language=language)
    with _cache_lock:
        _cache[key] = guide
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return guide
