"""Finding English left on a page shown in Spanish.

A page is read twice, in English and in Spanish, with the same data. A piece of text that is the same in
both and is (part of) one of the catalogue's English messages of two words or more was not translated:
the data (titles, names, links) is the same in both languages too, which is why only the catalogue's own
phrases count. Messages the translator kept identical on purpose (msgstr == msgid) do not count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import polib
from django.conf import settings

PLACEHOLDER = re.compile(r"%\(\w+\)[sdfi]|%[sdfi]|\{\w*\}")
TAG = re.compile(r"<[^>]+>")
WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
# Every text a person (or a screen reader) meets: text nodes, and the attributes that are read out or shown.
PAGE_TEXTS_JS = """() => {
    const texts = [document.title];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
        const parent = walker.currentNode.parentElement;
        if (parent && !parent.closest("script, style, template, textarea, code, pre")) {
            texts.push(walker.currentNode.textContent);
        }
    }
    for (const el of document.querySelectorAll("[placeholder], [aria-label], [title], img[alt]")) {
        for (const name of ["placeholder", "aria-label", "title", "alt"]) {
            if (el.hasAttribute(name)) texts.push(el.getAttribute(name));
        }
    }
    return texts.map(t => t.replace(/\\s+/g, " ").trim()).filter(t => t);
}"""


def catalogue_path() -> Path:
    return Path(settings.LOCALE_PATHS[0]) / "es" / "LC_MESSAGES" / "django.po"


@dataclass(frozen=True)
class Phrase:
    """One stretch of literal text of a message (split at markup and placeholders become wildcards)."""

    msgid: str
    pattern: re.Pattern


def _fragments(message: str) -> list[str]:
    return [part.strip() for part in TAG.split(message) if part.strip()]


def _text_core(text: str) -> str:
    """Without the punctuation, numbering and quotes around it: "4. Use at most…", ": Approved by…"."""
    return re.sub(r"^[\W\d_]+|[\W_]+$", "", text)


def _pattern(fragment: str) -> re.Pattern | None:
    """The fragment as a whole-text pattern, its placeholders (%(name)s) matching anything."""
    fragment = re.sub(r"^[^\w%]+|[^\w]+$", "", fragment)
    literal = PLACEHOLDER.split(fragment)
    if max(len(WORD.findall(piece)) for piece in literal) < 2:  # "%(a)s to %(b)s" would match any text
        return None
    pieces = [r"\s+".join(map(re.escape, piece.split())) for piece in literal]
    return re.compile(r"\s*.*?\s*".join(pieces), re.DOTALL)


def catalogue_phrases(path: Path) -> list[Phrase]:
    phrases = []
    for entry in polib.pofile(str(path)):
        if entry.obsolete or (entry.msgstr and entry.msgstr == entry.msgid):
            continue
        for message in filter(None, (entry.msgid, entry.msgid_plural)):
            for fragment in _fragments(message):
                pattern = _pattern(fragment)
                if pattern is not None:
                    phrases.append(Phrase(entry.msgid, pattern))
    return phrases


def page_texts(page) -> list[str]:
    return page.evaluate(PAGE_TEXTS_JS)


def same_in_both(english: list[str], spanish: list[str]) -> list[str]:
    """Texts of two words or more found unchanged on the Spanish page, in page order."""
    spanish_set = set(spanish)
    seen, same = set(), []
    for text in english:
        if text in spanish_set and text not in seen and len(WORD.findall(text)) >= 2:
            seen.add(text)
            same.append(text)
    return same


def untranslated(texts: list[str], phrases: list[Phrase]) -> list[tuple[str, str]]:
    """(text on the page, the catalogue message it comes from) for each text that is an English message.
    A text is the whole of a message (or of one part of it, split at markup), or of one of the pieces the
    pages join with " · ": data that merely contains a catalogue phrase does not count."""
    found = []
    for text in texts:
        candidates = [_text_core(part) for part in [text, *text.split(" · ")]]
        for phrase in phrases:
            if any(candidate and phrase.pattern.fullmatch(candidate) for candidate in candidates):
                found.append((text, phrase.msgid))
                break
    return found
