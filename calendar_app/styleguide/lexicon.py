"""Every word list of a guide, matched in one pass over the text.

A guide may hold hundreds of word-list rules; scanning the text once per rule would make linting
scale with the size of the guide. Instead all terms that share a folding (case- and/or
accent-insensitive) are merged into one trie-shaped regular expression: at each position the
engine follows a single branch, so a scan costs about the same for 10 terms or 10,000. The trie
holds only literal text, so it cannot backtrack catastrophically and runs on the standard ``re``.

Terms match whole words: "gratis" does not match inside "gratistas". A space in a term matches any
run of whitespace. A term that is a prefix of a longer one ("gratis" / "gratis total") is
reported too, and overlapping terms are all found.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any, NamedTuple

from calendar_app.text.folding import FoldedText, fold, fold_string

_WORD_CHARS = r"\w\u0300-\u036f"
_WORD = re.compile(f"[{_WORD_CHARS}]")
_BEFORE = f"(?<![{_WORD_CHARS}])"
_AFTER = f"(?![{_WORD_CHARS}])"

Variant = tuple[bool, bool]  # (ignore case, ignore accents)


class Entry(NamedTuple):
    """A term as one rule registered it; ``payload`` is the rule's own data (a replacement...)."""

    rule_index: int
    term: str
    payload: Any = None


class Hit(NamedTuple):
    entry: Entry
    start: int
    end: int


class _Trie:
    def __init__(self) -> None:
        self.root: dict[str, Any] = {}

    def add(self, term: str) -> None:
        node = self.root
        for ch in term:
            node = node.setdefault(ch, {})
        node[""] = term

    def prefixes(self, term: str) -> list[str]:
        """Other terms that ``term`` starts with, ending on a word boundary inside it."""
        found: list[str] = []
        node = self.root
        for index, ch in enumerate(term[:-1]):
            node = node[ch]
            if "" in node and not (_WORD.match(ch) and _WORD.match(term[index + 1])):
                found.append(node[""])
        return found

    def patterns(self) -> tuple[str | None, str | None]:
        """Regexes for the terms that start with a word character, and for the others (``#ad``)."""
        word_start = {ch: sub for ch, sub in self.root.items() if ch and _WORD.match(ch)}
        other_start = {ch: sub for ch, sub in self.root.items() if ch and not _WORD.match(ch)}
        return (
            _BEFORE + "(?:" + _branches(word_start, "") + ")" if word_start else None,
            _branches(other_start, "") if other_start else None,
        )


def _branches(children: dict[str, Any], last: str) -> str:
    """Alternation over a trie node: longer continuations first, the end of a term last."""
    options = [_atom(ch) + _branches(sub, ch) for ch, sub in children.items() if ch]
    if "" in children:
        options.append(_AFTER if _WORD.match(last) else "")
    return options[0] if len(options) == 1 else "(?:" + "|".join(options) + ")"


def _atom(ch: str) -> str:
    return r"\s+" if ch == " " else re.escape(ch)


class _Matcher:
    """All terms of one folding variant, as two trie regexes.

    One holds the terms that start with a word character; the other those that do not (``#ad``),
    and it is skipped when none of their first characters occurs in the text.
    """

    def __init__(self, entries: dict[str, list[Entry]]) -> None:
        trie = _Trie()
        for folded in entries:
            trie.add(folded)
        word_pattern, other_pattern = trie.patterns()
        self.entries = entries
        self.prefixes = {folded: trie.prefixes(folded) for folded in entries}
        self.word_pattern = re.compile(word_pattern) if word_pattern else None
        self.other_pattern = re.compile(other_pattern) if other_pattern else None
        self.other_starts = "".join({folded[0] for folded in entries if not _WORD.match(folded[0])})

    def matches(self, text: str) -> list[re.Match[str]]:
        found: list[re.Match[str]] = []
        if self.word_pattern is not None:
            found.extend(_all_matches(self.word_pattern, text))
        if self.other_pattern is not None and any(ch in text for ch in self.other_starts):
            found.extend(_all_matches(self.other_pattern, text))
        return found


class Lexicon:
    """Collects terms from all rules, then scans texts for all of them at once."""

    def __init__(self) -> None:
        self._entries: dict[Variant, dict[str, list[Entry]]] = defaultdict(lambda: defaultdict(list))
        self._matchers: dict[Variant, _Matcher] = {}

    def add(self, term: str, *, rule_index: int, case: bool, accents: bool, payload: Any = None) -> None:
        folded = " ".join(fold_string(term, case=case, accents=accents).split())
        if folded:
            self._entries[(case, accents)][folded].append(Entry(rule_index, term, payload))

    def compile(self) -> None:
        self._matchers = {variant: _Matcher(entries) for variant, entries in self._entries.items()}

    def scan(self, text: str, folded: dict[Variant, FoldedText]) -> dict[int, list[Hit]]:
        """Hits per rule index; ``folded`` caches the folded text per variant between callers."""
        hits: dict[int, list[Hit]] = defaultdict(list)
        for variant, matcher in self._matchers.items():
            view = folded.get(variant)
            if view is None:
                view = folded[variant] = fold(text, case=variant[0], accents=variant[1])
            for match in matcher.matches(view.text):
                raw = match.group()
                matched = " ".join(raw.split())
                for term in (matched, *matcher.prefixes.get(matched, ())):
                    start, end = view.span(match.start(), match.start() + _span_length(raw, term))
                    for entry in matcher.entries[term]:
                        hits[entry.rule_index].append(Hit(entry, start, end))
        return hits


def _all_matches(pattern: re.Pattern[str], text: str) -> list[re.Match[str]]:
    """Every match, including those that start inside another ("muy gratis" / "gratis total").

    A term can only start where a word starts or at a non-word character, so only those
    positions inside a match are tried again; single-word matches need no extra work.
    """
    found: list[re.Match[str]] = []
    starts: set[int] = set()
    pending = list(pattern.finditer(text))
    while pending:
        match = pending.pop()
        if match.start() in starts:
            continue
        starts.add(match.start())
        found.append(match)
        raw = match.group()
        if raw.isalnum():
            continue
        for offset in range(1, len(raw)):
            if _WORD.match(raw, offset - 1) is None or _WORD.match(raw, offset) is None:
                inner = pattern.match(text, match.start() + offset)
                if inner is not None and inner.start() not in starts:
                    pending.append(inner)
    found.sort(key=lambda match: match.start())
    return found


def _span_length(matched: str, term: str) -> int:
    """Length in the folded text of ``term``, whose spaces may stand for longer whitespace."""
    if " " not in term:
        return len(term)
    index = 0
    for ch in term:
        if ch == " ":
            while index < len(matched) and matched[index].isspace():
                index += 1
        else:
            index += 1
    return index
