"""Publishing one publication against a real HTTP server speaking the Mastodon API: the claim, each outcome,
and what it does to the post, the channel and the people involved."""

import time
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from calendar_app.models import Notification, PostStatus, Role
from calendar_app.services.posts import post_update
from scheduler.models import Channel, Publication, PublishAttempt
from scheduler.services.channels import channel_adapter
from scheduler.services.outcomes import outcomes_worker_lost
from scheduler.services.pause import workspace_pause
from scheduler.services.publishing import publication_claim, publication_publish, publication_request
from scheduler.services.reconcile import publication_reconcile
from tests.scheduler.engine.conftest import approved_post

pytestmark = pytest.mark.django_db
WORKER = "celery@test-host"


def due_post(brand, **kwargs):
    return approved_post(brand, when=timezone.now() - timedelta(seconds=1), **kwargs)


def only_publication(post) -> Publication:
    return Publication.objects.get(
        post=post, status__in=["scheduled", "publishing", "published", "failed", "unconfirmed", "held"]
    )


def publish(publication: Publication) -> str:
    publication.refresh_from_db()
    return publication_publish(
        publication_id=publication.pk, content_hash=publication.content_hash, worker=WORKER
    )


def test_published_stores_remote_id_and_url_and_records_the_attempt(brand, mastodon):
    post = due_post(brand, body="Spring catalogue: out now.")
    publication = only_publication(post)

    assert publish(publication) == "published"

    publication.refresh_from_db()
    post.refresh_from_db()
    status = mastodon.statuses[0]
    assert publication.status == "published"
    assert publication.remote_id == status["id"]
    assert publication.remote_url == status["url"]
    assert post.status == PostStatus.PUBLISHED
    sent = mastodon.requests_to("POST", "/api/v1/statuses")
    assert len(sent) == 1
    assert sent[0].headers["Idempotency-Key"] == publication.idempotency_key
    attempt = publication.attempts.get()
    assert attempt.outcome == "published"
    assert attempt.worker == WORKER
    assert attempt.http_status == 200
    assert attempt.calls[-1]["url"].endswith("/api/v1/statuses")
    assert Notification.objects.filter(user=brand.author, kind="published", post=post).exists()
    assert post.audit.get(action="mark_published").preflight_report == publication.preflight_reports.get()


def test_a_second_delivery_of_the_same_message_publishes_nothing(brand, mastodon):
    publication = only_publication(due_post(brand))
    assert publish(publication) == "published"
    assert publish(publication) == "status:published"
    assert len(mastodon.requests_to("POST", "/api/v1/statuses")) == 1


def test_claim_refuses_content_changed_since_queued(brand, mastodon):
    post = due_post(brand)
    publication = only_publication(post)
    queued_hash = publication.content_hash
    post_update(post=post, user=brand.author, body="A different text nobody approved.")

    outcome = publication_publish(publication_id=publication.pk, content_hash=queued_hash, worker=WORKER)

    assert outcome == "status:cancelled"
    assert mastodon.requests_to("POST", "/api/v1/statuses") == []


def test_claim_refuses_a_paused_workspace_and_leaves_the_publication_scheduled(brand, mastodon):
    publication = only_publication(due_post(brand))
    workspace_pause(workspace=brand.workspace, user=brand.admin, reason="Crisis: product recall")

    assert publish(publication) == "paused"

    publication.refresh_from_db()
    assert publication.status == "scheduled"
    assert mastodon.requests_to("POST", "/api/v1/statuses") == []


def test_claim_waits_for_its_time(brand):
    post = approved_post(brand, when=timezone.now() + timedelta(minutes=5))
    assert publish(only_publication(post)) == "not_due"


