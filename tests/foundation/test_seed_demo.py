import json
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from calendar_app.models import AuditEntry, Membership, Post, PostStatus, StyleRule, Workspace
from scheduler.models import Channel, Publication

pytestmark = pytest.mark.django_db


def _counts() -> dict:
    return {
        model.__name__: model.objects.count()
        for model in (
            get_user_model(),
            Workspace,
            Membership,
            Post,
            Channel,
            Publication,
            AuditEntry,
            StyleRule,
        )
    }


def test_seed_demo_is_idempotent_and_fills_the_calendar(monkeypatch, capsys):
    monkeypatch.setenv("PAUTA_DEMO_PASSWORD", "demo-pass-123")
    call_command("seed_demo")
    first = _counts()
    call_command("seed_demo")
    assert _counts() == first
    output = capsys.readouterr().out
    assert "Already there" in output and "demo-pass-123" in output
    workspace = Workspace.objects.get(slug="demo")
    assert workspace.timezone == "Europe/Madrid"
    assert {m.user.username: m.role for m in workspace.memberships.select_related("user")} == {
        "author": "author",
        "reviewer": "reviewer",
        "admin": "admin",
        "viewer": "viewer",
    }
    statuses = set(Post.objects.filter(workspace=workspace).values_list("status", flat=True))
    assert statuses >= {
        PostStatus.DRAFT,
        PostStatus.IN_REVIEW,
        PostStatus.CHANGES_REQUESTED,
        PostStatus.APPROVED,
        PostStatus.PUBLISHED,
        PostStatus.FAILED,
        PostStatus.UNCONFIRMED,
        PostStatus.CANCELLED,
    }
    assert StyleRule.objects.filter(guide__workspace=workspace).exists()
    assert get_user_model().objects.get(username="author").check_password("demo-pass-123")
    assert mail.outbox == []


def test_seed_demo_says_whether_its_bluesky_channel_reaches_a_local_server(monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("PEER_STATE", str(tmp_path))
    call_command("seed_demo")
    assert "no local server was running" in capsys.readouterr().out


def test_seed_demo_says_where_and_when_the_bluesky_posts_go_out(monkeypatch, capsys, tmp_path):
    """accounts.json as tests/peers/bluesky/start.sh writes it."""
    accounts = {
        "service": "http://127.0.0.1:2583",
        "accounts": {"brand": {"handle": "brand.test", "did": "did:plc:brand", "appPassword": "abcd-efgh"}},
    }
    (tmp_path / "accounts.json").write_text(json.dumps(accounts))
    monkeypatch.setenv("PEER_STATE", str(tmp_path))
    call_command("seed_demo")
    workspace = Workspace.objects.get(slug="demo")
    due = (
        Post.objects.filter(
            workspace=workspace, status=PostStatus.APPROVED, publications__channel__network="bluesky"
        )
        .filter(scheduled_at__gt=timezone.now(), scheduled_at__lt=timezone.now() + timedelta(hours=1))
        .order_by("scheduled_at")
        .values_list("scheduled_at", flat=True)
    )
    times = [timezone.localtime(moment, workspace.tzinfo).strftime("%H:%M") for moment in due]
    assert len(times) == 2
    output = capsys.readouterr().out
    assert "posts to brand.test on http://127.0.0.1:2583" in output
    assert f"due at {times[0]}, {times[1]} (Europe/Madrid)" in output


def test_the_engine_leaves_the_demos_settled_history_alone(monkeypatch, django_capture_on_commit_callbacks):
    """The demo's unconfirmed posts are history for the tour (never queued, long past): the first sweep of
    `make run` must not read them back (with no credentials, they would turn failed)."""
    from scheduler.services.dispatcher import sweep

    monkeypatch.setenv("PAUTA_DEMO_PASSWORD", "demo-pass-123")
    call_command("seed_demo")
    unconfirmed = set(Publication.objects.filter(status="unconfirmed").values_list("pk", flat=True))
    assert unconfirmed

    with django_capture_on_commit_callbacks(execute=True):
        assert sweep()["reconciles"] == 0
    assert set(Publication.objects.filter(status="unconfirmed").values_list("pk", flat=True)) == unconfirmed
