"""The Mastodon adapter against a real HTTP server speaking the Mastodon API (tests/peers).

Mastodon itself cannot run here; the peer answers with the documented status codes and bodies.
"""

import io
from datetime import UTC, datetime, timedelta

import pytest
from PIL import Image

from scheduler.adapters import (
    MastodonAdapter,
    MediaItem,
    PermanentError,
    PublishRequest,
    PublishResult,
    TransientError,
    UnknownOutcomeError,
)
from scheduler.adapters.base import network_time
from tests.peers.mastodon_server import MastodonPeer


@pytest.fixture
def peer():
    with MastodonPeer(token="s3cret-token-value") as server:
        yield server


@pytest.fixture
def records():
    return []


@pytest.fixture
def make_adapter(peer, records):
    def make(**options):
        options.setdefault("instance_url", peer.base_url)
        options.setdefault("access_token", peer.token)
        options.setdefault("allow_hosts", [peer.netloc])
        options.setdefault("media_poll_interval", 0.01)
        return MastodonAdapter(recorder=records.append, **options)

    return make


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 6), "orange").save(buffer, "PNG")
    return buffer.getvalue()


def request(text="Spring sale starts today https://example.org/sale", key="pub-1-chan-1", media=()):
    return PublishRequest(
        text=text, media=list(media), links=["https://example.org/sale"], idempotency_key=key
    )


def assert_no_secret(records, secret="s3cret-token-value"):
    assert records
    for record in records:
        assert secret not in repr(record)


def test_verify_identity_returns_the_account_id(make_adapter, records):
    identity = make_adapter().verify_identity()
    assert identity.account_id == "109000000000000001"
    assert identity.handle == "@brand"
    assert identity.display_name == "Brand"
    [record] = records
    assert record.method == "GET" and record.status == 200
    assert record.url.endswith("/api/v1/accounts/verify_credentials")
    assert_no_secret(records)


def test_publish_text_and_image_with_alt_text(peer, make_adapter, records):
    image = MediaItem(
        data=png(), mime_type="image/png", alt_text="A tulip field at dawn", filename="tulips.png"
    )
    result = make_adapter(language="en").publish(request(media=[image]))

    [upload] = peer.requests_to("POST", "/api/v2/media")
    assert upload.form["description"] == ["A tulip field at dawn"]
    assert upload.files["file"] == ("tulips.png", "image/png", image.data)
    [post] = peer.requests_to("POST", "/api/v1/statuses")
    assert post.headers["Idempotency-Key"] == "pub-1-chan-1"
    assert post.form["media_ids[]"] == list(peer.media)
    assert post.form["language"] == ["en"]
    [status] = peer.statuses
    assert result.remote_id == status["id"]
    assert result.url == status["url"]
    assert result.created_at == datetime.fromisoformat(status["created_at"].replace("Z", "+00:00"))
    assert status["media_attachments"][0]["description"] == "A tulip field at dawn"
    assert_no_secret(records)


def test_the_time_a_post_went_public():
    """The answer's arrival, unless an earlier attempt may have reached the network and the network created
    the post before this request was sent (a replay)."""
    scheduled = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)
    sent, answered = scheduled + timedelta(seconds=2), scheduled + timedelta(seconds=2.4)

    def public_since(created_at, *, replay_possible=True):
        result = PublishResult(remote_id="1", url="", raw_summary="", created_at=created_at)
        return result.public_since(
            sent_at=sent, answered_at=answered, scheduled_at=scheduled, replay_possible=replay_possible
        )

    assert public_since(None) == answered
    assert public_since(sent + timedelta(seconds=0.1)) == answered  # created by this request
    assert public_since(scheduled + timedelta(seconds=0.3)) == scheduled + timedelta(seconds=0.3)
    assert public_since(scheduled - timedelta(minutes=3)) == scheduled  # a network clock running behind
    # A first attempt: a time rounded down to the second (Pleroma) or a clock behind ours changes nothing.
    rounded_down = sent.replace(microsecond=0) - timedelta(seconds=1)
    assert public_since(rounded_down, replay_possible=False) == answered
    assert public_since(scheduled - timedelta(minutes=3), replay_possible=False) == answered


@pytest.mark.parametrize(
    ("reported", "expected"),
    [
        ("2026-12-06T09:00:01.250Z", datetime(2026, 12, 6, 9, 0, 1, 250000, tzinfo=UTC)),
        ("2026-12-06T10:00:01+01:00", datetime(2026, 12, 6, 9, 0, 1, tzinfo=UTC)),
        ("2026-12-06T09:00:01", None),  # no zone: whose clock?
        ("yesterday", None),
        (None, None),
        (12, None),
    ],
)
def test_times_the_networks_report(reported, expected):
    assert network_time(reported) == expected


def test_media_still_processing_is_polled_until_ready(peer, make_adapter):
    peer.media_processing_polls = 2
    image = MediaItem(data=png(), mime_type="image/png", alt_text="alt", filename="a.png")
    make_adapter().publish(request(media=[image]))
    polls = peer.requests_to("GET", "/api/v1/media/")
    assert len(polls) == 3  # 206, 206, 200
    assert len(peer.statuses) == 1


def test_media_polling_is_bounded(peer, make_adapter):
    peer.media_processing_polls = 50
    image = MediaItem(data=png(), mime_type="image/png", alt_text="alt", filename="big.png")
    with pytest.raises(TransientError) as caught:
        make_adapter(media_poll_attempts=3).publish(request(media=[image]))
    assert "still processing the image big.png" in caught.value.reason
    assert len(peer.requests_to("GET", "/api/v1/media/")) == 3
    assert peer.statuses == []


