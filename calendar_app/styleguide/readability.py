"""Reading-ease scores for Spanish and English posts.

- Fernández-Huerta (1959), in its corrected form (Law, 2011):
  ``206.84 − 60 · syllables/words − 1.02 · words/sentences``. The form often quoted online
  (``− 1.02 · sentences per 100 words``) scores shorter sentences as *harder*, which is the error.
- Szigriszt-Pazos (1993, "perspicuidad"): ``206.835 − 62.3 · syllables/words − words/sentences``.
- Flesch reading ease (1948): ``206.835 − 1.015 · words/sentences − 84.6 · syllables/words``.

Higher is easier on all three scales (about 60–70 reads as "normal" for adults). Links, mentions
and hashtags are not prose, so they are left out before counting.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import regex

from calendar_app.text.entities import HASHTAG, MENTION

DEFAULT_FORMULA = {"es": "fernandez_huerta", "en": "flesch"}

_NOT_PROSE = regex.compile(r"(?i)\b(?:https?://|www\.)\S+")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
#: A sentence is a stretch holding at least one letter, up to . ! ? … or a line break.
_SENTENCE = re.compile(r"[^\W\d_][^.!?…\n]*")

_ES_VOWELS = frozenset("aeiouáéíóúü")
_ES_OPEN = frozenset("aeoáéóíú")  # accented í/ú break a diphthong, like open vowels ("día", "país")
_EN_SILENT_END = re.compile(r"(?:[^laeiouy]es|[^laeiouytd]ed|[^laeiouy]e)$")
_EN_VOWEL_GROUP = re.compile(r"[aeiouy]+")
#: Vowel pairs read as two syllables ("radio", "science"), except in -tion, -cial, -gion...
_EN_HIATUS = re.compile(r"(?<![tscg])i[aou]")


@dataclass(frozen=True, slots=True)
class TextStats:
    words: int
    sentences: int
    syllables: int


def spanish_syllables(word: str) -> int:
    """Vowel nuclei, splitting hiatus (two open vowels, or an accented í/ú next to a vowel)."""
    w = word.lower()
    count = 0
    previous = ""
    for index, ch in enumerate(w):
        is_vowel = ch in _ES_VOWELS or (
            ch == "y"
            and (index + 1 == len(w) or w[index + 1] not in _ES_VOWELS)
            and (index > 0 or len(w) == 1)
        )
        if is_vowel:
            if not previous or (previous in _ES_OPEN and ch in _ES_OPEN):
                count += 1
            previous = ch
        else:
            previous = ""
    return max(count, 1)


def english_syllables(word: str) -> int:
    """Vowel groups, minus the usual silent endings ("-es", "-ed", final "e"), plus split pairs."""
    w = word.lower().replace("’", "'").split("'")[0]
    if len(w) <= 3:
        return 1
    w = _EN_SILENT_END.sub("", w)
    w = w[1:] if w.startswith("y") else w
    return max(len(_EN_VOWEL_GROUP.findall(w)) + len(_EN_HIATUS.findall(w)), 1)


class _SyllableCache(dict):
    """Word → syllables, filled on first sight; posts reuse a small vocabulary."""

    def __init__(self, count: Callable[[str], int]) -> None:
        super().__init__()
        self.count = count

    def __missing__(self, word: str) -> int:
        if len(self) > _CACHE_LIMIT:
            self.clear()
        value = self[word] = self.count(word)
        return value


_CACHE_LIMIT = 100_000
_SYLLABLES = {"es": _SyllableCache(spanish_syllables), "en": _SyllableCache(english_syllables)}


def text_stats(text: str, language: str, *, prose: bool = False) -> TextStats:
    """Words, sentences and syllables; ``prose=True`` when links and tags are already blanked out."""
    if not prose:
        text = MENTION.sub(" ", HASHTAG.sub(" ", _NOT_PROSE.sub(" ", text)))
    words = _WORD.findall(text)
    syllables = _SYLLABLES["es" if language == "es" else "en"]
    return TextStats(len(words), len(_SENTENCE.findall(text)), sum(map(syllables.__getitem__, words)))


def fernandez_huerta(stats: TextStats) -> float:
    return 206.84 - 60 * stats.syllables / stats.words - 1.02 * stats.words / stats.sentences


def szigriszt_pazos(stats: TextStats) -> float:
    return 206.835 - 62.3 * stats.syllables / stats.words - stats.words / stats.sentences


def flesch_reading_ease(stats: TextStats) -> float:
    return 206.835 - 1.015 * stats.words / stats.sentences - 84.6 * stats.syllables / stats.words


FORMULAS = {
    "fernandez_huerta": (fernandez_huerta, "es"),
    "szigriszt_pazos": (szigriszt_pazos, "es"),
    "flesch": (flesch_reading_ease, "en"),
}


def resolve_formula(formula: str, language: str) -> str:
    return DEFAULT_FORMULA.get(language, "flesch") if formula == "auto" else formula


def reading_ease(
    text: str, *, formula: str, language: str, prose: bool = False
) -> tuple[float | None, TextStats]:
    """``(score, stats)``; the score is None for a text without words."""
    name = resolve_formula(formula, language)
    function, formula_language = FORMULAS[name]
    stats = text_stats(text, formula_language, prose=prose)
    if not stats.words:
        return None, stats
    return function(stats), stats
