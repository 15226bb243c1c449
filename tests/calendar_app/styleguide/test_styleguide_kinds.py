"""Each rule kind, with Spanish and English texts: what it flags, what it lets through."""

from types import SimpleNamespace

import pytest

from calendar_app.styleguide import compile_guide
from calendar_app.text.folding import fold_string


def lint(rule, text, *, language="es", network=None, media=()):
    rule = {"level": "warning", "message": "m", **rule}
    return compile_guide([rule], language=language).lint(text, network=network, media=media)


def flagged(findings, text):
    return [text[f.start : f.end] for f in findings]


# existence ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["Envío GRATIS hoy", "Envío grátis hoy", "Envío GRÁTIS hoy", "Envío gra\u0301tis hoy", "¡Gratis!"],
)
def test_existence_catches_case_and_accent_variants(text):
    findings = lint({"kind": "existence", "params": {"words": ["gratis"]}}, text)
    assert len(findings) == 1
    assert fold_string(flagged(findings, text)[0]) == "gratis"


def test_existence_matches_whole_words_and_phrases_only():
    rule = {"kind": "existence", "params": {"words": ["gratis", "free shipping"]}}
    assert lint(rule, "Gratistas y freeshipping no cuentan") == []
    text = "Get FREE   shipping today"
    assert flagged(lint(rule, text, language="en"), text) == ["FREE   shipping"]


def test_existence_can_be_case_and_accent_sensitive():
    rule = {
        "kind": "existence",
        "params": {"words": ["Gratis"], "ignore_case": False, "ignore_accents": False},
    }
    assert flagged(lint(rule, "gratis Gratis Grátis"), "gratis Gratis Grátis") == ["Gratis"]


def test_existence_keeps_n_tilde_distinct():
    rule = {"kind": "existence", "params": {"words": ["ano"]}}
    assert lint(rule, "Feliz año nuevo") == []


def test_existence_pattern_in_spanish_and_english():
    rule = {"kind": "existence", "params": {"pattern": r"\b\d{1,2}\s?% de descuento"}}
    text = "¡Hoy 20 % DE DESCUENTO en todo!"
    assert flagged(lint(rule, text), text) == ["20 % DE DESCUENTO"]
    rule = {"kind": "existence", "params": {"pattern": r"\blast (?:chance|day)\b"}}
    text = "Hurry, LAST CHANCE to join"
    assert flagged(lint(rule, text, language="en"), text) == ["LAST CHANCE"]


def test_existence_pattern_is_accent_insensitive_on_both_sides():
    rule = {"kind": "existence", "params": {"pattern": r"último día"}}
    text = "Es el ULTIMO DÍA y el u\u0301ltimo dia"
    assert flagged(lint(rule, text), text) == ["ULTIMO DÍA", "u\u0301ltimo dia"]


def test_existence_ignores_words_inside_links():
    rule = {"kind": "existence", "params": {"words": ["gratis"]}}
    assert lint(rule, "Más en https://example.com/gratis") == []


# tone --------------------------------------------------------------------------------------


def test_tone_flags_dismissive_expressions_in_replies():
    rule = {"kind": "tone", "params": {"words": ["no tienes ni idea", "cállate"]}}
    text = "@ana NO tienes\nni idea. Callate ya."
    assert flagged(lint(rule, text), text) == ["NO tienes\nni idea", "Callate"]
    rule = {"kind": "tone", "params": {"words": ["calm down", "obviously"]}}
    text = "Obviously you should calm   down."
    assert flagged(lint(rule, text, language="en"), text) == ["Obviously", "calm   down"]


# substitution ------------------------------------------------------------------------------


def test_substitution_offers_the_fix_in_the_authors_casing():
    rule = {"kind": "substitution", "params": {"replace": {"email": "correo electrónico", "link": "enlace"}}}
    text = "Manda un Email o un EMAIL con el link"
    findings = lint(rule, text)
    assert flagged(findings, text) == ["Email", "EMAIL", "link"]
    assert [f.suggestion for f in findings] == ["Correo electrónico", "CORREO ELECTRÓNICO", "enlace"]


