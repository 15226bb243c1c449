"""The style-guide services: only admins change the guide, bad rules are refused at save time with a clear
message naming the field, and every change is seen by the next lint at once (the guide version moves)."""

import time

import pytest

from calendar_app.errors import InvalidInputError, NotFoundError, PermissionDeniedError
from calendar_app.models import AuditEntry, StyleGuide, StyleRule
from calendar_app.services import style_guide as sg
from calendar_app.services.style import text_lint
from calendar_app.styleguide import starter_rules
from tests.calendar_app.style_guide.sg_support import GRATIS_ERROR, guide_only, rule_spec
from tests.factories import WorkspaceFactory


def test_ensure_creates_the_starter_guide_in_the_workspace_language_once(db):
    spanish = WorkspaceFactory(language="es")
    english = WorkspaceFactory(language="en")
    guide = sg.style_guide_ensure(workspace=spanish)
    assert sg.style_guide_ensure(workspace=spanish).pk == guide.pk
    assert StyleGuide.objects.filter(workspace=spanish).count() == 1
    sg.style_guide_ensure(workspace=english)
    spanish_keys = list(spanish.style_guide.rules.values_list("key", flat=True))
    english_keys = list(english.style_guide.rules.values_list("key", flat=True))
    assert spanish_keys == [rule.id for rule in starter_rules("es")]
    assert english_keys == [rule.id for rule in starter_rules("en")]
    assert "sin-gritos" in spanish_keys and "no-shouting" in english_keys
    assert list(spanish.style_guide.rules.values_list("position", flat=True)) == list(
        range(len(spanish_keys))
    )


def test_the_starter_guide_encodes_the_usual_advice(brand):
    findings = text_lint(
        workspace=brand.workspace,
        text="ESTO ES UNA OFERTA INCREÍBLE DE VERDAD #ad #a #b #c obviamente, pautaco",
        network="mastodon",
        media=[{"alt_text": ""}],
    )
    kinds = {finding["rule_id"]: finding["level"] for finding in findings}
    assert kinds["sin-gritos"] == "warning"
    assert kinds["tono"] == "warning"
    assert kinds["publicidad"] == "error"
    assert kinds["texto-alternativo"] == "error"
    assert kinds["maximo-hashtags"] == "warning"
    assert kinds["nombre-de-marca"] == "warning"


@pytest.mark.parametrize("role", ["author", "reviewer", "viewer"])
def test_only_admins_change_the_guide(brand, role):
    user = getattr(brand, role)
    rule = brand.workspace.style_guide.rules.first()
    version = brand.workspace.style_guide.version
    attempts = [
        lambda: sg.style_rule_create(user=user, workspace=brand.workspace, rule_spec=rule_spec()),
        lambda: sg.style_rule_update(user=user, rule=rule, rule_spec=rule_spec()),
        lambda: sg.style_rule_delete(user=user, rule=rule),
        lambda: sg.style_rule_move(user=user, rule=rule, direction="down"),
        lambda: sg.style_rule_toggle(user=user, rule=rule),
        lambda: sg.style_guide_import_yaml(user=user, workspace=brand.workspace, text="version: 1"),
    ]
    for attempt in attempts:
        with pytest.raises(PermissionDeniedError, match="Admin role"):
            attempt()
    brand.workspace.style_guide.refresh_from_db()
    assert brand.workspace.style_guide.version == version
    assert StyleRule.objects.filter(pk=rule.pk, enabled=True, position=0).exists()


def test_outsiders_are_told_nothing_exists(brand):
    with pytest.raises(NotFoundError):
        sg.style_rule_create(user=brand.outsider, workspace=brand.workspace, rule_spec=rule_spec())
    with pytest.raises(NotFoundError):
        sg.style_guide_export_yaml(user=brand.outsider, workspace=brand.workspace)


