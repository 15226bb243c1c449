"""Helpers the calendar tests share: Madrid wall times, posts in a given state, calendar URLs."""

import re
from datetime import datetime, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.urls import reverse

from calendar_app.models import Post, PostStatus
from calendar_app.services import workflow
from tests.factories import make_post

MADRID = ZoneInfo("Europe/Madrid")


def madrid(*args) -> datetime:
    return datetime(*args, tzinfo=MADRID)


def post_at(workspace, when: datetime, *, body="Hola desde Sol", author=None, channels=None, **extra) -> Post:
    return make_post(
        workspace,
        author or workspace.author,
        body=body,
        when=when,
        channels=channels if channels is not None else [workspace.mastodon],
        **extra,
    )


def approved_post_at(workspace, when: datetime, **kwargs) -> Post:
    post = post_at(workspace, when, **kwargs)
    workflow.post_submit(post=post, user=post.author)
    workflow.post_approve(post=post, user=workspace.reviewer)
    post.refresh_from_db()
    assert post.status == PostStatus.APPROVED
    return post


def calendar_url(workspace, **params) -> str:
    query = urlencode(params, doseq=True)
    return reverse("calendar_app:calendar", kwargs={"slug": workspace.slug}) + (f"?{query}" if query else "")


def cards_by_zone(html: str) -> dict[str, list[int]]:
    """Post ids per drop zone of a rendered calendar: "YYYY-MM-DD" (month, list) or "YYYY-MM-DD@H" (week)."""
    zones: dict[str, list[int]] = {}
    for chunk in html.split('data-drop-date="')[1:]:
        day = chunk[:10]
        hour = re.match(r'" data-drop-hour="(\d+)"', chunk[10:])
        key = f"{day}@{hour.group(1)}" if hour else day
        zones.setdefault(key, []).extend(int(pk) for pk in re.findall(r'data-post-id="(\d+)"', chunk))
    return zones


def card_html(html: str, post_id: int) -> str:
    match = re.search(rf'<article class="cal-card"[^>]*data-post-id="{post_id}".*?</article>', html, re.S)
    assert match, f"no card for post {post_id}"
    return match.group(0)


def bulk_posts(workspace, *, count: int, first_day: datetime, days: int = 28, statuses=None) -> list[Post]:
    """Many posts spread over `days`, written in bulk: read paths are what the caller tests, and going
    through the editor service for thousands of posts would only slow the suite down."""
    statuses = statuses or [PostStatus.DRAFT, PostStatus.IN_REVIEW, PostStatus.APPROVED, PostStatus.PUBLISHED]
    minutes_apart = days * 24 * 60 // count
    posts = Post.objects.bulk_create(
        Post(
            workspace=workspace,
            author=workspace.author,
            body=f"Publicación número {n} del mes, con algo de texto para el calendario",
            scheduled_at=first_day + timedelta(minutes=n * minutes_apart),
            status=statuses[n % len(statuses)],
            content_hash=f"{n:064d}",
        )
        for n in range(count)
    )
    through = Post.channels.through
    through.objects.bulk_create(
        [through(post_id=post.pk, channel_id=workspace.mastodon.pk) for post in posts]
        + [through(post_id=post.pk, channel_id=workspace.bluesky.pk) for post in posts[::2]]
    )
    return posts
