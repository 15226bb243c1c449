"""Channel credentials at rest, reconnecting, and the beat leader lock."""

import pytest
import redis
from django.conf import settings

from calendar_app.errors import InvalidInputError, PermissionDeniedError
from scheduler.beat import LEADER_KEY, BeatLeaderLock
from scheduler.models import Channel
from scheduler.services.channels import channel_reconnect
from scheduler.services.credentials import channel_credentials, credentials_decrypt, credentials_encrypt
from tests.peers.mastodon_server import MastodonPeer
from tests.scheduler.engine.conftest import PEER_TOKEN

pytestmark = pytest.mark.django_db


def test_credentials_are_encrypted_with_the_configured_key(settings):
    token = credentials_encrypt(values={"access_token": "abc-secret-123"})
    assert "abc-secret-123" not in token
    assert credentials_decrypt(token=token) == {"access_token": "abc-secret-123"}

    old_key = settings.PAUTA_CREDENTIALS_KEY
    settings.PAUTA_CREDENTIALS_KEY = "a-brand-new-key," + old_key  # rotation: new key first, old still reads
    assert credentials_decrypt(token=token) == {"access_token": "abc-secret-123"}
    rotated = credentials_encrypt(values={"access_token": "abc-secret-123"})
    settings.PAUTA_CREDENTIALS_KEY = "a-brand-new-key"
    assert credentials_decrypt(token=rotated) == {"access_token": "abc-secret-123"}
    with pytest.raises(InvalidInputError):
        credentials_decrypt(token=token)


def test_connecting_stores_only_ciphertext(brand):
    assert PEER_TOKEN not in brand.channel.credentials_encrypted
    assert channel_credentials(channel=brand.channel) == {"access_token": PEER_TOKEN}


def test_reconnect_accepts_new_credentials_of_the_same_account_only(brand, mastodon):
    Channel.objects.filter(pk=brand.channel.pk).update(status="needs_attention", status_reason="401")
    brand.refresh()
    with pytest.raises(PermissionDeniedError):
        channel_reconnect(channel=brand.channel, user=brand.author, values={"access_token": PEER_TOKEN})

    channel = channel_reconnect(channel=brand.channel, user=brand.admin, values={"access_token": PEER_TOKEN})
    assert (channel.status, channel.status_reason) == ("active", "")

    with MastodonPeer(token="personal-token-987", account_id="555", username="jane") as personal:
        with pytest.raises(InvalidInputError, match="act as @jane, not as the registered @brand"):
            channel_reconnect(
                channel=channel,
                user=brand.admin,
                values={"instance_url": personal.base_url, "access_token": "personal-token-987"},
            )


def test_one_beat_leads_and_another_takes_over_when_it_is_gone():
    client = redis.Redis.from_url(settings.REDIS_URL)
    client.delete(LEADER_KEY)
    first, second = BeatLeaderLock(client, ttl_seconds=15), BeatLeaderLock(client, ttl_seconds=15)

    assert first.acquire_or_renew() is True
    assert second.acquire_or_renew() is False
    assert first.acquire_or_renew() is True  # renewing its own lock
    client.delete(LEADER_KEY)  # the leader died and its lock expired
    assert second.acquire_or_renew() is True
    assert first.acquire_or_renew() is False
    second.release()
    assert client.get(LEADER_KEY) is None
