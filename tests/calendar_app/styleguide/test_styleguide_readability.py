"""Syllables and reading-ease formulas for Spanish and English."""

import pytest

from calendar_app.styleguide.readability import (
    TextStats,
    english_syllables,
    fernandez_huerta,
    flesch_reading_ease,
    reading_ease,
    spanish_syllables,
    szigriszt_pazos,
    text_stats,
)


@pytest.mark.parametrize(
    ("word", "syllables"),
    [
        ("casa", 2),
        ("ciudad", 2),
        ("día", 2),
        ("país", 2),
        ("aéreo", 4),
        ("Paraguay", 3),
        ("hoy", 1),
        ("y", 1),
        ("queso", 2),
        ("pingüino", 3),
        ("prohibir", 3),
        ("reúne", 3),
        ("leyes", 2),
        ("ñandú", 2),
        ("Sr", 1),
    ],
)
def test_spanish_syllables(word, syllables):
    assert spanish_syllables(word) == syllables


@pytest.mark.parametrize(
    ("word", "syllables"),
    [
        ("cat", 1),
        ("table", 2),
        ("make", 1),
        ("liked", 1),
        ("wanted", 2),
        ("beautiful", 3),
        ("community", 4),
        ("radio", 3),
        ("nation", 2),
        ("the", 1),
    ],
)
def test_english_syllables(word, syllables):
    assert english_syllables(word) == syllables


def test_formulas_on_known_counts():
    stats = TextStats(words=100, sentences=5, syllables=200)
    assert fernandez_huerta(stats) == pytest.approx(206.84 - 60 * 2 - 1.02 * 20)
    assert szigriszt_pazos(stats) == pytest.approx(206.835 - 62.3 * 2 - 20)
    assert flesch_reading_ease(stats) == pytest.approx(206.835 - 1.015 * 20 - 84.6 * 2)


def test_shorter_sentences_read_easier_in_fernandez_huerta():
    long_sentences = TextStats(words=100, sentences=2, syllables=200)
    short_sentences = TextStats(words=100, sentences=10, syllables=200)
    assert fernandez_huerta(short_sentences) > fernandez_huerta(long_sentences)


def test_text_stats_leave_out_links_tags_and_mentions():
    stats = text_stats("Hola @ana, mira https://example.com/una-ruta-larga #oferta. ¿Vienes?\nSí", "es")
    assert stats == TextStats(words=4, sentences=3, syllables=7)


def test_reading_ease_of_an_empty_text_is_none():
    assert reading_ease("123 🎉", formula="auto", language="es")[0] is None