def test_transient_503_is_retried_with_backoff_then_published(brand, mastodon):
    publication = only_publication(due_post(brand))
    mastodon.fail_next("POST", "/api/v1/statuses", 503, body="<h1>503</h1>")

    assert publish(publication) == "retry"

    publication.refresh_from_db()
    assert publication.status == "scheduled"
    assert publication.next_attempt_at > timezone.now() - timedelta(seconds=1)
    assert "503" in publication.failure_reason
    retry = publication.attempts.get()
    assert (retry.outcome, retry.http_status) == ("retry", 503)

    Publication.objects.filter(pk=publication.pk).update(next_attempt_at=timezone.now())
    assert publish(publication) == "published"
    assert publication.attempts.count() == 2
    assert len(mastodon.statuses) == 1


def test_retry_after_of_a_429_is_honoured(brand, mastodon):
    publication = only_publication(due_post(brand))
    mastodon.fail_next("POST", "/api/v1/statuses", 429, retry_after=120)
    before = timezone.now()

    assert publish(publication) == "retry"

    publication.refresh_from_db()
    assert publication.next_attempt_at >= before + timedelta(seconds=119)


def test_retries_stop_at_the_bound_and_the_post_fails(brand, mastodon, settings):
    settings.PAUTA_PUBLISH_MAX_ATTEMPTS = 2
    post = due_post(brand)
    publication = only_publication(post)
    mastodon.fail_next("POST", "/api/v1/statuses", 503, times=5)

    assert publish(publication) == "retry"
    Publication.objects.filter(pk=publication.pk).update(next_attempt_at=timezone.now())
    assert publish(publication) == "retry"

    publication.refresh_from_db()
    post.refresh_from_db()
    assert publication.status == "failed"
    assert "Gave up after 2 attempts" in publication.failure_reason
    assert post.status == PostStatus.FAILED


def test_401_fails_at_once_flags_the_channel_and_tells_admins(brand, mastodon):
    post = due_post(brand)
    publication = only_publication(post)
    mastodon.fail_next("POST", "/api/v1/statuses", 401, body={"error": "The access token was revoked"})

    assert publish(publication) == "failed"

    publication.refresh_from_db()
    post.refresh_from_db()
    brand.refresh()
    assert publication.status == "failed"
    assert "The access token was revoked" in publication.failure_reason
    assert post.status == PostStatus.FAILED
    assert brand.channel.status == Channel.Status.NEEDS_ATTENTION
    assert Notification.objects.filter(user=brand.admin, kind="publish_failed", post=None).exists()
    failed = Notification.objects.get(user=brand.author, kind="publish_failed", post=post)
    assert "access token was revoked" in failed.message
    assert PublishAttempt.objects.filter(publication=publication).count() == 1
    assert "brand-token" not in publication.failure_reason + failed.message


def test_422_fails_with_the_networks_words_and_leaves_the_channel_active(brand, mastodon):
    publication = only_publication(due_post(brand))
    mastodon.fail_next(
        "POST",
        "/api/v1/statuses",
        422,
        body={"error": "Validation failed: Text character limit of 500 exceeded"},
    )

    assert publish(publication) == "failed"

    publication.refresh_from_db()
    brand.refresh()
    assert "Text character limit of 500 exceeded" in publication.failure_reason
    assert publication.failure_reason.startswith("Mastodon rejected the post (422 ")  # named once
    assert brand.channel.status == Channel.Status.ACTIVE
    assert publication.attempts.get().http_status == 422


def test_timeout_after_sending_is_unconfirmed_then_settled_published_by_reading_back(brand, mastodon):
    brand.channel.config = {**brand.channel.config, "timeout": [2, 0.3]}
    brand.channel.save()
    post = due_post(brand, body="Reading back settles this one.")
    publication = only_publication(post)
    mastodon.stall_after("/api/v1/statuses", 1.0)

    assert publish(publication) == "unconfirmed"

    publication.refresh_from_db()
    post.refresh_from_db()
    assert publication.status == "unconfirmed"
    assert post.status == PostStatus.UNCONFIRMED
    mastodon.stall_after("/api/v1/statuses", 0)

    assert publication_reconcile(publication_id=publication.pk, worker=WORKER) == "published"

    publication.refresh_from_db()
    post.refresh_from_db()
    assert publication.status == "published"
    assert publication.remote_id == mastodon.statuses[0]["id"]
    assert publication.published_at == network_time(mastodon.statuses[0])  # not when it was read back
    assert post.status == PostStatus.PUBLISHED
    assert len(mastodon.requests_to("POST", "/api/v1/statuses")) == 1


def test_a_replayed_request_keeps_the_time_the_network_created_the_post(brand, mastodon):
    """A worker killed after the network accepted its request: the sweeper gives the claim back, the next
    attempt sends the same idempotency key, the network answers with the post it already has, and the post
    counts as public since then."""
    post = due_post(brand, body="Sent once before the crash.")
    publication = only_publication(post)
    claim = publication_claim(
        publication_id=publication.pk, content_hash=publication.content_hash, worker="w1"
    )
    channel_adapter(channel=brand.channel, recorder=lambda call: None).publish(
        publication_request(publication=claim.publication)
    )
    time.sleep(0.3)
    dead = Publication.objects.get(pk=publication.pk)
    outcomes_worker_lost(publications=[dead], reason_for=lambda p: "w1 stopped", now=timezone.now())

    assert publish(publication) == "published"

    publication.refresh_from_db()
    [status] = mastodon.statuses
    assert publication.remote_id == status["id"]
    assert publication.published_at == network_time(status)
    assert publication.worker_lost is False  # settled
    second_attempt = publication.attempts.filter(outcome=PublishAttempt.Outcome.PUBLISHED).get()
    assert second_attempt.started_at - publication.published_at > timedelta(seconds=0.3)


def test_a_first_attempt_counts_from_the_answer_whatever_the_networks_clock_says(brand, mastodon):
    """Only a replay takes the network's time: a server whose clock runs behind ours would otherwise make
    a fresh post look published before it was sent."""
    mastodon.clock_offset = timedelta(seconds=-30)
    post = due_post(brand, body="A server a little behind.")
    publication = only_publication(post)
    before = timezone.now()

    assert publish(publication) == "published"

    publication.refresh_from_db()
    [status] = mastodon.statuses
    assert network_time(status) < before
    assert before <= publication.published_at <= timezone.now()


def network_time(status: dict):
    return datetime.fromisoformat(status["created_at"].replace("Z", "+00:00"))


def test_unconfirmed_post_missing_from_the_account_is_failed_without_sending_again(brand, mastodon):
    brand.channel.config = {**brand.channel.config, "timeout": [2, 0.3]}
    brand.channel.save()
    post = due_post(brand, body="This one the network lost.")
    publication = only_publication(post)
    mastodon.stall_after("/api/v1/statuses", 1.0)
    assert publish(publication) == "unconfirmed"
    mastodon.statuses.clear()  # the network lost the write it was slow to acknowledge

    assert publication_reconcile(publication_id=publication.pk, worker=WORKER) == "later"
    assert publication_reconcile(publication_id=publication.pk, worker=WORKER) == "failed"

    publication.refresh_from_db()
    post.refresh_from_db()
    assert publication.status == "failed"
    assert "not among the account's recent posts" in publication.failure_reason
    assert post.status == PostStatus.FAILED
    assert len(mastodon.requests_to("POST", "/api/v1/statuses")) == 1


def test_claim_time_preflight_holds_a_post_with_a_broken_link(brand, mastodon, links):
    broken = links.url("/found-missing")
    post = due_post(brand, body=f"See the offer at {broken}")
    publication = only_publication(post)

    assert publish(publication) == "held"

    publication.refresh_from_db()
    post.refresh_from_db()
    assert publication.status == "held"
    assert f"{broken} answered 404 Not Found after 1 redirect" in post.status_reason
    assert post.status == PostStatus.FAILED
    assert mastodon.requests_to("POST", "/api/v1/statuses") == []
    report = publication.preflight_reports.get()
    assert report.trigger == "claim" and not report.ok
    assert post.audit.get(action="mark_failed").preflight_report == report
    told = set(Notification.objects.filter(post=post, kind="preflight_failed").values_list("user", flat=True))
    assert told == {brand.author.pk, brand.reviewer.pk, brand.admin.pk}


