"""Fast paths for the common case of text that fits in Latin-1.

Spanish and English posts are mostly Latin-1 (accents, ñ, ¿, ¡) with a few characters beyond it
(emoji, curly quotes, €). Byte-level operations on the Latin-1 part are an order of magnitude
faster than per-character work in Python, so callers handle the bytes in bulk and only the
runs beyond Latin-1 one by one.
"""

from __future__ import annotations

from collections.abc import Iterator

import regex

_BEYOND = regex.compile("[^\\x00-\\xff]+")


def encode(text: str) -> tuple[bytes, bool]:
    """``text`` as Latin-1 bytes (``?`` in place of anything beyond), and whether it all fitted."""
    raw = text.encode("latin-1", "replace")
    return raw, raw.count(b"?") == text.count("?")


def runs_beyond(text: str) -> Iterator[regex.Match[str]]:
    """Maximal runs of characters beyond Latin-1, in order."""
    return _BEYOND.finditer(text)
