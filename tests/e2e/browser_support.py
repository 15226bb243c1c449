"""One Chromium per test process, however many modules ask for it.

Playwright's sync API allows a single running instance per thread, and pytest may build the `browser`
fixture more than once (a module that imports the fixtures from `tests.e2e.conftest` gets its own copy),
so the instance lives here, in one importable module, and is stopped when the session ends.
"""

import atexit
import os
from pathlib import Path

# Playwright's sync API keeps an event loop running in the test's thread; Django would otherwise refuse ORM
# calls made from that thread (fixtures and assertions) as if they came from async code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]

_running: dict = {}


def shared_browser():
    if "browser" not in _running:
        from playwright.sync_api import sync_playwright

        playwright = sync_playwright().start()
        atexit.register(
            shared_browser_stop
        )  # for runs that import the fixtures without this folder's conftest
        _running["playwright"] = playwright
        _running["browser"] = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    return _running["browser"]


def shared_browser_stop() -> None:
    browser, playwright = _running.pop("browser", None), _running.pop("playwright", None)
    if browser is not None:
        browser.close()
    if playwright is not None:
        playwright.stop()
