"""Checks driven by words and patterns: existence, tone, substitution, brand terms, conditional."""

from __future__ import annotations

import unicodedata

from calendar_app.styleguide.checks.base import MAX_FINDINGS_PER_RULE, Check, PatternMixin
from calendar_app.styleguide.context import LintContext
from calendar_app.styleguide.findings import Finding
from calendar_app.styleguide.lexicon import Lexicon


class ExistenceCheck(PatternMixin, Check):
    """Words, phrases or a pattern that must not appear."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.pattern = self.compile_param("pattern")
        self.lexicon_driven = self.pattern is None

    def register(self, lexicon: Lexicon) -> None:
        self.add_terms(lexicon, self.params.get("words", []))

    def run(self, ctx: LintContext) -> list[Finding]:
        spans = self.pattern_spans(ctx, self.pattern) if self.pattern is not None else []
        if self.index in ctx.hits:
            spans.extend((hit.start, hit.end) for hit in self.prose_hits(ctx))
        if not spans:
            return []
        return [
            self.finding(start=start, end=end, match=ctx.text[start:end])
            for start, end in sorted(set(spans))[:MAX_FINDINGS_PER_RULE]
        ]


class ToneCheck(ExistenceCheck):
    """Aggressive or dismissive expressions; same matching as a word list."""


class SubstitutionCheck(Check):
    """Write X, not Y: the finding carries X, in the case the author used for Y."""

    lexicon_driven = True

    def register(self, lexicon: Lexicon) -> None:
        for wrong, right in self.params["replace"].items():
            self.add_terms(lexicon, [wrong], payload=right)

    def run(self, ctx: LintContext) -> list[Finding]:
        findings = []
        for hit in self.prose_hits(ctx)[:MAX_FINDINGS_PER_RULE]:
            written = ctx.text[hit.start : hit.end]
            findings.append(
                self.finding(
                    start=hit.start,
                    end=hit.end,
                    suggestion=match_case(written, hit.entry.payload),
                    match=written,
                )
            )
        return findings


class CapitalizationCheck(Check):
    """Brand names and terms that must be written exactly; any other spelling is flagged."""

    lexicon_driven = True

    def register(self, lexicon: Lexicon) -> None:
        accents = self.params["ignore_accents"]
        for term in self.params["terms"]:
            lexicon.add(term, rule_index=self.index, case=True, accents=accents, payload=term)

    def run(self, ctx: LintContext) -> list[Finding]:
        findings = []
        for hit in self.prose_hits(ctx):
            written = ctx.text[hit.start : hit.end]
            expected = hit.entry.payload
            if unicodedata.normalize("NFC", " ".join(written.split())) == expected:
                continue
            if any(s <= hit.start and hit.end <= e for s, e in ctx.mention_spans):
                continue
            findings.append(self.finding(start=hit.start, end=hit.end, suggestion=expected, match=written))
        return findings[:MAX_FINDINGS_PER_RULE]


class ConditionalCheck(PatternMixin, Check):
    """If a trigger appears, a required word or pattern must appear too (outside the trigger)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.if_pattern = self.compile_param("if_pattern")
        self.then_pattern = self.compile_param("then_pattern")
        self.lexicon_driven = self.if_pattern is None

    def register(self, lexicon: Lexicon) -> None:
        self.add_terms(lexicon, self.params.get("if_words", []), payload="if")
        self.add_terms(lexicon, self.params.get("then_words", []), payload="then")

    def run(self, ctx: LintContext) -> list[Finding]:
        hits = self.prose_hits(ctx)
        triggers = [(hit.start, hit.end) for hit in hits if hit.entry.payload == "if"]
        if self.if_pattern is not None:
            triggers.extend(self.pattern_spans(ctx, self.if_pattern))
        if not triggers:
            return []
        required = [(hit.start, hit.end) for hit in hits if hit.entry.payload == "then"]
        if self.then_pattern is not None:
            required.extend(self.pattern_spans(ctx, self.then_pattern))
        if any(not _overlaps(span, triggers) for span in required):
            return []
        start, end = min(triggers)
        then_words = self.params.get("then_words")
        return [
            self.finding(
                start=start,
                end=end,
                suggestion=then_words[0] if then_words else None,
                trigger=ctx.text[start:end],
                required=then_words or [self.params["then_pattern"]],
            )
        ]


def _overlaps(span: tuple[int, int], others: list[tuple[int, int]]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in others)


def match_case(written: str, replacement: str) -> str:
    """Offer the replacement in the author's casing: "EMAIL" → "CORREO", "Email" → "Correo"."""
    letters = [ch for ch in written if ch.isalpha()]
    if len(letters) > 1 and all(ch.isupper() for ch in letters):
        return replacement.upper()
    if letters and letters[0].isupper() and replacement[:1].islower():
        return replacement[:1].upper() + replacement[1:]
    return replacement
