"""The rule kinds and their parameters, with the cross-field checks each kind needs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from calendar_app.styleguide import params as p
from calendar_app.styleguide.errors import RuleError
from calendar_app.styleguide.regex_safety import compile_pattern

OCCURRENCE_TARGETS = ("hashtags", "mentions", "links", "emojis", "exclamations")
FORMULAS = ("auto", "fernandez_huerta", "szigriszt_pazos", "flesch")

_FOLDING = {"ignore_case": p.Param(p.boolean, True), "ignore_accents": p.Param(p.boolean, True)}


@dataclass(frozen=True)
class KindSchema:
    """A kind's parameters; ``doc`` explains them (help text for forms and the API schema)."""

    params: dict[str, p.Param]
    check: Callable[[dict[str, Any]], None] | None = None
    doc: str = ""


def _require_one_of(values: dict[str, Any], *names: str, exactly: bool = False) -> None:
    present = [name for name in names if name in values]
    if exactly and len(present) != 1:
        raise RuleError("Give exactly one of: {names}.", names=", ".join(names))
    if not present:
        raise RuleError("Give at least one of: {names}.", names=", ".join(names))


def _check_patterns(values: dict[str, Any], *names: str) -> None:
    for name in names:
        if name in values:
            try:
                compile_pattern(
                    values[name], ignore_case=values["ignore_case"], ignore_accents=values["ignore_accents"]
                )
            except RuleError as exc:
                raise exc.within(name) from None


def _check_existence(values: dict[str, Any]) -> None:
    _require_one_of(values, "words", "pattern")
    _check_patterns(values, "pattern")


def _check_conditional(values: dict[str, Any]) -> None:
    _require_one_of(values, "if_words", "if_pattern", exactly=True)
    _require_one_of(values, "then_words", "then_pattern", exactly=True)
    _check_patterns(values, "if_pattern", "then_pattern")


def _check_min_max(values: dict[str, Any], *, need_one: bool) -> None:
    if need_one:
        _require_one_of(values, "min", "max")
    if "min" in values and "max" in values and values["min"] > values["max"]:
        raise RuleError(
            "The minimum ({minimum}) is above the maximum ({maximum}).",
            "min",
            minimum=values["min"],
            maximum=values["max"],
        )


KINDS: dict[str, KindSchema] = {
    "existence": KindSchema(
        {"words": p.Param(p.terms), "pattern": p.Param(p.text), **_FOLDING},
        _check_existence,
        "words: list of words/phrases that must not appear; pattern: a regular expression. "
        "ignore_case/ignore_accents (default true): “gratis” also catches “GRATIS” and “grátis”.",
    ),
    "substitution": KindSchema(
        {"replace": p.Param(p.replacements, required=True), **_FOLDING},
        None,
        "replace: mapping wrong → right (“write right, not wrong”); the fix is offered in the editor.",
    ),
    "capitalization": KindSchema(
        {"terms": p.Param(p.terms, required=True), "ignore_accents": p.Param(p.boolean, True)},
        None,
        "terms: names that must be written exactly (“PautaCo”); other spellings are flagged.",
    ),
    "occurrence": KindSchema(
        {
            "what": p.Param(p.choice(*OCCURRENCE_TARGETS), required=True),
            "min": p.Param(p.integer(0, 1000)),
            "max": p.Param(p.integer(0, 1000)),
        },
        lambda values: _check_min_max(values, need_one=True),
        "what: hashtags | mentions | links | emojis | exclamations; min and/or max count.",
    ),
    "length": KindSchema(
        {"min": p.Param(p.integer(1, 100_000)), "max": p.Param(p.integer(1, 100_000))},
        lambda values: _check_min_max(values, need_one=False),
        "max: limit in the network's own unit (default: the network's limit, Mastodon 500 with "
        "URLs as 23, Bluesky 300 graphemes); min: minimum length in characters.",
    ),
    "conditional": KindSchema(
        {
            "if_words": p.Param(p.terms),
            "if_pattern": p.Param(p.text),
            "then_words": p.Param(p.terms),
            "then_pattern": p.Param(p.text),
            **_FOLDING,
        },
        _check_conditional,
        "When if_words/if_pattern appears, then_words/then_pattern must appear too "
        "(e.g. #ad or #publi requires “Publicidad”).",
    ),
    "shouting": KindSchema(
        {"max_ratio": p.Param(p.number(0.05, 1.0), 0.5), "min_letters": p.Param(p.integer(1, 1000), 10)},
        None,
        "max_ratio: highest share of upper-case letters; texts with fewer than min_letters letters "
        "are not judged. Links, mentions and hashtags do not count.",
    ),
    "tone": KindSchema(
        {"words": p.Param(p.terms, required=True), **_FOLDING},
        None,
        "words: aggressive or dismissive expressions to avoid in posts and replies.",
    ),
    "readability": KindSchema(
        {
            "formula": p.Param(p.choice(*FORMULAS), "auto"),
            "min_score": p.Param(p.number(-100.0, 150.0), 50.0),
            "min_words": p.Param(p.integer(1, 10_000), 20),
        },
        None,
        "min_score: lowest reading-ease score accepted; formula auto picks Fernández-Huerta for "
        "Spanish and Flesch for English; texts under min_words words are not judged.",
    ),
    "media": KindSchema(
        {"min_alt_length": p.Param(p.integer(1, 1500), 10)},
        None,
        "min_alt_length: every image needs alt text of at least this many characters.",
    ),
}
