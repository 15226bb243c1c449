"""Import and export of whole guides as YAML: round trip, and refusals that name the line."""

import textwrap

import pytest

from calendar_app.styleguide import GuideImportError, guide_from_yaml, guide_to_yaml, validate_rules

EVERY_KIND = [
    {
        "id": "gratis",
        "kind": "existence",
        "level": "error",
        "message": "Sin «gratis».",
        "params": {"words": ["gratis"]},
    },
    {
        "kind": "existence",
        "level": "warning",
        "message": "Precio",
        "params": {"pattern": r"\$\d+", "ignore_case": False},
    },
    {
        "kind": "substitution",
        "level": "suggestion",
        "message": "Mejor así",
        "params": {"replace": {"e-mail": "correo"}},
    },
    {"kind": "capitalization", "level": "warning", "message": "Marca", "params": {"terms": ["PautaCo"]}},
    {"kind": "occurrence", "level": "warning", "message": "Tags", "params": {"what": "hashtags", "max": 3}},
    {"kind": "length", "level": "error", "message": "Largo", "networks": ["bluesky"], "params": {"min": 10}},
    {
        "kind": "conditional",
        "level": "error",
        "message": "¡Publicidad!",
        "params": {"if_words": ["#ad", "#publi"], "then_words": ["Publicidad"]},
    },
    {"kind": "shouting", "level": "warning", "message": "NO GRITES", "enabled": False},
    {"kind": "tone", "level": "warning", "message": "Tono", "params": {"words": ["no", "cállate"]}},
    {
        "kind": "readability",
        "level": "suggestion",
        "message": "Legible",
        "params": {"formula": "szigriszt_pazos"},
    },
    {"kind": "media", "level": "error", "message": "Alt", "networks": ["mastodon", "webhook"]},
]


def test_round_trip_keeps_every_rule_exactly():
    rules = validate_rules(EVERY_KIND)
    text = guide_to_yaml(rules, language="es")
    assert "¡Publicidad!" in text and "cállate" in text
    language, imported = guide_from_yaml(text)
    assert language == "es"
    assert imported == rules
    assert guide_to_yaml(imported, language="es") == text


def test_the_word_no_stays_a_word():
    text = guide_to_yaml(validate_rules(EVERY_KIND), language="es")
    _language, imported = guide_from_yaml(text.replace("- 'no'", "- no"))
    assert imported[8].params["words"] == ["no", "cállate"]


def problems_of(text):
    with pytest.raises(GuideImportError) as caught:
        guide_from_yaml(textwrap.dedent(text))
    return caught.value.problems


def test_unknown_keys_are_refused_with_their_line():
    problems = problems_of(
        """\
        version: 1
        language: es
        rules:
          - kind: existence
            level: warning
            message: Evita gratis
            params:
              words: [gratis]
              whole_word: true
        """
    )
    assert problems == [
        (
            9,
            "Rule 1: Unknown parameter 'whole_word'; this kind takes: words, pattern, "
            "ignore_case, ignore_accents.",
        )
    ]


def test_unknown_top_level_keys_bad_version_and_language():
    problems = problems_of(
        """\
        version: 2
        language: fr
        author: ana
        rules: []
        """
    )
    assert [line for line, _ in problems] == [3, 1, 2]
    assert "Unknown key 'author'" in problems[0][1]


def test_every_bad_rule_is_reported_at_once_with_lines():
    problems = problems_of(
        """\
        version: 1
        language: en
        rules:
          - kind: existence
            level: warning
            message: ok
            params: {words: [free]}
          - kind: existence
            level: warning
            message: bad regex
            params:
              pattern: "(a+)+$"
          - kind: occurrence
            level: loud
            message: bad level
            params: {what: links, max: 2}
          - kind: tone
            level: warning
            message: empty list
            params:
              words: []
        """
    )
    assert [line for line, _ in problems] == [12, 14, 21]
    assert "Rule 2: The pattern nests repetitions" in problems[0][1]
    assert "Rule 3: Unknown level 'loud'" in problems[1][1]
    assert "Rule 4: The list of words is empty" in problems[2][1]


def test_bad_types_and_duplicates_are_refused():
    problems = problems_of(
        """\
        version: 1
        language: es
        rules:
          - id: a
            kind: occurrence
            level: warning
            message: tags
            params: {what: hashtags, max: "tres"}
          - id: b
            kind: media
            level: error
            level: warning
            message: alt
          - id: c
            kind: media
            level: error
            message: alt
          - id: c
            kind: media
            level: error
            message: alt
        """
    )
    assert problems == [(12, "Duplicate key 'level'.")]
    problems = problems_of(
        """\
        version: 1
        language: es
        rules:
          - {id: a, kind: occurrence, level: warning, message: tags, params: {what: hashtags, max: "tres"}}
          - {id: c, kind: media, level: error, message: alt}
          - {id: c, kind: media, level: error, message: alt}
        """
    )
    assert problems[0] == (4, "Rule 1: Expected a whole number between 0 and 1000.")
    assert problems[1] == (6, "Rule 3: the id 'c' is already used by rule 2.")


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("version: 1\nlanguage: es\nrules:\n  - kind: [unclosed\n", 5, "Not valid YAML"),
        ("- just\n- a list\n", 1, "must be a mapping"),
        ("version: 1\nlanguage: es\nrules: {}\n", 3, "rules must be a list"),
        ("version: 1\nlanguage: es\nrules:\n  - existence\n", 4, "must be a mapping"),
    ],
)
def test_malformed_files_are_refused(text, line, words):
    ((found_line, message),) = problems_of(text)
    assert words in message
    assert found_line == line


def test_oversized_files_are_refused():
    problems = problems_of("version: 1\n" + "#" * 1_100_000)
    assert "too large" in problems[0][1]


def test_export_validates_and_refuses_unknown_languages():
    with pytest.raises(ValueError):
        guide_to_yaml([], language="fr")
    assert guide_from_yaml(guide_to_yaml([], language="en")) == ("en", [])


def test_a_guide_without_language_is_accepted_and_says_none():
    language, rules = guide_from_yaml(
        "version: 1\nrules:\n  - kind: existence\n    level: error\n    message: No\n    params:\n      words: [gratis]\n"
    )
    assert language is None
    assert [rule.kind for rule in rules] == ["existence"]