def test_repeated_idempotency_key_returns_the_same_status(peer, make_adapter):
    adapter = make_adapter()
    first = adapter.publish(request(key="same-key"))
    second = adapter.publish(request(key="same-key"))
    assert first.remote_id == second.remote_id
    assert len(peer.statuses) == 1


def test_wrong_token_is_a_permanent_auth_problem(make_adapter, records):
    with pytest.raises(PermanentError) as caught:
        make_adapter(access_token="wrong-token-123").publish(request())
    error = caught.value
    assert error.auth_problem and error.status == 401
    assert error.reason == "Mastodon refused the access token (401 Unauthorized): The access token is invalid"
    assert "wrong-token-123" not in str(error)
    assert_no_secret(records, "wrong-token-123")


def test_validation_error_is_permanent_with_mastodons_words(make_adapter):
    with pytest.raises(PermanentError) as caught:
        make_adapter().publish(request(text="x" * 501))
    assert caught.value.status == 422 and not caught.value.auth_problem
    assert "Text character limit of 500 exceeded" in caught.value.reason


def test_unsupported_media_is_rejected_with_the_file_name(peer, make_adapter):
    item = MediaItem(data=b"%PDF-1.4", mime_type="application/pdf", alt_text="", filename="brochure.pdf")
    with pytest.raises(PermanentError) as caught:
        make_adapter().publish(request(media=[item]))
    assert "the image brochure.pdf" in caught.value.reason
    assert "File content type is invalid" in caught.value.reason
    assert peer.statuses == []


def test_rate_limit_uses_mastodons_reset_time(peer, make_adapter):
    peer.fail_next("POST", "/api/v1/statuses", 429)
    with pytest.raises(TransientError) as caught:
        make_adapter().publish(request())
    assert caught.value.status == 429
    assert 290 <= caught.value.retry_after <= 300
    assert peer.statuses == []


def test_rate_limit_honours_retry_after(peer, make_adapter):
    peer.fail_next("POST", "/api/v1/statuses", 429, retry_after=7)
    with pytest.raises(TransientError) as caught:
        make_adapter().publish(request())
    assert caught.value.retry_after == 7
    assert "Retry in 7 s." in caught.value.reason


def test_service_unavailable_is_transient(peer, make_adapter):
    peer.fail_next("POST", "/api/v1/statuses", 503, body="<html>503 Service Temporarily Unavailable</html>")
    with pytest.raises(TransientError) as caught:
        make_adapter().publish(request())
    assert caught.value.status == 503 and caught.value.retry_after is None


def test_random_failures_can_be_injected(make_adapter):
    with MastodonPeer(failure_rate=1.0) as flaky, pytest.raises(TransientError):
        make_adapter(
            instance_url=flaky.base_url, access_token=flaky.token, allow_hosts=[flaky.netloc]
        ).verify_identity()


def test_timeout_after_sending_is_an_unknown_outcome_settled_by_reading_back(peer, make_adapter, records):
    since = datetime.now(UTC) - timedelta(seconds=5)
    text = "Launch day!\n\nRead more: https://example.org/launch?a=1&b=<2>"
    peer.stall_after("/api/v1/statuses", 1.0)
    adapter = make_adapter(timeout=(2.0, 0.3))
    with pytest.raises(UnknownOutcomeError) as caught:
        adapter.publish(request(text=text, key="lost-answer"))
    assert "may have been published" in caught.value.reason
    assert records[-1].status is None

    peer.stall_after("/api/v1/statuses", 0)
    found = adapter.find_published("lost-answer", since=since, text=text)
    assert found is not None and found.remote_id == peer.statuses[0]["id"]
    again = adapter.publish(request(text=text, key="lost-answer"))
    assert again.remote_id == found.remote_id
    assert len(peer.statuses) == 1
    assert_no_secret(records)


def test_find_published_returns_none_when_nothing_matches(make_adapter):
    adapter = make_adapter()
    adapter.publish(request(text="Something else"))
    assert adapter.find_published("k", text="Spring sale") is None


def test_find_published_ignores_posts_older_than_since(make_adapter):
    adapter = make_adapter()
    adapter.publish(request(text="Happy Monday"))
    assert adapter.find_published("k", text="Happy Monday") is not None
    later = datetime.now(UTC) + timedelta(minutes=1)
    assert adapter.find_published("k", since=later, text="Happy Monday") is None


def test_unreachable_instance_is_transient(make_adapter):
    with MastodonPeer() as gone:
        url, netloc = gone.base_url, gone.netloc
    with pytest.raises(TransientError) as caught:
        make_adapter(instance_url=url, allow_hosts=[netloc]).publish(request())
    assert caught.value.reason == "Could not reach Mastodon: no connection"


def test_plain_http_instances_are_refused():
    with pytest.raises(PermanentError) as caught:
        MastodonAdapter(instance_url="http://mastodon.example", access_token="t0ken")
    assert "must use https" in caught.value.reason


def test_private_instance_addresses_are_refused():
    adapter = MastodonAdapter(instance_url="https://localhost:9/", access_token="t0ken")
    with pytest.raises(PermanentError) as caught:
        adapter.verify_identity()
    assert "refused: points at a private address" in caught.value.reason
