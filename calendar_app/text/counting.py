"""Post length as each network counts it.

- Mastodon (StatusLengthValidator): user-perceived characters (grapheme clusters); every
  ``http(s)://`` URL counts as 23 whatever its length (bare ``www.`` links count in full, because
  Mastodon only shortens links with a scheme); a remote mention ``@user@instance`` counts only as
  ``@user``.
- Bluesky: grapheme clusters of the whole text, links included, limit 300.
"""

from __future__ import annotations

from collections.abc import Iterator

import regex

from calendar_app.text.entities import MENTION
from calendar_app.text.links import extract_links

NETWORK_LIMITS: dict[str, int] = {"mastodon": 500, "bluesky": 300}
MASTODON_URL_LENGTH = 23

_GRAPHEME = regex.compile(r"\X")


def grapheme_count(text: str) -> int:
    """Characters as a reader counts them: é (e + U+0301), 🇪🇸 and 👩‍👩‍👧 are one each."""
    if text.isascii():
        return len(text) - text.count("\r\n")
    return len(_GRAPHEME.findall(text))


def bluesky_length(text: str) -> int:
    return grapheme_count(text)


def mastodon_length(text: str) -> int:
    entities = _mastodon_entities(text)
    if not entities:
        return grapheme_count(text)
    total = 0
    position = 0
    for start, end, cost in entities:
        total += grapheme_count(text[position:start]) + cost
        position = end
    return total + grapheme_count(text[position:])


def network_length(text: str, network: str | None) -> int:
    """Length in the unit of ``network``; graphemes for anything else (webhooks, no network)."""
    if network == "mastodon":
        return mastodon_length(text)
    return grapheme_count(text)


def overflow_start(text: str, network: str | None, limit: int) -> int | None:
    """Index of the first character past ``limit``, so the editor can mark the overflow."""
    total = 0
    units = _mastodon_units(text) if network == "mastodon" else _grapheme_units(text, 0)
    for cost, start, _end in units:
        total += cost
        if total > limit:
            return start
    return None


def _grapheme_units(text: str, offset: int) -> Iterator[tuple[int, int, int]]:
    for match in _GRAPHEME.finditer(text):
        yield 1, match.start() + offset, match.end() + offset


def _mastodon_entities(text: str) -> list[tuple[int, int, int]]:
    """``(start, end, cost)`` of the entities Mastodon counts at a fixed or reduced length."""
    entities = [(link.start, link.end, MASTODON_URL_LENGTH) for link in extract_links(text) if link.has_scheme]
    if "@" in text:
        for match in MENTION.finditer(text):
            if match.group("domain") and not any(s <= match.start() < e for s, e, _ in entities):
                entities.append((match.start(), match.end(), 1 + len(match.group("user"))))
    entities.sort()
    return entities


def _mastodon_units(text: str) -> Iterator[tuple[int, int, int]]:
    """The text as ``(cost, start, end)`` pieces in order: graphemes, URLs and mentions."""
    position = 0
    for start, end, cost in _mastodon_entities(text):
        yield from _grapheme_units(text[position:start], position)
        yield cost, start, end
        position = end
    yield from _grapheme_units(text[position:], position)
