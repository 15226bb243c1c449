"""Bad rules are refused at save time with a clear message and the field at fault."""

import pytest

from calendar_app.styleguide import RuleError, RuleSpec, validate_rule, validate_rules


def rule(kind="existence", **params):
    return {"kind": kind, "level": "warning", "message": "Evita esto.", "params": params}


def refusal(spec):
    with pytest.raises(RuleError) as caught:
        validate_rule(spec)
    return caught.value


def test_a_valid_rule_is_normalised_with_defaults():
    spec = validate_rule({**rule(words=["  gratis ", "gratis", "envío  gratis"]), "id": "no-gratis"})
    assert isinstance(spec, RuleSpec)
    assert spec.params == {"words": ["gratis", "envío gratis"], "ignore_case": True, "ignore_accents": True}
    assert spec.networks == () and spec.enabled is True and spec.id == "no-gratis"
    assert validate_rule(spec) == spec


@pytest.mark.parametrize(
    ("pattern", "words_in_message"),
    [
        ("(", "not a valid regular expression"),
        ("[a-", "not a valid regular expression"),
        ("(a+)+$", "nests repetitions"),
        (r"(\w+\s?)+$", "nests repetitions"),
        (r"(?:x+x+)+y", "nests repetitions"),
        ("(a|a)*b", "start with the same character"),
        ("(a|ab)*c", "start with the same character"),
        (r"(\w|\d)+x", "start with the same character"),
        ("(|a)+b", "can match nothing"),
        ("a*", "matches an empty text"),
        ("", "non-empty"),
        (r"[a-z]*[a-z]*[a-z]*[a-z]*[0-9]", "takes too long"),
        (".*a.*a.*a.*a.*a.*b", "takes too long"),
    ],
)
def test_dangerous_or_broken_patterns_are_refused(pattern, words_in_message):
    error = refusal(rule(pattern=pattern))
    assert words_in_message in error.message
    assert error.field == "params.pattern"


@pytest.mark.parametrize(
    "pattern",
    [
        r"\bgr[aá]tis\b",
        r"(\d{1,3}\.){3}\d{1,3}",
        r"(?>a+)+b",
        r"(a++)+b",
        r"(foo|bar)+",
        r"(\s|,)+x",
        r"\p{Lu}{5,}",
    ],
)
def test_safe_patterns_are_accepted(pattern):
    assert validate_rule(rule(pattern=pattern)).params["pattern"] == pattern


def test_conditional_patterns_are_checked_too():
    error = refusal(rule("conditional", if_pattern="(a+)+", then_words=["Publicidad"]))
    assert error.field == "params.if_pattern"


@pytest.mark.parametrize(
    ("spec", "field", "words_in_message"),
    [
        (rule(words=[]), "params.words", "empty"),
        (rule("tone", words=[]), "params.words", "empty"),
        (rule(words=["   "]), "params.words", "cannot be empty"),
        (rule(words="gratis"), "params.words", "list"),
        (rule(), "params", "at least one of: words, pattern"),
        (rule("substitution", replace={}), "params.replace", "at least one replacement"),
        (rule("substitution", replace={"email": "email"}), "params.replace", "replaced by itself"),
        (rule("capitalization"), "params.terms", "required"),
        (rule("conditional", if_words=["#ad"]), "params", "exactly one of: then_words, then_pattern"),
        (rule("conditional", if_words=["#ad"], if_pattern="x", then_words=["y"]), "params", "exactly one"),
        ({**rule(words=["x"]), "colour": "red"}, "colour", "Unknown key 'colour'"),
        ({**rule(), "kind": "spelling"}, "kind", "Unknown kind 'spelling'"),
        ({**rule(words=["x"]), "level": "fatal"}, "level", "Unknown level 'fatal'"),
        (rule(words=["x"], ignorecase=True), "params.ignorecase", "Unknown parameter 'ignorecase'"),
        ({**rule(words=["x"]), "networks": ["twitter"]}, "networks", "Unknown network 'twitter'"),
        ({**rule(words=["x"]), "networks": "mastodon"}, "networks", "list of networks"),
        ({**rule(words=["x"]), "enabled": "yes"}, "enabled", "true or false"),
        ({**rule(words=["x"]), "message": " "}, "message", "non-empty"),
        ({**rule(words=["x"]), "message": "x" * 501}, "message", "too long"),
        ({**rule(words=["x"]), "id": "con espacios"}, "id", "letters, digits"),
        (rule(words=["x"], ignore_case="no"), "params.ignore_case", "true or false"),
        (rule("occurrence", what="hashtags"), "params", "at least one of: min, max"),
        (rule("occurrence", what="hashtags", max=-1), "params.max", "between 0 and 1000"),
        (rule("occurrence", what="hashtags", max=2.5), "params.max", "whole number"),
        (rule("occurrence", what="hashtags", max=True), "params.max", "whole number"),
        (rule("occurrence", what="hashtags", max="3"), "params.max", "whole number"),
        (rule("occurrence", what="hashtags", min=5, max=3), "params.min", "above the maximum"),
        (rule("occurrence", what="hearts", max=3), "params.what", "one of: hashtags"),
        (rule("length", max=0), "params.max", "between 1 and"),
        (rule("shouting", max_ratio=1.5), "params.max_ratio", "between 0.05 and 1.0"),
        (rule("shouting", max_ratio="mucho"), "params.max_ratio", "number"),
        (rule("readability", formula="gunning"), "params.formula", "one of: auto"),
        (rule("media", min_alt_length=0), "params.min_alt_length", "between 1 and"),
    ],
)
def test_bad_rules_are_refused_with_the_field_at_fault(spec, field, words_in_message):
    error = refusal(spec)
    assert error.field == field
    assert words_in_message in error.message


def test_messages_are_templates_with_parameters_for_translation():
    error = refusal({**rule(words=["x"]), "level": "fatal"})
    assert error.template == "Unknown level {level!r}; use one of: {levels}."
    assert error.params["level"] == "fatal"
    assert str(error) == error.message


def test_a_rule_that_is_not_a_mapping_is_refused():
    assert "mapping" in refusal(["existence"]).message


def test_validate_rules_reports_the_position_and_duplicate_ids():
    with pytest.raises(RuleError) as caught:
        validate_rules([rule(words=["x"]), rule(words=[])])
    assert caught.value.field == "1.params.words"
    with pytest.raises(RuleError) as caught:
        validate_rules([{**rule(words=["x"]), "id": "a"}, {**rule(words=["y"]), "id": "a"}])
    assert caught.value.field == "1.id"
