"""Checks that measure the whole text: occurrence counts, length, shouting, readability, media."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from calendar_app.styleguide.checks.base import Check
from calendar_app.styleguide.context import LintContext
from calendar_app.styleguide.findings import Finding
from calendar_app.styleguide.readability import reading_ease, resolve_formula
from calendar_app.text.counting import NETWORK_LIMITS, grapheme_count

_SPANS = {
    "hashtags": "hashtag_spans",
    "mentions": "mention_spans",
    "links": "link_spans",
    "emojis": "emoji_spans",
    "exclamations": "exclamation_spans",
}


class OccurrenceCheck(Check):
    """At least ``min`` and at most ``max`` hashtags, mentions, links, emojis or exclamation marks."""

    def run(self, ctx: LintContext) -> list[Finding]:
        what = self.params["what"]
        spans = getattr(ctx, _SPANS[what])
        count = len(spans)
        maximum = self.params.get("max")
        minimum = self.params.get("min")
        if maximum is not None and count > maximum:
            start, end = spans[maximum]
            return [self.finding(start=start, end=end, what=what, count=count, max=maximum)]
        if minimum is not None and count < minimum:
            return [self.finding(what=what, count=count, min=minimum)]
        return []


class LengthCheck(Check):
    """Per-network maximum (in the network's own unit) and a minimum length in characters."""

    def run(self, ctx: LintContext) -> list[Finding]:
        findings = []
        for network, limit in self._limits(ctx.network):
            length = ctx.length(network)
            if length > limit:
                start = ctx.overflow(network, limit)
                findings.append(
                    self.finding(start=start, end=len(ctx.text), network=network, length=length, max=limit)
                )
        minimum = self.params.get("min")
        if minimum is not None:
            length = ctx.length(None)
            if length < minimum:
                findings.append(self.finding(length=length, min=minimum))
        return findings

    def _limits(self, network: str | None) -> list[tuple[str | None, int]]:
        explicit = self.params.get("max")
        if network is None and explicit is not None:
            return [(None, explicit)]
        targets = [network] if network else list(self.spec.networks or NETWORK_LIMITS)
        limits = []
        for target in targets:
            limit = explicit if explicit is not None else NETWORK_LIMITS.get(target)
            if limit is not None:
                limits.append((target, limit))
        return limits


class ShoutingCheck(Check):
    """Too large a share of capital letters; links, mentions and hashtags are left out."""

    def run(self, ctx: LintContext) -> list[Finding]:
        upper, cased = ctx.letter_case_counts
        if cased < self.params["min_letters"]:
            return []
        ratio = upper / cased
        if ratio <= self.params["max_ratio"]:
            return []
        return [self.finding(ratio=round(ratio, 3), max_ratio=self.params["max_ratio"])]


class ReadabilityCheck(Check):
    """Reading ease below the threshold, with the formula of the workspace's language."""

    def run(self, ctx: LintContext) -> list[Finding]:
        formula = resolve_formula(self.params["formula"], self.language)
        score, stats = reading_ease(ctx.prose, formula=formula, language=self.language, prose=True)
        if score is None or stats.words < self.params["min_words"] or score >= self.params["min_score"]:
            return []
        return [
            self.finding(
                score=round(score, 1),
                min_score=self.params["min_score"],
                formula=formula,
                words=stats.words,
                sentences=stats.sentences,
                syllables=stats.syllables,
            )
        ]


class MediaCheck(Check):
    """Every image carries alt text of at least ``min_alt_length`` characters."""

    def run(self, ctx: LintContext) -> list[Finding]:
        minimum = self.params["min_alt_length"]
        findings = []
        for position, item in enumerate(ctx.media):
            alt = (_alt_text(item) or "").strip()
            length = grapheme_count(alt)
            if length < minimum:
                findings.append(self.finding(media_index=position, alt_length=length, min=minimum))
        return findings


def _alt_text(item: Any) -> str | None:
    if isinstance(item, Mapping):
        return item.get("alt_text")
    return getattr(item, "alt_text", None)
