"""Browser fixtures for end-to-end tests: a live server, Debian's chromium driven by Playwright, and a
login helper that goes through the real login form.

    def test_something(page, login, some_user):
        login(some_user)
        page.goto("/w/brand/calendar/")

Tests using these fixtures are marked `e2e` and need `transactional_db` (the server runs in another thread,
so it must see committed rows). Tests outside this folder may import them
(`from tests.e2e.conftest import browser, login, page`): every copy shares one Chromium.
"""

import pytest

from tests.e2e.browser_support import CHROMIUM, shared_browser, shared_browser_stop

PASSWORD = "pw-Secret-123"  # the password tests.factories.UserFactory gives every user


def pytest_sessionfinish(session, exitstatus):
    shared_browser_stop()


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"the browser tests need Debian's chromium at {CHROMIUM}")
    return shared_browser()


@pytest.fixture
def page(browser, live_server):
    """A fresh browser context per test (own cookies), pointed at the live server, in Madrid's time zone."""
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 1440, "height": 1000},
        locale="en-GB",
        timezone_id="Europe/Madrid",
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def login(page):
    """`login(user)` signs in through the login form and waits until the app has taken the user in."""

    def sign_in(user, password: str = PASSWORD) -> None:
        page.goto("/login/")
        page.fill("input[name=username]", user.get_username())
        page.fill("input[name=password]", password)
        page.click("form button[type=submit]")
        page.wait_for_url(lambda url: "/login/" not in url)

    return sign_in