def test_substitution_in_english():
    rule = {"kind": "substitution", "params": {"replace": {"utilize": "use", "in order to": "to"}}}
    text = "We utilize this in order to help."
    findings = lint(rule, text, language="en")
    assert [(text[f.start : f.end], f.suggestion) for f in findings] == [
        ("utilize", "use"),
        ("in order to", "to"),
    ]


# capitalization ----------------------------------------------------------------------------


def test_capitalization_flags_other_spellings_of_brand_terms():
    rule = {"kind": "capitalization", "params": {"terms": ["PautaCo", "WhatsApp"]}}
    text = "PautaCo, Pautaco y PAUTACO en Whatsapp; @pautaco no cuenta"
    findings = lint(rule, text)
    assert flagged(findings, text) == ["Pautaco", "PAUTACO", "Whatsapp"]
    assert [f.suggestion for f in findings] == ["PautaCo", "PautaCo", "WhatsApp"]
    assert lint(rule, "Follow PautaCo on WhatsApp", language="en") == []


def test_capitalization_ignores_links():
    rule = {"kind": "capitalization", "params": {"terms": ["PautaCo"]}}
    assert lint(rule, "https://pautaco.example/") == []


# occurrence --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("what", "text", "count", "excess"),
    [
        ("hashtags", "#uno #dos #tres #cuatro #2024 a#b", 4, "#tres"),
        (
            "mentions",
            "@ana @bob@mastodon.social @carla.bsky.social ana@example.com @dan",
            4,
            "@carla.bsky.social",
        ),
        ("links", "https://a.es www.b.es https://c.es/x ana@d.es", 3, "https://c.es/x"),
        ("emojis", "👩\u200d👩\u200d👧 🇪🇸 👍🏽 ©", 3, "👍🏽"),
        ("exclamations", "¡Hola! ¡Qué bien! ¡Sí!", 3, "!"),
    ],
)
def test_occurrence_maximum(what, text, count, excess):
    findings = lint({"kind": "occurrence", "params": {"what": what, "max": 2}}, text)
    assert len(findings) == 1
    assert findings[0].detail == {"what": what, "count": count, "max": 2}
    assert text[findings[0].start : findings[0].end] == excess


def test_occurrence_minimum_in_english():
    rule = {"kind": "occurrence", "params": {"what": "hashtags", "min": 1}}
    (finding,) = lint(rule, "No tags here", language="en")
    assert (finding.start, finding.end, finding.detail["count"]) == (None, None, 0)
    assert lint(rule, "One #tag", language="en") == []


# length ------------------------------------------------------------------------------------


def test_length_uses_each_networks_limit_and_unit():
    rule = {"kind": "length"}
    text = "x" * 290 + " https://example.com/" + "y" * 100
    assert lint(rule, text, network="mastodon") == []
    (finding,) = lint(rule, text, network="bluesky")
    assert finding.detail == {"network": "bluesky", "length": len(text), "max": 300}
    assert (finding.start, finding.end) == (300, len(text))
    both = lint(rule, "x" * 600)
    assert [(f.detail["network"], f.start) for f in both] == [("bluesky", 300), ("mastodon", 500)]


def test_length_counts_emoji_as_one_on_bluesky():
    text = "👩\u200d👩\u200d👧" * 300
    assert lint({"kind": "length"}, text, network="bluesky") == []


def test_length_minimum_and_explicit_maximum():
    (short,) = lint({"kind": "length", "params": {"min": 20}}, "Too short", language="en")
    assert short.detail == {"length": 9, "min": 20}
    (long,) = lint({"kind": "length", "params": {"max": 10}}, "Demasiado largo", network="webhook")
    assert long.detail["max"] == 10
    assert lint({"kind": "length"}, "x" * 1000, network="webhook") == []


# conditional -------------------------------------------------------------------------------

AD_RULE = {"kind": "conditional", "params": {"if_words": ["#ad", "#publi"], "then_words": ["Publicidad"]}}


def test_conditional_requires_the_disclosure_when_tagged():
    text = "Nuevo sérum 😍 #publi"
    (finding,) = lint(AD_RULE, text)
    assert text[finding.start : finding.end] == "#publi"
    assert finding.suggestion == "Publicidad"
    assert lint(AD_RULE, "PUBLICIDAD · Nuevo sérum #publi") == []
    assert lint(AD_RULE, "Nuevo sérum sin etiqueta") == []
    assert lint(AD_RULE, "#adidas no es publicidad") == []


