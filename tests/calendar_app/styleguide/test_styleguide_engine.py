"""Compiling once, linting per network, and the time bound that keeps linting from hanging."""

import time

import pytest

from calendar_app.styleguide import RuleSpec, cached_guide, compile_guide, highest_level, validate_rule


def test_rules_apply_only_to_their_networks_and_only_when_enabled():
    guide = compile_guide(
        [
            {"kind": "existence", "level": "error", "message": "a", "params": {"words": ["gratis"]}},
            {
                "kind": "existence",
                "level": "warning",
                "message": "b",
                "networks": ["bluesky"],
                "params": {"words": ["gratis"]},
            },
            {
                "kind": "existence",
                "level": "warning",
                "message": "c",
                "enabled": False,
                "params": {"words": ["gratis"]},
            },
        ],
        language="es",
    )
    assert [f.message for f in guide.lint("gratis", network="mastodon")] == ["a"]
    assert [f.message for f in guide.lint("gratis", network="bluesky")] == ["a", "b"]
    assert [f.message for f in guide.lint("gratis")] == ["a", "b"]


def test_findings_come_in_guide_order_then_text_order_with_ids():
    guide = compile_guide(
        [
            {
                "id": "brand",
                "kind": "capitalization",
                "level": "warning",
                "message": "b",
                "params": {"terms": ["PautaCo"]},
            },
            {
                "id": "free",
                "kind": "existence",
                "level": "error",
                "message": "f",
                "params": {"words": ["gratis", "free"]},
            },
        ],
        language="en",
    )
    findings = guide.lint("free pautaco, gratis Pautaco")
    assert [(f.rule_id, f.start) for f in findings] == [
        ("brand", 5),
        ("brand", 21),
        ("free", 0),
        ("free", 14),
    ]
    assert highest_level(findings) == "error"
    assert highest_level([]) is None


def test_many_word_lists_are_merged_and_overlapping_terms_all_found():
    rules = [
        {
            "kind": "existence",
            "level": "warning",
            "message": str(i),
            "params": {"words": [f"palabra{i}", f"frase {i}"]},
        }
        for i in range(300)
    ]
    rules += [
        {"kind": "existence", "level": "error", "message": "a", "params": {"words": ["gratis"]}},
        {
            "kind": "existence",
            "level": "error",
            "message": "b",
            "params": {"words": ["gratis total", "muy gratis"]},
        },
    ]
    guide = compile_guide(rules, language="es")
    text = "Es MUY GRATIS total y palabra7, frase 299."
    found = [(f.message, text[f.start : f.end]) for f in guide.lint(text)]
    assert found == [
        ("7", "palabra7"),
        ("299", "frase 299"),
        ("a", "GRATIS"),
        ("b", "MUY GRATIS"),
        ("b", "GRATIS total"),
    ]


def test_unsupported_language_is_refused():
    with pytest.raises(ValueError):
        compile_guide([], language="fr")


def test_cached_guide_compiles_once_per_key():
    rules = [{"kind": "existence", "level": "error", "message": "a", "params": {"words": ["gratis"]}}]
    first = cached_guide(("workspace", 1, "v1"), rules=rules, language="es")
    assert cached_guide(("workspace", 1, "v1"), rules=[], language="es") is first
    assert cached_guide(("workspace", 1, "v2"), rules=rules, language="es") is not first


def _catastrophic_rule(level="error"):
    """A pattern validation would refuse, built directly to prove linting still cannot hang on it."""
    params = {"pattern": "(a+)+$", "ignore_case": True, "ignore_accents": True}
    return RuleSpec(kind="existence", level=level, message="slow", params=params)


def test_linting_stops_within_its_time_bound_and_says_so():
    guide = compile_guide(
        [
            validate_rule(
                {"kind": "existence", "level": "suggestion", "message": "w", "params": {"words": ["aaa"]}}
            ),
            _catastrophic_rule(level="warning"),
            RuleSpec(kind="media", level="error", message="alt", params={"min_alt_length": 5}),
        ],
        language="es",
    )
    started = time.monotonic()
    findings = guide.lint("a" * 3000 + "!", time_limit=0.2, media=[{"alt_text": ""}])
    assert time.monotonic() - started < 2
    incomplete = [f for f in findings if f.kind == "incomplete"]
    assert len(incomplete) == 1
    assert incomplete[0].rule_index == 1
    assert incomplete[0].level == "error"
    assert incomplete[0].detail["unchecked_rules"] == [1, 2]


def test_a_text_that_finishes_in_time_has_no_incomplete_finding():
    guide = compile_guide([_catastrophic_rule()], language="es")
    assert guide.lint("texto normal sin aes repetidas!", time_limit=0.2) == []
