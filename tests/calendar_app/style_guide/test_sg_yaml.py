"""Import and export of the whole guide as YAML: an export imports back to the same guide, and a file with
anything doubtful is refused as a whole, naming the line, before any rule changes."""

import pytest
import yaml

from calendar_app.errors import InvalidInputError, PermissionDeniedError
from calendar_app.services import style_guide as sg
from calendar_app.services.style import text_lint
from tests.calendar_app.style_guide.sg_support import GRATIS_ERROR, rule_spec


def _rules(workspace) -> list[tuple]:
    return list(
        workspace.style_guide.rules.values_list(
            "key", "kind", "level", "message", "networks", "enabled", "params"
        )
    )


def test_export_then_import_gives_back_the_same_guide(brand):
    workspace = brand.workspace
    sg.style_rule_create(
        user=brand.admin,
        workspace=workspace,
        rule_spec=rule_spec(
            networks=["bluesky"], params={"words": ["gratis", "regalo"], "ignore_case": False}
        ),
    )
    sg.style_rule_toggle(user=brand.admin, rule=workspace.style_guide.rules.get(key="tono"))
    before = _rules(workspace)
    exported = sg.style_guide_export_yaml(user=brand.viewer, workspace=workspace)
    document = yaml.safe_load(exported)
    assert document["language"] == "es" and len(document["rules"]) == len(before)
    assert next(rule for rule in document["rules"] if rule.get("id") == "tono")["enabled"] is False
    sg.style_guide_import_yaml(
        user=brand.admin, workspace=workspace, text="version: 1\nlanguage: es\nrules:\n" + GRATIS_ERROR
    )
    assert _rules(workspace) != before
    version = workspace.style_guide.version
    sg.style_guide_import_yaml(user=brand.admin, workspace=workspace, text=exported)
    workspace.style_guide.refresh_from_db()
    assert _rules(workspace) == before
    assert workspace.style_guide.version > version
    assert sg.style_guide_export_yaml(user=brand.admin, workspace=workspace) == exported


def test_import_replaces_the_guide_and_lint_follows_at_once(brand):
    assert not [f for f in text_lint(workspace=brand.workspace, text="gratis") if f["level"] == "error"]
    rules = sg.style_guide_import_yaml(
        user=brand.admin, workspace=brand.workspace, text="version: 1\nlanguage: es\nrules:\n" + GRATIS_ERROR
    )
    assert [rule.key for rule in rules] == ["sin-gratis"]
    assert [f["rule_id"] for f in text_lint(workspace=brand.workspace, text="Es gratis")] == ["sin-gratis"]


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("version: 1\nlanguage: es\nrules: []\ncolour: blue\n", 4, "Unknown key 'colour'"),
        (
            "version: 1\nlanguage: es\nrules:\n"
            + GRATIS_ERROR.replace("    message:", "    mesage: x\n    message:"),
            7,
            "Unknown key 'mesage'",
        ),
        (
            "version: 1\nlanguage: es\nrules:\n" + GRATIS_ERROR.replace("[gratis]", "[]"),
            9,
            "list of words is empty",
        ),
        (
            "version: 1\nlanguage: es\nrules:\n"
            + GRATIS_ERROR.replace("words: [gratis]", "pattern: '(a+)+'"),
            9,
            "nests repetitions",
        ),
        ("version: 1\nlanguage: es\nrules:\n  - kind: [unclosed\n", 5, "Not valid YAML"),
        ("version: 1\nversion: 1\nlanguage: es\nrules: []\n", 2, "Duplicate key 'version'"),
    ],
)
def test_a_doubtful_file_is_refused_whole_with_its_line(brand, text, line, words):
    before = _rules(brand.workspace)
    version = brand.workspace.style_guide.version
    with pytest.raises(InvalidInputError) as refused:
        sg.style_guide_import_yaml(user=brand.admin, workspace=brand.workspace, text=text)
    problems = refused.value.details["problems"]
    assert any(problem["line"] == line and words in problem["message"] for problem in problems), problems
    assert f"Line {problems[0]['line']}" in refused.value.message
    brand.workspace.style_guide.refresh_from_db()
    assert _rules(brand.workspace) == before and brand.workspace.style_guide.version == version


def test_members_may_export_but_only_admins_import(brand):
    exported = sg.style_guide_export_yaml(user=brand.viewer, workspace=brand.workspace)
    with pytest.raises(PermissionDeniedError):
        sg.style_guide_import_yaml(user=brand.reviewer, workspace=brand.workspace, text=exported)