@pytest.mark.parametrize(
    ("spec", "field", "words"),
    [
        (rule_spec(params={"pattern": "(gratis"}), "params.pattern", "not a valid regular expression"),
        (rule_spec(params={"pattern": "(a+)+$"}), "params.pattern", "nests repetitions"),
        (rule_spec(params={"pattern": "(x|x)*y"}), "params.pattern", "can make the check hang"),
        (rule_spec(kind="tone", params={"words": []}), "params.words", "list of words is empty"),
        (
            rule_spec(params={"words": ["gratis"], "colour": "red"}),
            "params.colour",
            "Unknown parameter 'colour'",
        ),
        (rule_spec(level="fatal"), "level", "Unknown level 'fatal'"),
        (rule_spec(message="  "), "message", "non-empty text"),
        (rule_spec(networks=["myspace"]), "networks", "Unknown network 'myspace'"),
        (
            rule_spec(kind="occurrence", params={"what": "hashtags", "min": 5, "max": 2}),
            "params.min",
            "above",
        ),
        (rule_spec(id="no spaces please"), "id", "Identifier"),
    ],
)
def test_bad_rules_are_refused_at_save_time_with_a_clear_message(brand, spec, field, words):
    before = list(brand.workspace.style_guide.rules.values_list("pk", flat=True))
    with pytest.raises(InvalidInputError) as refused:
        sg.style_rule_create(user=brand.admin, workspace=brand.workspace, rule_spec=spec)
    assert refused.value.details["field"] == field
    assert words.lower() in refused.value.message.lower()
    assert list(brand.workspace.style_guide.rules.values_list("pk", flat=True)) == before


def test_an_update_with_a_bad_rule_keeps_the_saved_one(brand):
    rule = sg.style_rule_create(user=brand.admin, workspace=brand.workspace, rule_spec=rule_spec())
    with pytest.raises(InvalidInputError, match="Words and phrases"):
        sg.style_rule_update(user=brand.admin, rule=rule, rule_spec=rule_spec(params={"words": ["", " "]}))
    rule.refresh_from_db()
    assert rule.params["words"] == ["gratis"]


def test_identifiers_are_unique_in_a_guide(brand):
    with pytest.raises(InvalidInputError, match="tono") as refused:
        sg.style_rule_create(user=brand.admin, workspace=brand.workspace, rule_spec=rule_spec(id="tono"))
    assert refused.value.details["field"] == "id"


def test_a_catastrophic_pattern_never_reaches_lint_and_lint_stays_bounded(brand):
    with pytest.raises(InvalidInputError):
        sg.style_rule_create(
            user=brand.admin, workspace=brand.workspace, rule_spec=rule_spec(params={"pattern": "(a|aa)+$"})
        )
    sg.style_rule_create(
        user=brand.admin, workspace=brand.workspace, rule_spec=rule_spec(params={"pattern": r"\bgrat[ií]s\b"})
    )
    started = time.monotonic()
    text_lint(workspace=brand.workspace, text="a" * 20_000 + "!", network="mastodon")
    assert time.monotonic() - started < 2


def test_a_new_rule_is_seen_by_the_next_lint_at_once(brand):
    text = "Entrada gratis para todos"
    assert not [
        f for f in text_lint(workspace=brand.workspace, text=text) if f["message"] == "Evita «gratis»."
    ]
    version = brand.workspace.style_guide.version
    rule = sg.style_rule_create(user=brand.admin, workspace=brand.workspace, rule_spec=rule_spec())
    brand.workspace.style_guide.refresh_from_db()
    assert brand.workspace.style_guide.version == version + 1
    found = [f for f in text_lint(workspace=brand.workspace, text=text) if f["message"] == "Evita «gratis»."]
    assert [(f["start"], f["end"]) for f in found] == [(8, 14)]
    sg.style_rule_update(
        user=brand.admin, rule=rule, rule_spec=rule_spec(level="error", message="¡Gratis no!")
    )
    assert [
        f["level"] for f in text_lint(workspace=brand.workspace, text=text) if f["message"] == "¡Gratis no!"
    ] == ["error"]
    sg.style_rule_toggle(user=brand.admin, rule=rule)
    assert not [f for f in text_lint(workspace=brand.workspace, text=text) if f["message"] == "¡Gratis no!"]
    sg.style_rule_toggle(user=brand.admin, rule=rule)
    assert [f for f in text_lint(workspace=brand.workspace, text=text) if f["message"] == "¡Gratis no!"]
    sg.style_rule_delete(user=brand.admin, rule=rule)
    assert not [f for f in text_lint(workspace=brand.workspace, text=text) if f["message"] == "¡Gratis no!"]


