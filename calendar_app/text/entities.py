"""Hashtags, mentions, emoji and exclamation marks: the countable things in a post.

Kept beside the link extractor so that occurrence rules, the Mastodon length counter and the
editor agree on what a hashtag or a mention is.
"""

from __future__ import annotations

import regex

from calendar_app.text import latin1

#: A hashtag needs at least one letter ("#2024" is not a tag on Mastodon) and must not be glued
#: to a word, a URL path or an HTML entity.
HASHTAG = regex.compile(r"(?<![\w#/)&])#(\w*[^\W\d_]\w*)")

#: ``@user``, ``@user@instance.example`` (Mastodon) or ``@handle.bsky.social`` (Bluesky); never
#: the middle of an e-mail address.
MENTION = regex.compile(r"(?<![\w@/])@(?P<user>\w+(?:[\w.\-]*\w)?)(?:@(?P<domain>[\w\-]+(?:\.[\w\-]+)+))?")

#: One emoji as people see it: a flag, a keycap, or a pictograph with its modifiers, tags and
#: zero-width-joined companions (👩‍👩‍👧 is one emoji). Text-style symbols such as © only count
#: when they ask for emoji presentation (U+FE0F).
EMOJI = regex.compile(
    r"(?:\p{RI}{2}|[0-9#*]\uFE0F?\u20E3"
    r"|(?:\p{Emoji_Presentation}|\p{Extended_Pictographic}\uFE0F)\p{Emoji_Modifier}?[\U000E0020-\U000E007F]*"
    r"(?:\u200D\p{Extended_Pictographic}\uFE0F?\p{Emoji_Modifier}?)*)"
)

#: Only the closing mark counts, so "¡Hola!" is one exclamation in Spanish as "Hello!" is in English.
EXCLAMATION = regex.compile(r"!")


def emoji_spans(text: str) -> list[tuple[int, int]]:
    """Emoji spans, looking only around characters beyond Latin-1.

    Every emoji holds at least one such character and starts at most one character before it
    (a keycap digit, or © before U+FE0F), so the costly pattern only runs on those windows.
    """
    found: list[tuple[int, int]] = []
    if latin1.encode(text)[1]:
        return found
    for run in latin1.runs_beyond(text):
        found.extend(match.span() for match in EMOJI.finditer(text, max(run.start() - 1, 0), run.end()))
    return found


def spans(pattern: regex.Pattern[str], text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of every match of one of the patterns above."""
    return [match.span() for match in pattern.finditer(text)]
