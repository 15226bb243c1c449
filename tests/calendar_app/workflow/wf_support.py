"""Helpers for the editorial workflow tests: a team with a member of every role, and a way to bring a
post to any state through the real services."""

import io
from dataclasses import dataclass
from datetime import timedelta

from django.test import Client
from django.utils import timezone
from PIL import Image

from calendar_app.models import StyleGuide, StyleRule, Workspace
from calendar_app.services import workflow
from tests.factories import make_post


@dataclass
class Team:
    workspace: Workspace
    author: object
    other_author: object
    reviewer: object
    reviewer2: object
    admin: object
    viewer: object
    mastodon: object
    bluesky: object

    def post(self, **kwargs):
        kwargs.setdefault("channels", [self.mastodon, self.bluesky])
        return make_post(self.workspace, kwargs.pop("author", self.author), **kwargs)


def style_rule(workspace, *, kind: str, level: str, message: str, **params) -> StyleRule:
    guide, _created = StyleGuide.objects.get_or_create(workspace=workspace)
    rule = StyleRule.objects.create(
        guide=guide, position=guide.rules.count(), kind=kind, level=level, message=message, params=params
    )
    guide.version += 1
    guide.save(update_fields=["version"])
    return rule


def bring_to(team: Team, status: str, **post_kwargs):
    """A post in `status`, reached through the same transitions a real post goes through."""
    post = team.post(**post_kwargs)
    if status == "draft":
        return post
    if status == "cancelled":
        return workflow.post_cancel(post=post, user=post.author)
    workflow.post_submit(post=post, user=post.author)
    if status == "in_review":
        return _fresh(post)
    if status == "changes_requested":
        return workflow.post_request_changes(post=post, user=team.reviewer, comment="Shorter, please.")
    workflow.post_approve(post=post, user=team.reviewer)
    post = _fresh(post)
    if status == "approved":
        return post
    if status == "failed":
        return workflow.post_system_transition(post=post, action="mark_failed", reason="401 from the network")
    workflow.post_system_transition(post=post, action="start_publishing")
    if status == "publishing":
        return _fresh(post)
    if status == "published":
        return workflow.post_system_transition(post=_fresh(post), action="mark_published")
    if status == "unconfirmed":
        return workflow.post_system_transition(post=_fresh(post), action="mark_unconfirmed", reason="timeout")
    raise ValueError(status)


def _fresh(post):
    post.refresh_from_db()
    return post


def in_days(days: float):
    return timezone.now() + timedelta(days=days)


def image_bytes(fmt: str = "JPEG", size=(64, 48), color=(200, 30, 30), **save_kwargs) -> bytes:
    out = io.BytesIO()
    mode = "RGBA" if fmt == "PNG" and save_kwargs.pop("alpha", False) else "RGB"
    Image.new(mode, size, color).save(out, format=fmt, **save_kwargs)
    return out.getvalue()


def browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def editor_data(team, **overrides) -> dict:
    data = {
        "title": "Campaña",
        "body": "Abrimos el lunes https://example.org",
        "channels": [team.mastodon.pk, team.bluesky.pk],
        "scheduled_at": "2031-05-04T09:15",
        "action": "save",
    }
    data.update(overrides)
    return data


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []
