"""The style-guide page in Chromium: an admin adds a rule from a word list, sees its matches highlighted in
the sample box, and disables and reorders rules with htmx (the page does not reload)."""

import pytest
from playwright.sync_api import expect

from calendar_app.models import Role
from calendar_app.services.style_guide import style_guide_ensure
from tests.e2e.conftest import browser, login, page  # noqa: F401 - the shared browser fixtures
from tests.factories import WorkspaceFactory, member

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def brand():
    workspace = WorkspaceFactory(slug="sol", language="es")
    style_guide_ensure(workspace=workspace)
    workspace.admin = member(workspace, Role.ADMIN)
    workspace.viewer = member(workspace, Role.VIEWER)
    return workspace


def test_admin_adds_a_rule_tests_it_and_reorders_the_guide(page, login, brand):  # noqa: F811
    login(brand.admin)
    page.goto("/w/sol/style-guide/")
    page.get_by_role("link", name="Add a rule").click()
    page.get_by_role("link", name="Words to avoid").click()
    page.select_option("select[name=level]", "error")
    page.fill("textarea[name=message]", "Nada es gratis.")
    page.fill("textarea[name=words]", "gratis\nregalo")
    page.fill("textarea[name=sample-text]", "Un regalo GRATIS")
    page.get_by_role("button", name="Test this rule").click()
    expect(page.locator(".sample-text mark")).to_have_text(["regalo", "GRATIS"])
    page.get_by_role("button", name="Save rule").click()
    expect(page.locator(".alert-success")).to_contain_text("Rule added.")
    rules = page.locator("#style-rules > li")
    expect(rules.last).to_contain_text("Nada es gratis.")
    expect(rules.last.locator(".badge").first).to_have_text("Error")

    page.evaluate("window.notReloaded = true")
    rules.last.get_by_role("button", name="Disable").click()
    expect(rules.last.locator(".badge", has_text="Disabled")).to_be_visible()
    rules.last.locator("button[value=up]").click()
    expect(rules.nth(rules.count() - 2)).to_contain_text("Nada es gratis.")
    assert page.evaluate("window.notReloaded") is True

    page.fill("#sample-box textarea[name=text]", "Entrada gratis. OBVIAMENTE.")
    page.locator("#sample-box").get_by_role("button", name="Test").click()
    expect(page.locator("#sample-box mark")).to_have_text(["OBVIAMENTE"])
    assert page.evaluate("window.notReloaded") is True


def test_a_viewer_reads_the_guide_without_edit_buttons(page, login, brand):  # noqa: F811
    login(brand.viewer)
    page.goto("/w/sol/style-guide/")
    expect(page.locator("#style-rules > li")).to_have_count(brand.style_guide.rules.count())
    expect(page.get_by_role("button", name="Disable")).to_have_count(0)
    expect(page.get_by_role("link", name="Export YAML")).to_be_visible()
