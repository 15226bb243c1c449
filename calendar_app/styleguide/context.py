"""Per-text state shared by all the rules of one lint run, computed at most once."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

from calendar_app.styleguide.lexicon import Hit, Lexicon, Variant
from calendar_app.text import entities, latin1
from calendar_app.text.counting import network_length, overflow_start
from calendar_app.text.folding import FoldedText, fold
from calendar_app.text.links import LinkSpan, extract_links


class _lazy:  # noqa: N801 - used as a decorator, like functools.cached_property
    """``cached_property`` without the lock Python 3.11 takes on every first access.

    A lint context lives in one thread, and the lock costs more than most properties compute.
    """

    def __init__(self, func: Callable[[Any], Any]) -> None:
        self.func = func
        self.name = func.__name__

    def __get__(self, instance: Any, owner: type | None = None) -> Any:
        if instance is None:
            return self
        value = instance.__dict__[self.name] = self.func(instance)
        return value


_LATIN1_UPPER = bytes(code for code in range(256) if chr(code).isupper())
_LATIN1_LOWER = bytes(code for code in range(256) if chr(code).islower())


def _case_counts(text: str) -> tuple[int, int]:
    """``(upper-case, cased)`` letters: Latin-1 by byte deletion, the rest (emoji...) one by one."""
    raw, fits = latin1.encode(text)
    upper = len(raw) - len(raw.translate(None, _LATIN1_UPPER))
    lower = len(raw) - len(raw.translate(None, _LATIN1_LOWER))
    if not fits:
        for match in latin1.runs_beyond(text):
            upper += sum(map(str.isupper, match.group()))
            lower += sum(map(str.islower, match.group()))
    return upper, upper + lower


class LintContext:
    """One text being linted: its folded views, entities and lengths, each computed on first use."""

    def __init__(
        self,
        text: str,
        *,
        network: str | None,
        media: Sequence[Any],
        language: str,
        lexicon: Lexicon,
        deadline: float,
    ) -> None:
        self.text = text
        self.network = network
        self.media = media
        self.language = language
        self.deadline = deadline
        self._lexicon = lexicon
        self._folded: dict[Variant, FoldedText] = {}
        self._lengths: dict[str | None, int] = {}
        self._overflows: dict[tuple[str | None, int], int | None] = {}

    def remaining(self) -> float:
        """Seconds left in this text's budget (for regex timeouts); TimeoutError once it is spent."""
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError
        return left

    def view(self, *, case: bool, accents: bool) -> FoldedText:
        key = (case, accents)
        folded = self._folded.get(key)
        if folded is None:
            folded = self._folded[key] = fold(self.text, case=case, accents=accents)
        return folded

    @_lazy
    def hits(self) -> dict[int, list[Hit]]:
        return self._lexicon.scan(self.text, self._folded)

    @_lazy
    def links(self) -> list[LinkSpan]:
        return extract_links(self.text)

    @_lazy
    def link_spans(self) -> list[tuple[int, int]]:
        return [(link.start, link.end) for link in self.links]

    def in_link(self, start: int, end: int) -> bool:
        return any(s < end and start < e for s, e in self.link_spans)

    @_lazy
    def mention_spans(self) -> list[tuple[int, int]]:
        if "@" not in self.text:
            return []
        return [span for span in entities.spans(entities.MENTION, self.text) if not self.in_link(*span)]

    @_lazy
    def hashtag_spans(self) -> list[tuple[int, int]]:
        if "#" not in self.text:
            return []
        return [span for span in entities.spans(entities.HASHTAG, self.text) if not self.in_link(*span)]

    @_lazy
    def emoji_spans(self) -> list[tuple[int, int]]:
        return [] if self.text.isascii() else entities.emoji_spans(self.text)

    @_lazy
    def exclamation_spans(self) -> list[tuple[int, int]]:
        if "!" not in self.text:
            return []
        return [span for span in entities.spans(entities.EXCLAMATION, self.text) if not self.in_link(*span)]

    @_lazy
    def prose(self) -> str:
        """The text with links, mentions and hashtags blanked out (same length, same indices)."""
        spans = self.link_spans + self.mention_spans + self.hashtag_spans
        if not spans:
            return self.text
        pieces = []
        position = 0
        for start, end in sorted(spans):
            if start >= position:
                pieces.append(self.text[position:start])
                pieces.append(" " * (end - start))
                position = end
        pieces.append(self.text[position:])
        return "".join(pieces)

    @_lazy
    def letter_case_counts(self) -> tuple[int, int]:
        """``(upper-case letters, cased letters)`` in the prose, for the shouting rule."""
        return _case_counts(self.prose)

    def overflow(self, network: str | None, limit: int) -> int | None:
        key = (network, limit)
        if key not in self._overflows:
            self._overflows[key] = overflow_start(self.text, network, limit, links=self.links)
        return self._overflows[key]

    def length(self, network: str | None) -> int:
        unit = "mastodon" if network == "mastodon" else None
        if unit not in self._lengths:
            self._lengths[unit] = network_length(self.text, unit, links=self.links)
        return self._lengths[unit]
