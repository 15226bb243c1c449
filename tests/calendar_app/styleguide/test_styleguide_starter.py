"""The starter guides new workspaces get, in Spanish and English."""

import pytest

from calendar_app.styleguide import compile_guide, guide_from_yaml, starter_rules, starter_yaml


@pytest.mark.parametrize("language", ["es", "en"])
def test_starter_guides_load_and_cover_the_usual_advice(language):
    rules = starter_rules(language)
    kinds = {rule.kind for rule in rules}
    assert {
        "shouting",
        "tone",
        "conditional",
        "media",
        "occurrence",
        "capitalization",
        "substitution",
    } <= kinds
    assert {"length", "readability"} <= kinds
    assert [r.params["what"] for r in rules if r.kind == "occurrence"][:2] == ["hashtags", "links"]
    assert next(r for r in rules if r.kind == "readability").level == "suggestion"
    assert guide_from_yaml(starter_yaml(language)) == (language, rules)
    assert starter_yaml(language).startswith("#")


def test_unknown_starter_language():
    with pytest.raises(ValueError):
        starter_yaml("fr")


def _kinds(findings):
    return sorted({f.rule_id for f in findings})


def test_spanish_starter_on_a_post_that_breaks_everything():
    guide = compile_guide(starter_rules("es"), language="es")
    text = (
        "¡¡¡NO TE LO PIERDAS, OFERTA EN PAUTACO, ENVÍOS PARA TODOS!!! Mándanos un e-mail. "
        "#publi #moda #otoño #rebajas https://a.example https://b.example https://c.example"
    )
    findings = guide.lint(text, network="mastodon", media=[{"alt_text": "foto"}])
    assert _kinds(findings) == [
        "exclamaciones",
        "maximo-enlaces",
        "maximo-hashtags",
        "nombre-de-marca",
        "palabras-preferidas",
        "publicidad",
        "sin-gritos",
        "texto-alternativo",
    ]
    disclosure = next(f for f in findings if f.rule_id == "publicidad")
    assert disclosure.level == "error" and disclosure.suggestion == "Publicidad"


def test_spanish_starter_lets_a_good_post_through():
    guide = compile_guide(starter_rules("es"), language="es")
    text = "Publicidad · Hoy abrimos la tienda de PautaCo en Sevilla. Te esperamos. #otoño https://a.example"
    assert guide.lint(text, network="bluesky", media=[{"alt_text": "Fachada de la tienda"}]) == []


def test_english_starter_on_a_reply_that_loses_the_tone():
    guide = compile_guide(starter_rules("en"), language="en")
    findings = guide.lint("@sam Obviously you have no idea, that's your problem. #ad", network="mastodon")
    assert _kinds(findings) == ["ad-disclosure", "tone"]
    assert guide.lint("Ad: @sam thanks, we're on it. #ad", network="mastodon") == []
