"""Helpers of the journey suite (tests/e2e/journey/): the brand team, posts taken through the real
workflow, screenshots, waiting for the worker, and reading back what reached the network peers.
Fixtures are in this folder's conftest.py."""

from __future__ import annotations

import io
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import redis
import requests
from django.conf import settings
from django.utils import timezone
from PIL import Image, ImageDraw

from calendar_app.models import Workspace
from calendar_app.services.workflow import post_approve, post_submit
from scheduler.models import Channel
from tests.factories import make_post
from tests.peers.bluesky_peer import BlueskyPeer
from tests.peers.mastodon_server import MastodonPeer

SCREENSHOTS = Path(__file__).resolve().parents[1] / "screenshots"
VIEWPORT = {"width": 1280, "height": 900}
MASTODON_TOKEN = "aurora-mastodon-token"
# The word the brand's style guide forbids, and what it offers instead.
FORBIDDEN, REPLACEMENT = "cheap", "affordable"
# Redis keys the publishing engine keeps between calls (identity answers, link verdicts, sessions): cleared
# around each test, since ids are reused after the transactional flush and a stale answer would leak over.
ENGINE_KEYS = ("*:identity:*", "*:links:*", "*:sessions:*", "pauta:single-flight:*", "pauta:lease:*")


def peers_required() -> bool:
    return os.environ.get("PAUTA_REQUIRE_PEERS") == "1"


def skip_or_fail(reason: str) -> None:
    """Skip with the reason on a developer's machine; fail in CI, where everything must run."""
    if peers_required():
        pytest.fail(f"PAUTA_REQUIRE_PEERS=1 but {reason}")
    pytest.skip(reason)


def engine_state_forget() -> None:
    client = redis.Redis.from_url(settings.REDIS_URL)
    for pattern in ENGINE_KEYS:
        for key in client.scan_iter(pattern):
            client.delete(key)


@dataclass
class Team:
    workspace: Workspace
    admin: object
    author: object
    reviewer: object
    bluesky: Channel
    mastodon: Channel

    def url(self, path: str) -> str:
        return f"/w/{self.workspace.slug}/{path.lstrip('/')}"


def approved_post(team: Team, *, body: str, when, title: str = "", channels=None):
    """A post taken through the real workflow services: written, submitted, approved."""
    post = make_post(
        team.workspace,
        team.author,
        title=title,
        body=body,
        when=when,
        channels=channels if channels is not None else [team.bluesky, team.mastodon],
    )
    post_submit(post=post, user=team.author)
    return post_approve(post=post, user=team.reviewer, acknowledge_warnings=True)


def local_day(team: Team, *, days: int, hour: int, minute: int = 0, now=None) -> datetime:
    """`days` from today at a wall-clock time of the workspace's zone."""
    zone = team.workspace.tzinfo
    day = timezone.localtime(now or timezone.now(), zone).date() + timedelta(days=days)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone)


def plan_background(team: Team, *, now) -> None:
    """A week's plan around the journey's posts, so the calendar looks like a team's calendar: drafts, one
    in review and two approved for later (none due within the dispatcher's window or pre-flight's lead)."""
    plan = [
        ("Winter opening hours", "From December we open at 8:00.", 1, 9, 30, [team.mastodon]),
        ("Barista of the month", "Meet Lucía, our barista of the month.", 2, 13, 0, [team.bluesky]),
        ("Live jazz on Friday", "Live jazz on the terrace this Friday from 20:00.", 3, 12, 30, None),
    ]
    for title, body, days, hour, minute, channels in plan:
        post = make_post(
            team.workspace,
            team.author,
            title=title,
            body=body,
            when=local_day(team, days=days, hour=hour, minute=minute, now=now),
            channels=channels or [team.bluesky, team.mastodon],
        )
    post_submit(post=post, user=team.author)
    approved_post(
        team,
        title="Chestnut season",
        body="Roasted chestnuts are back at the counter.",
        when=now + timedelta(hours=3),
        channels=[team.mastodon],
    )
    approved_post(
        team,
        title="Sunday brunch",
        body="Sunday brunch: eggs, pastries and fresh orange juice.",
        when=local_day(team, days=4, hour=11, now=now),
    )


def photo_png(path: Path, *, size=(960, 640)) -> Path:
    """A small, valid photo-like PNG (well under every network's limits)."""
    image = Image.new("RGB", size, (244, 236, 220))
    draw = ImageDraw.Draw(image)
    for band in range(0, size[1], 8):
        shade = 200 - band * 120 // size[1]
        draw.rectangle([0, band, size[0], band + 8], fill=(shade, 150 + band % 60, 90))
    draw.ellipse([size[0] // 3, size[1] // 4, 2 * size[0] // 3, 3 * size[1] // 4], fill=(250, 250, 245))
    draw.ellipse(
        [size[0] // 3 + 40, size[1] // 4 + 40, 2 * size[0] // 3 - 40, 3 * size[1] // 4 - 40],
        fill=(214, 120, 60),
    )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    path.write_bytes(buffer.getvalue())
    return path


def screenshot(page, name: str, *, max_height: int = 1700) -> Path:
    """A full-page PNG, 1280 px wide, cut at `max_height` so the committed images stay small."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    height = min(page.evaluate("document.body.scrollHeight"), max_height)
    page.screenshot(
        path=str(path), full_page=True, clip={"x": 0, "y": 0, "width": VIEWPORT["width"], "height": height}
    )
    return path


def eventually(
    predicate: Callable[[], object],
    *,
    timeout: float = 30,
    interval: float = 0.2,
    message: str | Callable[[], str] = "",
):
    """Waits for something a worker does in the background; the value, or an AssertionError saying what.
    `message` may be a callable, asked only on failure (say, for the workers' logs as they are then)."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            said = message() if callable(message) else message
            raise AssertionError(f"timed out after {timeout} s: {said or predicate}")
        time.sleep(interval)


def bluesky_record(peer: BlueskyPeer, did: str, rkey: str) -> dict | None:
    response = requests.get(
        f"{peer.service}/xrpc/com.atproto.repo.getRecord",
        params={"repo": did, "collection": "app.bsky.feed.post", "rkey": rkey},
        timeout=10,
    )
    return response.json() if response.status_code == 200 else None


def mastodon_status(peer: MastodonPeer, status_id: str) -> dict | None:
    response = requests.get(
        f"{peer.base_url}/api/v1/statuses/{status_id}",
        headers={"Authorization": f"Bearer {peer.token}"},
        timeout=10,
    )
    return response.json() if response.status_code == 200 else None
