"""Case and accent folding that remembers where every folded character came from.

Style rules match words against a folded copy of a post ("GRÁTIS" → "gratis"), but the editor must
underline the exact characters the author typed. Folding can change the length of the text
(``ß`` → ``ss``, ``e`` + U+0301 → ``e``), so a folded text carries, for each of its characters, the
span of the original characters it stands for.

Two things are deliberately not folded away:
- ``ñ`` stays distinct from ``n``: Spanish treats it as a letter of its own ("año" is not "ano");
- characters outside the combining classes (emoji, ZWJ, variation selectors) are kept untouched, so
  a multi-codepoint emoji maps back to its full original span.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cached_property, lru_cache

from calendar_app.text import latin1

_TILDE = "\u0303"


def _strip_marks(decomposed: str) -> str:
    kept: list[str] = []
    for ch in decomposed:
        if unicodedata.combining(ch):
            if ch == _TILDE and kept and kept[-1] in "nN":
                kept.append(ch)
            continue
        kept.append(ch)
    return "".join(kept)


@lru_cache(maxsize=8192)
def fold_char(ch: str, case: bool, accents: bool) -> str:
    """Fold one code point; the result may be empty (a lone mark) or longer (``ß`` → ``ss``)."""
    out = ch.casefold() if case else ch
    if accents:
        out = _strip_marks(unicodedata.normalize("NFD", out))
    return unicodedata.normalize("NFC", out)


def fold_string(text: str, *, case: bool = True, accents: bool = True) -> str:
    """Fold a term or a pattern the same way texts are folded (no index map needed)."""
    return fold(text, case=case, accents=accents).text


class _FoldTable(dict):
    """A ``str.translate`` table that folds each code point on first sight and remembers it.

    ``seen`` and ``irregular`` (characters whose folding is not one-to-one, or that are marks)
    let ``fold`` decide with set operations whether a text can take the index-preserving path.
    """

    def __init__(self, case: bool, accents: bool) -> None:
        super().__init__()
        self.case = case
        self.accents = accents
        self.seen: set[str] = set()
        self.irregular: set[str] = set()

    def __missing__(self, code: int) -> str:
        folded = fold_char(chr(code), self.case, self.accents)
        self[code] = folded
        return folded

    @cached_property
    def latin1_table(self) -> tuple[bytes, bytes]:
        """A byte table for texts that fit in Latin-1, and the bytes it cannot fold one-to-one."""
        table = bytearray(range(256))
        irregular = bytearray()
        for code in range(256):
            folded = self[code]
            if len(folded) == 1 and ord(folded) < 256 and not unicodedata.combining(chr(code)):
                table[code] = ord(folded)
            else:
                irregular.append(code)
        return bytes(table), bytes(irregular)

    def learn(self, chars: set[str]) -> None:
        for ch in chars - self.seen:
            if len(self[ord(ch)]) != 1 or unicodedata.combining(ch):
                self.irregular.add(ch)
            self.seen.add(ch)


_TABLES: dict[tuple[bool, bool], _FoldTable] = {}


def _table(case: bool, accents: bool) -> _FoldTable:
    key = (case, accents)
    table = _TABLES.get(key)
    if table is None:
        table = _TABLES[key] = _FoldTable(case, accents)
    return table


@dataclass(frozen=True, slots=True)
class FoldedText:
    """A folded text; ``starts``/``ends`` are None when folding kept every index in place."""

    original: str
    text: str
    starts: tuple[int, ...] | None = None
    ends: tuple[int, ...] | None = None

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a ``[start, end)`` span of the folded text to the original text."""
        if self.starts is None or self.ends is None:
            return start, end
        if start >= len(self.text):
            return len(self.original), len(self.original)
        if end <= start:
            return self.starts[start], self.starts[start]
        return self.starts[start], self.ends[end - 1]


def fold(text: str, *, case: bool = True, accents: bool = True) -> FoldedText:
    """Fold ``text`` for case- and/or accent-insensitive matching, keeping the way back.

    Most posts fold one character to one character, so indices stay put and no map is built.
    Latin-1 characters are folded with a byte table; only the few characters beyond it (emoji,
    curly quotes) go through ``str.translate``.
    """
    if text.isascii():
        return FoldedText(text, text.lower() if case else text)
    table = _table(case, accents)
    byte_table, irregular_bytes = table.latin1_table
    raw, fits = latin1.encode(text)
    if any(code in raw for code in irregular_bytes):
        return _fold_mapped(text, case, accents)
    folded = raw.translate(byte_table).decode("latin-1")
    if fits:
        return FoldedText(text, folded)
    pieces: list[str] = []
    position = 0
    for match in latin1.runs_beyond(text):
        run = match.group()
        chars = set(run)
        if not chars <= table.seen:
            table.learn(chars)
        if not table.irregular.isdisjoint(chars):
            return _fold_mapped(text, case, accents)
        pieces.append(folded[position : match.start()])
        pieces.append(run.translate(table))
        position = match.end()
    pieces.append(folded[position:])
    return FoldedText(text, "".join(pieces))


def _fold_mapped(text: str, case: bool, accents: bool) -> FoldedText:
    """Slow path for texts whose folding moves indices: build the per-character map."""
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for index, ch in enumerate(text):
        if unicodedata.combining(ch) and out:
            if _attach_mark(out, ch, accents):
                ends[-1] = index + 1
                continue
        for piece in fold_char(ch, case, accents):
            out.append(piece)
            starts.append(index)
            ends.append(index + 1)
    return FoldedText(text, "".join(out), tuple(starts), tuple(ends))


def _attach_mark(out: list[str], mark: str, accents: bool) -> bool:
    """Merge a combining mark into the previous folded character; False if it must stand alone."""
    if accents and not (mark == _TILDE and out[-1] in "nN"):
        return True
    composed = unicodedata.normalize("NFC", out[-1] + mark)
    if len(composed) == 1:
        out[-1] = composed
        return True
    return False
