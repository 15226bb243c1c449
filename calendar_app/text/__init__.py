"""Unicode-aware text utilities shared by posts, style rules and pre-flight (no Django imports)."""

from calendar_app.text.counting import (
    NETWORK_LIMITS,
    bluesky_length,
    grapheme_count,
    mastodon_length,
    network_length,
)
from calendar_app.text.folding import FoldedText, fold, fold_string
from calendar_app.text.links import LinkSpan, extract_links

__all__ = [
    "NETWORK_LIMITS",
    "FoldedText",
    "LinkSpan",
    "bluesky_length",
    "extract_links",
    "fold",
    "fold_string",
    "grapheme_count",
    "mastodon_length",
    "network_length",
]