def test_conditional_trigger_does_not_satisfy_itself():
    rule = {"kind": "conditional", "params": {"if_words": ["#ad"], "then_words": ["Ad"]}}
    assert len(lint(rule, "New serum #ad", language="en")) == 1
    assert lint(rule, "Ad: new serum #ad", language="en") == []


def test_conditional_with_patterns():
    rule = {"kind": "conditional", "params": {"if_pattern": r"\d+\s?%", "then_pattern": r"condiciones|T&C"}}
    assert len(lint(rule, "¡20% en todo!")) == 1
    assert lint(rule, "¡20% en todo! Consulta condiciones.") == []


# shouting ----------------------------------------------------------------------------------


def test_shouting_in_spanish_and_english():
    rule = {"kind": "shouting", "params": {"max_ratio": 0.5, "min_letters": 10}}
    (finding,) = lint(rule, "¡¡ÚLTIMAS UNIDADES DEL AÑO, CORRED!!")
    assert finding.detail["ratio"] == 1.0
    assert lint(rule, "Últimas unidades del año en la TIENDA.") == []
    assert len(lint(rule, "ONLY TODAY: EVERYTHING MUST GO", language="en")) == 1


def test_shouting_ignores_links_tags_mentions_and_short_texts():
    rule = {"kind": "shouting", "params": {"max_ratio": 0.5, "min_letters": 10}}
    assert lint(rule, "OK") == []
    assert lint(rule, "Mira HTTPS://EXAMPLE.COM/OFERTA con @PAUTACO y #REBAJAS hoy mismo") == []


# readability -------------------------------------------------------------------------------

HARD_ES = (
    "La implementación de metodologías interdisciplinarias contemporáneas, fundamentalmente "
    "orientadas a la optimización organizacional, constituye indudablemente una prioridad "
    "institucional extraordinariamente significativa para nuestras comunidades latinoamericanas."
)
EASY_ES = (
    "Hoy abrimos la tienda. Ven a vernos. Hay café para todos. Te esperamos con ganas. Trae a tus amigos."
)
HARD_EN = (
    "The implementation of contemporary interdisciplinary methodologies, fundamentally oriented "
    "towards organizational optimization, constitutes an extraordinarily significant institutional "
    "priority for international communities."
)
EASY_EN = "We open the shop today. Come and see us. There is free tea for all. We can't wait. Bring a friend."


def test_readability_uses_fernandez_huerta_for_spanish():
    rule = {"kind": "readability", "params": {"min_score": 55, "min_words": 15}}
    (finding,) = lint(rule, HARD_ES)
    assert finding.detail["formula"] == "fernandez_huerta"
    assert finding.detail["score"] < 55
    assert lint(rule, EASY_ES) == []


def test_readability_uses_flesch_for_english_and_accepts_szigriszt():
    rule = {"kind": "readability", "params": {"min_score": 50, "min_words": 15}}
    (finding,) = lint(rule, HARD_EN, language="en")
    assert finding.detail["formula"] == "flesch"
    assert lint(rule, EASY_EN, language="en") == []
    rule = {"kind": "readability", "params": {"formula": "szigriszt_pazos", "min_score": 55, "min_words": 15}}
    assert lint(rule, HARD_ES)[0].detail["formula"] == "szigriszt_pazos"


def test_readability_skips_texts_too_short_to_judge():
    rule = {"kind": "readability", "params": {"min_score": 99, "min_words": 20}}
    assert lint(rule, "Interdisciplinariedad extraordinaria.") == []


# media -------------------------------------------------------------------------------------


def test_media_needs_alt_text_of_minimum_length():
    rule = {"kind": "media", "params": {"min_alt_length": 10}}
    media = [
        {"alt_text": "Equipo de PautaCo en la feria"},
        {"alt_text": "  foto  "},
        SimpleNamespace(alt_text=None),
        SimpleNamespace(alt_text="Team photo at the fair"),
    ]
    findings = lint(rule, "Texto", media=media)
    assert [(f.detail["media_index"], f.detail["alt_length"]) for f in findings] == [(1, 4), (2, 0)]
    assert lint(rule, "Text without images", language="en") == []
