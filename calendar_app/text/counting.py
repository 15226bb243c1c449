"""Post length as each network counts it.

- Mastodon (StatusLengthValidator): user-perceived characters (grapheme clusters); every
  ``http(s)://`` URL counts as 23 whatever its length (bare ``www.`` links count in full, because
  Mastodon only shortens links with a scheme); a remote mention ``@user@instance`` counts only as
  ``@user``.
- Bluesky: grapheme clusters of the whole text, links included, limit 300.

Counting grapheme clusters with ``\\X`` over a whole post is slow in Python terms, and most
characters are clusters on their own. Only characters whose Grapheme_Cluster_Break property is
not "Other" (marks, ZWJ, emoji modifiers, regional indicators, Hangul jamo, CR...) can join a
neighbour, so ``\\X`` only runs around those; in Latin-1 only CR is one of them.
"""

from __future__ import annotations

import regex

from calendar_app.text import latin1
from calendar_app.text.entities import MENTION
from calendar_app.text.links import LinkSpan, extract_links

NETWORK_LIMITS: dict[str, int] = {"mastodon": 500, "bluesky": 300}
MASTODON_URL_LENGTH = 23

_GRAPHEME = regex.compile(r"\X")
_JOINING = regex.compile(r"[^\p{Grapheme_Cluster_Break=Other}\p{Grapheme_Cluster_Break=Control}\n]")


def grapheme_count(text: str) -> int:
    """Characters as a reader counts them: é (e + U+0301), 🇪🇸 and 👩‍👩‍👧 are one each."""
    if "\r" not in text and (text.isascii() or latin1.encode(text)[1]):
        return len(text)
    count = 0
    position = 0
    for match in _JOINING.finditer(text):
        joining = match.start()
        if joining < position:
            continue
        base = max(position, joining - 1)
        count += base - position
        position = base
        while position <= joining:
            position = _GRAPHEME.match(text, position).end()
            count += 1
    return count + len(text) - position


def bluesky_length(text: str) -> int:
    return grapheme_count(text)


def mastodon_length(text: str, *, links: list[LinkSpan] | None = None) -> int:
    """Mastodon's count; pass ``links`` when they are already extracted from ``text``."""
    total = 0
    position = 0
    for start, end, cost in _mastodon_entities(text, links):
        total += grapheme_count(text[position:start]) + cost
        position = end
    return total + grapheme_count(text[position:])


def network_length(text: str, network: str | None, *, links: list[LinkSpan] | None = None) -> int:
    """Length in the unit of ``network``; graphemes for anything else (webhooks, no network)."""
    if network == "mastodon":
        return mastodon_length(text, links=links)
    return grapheme_count(text)


def overflow_start(
    text: str, network: str | None, limit: int, *, links: list[LinkSpan] | None = None
) -> int | None:
    """Index of the first character past ``limit``, so the editor can mark the overflow."""
    entities = _mastodon_entities(text, links) if network == "mastodon" else []
    total = 0
    position = 0
    for start, end, cost in [*entities, (len(text), len(text), 0)]:
        gap = text[position:start]
        length = grapheme_count(gap)
        if total + length > limit:
            return position + _grapheme_offset(gap, limit - total)
        total += length
        if total + cost > limit:
            return start
        total += cost
        position = end
    return None


def _grapheme_offset(text: str, clusters: int) -> int:
    """Index where cluster number ``clusters`` (0-based) of ``text`` starts."""
    if "\r" not in text and (text.isascii() or latin1.encode(text)[1]):
        return min(clusters, len(text))
    count = 0
    position = 0
    for match in _JOINING.finditer(text):
        joining = match.start()
        if joining < position:
            continue
        base = max(position, joining - 1)
        if count + base - position > clusters:
            break
        count += base - position
        position = base
        while position <= joining:
            if count == clusters:
                return position
            position = _GRAPHEME.match(text, position).end()
            count += 1
    return min(position + clusters - count, len(text))


def _mastodon_entities(text: str, links: list[LinkSpan] | None) -> list[tuple[int, int, int]]:
    """``(start, end, cost)`` of the entities Mastodon counts at a fixed or reduced length."""
    if links is None:
        links = extract_links(text)
    entities = [(link.start, link.end, MASTODON_URL_LENGTH) for link in links if link.has_scheme]
    if "@" in text:
        for match in MENTION.finditer(text):
            if match.group("domain") and not any(s <= match.start() < e for s, e, _ in entities):
                entities.append((match.start(), match.end(), 1 + len(match.group("user"))))
    entities.sort()
    return entities
