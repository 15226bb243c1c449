"""The webhook adapter against a real receiving server on 127.0.0.1 that checks signatures."""

from dataclasses import replace

import pytest

from scheduler.adapters import (
    MediaItem,
    PermanentError,
    PublishRequest,
    TransientError,
    WebhookAdapter,
    adapter_for,
)
from tests.peers.webhook_receiver import WebhookReceiver

SECRET = "whsec-0123456789"


@pytest.fixture
def receiver():
    with WebhookReceiver(secret=SECRET) as server:
        yield server


def request(key="pub-9-chan-3"):
    banner = MediaItem(
        data=b"...",
        mime_type="image/png",
        alt_text="Banner",
        filename="b.png",
        url="https://cdn.example/b.png",
    )
    return PublishRequest(
        text="Everything 20% off https://example.org/sale",
        media=[banner],
        links=["https://example.org/sale"],
        idempotency_key=key,
    )


def make(receiver, records, **options):
    return WebhookAdapter(
        url=receiver.url,
        secret=options.pop("secret", SECRET),
        allow_hosts=[receiver.netloc],
        recorder=records.append,
        **options,
    )


def test_delivery_is_signed_and_carries_the_delivery_id(receiver):
    records = []
    result = make(receiver, records).publish(request())
    [delivery] = receiver.deliveries
    assert delivery["delivery"] == "pub-9-chan-3"
    assert delivery["body"] == {
        "post": {
            "text": "Everything 20% off https://example.org/sale",
            "links": ["https://example.org/sale"],
            "media": [
                {
                    "url": "https://cdn.example/b.png",
                    "alt_text": "Banner",
                    "mime_type": "image/png",
                    "filename": "b.png",
                }
            ],
        },
        "delivery_id": "pub-9-chan-3",
    }
    assert result.remote_id == "pub-9-chan-3"
    [record] = records
    assert record.status == 200 and record.url == f"http://{receiver.netloc}/…"
    assert SECRET not in repr(records) and "/hooks/pauta" not in repr(records)


def test_repeated_delivery_is_dropped_by_the_receiver(receiver):
    adapter = make(receiver, [])
    adapter.publish(request())
    adapter.publish(request())
    assert len(receiver.raw_requests) == 2
    assert len(receiver.deliveries) == 1


def test_wrong_secret_is_refused_by_the_receiver_as_an_auth_problem(receiver):
    with pytest.raises(PermanentError) as caught:
        make(receiver, [], secret="not-the-secret").publish(request())
    assert caught.value.auth_problem and caught.value.status == 401
    assert receiver.rejected_signatures == 1
    assert "not-the-secret" not in caught.value.reason


def test_slack_and_discord_shapes(receiver):
    make(receiver, [], body_format="slack").publish(request("a"))
    make(receiver, [], body_format="discord").publish(request("b"))
    slack, discord = (d["body"] for d in receiver.deliveries)
    assert slack == {"text": "Everything 20% off https://example.org/sale\n\nhttps://cdn.example/b.png"}
    assert discord == {"content": "Everything 20% off https://example.org/sale\n\nhttps://cdn.example/b.png"}


def test_chat_bodies_leave_out_media_paths_no_receiver_can_open(receiver):
    """With no public address configured, an image's URL is the app's bare path: useless in a chat."""
    bare = MediaItem(data=b"...", mime_type="image/png", alt_text="", filename="p.png", url="/media/p.png")
    make(receiver, [], body_format="slack").publish(replace(request("c"), media=[bare]))
    [delivery] = receiver.deliveries
    assert delivery["body"] == {"text": "Everything 20% off https://example.org/sale"}


def test_receiver_outage_is_transient(receiver):
    receiver.next_status = 502
    with pytest.raises(TransientError) as caught:
        make(receiver, []).publish(request())
    assert caught.value.status == 502
    assert caught.value.reason.startswith("127.0.0.1 could not handle the request (502 Bad Gateway)")


def test_plain_http_is_refused_unless_the_host_is_allow_listed(receiver):
    with pytest.raises(PermanentError) as caught:
        WebhookAdapter(url=receiver.url, secret=SECRET)
    assert (
        caught.value.reason
        == "The webhook address must use https (http is only allowed for allow-listed hosts)."
    )
    assert receiver.raw_requests == []


def test_identity_is_the_registered_url_without_a_call(receiver):
    identity = make(receiver, []).verify_identity()
    assert identity.account_id == receiver.url
    assert identity.handle == f"http://{receiver.netloc}/…"
    assert receiver.raw_requests == []


def test_registry_builds_each_network(receiver):
    webhook = adapter_for(
        "webhook", config={"url": receiver.url}, credentials={"secret": SECRET}, allow_hosts=[receiver.netloc]
    )
    assert isinstance(webhook, WebhookAdapter)
    with pytest.raises(ValueError):
        adapter_for("myspace", config={}, credentials={})
    with pytest.raises(ValueError):
        adapter_for("mastodon", config={"instance_url": "https://m.example"}, credentials={})
