"""Length as Mastodon and Bluesky count it, and grapheme clusters."""

import random

import pytest
import regex

from calendar_app.text.counting import (
    NETWORK_LIMITS,
    bluesky_length,
    grapheme_count,
    mastodon_length,
    network_length,
    overflow_start,
)

FAMILY = "👩\u200d👩\u200d👧"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", 0),
        ("hola", 4),
        ("año ¿qué? ¡sí!", 14),
        ("cafe\u0301", 4),
        (FAMILY, 1),
        ("🇪🇸🇲🇽", 2),
        ("1\ufe0f\u20e3", 1),
        ("👍🏽", 1),
        ("a\r\nb", 3),
        ("\u1100\u1161\u11a8", 1),
    ],
)
def test_grapheme_count(text, expected):
    assert grapheme_count(text) == expected


def test_grapheme_count_agrees_with_unicode_segmentation_on_random_texts():
    pool = [
        *"ab ñé¿¡\r\n",
        "e\u0301",
        FAMILY,
        "🇪🇸",
        "👍🏽",
        "1\ufe0f\u20e3",
        "가",
        "\u1100",
        "\u0301",
        "\u200d",
    ]
    rng = random.Random(7)
    for _ in range(3000):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(0, 25)))
        assert grapheme_count(text) == len(regex.findall(r"\X", text)), repr(text)


def test_network_limits():
    assert NETWORK_LIMITS == {"mastodon": 500, "bluesky": 300}


def test_mastodon_counts_every_url_as_23_characters():
    short = "Mira https://a.es"
    long = "Mira https://example.com/" + "x" * 200
    assert mastodon_length(short) == 5 + 23
    assert mastodon_length(long) == 5 + 23


def test_mastodon_counts_bare_www_links_in_full():
    assert mastodon_length("www.example.com") == len("www.example.com")


def test_mastodon_counts_remote_mentions_by_username_only():
    assert mastodon_length("Hola @ana@mastodon.social") == len("Hola @ana")
    assert mastodon_length("Hola @ana") == len("Hola @ana")


def test_mastodon_counts_user_perceived_characters():
    assert mastodon_length(f"{FAMILY} cafe\u0301 ñ") == 8


def test_mastodon_limit_boundary_with_links():
    text = "a" * 476 + " https://example.com/" + "x" * 300
    assert mastodon_length(text) == 500
    assert overflow_start(text, "mastodon", 500) is None
    assert overflow_start(text + "!", "mastodon", 500) == len(text)


def test_bluesky_counts_graphemes_including_links():
    text = "Mira https://example.com/abc " + FAMILY
    assert bluesky_length(text) == len("Mira https://example.com/abc ") + 1
    assert network_length(text, "bluesky") == bluesky_length(text)
    assert network_length(text, "webhook") == bluesky_length(text)


def test_overflow_start_points_at_the_first_grapheme_past_the_limit():
    text = FAMILY * 3 + "abc"
    assert overflow_start(text, "bluesky", 3) == len(FAMILY) * 3
    assert overflow_start(text, "bluesky", 1) == len(FAMILY)
    assert overflow_start(text, "bluesky", 6) is None
    assert overflow_start("x" * 9 + " https://example.com", "mastodon", 12) == 10
    assert overflow_start("x" * 9 + " https://example.com", "mastodon", 33) is None


def test_a_link_glued_to_a_word_is_not_shortened():
    assert mastodon_length("x" * 10 + "https://example.com") == 10 + len("https://example.com")
