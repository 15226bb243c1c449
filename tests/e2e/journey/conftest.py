"""The journey suite's world: a brand workspace whose channels are the local Bluesky PDS and a local
Mastodon-API server, a link server for pre-flight, a real Celery worker and beat (tests/support/worker.py),
and one logged-in browser context per person (`open_as`). Chromium itself comes from tests/e2e/conftest.py.

    def test_something(team, open_as, celery_processes, worker_settings):
        celery_processes.start(settings=worker_settings)
        author = open_as(team.author)
"""

import mimetypes
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from django.conf import settings

from calendar_app.models import Role
from calendar_app.services.style_guide import style_rule_create
from scheduler.services.channels import channel_connect
from tests.e2e.conftest import PASSWORD
from tests.e2e.journey.axe import axe  # noqa: F401 - a fixture
from tests.e2e.journey.support import (
    FORBIDDEN,
    MASTODON_TOKEN,
    REPLACEMENT,
    SCREENSHOTS,
    VIEWPORT,
    Team,
    engine_state_forget,
    skip_or_fail,
)
from tests.factories import WorkspaceFactory, member
from tests.peers.bluesky_peer import BlueskyPeer, PeerUnavailable, bluesky_peer_start
from tests.peers.link_server import LinkServer
from tests.peers.mastodon_server import MastodonPeer
from tests.support.worker import celery_processes  # noqa: F401 - a fixture


@pytest.fixture(scope="session")
def bluesky_pds() -> BlueskyPeer:
    try:
        peer = bluesky_peer_start()
    except PeerUnavailable as exc:
        skip_or_fail(f"the Bluesky PDS peer is unavailable: {exc}")
    yield peer
    peer.stop()


@pytest.fixture
def mastodon():
    with MastodonPeer(
        token=MASTODON_TOKEN, account_id="4201", username="aurora", display_name="Café Aurora"
    ) as peer:
        yield peer


@pytest.fixture
def links():
    with LinkServer() as server:
        yield server


@pytest.fixture
def worker_settings(settings, tmp_path) -> dict:
    """The peers listen on 127.0.0.1, which pre-flight and the adapters refuse unless allow-listed; images
    go to this test's own folder. The same overrides are handed to the worker subprocesses."""
    overrides = {
        "PAUTA_LINK_ALLOW_HOSTS": ["127.0.0.1"],
        "PAUTA_RETRY_BASE_SECONDS": 0.05,
        "MEDIA_ROOT": str(tmp_path / "media"),
    }
    for name, value in overrides.items():
        setattr(settings, name, value)
    engine_state_forget()
    yield overrides
    engine_state_forget()


@pytest.fixture
def team(transactional_db, worker_settings, bluesky_pds, mastodon) -> Team:
    """Café Aurora: an admin, an author and a reviewer; both channels connected through the real
    channel-connect service (credentials verified with each network, brand identity recorded and confirmed);
    a style guide that forbids one word and offers the fix."""
    workspace = WorkspaceFactory(name="Café Aurora", slug="aurora", language="en", timezone="Europe/Madrid")
    admin = member(workspace, Role.ADMIN, "ada")
    author = member(workspace, Role.AUTHOR, "alba")
    reviewer = member(workspace, Role.REVIEWER, "rosa")
    brand = bluesky_pds.accounts["brand"]
    bluesky = channel_connect(
        workspace=workspace,
        user=admin,
        network="bluesky",
        display_name="Aurora · Bluesky",
        values={
            "service_url": bluesky_pds.service,
            "handle": brand.handle,
            "app_password": brand.app_password,
        },
        confirm_brand=True,
    )
    mastodon_channel = channel_connect(
        workspace=workspace,
        user=admin,
        network="mastodon",
        display_name="Aurora · Mastodon",
        values={"instance_url": mastodon.base_url, "access_token": MASTODON_TOKEN},
        confirm_brand=True,
    )
    style_rule_create(
        user=admin,
        workspace=workspace,
        rule_spec={
            "id": "never-cheap",
            "kind": "substitution",
            "level": "error",
            "message": f"We never call our food “{FORBIDDEN}”: say “{REPLACEMENT}”.",
            "params": {"replace": {FORBIDDEN: REPLACEMENT}},
        },
    )
    return Team(workspace, admin, author, reviewer, bluesky, mastodon_channel)


def _serve_media(route) -> None:
    """Uploaded images, served from this test's MEDIA_ROOT (production serves them from the web server;
    the test settings run with DEBUG off, so Django does not)."""
    relative = unquote(urlsplit(route.request.url).path)[len(settings.MEDIA_URL) :]
    target = (Path(settings.MEDIA_ROOT) / relative).resolve()
    if target.is_file() and Path(settings.MEDIA_ROOT).resolve() in target.parents:
        route.fulfill(
            path=str(target), content_type=mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        )
    else:
        route.fulfill(status=404, body="not found")


@dataclass
class Session:
    """One person's browser context: their page, and the script errors seen on it."""

    page: object
    errors: list[str]


@pytest.fixture
def open_as(browser, live_server, request):
    """`open_as(user, locale="en-GB")` signs `user` in through the login form in a context of their own and
    returns the page. Script errors on any page fail the test at the end. Each page's last state is kept in
    screenshots/last/, to see what a failed step was looking at."""
    contexts, sessions = [], []

    def open_session(user, *, locale: str = "en-GB", log_in: bool = True):
        context = browser.new_context(
            base_url=live_server.url, viewport=VIEWPORT, locale=locale, timezone_id="Europe/Madrid"
        )
        context.route(f"{live_server.url}{settings.MEDIA_URL}**", _serve_media)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        session = Session(page, [])
        page.on("pageerror", lambda error: session.errors.append(str(error)))
        sessions.append(session)
        if log_in:
            page.goto("/login/")
            page.fill("input[name=username]", user.get_username())
            page.fill("input[name=password]", PASSWORD)
            page.click("form button[type=submit]")
            page.wait_for_url(lambda url: "/login/" not in url)
        return page

    yield open_session
    last = SCREENSHOTS / "last"
    last.mkdir(parents=True, exist_ok=True)
    for number, session in enumerate(sessions):
        session.page.screenshot(path=str(last / f"{request.node.name}-{number}.png"), full_page=True)
    errors = [error for session in sessions for error in session.errors]
    for context in contexts:
        context.close()
    assert not errors, f"script errors in the browser: {errors}"