def test_a_claim_time_hold_reads_in_each_readers_language_and_goes_once_the_post_goes_out(
    brand, mastodon, links, settings
):
    """Held at claim time in a Spanish workspace (its link points at a loopback address that is not
    allow-listed), read in English by an English reader; once allowed and retried it goes out, and neither
    the post nor the publication keeps the old reason."""
    from django.utils import translation

    from calendar_app.services.workflow import post_retry

    brand.workspace.language = "es"
    brand.workspace.save(update_fields=["language"])
    allowed, settings.PAUTA_LINK_ALLOW_HOSTS = settings.PAUTA_LINK_ALLOW_HOSTS, []
    post = due_post(brand, body=f"See the offer at {links.url('/ok')}")

    assert publish(only_publication(post)) == "held"

    publication = only_publication(post)
    post.refresh_from_db()
    assert "dirección privada" in publication.failure_reason and "dirección privada" in post.status_reason
    with translation.override("en"):
        assert "refused: points at a private address (127.0.0.1)" in publication.failure_text
        assert post.status_reason_text.startswith(f"{brand.channel.display_name}: ")
        assert "refused: points at a private address (127.0.0.1)" in post.status_reason_text

    settings.PAUTA_LINK_ALLOW_HOSTS = allowed
    post_retry(post=post, user=brand.reviewer)
    post.refresh_from_db()
    assert post.status == PostStatus.APPROVED
    assert (post.status_reason_text, post.status_reason_message) == ("", None)
    assert publish(only_publication(post)) == "published"
    publication = only_publication(post)
    assert publication.status == "published"
    assert publication.failure_message is None
    assert publication.failure_reason == publication.failure_text == ""


def test_two_channels_settle_together(brand, mastodon):
    from tests.peers.mastodon_server import MastodonPeer
    from tests.scheduler.engine.conftest import connect_mastodon

    with MastodonPeer(token="second-token-abcdef", account_id="77", username="brand2") as second:
        other = connect_mastodon(
            brand.workspace, brand.admin, second, token="second-token-abcdef", name="Second"
        )
        post = due_post(brand, channels=[brand.channel, other])
        first, late = list(Publication.objects.filter(post=post).order_by("channel_id"))
        second.fail_next(
            "POST", "/api/v1/statuses", 422, body={"error": "Validation failed: Text can't be blank"}
        )
        publications = {first.channel_id: first, late.channel_id: late}

        assert publish(publications[brand.channel.pk]) == "published"
        post.refresh_from_db()
        assert post.status == PostStatus.PUBLISHING
        assert publish(publications[other.pk]) == "failed"

    post.refresh_from_db()
    assert post.status == PostStatus.FAILED
    assert "Second: Mastodon" in post.status_reason


def test_concurrent_claims_let_exactly_one_through(brand):
    publication = only_publication(due_post(brand))
    first = publication_claim(
        publication_id=publication.pk, content_hash=publication.content_hash, worker="a"
    )
    second = publication_claim(
        publication_id=publication.pk, content_hash=publication.content_hash, worker="b"
    )
    assert not isinstance(first, str)
    assert second == "status:publishing"


def test_viewer_cannot_be_the_reason_for_a_valid_approval(brand, mastodon):
    """Approvals from people who are no longer reviewers stop counting before anything goes out."""
    from calendar_app.models import Membership

    post = due_post(brand)
    Membership.objects.filter(user=brand.reviewer, workspace=brand.workspace).update(role=Role.VIEWER)

    assert publish(only_publication(post)) == "held"
    post.refresh_from_db()
    assert "needs 1 approval(s) from current reviewers" in post.status_reason
