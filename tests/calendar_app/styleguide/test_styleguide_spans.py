"""Finding spans index the text exactly as written, whatever Unicode sits before them."""

import pytest

from calendar_app.styleguide import compile_guide

FAMILY = "👩\u200d👩\u200d👧"

GUIDE = compile_guide(
    [
        {
            "kind": "existence",
            "level": "error",
            "message": "m",
            "params": {"words": ["gratis", "última oportunidad"]},
        },
        {
            "kind": "substitution",
            "level": "suggestion",
            "message": "m",
            "params": {"replace": {"e-mail": "correo"}},
        },
        {"kind": "capitalization", "level": "warning", "message": "m", "params": {"terms": ["PautaCo"]}},
        {"kind": "existence", "level": "warning", "message": "m", "params": {"pattern": r"niño\w*"}},
        {"kind": "occurrence", "level": "warning", "message": "m", "params": {"what": "emojis", "max": 1}},
    ],
    language="es",
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"{FAMILY} ¡GRATIS!", ["GRATIS"]),
        (f"{FAMILY}{FAMILY} ¿Gra\u0301tis? Sí", ["Gra\u0301tis", FAMILY]),
        ("Cafe\u0301 y an\u0303o: U\u0301LTIMA  oportunidad", ["U\u0301LTIMA  oportunidad"]),
        ("¿Ñandú? ¡Manda un E-MAIL!", ["E-MAIL"]),
        (f"🇪🇸 {FAMILY} pautaco", ["pautaco", FAMILY]),
        ("Straße und Pautaco", ["Pautaco"]),
        ("Los NIN\u0303OS y las niñas", ["NIN\u0303OS"]),
    ],
)
def test_spans_cut_the_original_text_exactly(text, expected):
    findings = [f for f in GUIDE.lint(text) if f.start is not None]
    assert [text[f.start : f.end] for f in findings] == expected


def test_span_of_an_emoji_covers_every_code_point():
    text = f"Hola {FAMILY} y {FAMILY}"
    (finding,) = [f for f in GUIDE.lint(text) if f.kind == "occurrence"]
    assert (finding.start, finding.end) == (text.rindex(FAMILY), len(text))


def test_as_dict_carries_everything_the_editor_needs():
    text = f"{FAMILY} Manda un e-mail"
    (finding,) = GUIDE.lint(text)
    assert finding.as_dict() == {
        "rule_index": 1,
        "rule_id": None,
        "kind": "substitution",
        "level": "suggestion",
        "message": "m",
        "suggestion": "correo",
        "start": text.index("e-mail"),
        "end": len(text),
        "detail": {"match": "e-mail"},
    }