def test_networks_limit_where_a_rule_applies(brand):
    guide_only(brand, GRATIS_ERROR.replace("    params:", "    networks: [bluesky]\n    params:"))
    assert text_lint(workspace=brand.workspace, text="gratis", network="bluesky")
    assert not text_lint(workspace=brand.workspace, text="gratis", network="mastodon")


def test_moving_reorders_findings_and_keeps_positions_contiguous(brand):
    guide_only(brand, GRATIS_ERROR + GRATIS_ERROR.replace("sin-gratis", "otra").replace("Nada es", "Tampoco"))
    first, second = brand.workspace.style_guide.rules.all()
    assert [f["rule_id"] for f in text_lint(workspace=brand.workspace, text="gratis")] == [
        "sin-gratis",
        "otra",
    ]
    sg.style_rule_move(user=brand.admin, rule=second, direction="up")
    assert [f["rule_id"] for f in text_lint(workspace=brand.workspace, text="gratis")] == [
        "otra",
        "sin-gratis",
    ]
    sg.style_rule_move(user=brand.admin, rule=second, direction="up")
    assert list(brand.workspace.style_guide.rules.values_list("key", "position")) == [
        ("otra", 0),
        ("sin-gratis", 1),
    ]
    with pytest.raises(InvalidInputError):
        sg.style_rule_move(user=brand.admin, rule=first, direction="sideways")
    sg.style_rule_delete(user=brand.admin, rule=second)
    assert list(brand.workspace.style_guide.rules.values_list("key", "position")) == [("sin-gratis", 0)]


def test_changes_are_written_to_the_audit_log(brand):
    rule = sg.style_rule_create(user=brand.admin, workspace=brand.workspace, rule_spec=rule_spec(id="gratis"))
    sg.style_rule_toggle(user=brand.admin, rule=rule)
    sg.style_rule_delete(user=brand.admin, rule=rule)
    entries = AuditEntry.objects.filter(workspace=brand.workspace, actor=brand.admin)
    assert [(e.action, e.details["rule"]) for e in entries] == [
        ("style_rule_create", "gratis"),
        ("style_rule_toggle", "gratis"),
        ("style_rule_delete", "gratis"),
    ]
    assert entries[1].details["enabled"] is False


def test_testing_a_rule_against_a_sample_saves_nothing(brand):
    version = brand.workspace.style_guide.version
    findings = sg.style_rule_test(
        rule_spec=rule_spec(params={"words": ["gratis"]}, enabled=False),
        text="Hoy GRATIS y gratís",
        language="es",
    )
    assert [(f["start"], f["end"]) for f in findings] == [(4, 10), (13, 19)]
    with pytest.raises(InvalidInputError, match="regular expression"):
        sg.style_rule_test(rule_spec=rule_spec(params={"pattern": "["}), text="x", language="es")
    brand.workspace.style_guide.refresh_from_db()
    assert brand.workspace.style_guide.version == version


def test_a_rule_deleted_by_another_admin_is_not_brought_back_by_a_stale_edit(brand):
    rule = sg.style_rule_create(user=brand.admin, workspace=brand.workspace, rule_spec=rule_spec())
    stale = StyleRule.objects.get(pk=rule.pk)
    sg.style_rule_delete(user=brand.admin, rule=rule)
    with pytest.raises(NotFoundError, match="no longer exists"):
        sg.style_rule_update(user=brand.admin, rule=stale, rule_spec=rule_spec(message="Otra vez"))
    with pytest.raises(NotFoundError):
        sg.style_rule_toggle(user=brand.admin, rule=stale)
    assert not StyleRule.objects.filter(pk=rule.pk).exists()
