"""A webhook channel keeps its stored address and secret when an admin reconnects it with only new settings."""

import pytest

from calendar_app.models import Role
from scheduler.models import Channel
from scheduler.services.channels import channel_connect, channel_reconnect
from scheduler.services.credentials import channel_credentials
from tests.factories import WorkspaceFactory, member
from tests.peers.webhook_receiver import WebhookReceiver

pytestmark = pytest.mark.django_db


def test_reconnecting_a_webhook_reuses_its_stored_url(settings):
    workspace = WorkspaceFactory()
    admin = member(workspace, Role.ADMIN)
    with WebhookReceiver(secret="s3cret") as receiver:
        settings.PAUTA_LINK_ALLOW_HOSTS = ["127.0.0.1", receiver.netloc]
        channel = channel_connect(
            workspace=workspace,
            user=admin,
            network="webhook",
            display_name="Team chat",
            values={"url": receiver.url, "secret": "s3cret"},
            confirm_brand=True,
        )
        channel.status = Channel.Status.NEEDS_ATTENTION
        channel.save(update_fields=["status"])
        channel = channel_reconnect(channel=channel, user=admin, values={"body_format": "slack"})
    channel.refresh_from_db()
    assert channel.status == Channel.Status.ACTIVE
    assert channel.config["body_format"] == "slack"
    assert channel_credentials(channel=channel)["url"] == receiver.url
