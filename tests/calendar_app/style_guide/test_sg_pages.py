"""The style-guide page and its forms, through Django's test client: admins edit, other members read and
test texts, outsiders get 404; refusals appear next to the field that caused them."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from calendar_app.models import StyleRule
from calendar_app.services import style_guide as sg
from tests.calendar_app.style_guide.sg_support import GRATIS_ERROR, OBVIO_WARNING, guide_only, rule_spec


def url(name: str, **kwargs) -> str:
    return reverse(f"calendar_app:{name}", kwargs={"slug": "sol", **kwargs})


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login


def test_admins_see_the_rules_in_order_with_level_words_and_edit_controls(brand, as_user):
    response = as_user(brand.admin).get(url("style-guide"))
    html = response.content.decode()
    assert response.status_code == 200
    keys = list(brand.workspace.style_guide.rules.values_list("pk", flat=True))
    assert [int(pk) for pk in re.findall(r'<li id="rule-(\d+)"', html)] == keys
    assert "Error</span>" in html and "Warning</span>" in html and "Suggestion</span>" in html
    assert html.count("Move rule") == 2 * len(keys)
    assert url("style-rule-new") in html and url("style-guide-import") in html
    assert 'aria-current="page" href="/w/sol/style-guide/">Style guide</a>' in html


@pytest.mark.parametrize("role", ["viewer", "author", "reviewer"])
def test_other_members_read_and_test_but_see_no_edit_controls(brand, as_user, role):
    client = as_user(getattr(brand, role))
    html = client.get(url("style-guide")).content.decode()
    assert "Only admins can change the guide." in html
    assert (
        "Move rule" not in html
        and url("style-rule-new") not in html
        and url("style-guide-import") not in html
    )
    assert url("style-guide-export") in html
    rule = brand.workspace.style_guide.rules.first()
    response = client.post(url("style-rule-toggle", pk=rule.pk))
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.enabled
    response = client.post(url("style-rule-delete", pk=rule.pk), follow=True)
    assert "This needs the Admin role" in response.content.decode()
    assert StyleRule.objects.filter(pk=rule.pk).exists()
    assert client.get(url("style-rule-edit", pk=rule.pk)).status_code == 302


def test_outsiders_and_other_workspaces_rules_are_not_found(brand, as_user, db):
    other = sg.style_guide_ensure(workspace=type(brand.workspace).objects.create(name="Otra", slug="otra"))
    client = as_user(brand.outsider)
    assert client.get(url("style-guide")).status_code == 404
    assert client.get(url("style-guide-export")).status_code == 404
    admin = as_user(brand.admin)
    foreign = other.rules.first()
    assert admin.get(url("style-rule-edit", pk=foreign.pk)).status_code == 404
    assert admin.post(url("style-rule-delete", pk=foreign.pk)).status_code == 404
    assert StyleRule.objects.filter(pk=foreign.pk).exists()


def test_adding_a_rule_from_a_word_list_typed_one_per_line(brand, as_user):
    client = as_user(brand.admin)
    chooser = client.get(url("style-rule-new")).content.decode()
    assert "Words to avoid" in chooser and "?kind=existence" in chooser
    form = client.get(url("style-rule-new") + "?kind=existence").content.decode()
    assert 'name="words"' in form and "<details" in form and 'name="pattern"' in form
    response = client.post(
        url("style-rule-new"),
        {
            "kind": "existence",
            "level": "error",
            "message": "Nada es gratis.",
            "words": "gratis\n\n  regalo  \n",
            "networks": ["mastodon"],
            "enabled": "on",
            "ignore_case": "on",
            "ignore_accents": "on",
        },
    )
    assert response.status_code == 302
    rule = brand.workspace.style_guide.rules.last()
    assert (rule.kind, rule.level, rule.networks) == ("existence", "error", ["mastodon"])
    assert rule.params == {"words": ["gratis", "regalo"], "ignore_case": True, "ignore_accents": True}


def test_refusals_are_shown_next_to_the_field(brand, as_user):
    client = as_user(brand.admin)
    base = {"kind": "existence", "level": "warning", "message": "Evita esto.", "enabled": "on"}
    response = client.post(url("style-rule-new"), {**base, "pattern": "(a+)+"})
    html = response.content.decode()
    assert response.status_code == 400
    assert re.search(r'id="error_1_id_pattern".*nests repetitions', html, re.S)
    assert '<details class="mb-3 style-rule-advanced" open>' in html
    response = client.post(url("style-rule-new"), {**base, "kind": "tone", "words": "\n  \n"})
    assert re.search(r'id="error_1_id_words".*list of words is empty', response.content.decode(), re.S)
    response = client.post(
        url("style-rule-new"), {**base, "kind": "substitution", "replace": "e-mail correo"}
    )
    assert "Line 1: write it as" in response.content.decode()
    response = client.post(url("style-rule-new"), {**base, "words": "gratis", "key": "tono"})
    assert re.search(r'id="error_1_id_key".*already uses', response.content.decode(), re.S)
    assert not brand.workspace.style_guide.rules.filter(message="Evita esto.").exists()


def test_editing_shows_saved_values_in_plain_words_and_saves_changes(brand, as_user):
    client = as_user(brand.admin)
    replace = brand.workspace.style_guide.rules.get(key="palabras-preferidas")
    html = client.get(url("style-rule-edit", pk=replace.pk)).content.decode()
    assert "link → enlace" in html
    shouting = brand.workspace.style_guide.rules.get(key="sin-gritos")
    html = client.get(url("style-rule-edit", pk=shouting.pk)).content.decode()
    assert re.search(r'name="max_ratio" value="50"', html)
    response = client.post(
        url("style-rule-edit", pk=shouting.pk),
        {
            "level": "error",
            "message": "¡No grites!",
            "max_ratio": "70",
            "min_letters": "8",
            "key": "sin-gritos",
        },
    )
    assert response.status_code == 302
    shouting.refresh_from_db()
    assert (shouting.level, shouting.enabled, shouting.params) == (
        "error",
        False,
        {"max_ratio": 0.7, "min_letters": 8},
    )


def test_testing_the_rule_being_edited_highlights_its_matches_without_saving(brand, as_user):
    client = as_user(brand.admin)
    version = brand.workspace.style_guide.version
    response = client.post(
        url("style-rule-new"),
        {
            "kind": "substitution",
            "level": "suggestion",
            "message": "Di correo.",
            "replace": "email → correo",
            "ignore_case": "on",
            "action": "test",
            "sample-text": "Mándanos un <b>EMAIL</b>",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert (
        '&lt;b&gt;<mark class="lint-mark lint-mark-suggestion" title="Di correo.">EMAIL</mark>&lt;/b&gt;'
        in html
    )
    assert "→ <strong>CORREO</strong>" in html
    brand.workspace.style_guide.refresh_from_db()
    assert brand.workspace.style_guide.version == version


def test_the_sample_box_tests_the_whole_guide_or_one_rule(brand, as_user):
    guide_only(brand, GRATIS_ERROR + OBVIO_WARNING)
    client = as_user(brand.viewer)
    text = "Obviamente, gratis"
    html = client.post(url("style-guide-test"), {"text": text}).content.decode()
    assert '<mark class="lint-mark lint-mark-warning" title="Evita «obviamente».">Obviamente</mark>' in html
    assert '<mark class="lint-mark lint-mark-error" title="Nada es gratis.">gratis</mark>' in html
    tone = brand.workspace.style_guide.rules.get(key="tono")
    partial = client.post(url("style-guide-test"), {"text": text, "rule": tone.pk}, HTTP_HX_REQUEST="true")
    html = partial.content.decode()
    assert "<html" not in html and 'id="sample-box"' in html
    assert "lint-mark-warning" in html and "lint-mark-error" not in html
    html = client.post(url("style-guide-test"), {"text": "Todo en orden"}).content.decode()
    assert "No findings" in html


def test_toggle_move_and_delete_from_the_page(brand, as_user):
    guide_only(brand, GRATIS_ERROR + OBVIO_WARNING)
    client = as_user(brand.admin)
    gratis, tono = brand.workspace.style_guide.rules.all()
    response = client.post(url("style-rule-toggle", pk=tono.pk))
    assert response.status_code == 302 and response["Location"].endswith(f"#rule-{tono.pk}")
    html = client.get(url("style-guide")).content.decode()
    assert re.search(rf'id="rule-{tono.pk}" class="[^"]*style-rule-disabled', html)
    assert ">Disabled</span>" in html and ">Enable</button>" in html
    client.post(url("style-rule-move", pk=tono.pk), {"direction": "up"})
    assert list(brand.workspace.style_guide.rules.values_list("key", flat=True)) == ["tono", "sin-gratis"]
    confirm = client.get(url("style-rule-delete", pk=gratis.pk)).content.decode()
    assert "Delete this rule?" in confirm and "Nada es gratis." in confirm
    assert StyleRule.objects.filter(pk=gratis.pk).exists()
    response = client.post(url("style-rule-delete", pk=gratis.pk), follow=True)
    assert "Rule deleted." in response.content.decode()
    assert list(brand.workspace.style_guide.rules.values_list("key", flat=True)) == ["tono"]


def test_htmx_toggle_answers_with_the_page_to_swap_the_list_from(brand, as_user):
    client = as_user(brand.admin)
    rule = brand.workspace.style_guide.rules.first()
    response = client.post(url("style-rule-toggle", pk=rule.pk), HTTP_HX_REQUEST="true", follow=True)
    assert 'id="style-rules"' in response.content.decode()
    rule.refresh_from_db()
    assert not rule.enabled


def test_export_downloads_yaml_that_import_accepts_after_confirmation(brand, as_user):
    client = as_user(brand.admin)
    sg.style_rule_create(user=brand.admin, workspace=brand.workspace, rule_spec=rule_spec(id="gratis"))
    exported = client.get(url("style-guide-export"))
    assert exported["Content-Type"].startswith("application/yaml")
    assert exported["Content-Disposition"] == 'attachment; filename="sol-style-guide.yaml"'
    before = list(brand.workspace.style_guide.rules.values_list("key", "params"))
    guide_only(brand, GRATIS_ERROR)
    unconfirmed = client.post(url("style-guide-import"), {"text": exported.content.decode()})
    assert unconfirmed.status_code == 400 and "Tick the box" in unconfirmed.content.decode()
    upload = SimpleUploadedFile("guide.yaml", exported.content, content_type="application/yaml")
    response = client.post(url("style-guide-import"), {"file": upload, "confirm": "on"}, follow=True)
    assert f"Guide imported: {len(before)} rules." in response.content.decode()
    assert list(brand.workspace.style_guide.rules.values_list("key", "params")) == before


def test_import_errors_are_listed_with_their_lines_and_change_nothing(brand, as_user):
    client = as_user(brand.admin)
    before = list(brand.workspace.style_guide.rules.values_list("pk", flat=True))
    text = "version: 1\nlanguage: es\nrules:\n" + GRATIS_ERROR.replace("[gratis]", "[]") + "colour: red\n"
    response = client.post(url("style-guide-import"), {"text": text, "confirm": "on"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Line 10: Unknown key &#x27;colour&#x27;" in html or "Line 10: Unknown key 'colour'" in html
    assert list(brand.workspace.style_guide.rules.values_list("pk", flat=True)) == before
    text = "version: 1\nlanguage: es\nrules:\n" + GRATIS_ERROR.replace("[gratis]", "[]")
    html = client.post(url("style-guide-import"), {"text": text, "confirm": "on"}).content.decode()
    assert "Line 9: Rule 1: The list of words is empty" in html
