"""The shape every rule check follows once its spec has been compiled."""

from __future__ import annotations

from itertools import islice
from typing import Any

from calendar_app.styleguide.context import LintContext
from calendar_app.styleguide.findings import Finding
from calendar_app.styleguide.lexicon import Hit, Lexicon
from calendar_app.styleguide.prefilter import first_char_pattern, required_literals
from calendar_app.styleguide.regex_safety import build_pattern, pattern_source
from calendar_app.styleguide.spec import RuleSpec

#: Enough for the editor to show every problem in a post without letting one rule flood the list.
MAX_FINDINGS_PER_RULE = 50


class Check:
    #: True when the rule can only fire on a word-list hit, so the engine skips it otherwise.
    lexicon_driven: bool = False

    def __init__(self, index: int, spec: RuleSpec, *, language: str) -> None:
        self.index = index
        self.spec = spec
        self.params = spec.params
        self.language = language

    def register(self, lexicon: Lexicon) -> None:
        """Add this rule's words to the guide-wide lexicon (word-list rules only)."""

    def run(self, ctx: LintContext) -> list[Finding]:
        raise NotImplementedError

    def finding(
        self,
        *,
        start: int | None = None,
        end: int | None = None,
        suggestion: str | None = None,
        **detail: Any,
    ) -> Finding:
        return Finding(
            rule_index=self.index,
            rule_id=self.spec.id,
            kind=self.spec.kind,
            level=self.spec.level,
            message=self.spec.message,
            suggestion=suggestion,
            start=start,
            end=end,
            detail=detail,
        )

    def add_terms(self, lexicon: Lexicon, terms: list[str], payload: Any = None) -> None:
        case = self.params.get("ignore_case", True)
        accents = self.params.get("ignore_accents", True)
        for term in terms:
            lexicon.add(term, rule_index=self.index, case=case, accents=accents, payload=payload)

    def prose_hits(self, ctx: LintContext) -> list[Hit]:
        """This rule's word-list hits, leaving out those inside links (a URL is not prose)."""
        hits = ctx.hits.get(self.index, [])
        if not ctx.link_spans:
            return hits
        return [hit for hit in hits if not ctx.in_link(hit.start, hit.end)]


class CompiledPattern:
    """A user pattern ready to run: the regex plus the literals any match must contain."""

    def __init__(self, pattern: str, *, ignore_case: bool, ignore_accents: bool) -> None:
        source, _flags = pattern_source(pattern, ignore_case=ignore_case, ignore_accents=ignore_accents)
        self.regex = build_pattern(pattern, ignore_case=ignore_case, ignore_accents=ignore_accents)
        self.literals = required_literals(source, ignore_case=ignore_case)
        self.first_char = None if self.literals else first_char_pattern(source, ignore_case=ignore_case)

    def could_match(self, text: str) -> bool:
        if self.literals is not None:
            for literal in self.literals:
                if literal in text:
                    return True
            return False
        return self.first_char is None or self.first_char.search(text) is not None


class PatternMixin:
    """Runs a user regular expression on the right folded view, within the text's time budget."""

    params: dict[str, Any]

    def compile_param(self, name: str) -> CompiledPattern | None:
        if name not in self.params:
            return None
        return CompiledPattern(
            self.params[name],
            ignore_case=self.params["ignore_case"],
            ignore_accents=self.params["ignore_accents"],
        )

    def pattern_spans(self, ctx: LintContext, pattern: CompiledPattern) -> list[tuple[int, int]]:
        """Original-text spans of the matches; raises TimeoutError when the budget runs out.

        The pattern runs on the same folded view as the word lists (case-folded when it ignores
        case, which the IGNORECASE flag makes harmless), so one folding serves both.
        """
        view = ctx.view(case=self.params["ignore_case"], accents=self.params["ignore_accents"])
        if not pattern.could_match(view.text):
            return []
        if pattern.regex.search(view.text, timeout=ctx.remaining()) is None:
            return []
        matches = islice(pattern.regex.finditer(view.text, timeout=ctx.remaining()), MAX_FINDINGS_PER_RULE)
        return [view.span(*match.span()) for match in matches]
