import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command

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
