"""Case and accent folding with a way back to exact spans in the original text."""

import random
import unicodedata

import pytest

from calendar_app.text.folding import fold, fold_string

FAMILY = "👩\u200d👩\u200d👧"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("GRATIS", "gratis"),
        ("grátis", "gratis"),
        ("GRÁTIS", "gratis"),
        ("gra\u0301tis", "gratis"),
        ("Naïve Café", "naive cafe"),
        ("AÑO año", "año año"),
        ("an\u0303o", "año"),
        ("Straße", "strasse"),
        ("¿Qué? ¡Sí!", "¿que? ¡si!"),
    ],
)
def test_full_folding(text, expected):
    assert fold_string(text) == expected


def test_folding_variants():
    assert fold_string("GRÁTIS", case=False, accents=True) == "GRATIS"
    assert fold_string("GRÁTIS", case=True, accents=False) == "grátis"
    assert fold_string("gra\u0301tis", case=False, accents=False) == "grátis"


def test_n_with_tilde_stays_a_letter_of_its_own():
    assert fold_string("año") != fold_string("ano")


def test_identity_texts_need_no_index_map():
    folded = fold("Hola GRATIS ñandú " + FAMILY)
    assert folded.starts is None
    assert folded.span(5, 11) == (5, 11)


def _check_spans(text, **flags):
    """Every folded character maps back to original characters whose folding produced it."""
    folded = fold(text, **flags)
    for index, ch in enumerate(folded.text):
        start, end = folded.span(index, index + 1)
        assert start < end
        assert ch in fold_string(text[start:end], **flags) or ch in fold_string(text[start], **flags)
    return folded


def test_spans_across_combining_accents_map_to_the_whole_grapheme():
    text = "¡Oferta gra\u0301tis ya!"
    folded = _check_spans(text)
    start = folded.text.index("gratis")
    assert folded.span(start, start + 6) == (8, 15)
    assert text[8:15] == "gra\u0301tis"


def test_spans_after_expanding_characters():
    text = "Die STRASSE und die Straße, GRÁTIS"
    folded = _check_spans(text)
    start = folded.text.index("strasse", 10)
    assert text[slice(*folded.span(start, start + 7))] == "Straße"


def test_spans_after_emoji_and_decomposed_n_tilde():
    text = f"{FAMILY} an\u0303o gra\u0301tis"
    folded = _check_spans(text)
    start = folded.text.index("año")
    assert text[slice(*folded.span(start, start + 3))] == "an\u0303o"
    start = folded.text.index("gratis")
    assert text[slice(*folded.span(start, start + 6))] == "gra\u0301tis"


def test_random_texts_fold_consistently():
    pool = [*"aAñÑéÉ ¿¡ßİ", "e\u0301", "n\u0303", "\u0301", FAMILY, "ﬁ", "Σ"]
    rng = random.Random(11)
    for _ in range(500):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(1, 20)))
        for case in (True, False):
            for accents in (True, False):
                folded = fold(text, case=case, accents=accents)
                assert unicodedata.normalize("NFC", folded.text) == folded.text or not accents
                if folded.text:
                    assert folded.span(0, len(folded.text))[1] <= len(text)
