"""Comparing what was sent with what a network shows back.

Mastodon returns a post as HTML (paragraphs, <br>, links split into spans); reconciliation has to
compare it with the plain text that was sent, so both sides are reduced to the same form.
"""

from __future__ import annotations

import unicodedata
from html.parser import HTMLParser


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append("\n")
        elif tag == "p" and self.parts:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def plain_text_from_html(html: str) -> str:
    extractor = _TextExtractor()
    extractor.feed(html)
    extractor.close()
    return "".join(extractor.parts)


def normalized_text(text: str) -> str:
    """Same letters in the same order; whitespace differences are not differences."""
    return " ".join(unicodedata.normalize("NFC", text).split())
