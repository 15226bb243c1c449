"""Publishing a burst (many publications due at one moment) against a real HTTP server speaking the Mastodon
API: prepared ahead, claimed in one statement, sent concurrently, recorded together, and never twice."""

import io
import threading
import time
from datetime import datetime, timedelta

import pytest
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone
from PIL import Image

from calendar_app.models import AuditEntry, Notification, Post, PostStatus
from calendar_app.services.media import media_prepare
from calendar_app.services.posts import post_update
from calendar_app.services.workflow import post_approve, post_submit
from scheduler.models import Channel, PreflightReport, Publication
from scheduler.services import bursts
from scheduler.services.bursts import moment, preparing, recording, sending
from scheduler.services.channels import channel_adapter
from scheduler.services.outcomes import outcomes_worker_lost
from scheduler.services.pause import workspace_pause
from scheduler.services.publishing import publication_claim, publication_publish, publication_request
from tests.factories import make_post
from tests.peers.mastodon_server import MastodonPeer
from tests.scheduler.engine.conftest import PEER_TOKEN, connect_mastodon, due_posts

pytestmark = pytest.mark.django_db
WORKER = "celery@burst-host"


def items_of(posts) -> list[tuple[int, str]]:
    return list(Publication.objects.filter(post__in=posts).values_list("pk", "content_hash"))


def publish_alone(publication) -> str:
    return publication_publish(
        publication_id=publication.pk, content_hash=publication.content_hash, worker=WORKER
    )


def burst(posts, due):
    return bursts.publications_publish_burst(items=items_of(posts), due=due, worker=WORKER)


def while_waiting(monkeypatch, *, before_claim=None, after_claim=None):
    """A burst waits twice: prepared, until its claim a moment before the due time; claimed, until the due
    time. Each action runs in place of one of those waits (no real waiting)."""
    waits = iter([before_claim, after_claim])

    def wait(until):
        action = next(waits, None)
        if action is not None:
            action(until)

    monkeypatch.setattr(bursts, "sleep_until", wait)


def test_a_burst_publishes_each_post_once_on_its_time_with_its_claim_report(brand, mastodon):
    posts, due = due_posts(brand, 12)

    counts = burst(posts, due)

    assert counts == {"published": 12}
    assert sorted(status["content"] for status in mastodon.statuses) == sorted(
        f"<p>Burst post {n}: the spring collection.</p>" for n in range(12)
    )
    for post in posts:
        post.refresh_from_db()
        publication = Publication.objects.get(post=post)
        assert post.status == PostStatus.PUBLISHED
        assert publication.status == "published"
        assert publication.published_at >= due  # never early
        assert publication.remote_id in {status["id"] for status in mastodon.statuses}
        assert publication.claim_token == ""
        assert list(publication.attempts.values_list("outcome", flat=True)) == ["published"]
        report = publication.preflight_reports.get(trigger=PreflightReport.Trigger.CLAIM)
        assert report.ok
        assert post.audit.get(action="mark_published").preflight_report == report
        assert list(post.audit.values_list("action", flat=True))[-2:] == [
            "start_publishing",
            "mark_published",
        ]
        assert Notification.objects.filter(user=brand.author, kind="published", post=post).count() == 1
    keys = [
        request.headers["Idempotency-Key"] for request in mastodon.requests_to("POST", "/api/v1/statuses")
    ]
    assert sorted(keys) == sorted(
        Publication.objects.filter(post__in=posts).values_list("idempotency_key", flat=True)
    )


def test_the_same_burst_delivered_twice_publishes_nothing_more(brand, mastodon):
    posts, due = due_posts(brand, 5)
    burst(posts, due)

    again = burst(posts, due)

    assert again == {}  # nothing was scheduled any more: nothing prepared, claimed or sent
    assert len(mastodon.statuses) == 5
    assert len(mastodon.requests_to("POST", "/api/v1/statuses")) == 5


def test_a_publication_claimed_elsewhere_meanwhile_is_left_to_that_claim(brand, mastodon, monkeypatch):
    posts, due = due_posts(brand, 3)
    taken = Publication.objects.get(post=posts[0])

    def claimed_by_another_worker(moment):
        """Between preparing and claiming, a redelivered message's lone claim gets there first."""
        other = publication_claim(publication_id=taken.pk, content_hash=taken.content_hash, worker="another")
        assert not isinstance(other, str)

    while_waiting(monkeypatch, before_claim=claimed_by_another_worker)

    counts = burst(posts, due)

    assert counts == {"published": 2, "status:publishing": 1}
    taken.refresh_from_db()
    assert (taken.status, taken.claimed_by, taken.attempt_count) == ("publishing", "another", 1)
    assert not taken.preflight_reports.filter(trigger=PreflightReport.Trigger.CLAIM).exists()
    assert len(mastodon.statuses) == 2


def test_a_transient_failure_is_retried_in_place_without_a_second_post(brand, mastodon):
    posts, due = due_posts(brand, 4)
    mastodon.fail_next("POST", "/api/v1/statuses", 503, times=2)

    counts = burst(posts, due)

    assert counts == {"published": 4}
    assert len(mastodon.statuses) == 4
    assert len(mastodon.requests_to("POST", "/api/v1/statuses")) == 6
    outcomes = sorted(
        tuple(publication.attempts.order_by("id").values_list("outcome", flat=True))
        for publication in Publication.objects.filter(post__in=posts)
    )
    retried = [outcome for outcome in outcomes if len(outcome) > 1]
    assert sum(len(outcome) - 1 for outcome in retried) == 2
    assert all(outcome[-1] == "published" and set(outcome[:-1]) == {"retry"} for outcome in retried)
    for publication in Publication.objects.filter(post__in=posts):
        assert publication.attempt_count == publication.attempts.count()


def test_a_refusal_from_the_network_fails_the_post_and_tells_the_author(brand, mastodon):
    posts, due = due_posts(brand, 3)
    mastodon.fail_next(
        "POST",
        "/api/v1/statuses",
        422,
        body={"error": "Validation failed: Text character limit of 500 exceeded"},
    )

    counts = burst(posts, due)

    assert counts == {"published": 2, "failed": 1}
    failed = Publication.objects.get(post__in=posts, status="failed")
    assert "Text character limit of 500 exceeded" in failed.failure_reason
    assert failed.post.status == PostStatus.FAILED
    assert Notification.objects.filter(user=brand.author, kind="publish_failed", post=failed.post).exists()
    assert len(mastodon.statuses) == 2


def test_pausing_between_preparing_and_the_due_time_publishes_nothing(brand, mastodon, monkeypatch):
    posts, due = due_posts(brand, 3)

    def paused_while_waiting(moment):
        """The admin presses Pause while the burst, already prepared, waits for its time."""
        workspace_pause(workspace=brand.workspace, user=brand.admin, reason="Crisis")

    while_waiting(monkeypatch, before_claim=paused_while_waiting)

    counts = burst(posts, due)

    assert counts == {"paused": 3}
    assert mastodon.statuses == []
    assert not PreflightReport.objects.filter(post__in=posts, trigger=PreflightReport.Trigger.CLAIM).exists()
    assert set(Publication.objects.filter(post__in=posts).values_list("status", flat=True)) == {"scheduled"}


def test_pausing_between_the_claim_and_the_due_time_gives_the_claims_back_untouched(
    brand, mastodon, monkeypatch
):
    posts, due = due_posts(brand, 3)
    seen = {}

    def paused_after_the_claim(moment):
        """Claimed a moment early; the admin presses Pause before the due time."""
        seen["claimed"] = set(Publication.objects.filter(post__in=posts).values_list("status", flat=True))
        seen["posts"] = set(
            Post.objects.filter(pk__in=[post.pk for post in posts]).values_list("status", flat=True)
        )
        workspace_pause(workspace=brand.workspace, user=brand.admin, reason="Crisis")

    while_waiting(monkeypatch, after_claim=paused_after_the_claim)

    counts = burst(posts, due)

    assert seen == {"claimed": {"publishing"}, "posts": {PostStatus.PUBLISHING}}
    assert counts == {"paused": 3}
    assert mastodon.statuses == []
    publications = Publication.objects.filter(post__in=posts)
    assert {(p.status, p.attempt_count, p.claim_token) for p in publications} == {("scheduled", 0, "")}
    assert set(Post.objects.filter(pk__in=[post.pk for post in posts]).values_list("status", flat=True)) == {
        PostStatus.APPROVED
    }
    assert not PreflightReport.objects.filter(post__in=posts, trigger=PreflightReport.Trigger.CLAIM).exists()
    assert AuditEntry.objects.filter(post__in=posts, action="give_back").count() == 3


def test_a_channel_flagged_between_the_claim_and_the_due_time_is_not_sent_to_from_the_burst(
    brand, mastodon, monkeypatch
):
    posts, due = due_posts(brand, 2)

    def flagged_after_the_claim(moment):
        Channel.objects.filter(pk=brand.channel.pk).update(status=Channel.Status.NEEDS_ATTENTION)

    while_waiting(monkeypatch, after_claim=flagged_after_the_claim)

    counts = burst(posts, due)

    assert counts == {"alone": 2}  # given back and queued alone, where the checks decide
    assert mastodon.statuses == []
    publications = Publication.objects.filter(post__in=posts)
    assert {(p.status, p.attempt_count) for p in publications} == {("scheduled", 0)}


def test_content_approved_again_after_preparing_is_not_sent_from_the_stale_request(
    brand, mastodon, monkeypatch
):
    posts, due = due_posts(brand, 2)

    def edited_and_approved_again(moment):
        post = posts[0]
        post_update(post=post, user=brand.author, body="Corrected text, approved again.")
        post.refresh_from_db()
        post_submit(post=post, user=brand.author)
        post_approve(post=post, user=brand.reviewer, acknowledge_warnings=True)
        Publication.objects.filter(post=post, status="scheduled").update(next_attempt_at=due)

    while_waiting(monkeypatch, before_claim=edited_and_approved_again)

    counts = burst(posts, due)

    assert counts == {"published": 1, "status:cancelled": 1}
    assert [status["content"] for status in mastodon.statuses] == [
        "<p>Burst post 1: the spring collection.</p>"
    ]
    fresh = Publication.objects.get(post=posts[0], status="scheduled")  # the approved text waits for its turn
    assert fresh.content_hash != items_of([posts[1]])[0][1]
    assert fresh.attempt_count == 0


def test_a_publication_whose_checks_do_not_pass_goes_alone_and_is_held(
    brand, mastodon, django_capture_on_commit_callbacks
):
    posts, due = due_posts(brand, 3)
    Channel.objects.filter(pk=brand.channel.pk).update(is_brand_account=False)

    with django_capture_on_commit_callbacks() as queued:
        counts = burst(posts, due)

    assert counts == {"alone": 3}
    assert len(queued) == 3  # one publish task each, for the one-publication path
    for publication in Publication.objects.filter(post__in=posts):
        assert publish_alone(publication) == "held"
    assert mastodon.statuses == []


def test_nothing_starts_after_the_send_deadline_and_the_rest_is_queued_alone(
    brand, mastodon, settings, django_capture_on_commit_callbacks
):
    settings.PAUTA_BURST_SEND_SECONDS = 0
    posts, due = due_posts(brand, 4)

    with django_capture_on_commit_callbacks() as queued:
        counts = burst(posts, due)

    assert counts == {"alone": 4}
    assert len(queued) == 4
    assert mastodon.requests_to("POST", "/api/v1/statuses") == []
    for publication in Publication.objects.filter(post__in=posts):
        assert (publication.status, publication.attempt_count, publication.claim_token) == (
            "scheduled",
            0,
            "",
        )
        assert publish_alone(publication) == "published"
    assert len(mastodon.statuses) == 4


def test_when_recording_the_successes_together_fails_they_are_recorded_one_by_one(
    brand, mastodon, monkeypatch
):
    posts, due = due_posts(brand, 3)

    def broken(**kwargs):
        """Stands in for a database error in the bulk statements (it cannot be provoked on demand here)."""
        raise RuntimeError("bulk write failed")

    monkeypatch.setattr(recording, "outcomes_published", broken)

    counts = burst(posts, due)

    assert counts == {"published": 3}
    for post in posts:
        post.refresh_from_db()
        assert post.status == PostStatus.PUBLISHED
    assert len(mastodon.statuses) == 3


def test_the_sending_threads_never_touch_the_database_and_recording_takes_a_fixed_handful_of_statements(
    brand, mastodon, monkeypatch, django_assert_max_num_queries
):
    posts, due = due_posts(brand, 30)
    preparing.sleep_until(due)
    ready, others = preparing.prepare(items_of(posts), due=due + timedelta(minutes=1))
    assert others == []
    token = "t" * 32
    claimed = preparing.claim(ready, token=token, worker=WORKER, due=due)
    opened_by = []
    cursor = BaseDatabaseWrapper.cursor

    def watched_cursor(connection):
        opened_by.append(threading.current_thread().name)
        return cursor(connection)

    monkeypatch.setattr(BaseDatabaseWrapper, "cursor", watched_cursor)

    sent = sending.send_all(claimed, worker=WORKER)

    assert len(sent) == 30
    assert opened_by == []
    with django_assert_max_num_queries(12):  # a fixed handful, not a statement or two per post
        counts = recording.record(sent, token=token)
    assert counts == {"published": 30}
    assert AuditEntry.objects.filter(post__in=posts, action="mark_published").count() == 30


def test_a_burst_already_late_prepares_and_sends_all_of_it(brand, mastodon):
    """Work put back after a crash is due in the past: it still goes out together, not one by one."""
    posts, due = due_posts(brand, 5)
    late = timezone.now() - timedelta(seconds=20)
    Publication.objects.filter(post__in=posts).update(next_attempt_at=late)

    counts = burst(posts, late)

    assert counts == {"published": 5}
    assert len(mastodon.statuses) == 5


def test_a_killed_workers_posts_sent_again_count_from_when_the_network_created_them(brand, mastodon):
    """Two posts a killed worker had claimed: one it had sent (the network has it), one it had not. Sent
    again together, the first counts from the network's time, the second from its answer."""
    posts, due = due_posts(brand, 2)
    time.sleep(max(0, (due - timezone.now()).total_seconds()))
    sent_before, unsent = [Publication.objects.get(post=post) for post in posts]
    for publication in (sent_before, unsent):
        publication_claim(publication_id=publication.pk, content_hash=publication.content_hash, worker="w1")
    channel_adapter(channel=brand.channel, recorder=lambda call: None).publish(
        publication_request(publication=Publication.objects.get(pk=sent_before.pk))
    )
    time.sleep(0.3)
    outcomes_worker_lost(
        publications=list(Publication.objects.filter(post__in=posts)),
        reason_for=lambda publication: "w1 stopped",
        now=timezone.now(),
    )
    resent_at = timezone.now()

    assert burst(posts, resent_at) == {"published": 2}

    first, second = mastodon.statuses
    sent_before.refresh_from_db()
    unsent.refresh_from_db()
    assert len(mastodon.statuses) == 2
    assert sent_before.remote_id == first["id"]
    assert sent_before.published_at == network_created_at(first) < resent_at
    assert unsent.published_at > resent_at


def network_created_at(status: dict):
    return datetime.fromisoformat(status["created_at"].replace("Z", "+00:00"))


def test_a_post_with_an_image_on_two_channels_goes_out_on_both_from_two_threads(
    brand, mastodon, settings, tmp_path
):
    """The two publications of one post share its prefetched image rows (the same objects) across the
    sending threads; each thread reads the image through the storage with a handle of its own."""
    settings.MEDIA_ROOT = tmp_path
    other_instance = MastodonPeer(token=PEER_TOKEN, account_id="2002", username="brand").start()
    second = connect_mastodon(brand.workspace, brand.admin, other_instance, name="Brand · other instance")
    post = make_post(
        brand.workspace, brand.author, body="Our terrace opens today.", channels=[brand.channel, second]
    )
    image = media_prepare(upload=io.BytesIO(png()))
    post_update(post=post, user=brand.author, media_add=[(image, "The terrace at noon")])
    post.refresh_from_db()
    post_submit(post=post, user=brand.author)
    post_approve(post=post, user=brand.reviewer, acknowledge_warnings=True)
    due = timezone.now() + timedelta(seconds=1)
    Publication.objects.filter(post=post).update(scheduled_at=due, next_attempt_at=due)

    ready, others = preparing.prepare(items_of([post]), due=due + timedelta(minutes=1))
    assert others == [] and len(ready) == 2
    first, other = (list(item.publication.post.media.all())[0] for item in ready)
    assert first is other  # one object in two threads: its field's file must not be opened there
    PreflightReport.objects.filter(pk__in=[item.report.pk for item in ready]).delete()

    counts = burst([post], due)

    other_instance.stop()
    assert counts == {"published": 2}
    uploads = [
        *mastodon.requests_to("POST", "/api/v2/media"),
        *other_instance.requests_to("POST", "/api/v2/media"),
    ]
    assert [upload.form["description"][0] for upload in uploads] == ["The terrace at noon"] * 2
    post.refresh_from_db()
    assert post.status == PostStatus.PUBLISHED


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "teal").save(buffer, "PNG")
    return buffer.getvalue()


def test_each_sending_thread_builds_a_channels_adapter_once_and_each_attempt_keeps_its_own_calls(
    brand, mastodon, monkeypatch, settings
):
    settings.PAUTA_BURST_THREADS = 3
    posts, due = due_posts(brand, 12)
    mastodon.fail_next("POST", "/api/v1/statuses", 503, times=2)
    built = []
    channel_adapter = sending.channel_adapter

    def counted_channel_adapter(**kwargs):
        built.append(threading.current_thread().name)
        return channel_adapter(**kwargs)

    monkeypatch.setattr(sending, "channel_adapter", counted_channel_adapter)

    counts = burst(posts, due)

    assert counts == {"published": 12}
    senders = [name for name in built if name.startswith("burst")]  # the main thread warms the channel up
    assert len(senders) == len(set(senders)) <= 3
    attempts = [
        attempt
        for publication in Publication.objects.filter(post__in=posts)
        for attempt in publication.attempts.order_by("id")
    ]
    assert len(attempts) == 14
    assert all(len(attempt.calls) == 1 for attempt in attempts)
    assert sorted(attempt.calls[0]["status"] for attempt in attempts) == [200] * 12 + [503] * 2


def test_a_burst_records_once_the_moments_other_bursts_are_done_sending(brand, mastodon, monkeypatch):
    posts, due = due_posts(brand, 3)
    this_burst_sent, other_counted, other_stopped = threading.Event(), threading.Event(), threading.Event()
    recorded_after_other = []

    def other_burst_sending():
        """Another worker's burst of the same moment (counted in Redis, as a real one), still sending until
        half a second after this burst is done sending."""
        with moment.counted_as_sending(due, counted=True):
            other_counted.set()
            this_burst_sent.wait(10)
            time.sleep(0.5)
        other_stopped.set()

    send_all, record = bursts.send_all, bursts.record

    def watched_send_all(claimed, *, worker):
        sent = send_all(claimed, worker=worker)
        this_burst_sent.set()
        return sent

    def watched_record(sent, *, token):
        recorded_after_other.append(other_stopped.is_set())
        return record(sent, token=token)

    monkeypatch.setattr(bursts, "send_all", watched_send_all)
    monkeypatch.setattr(bursts, "record", watched_record)
    other = threading.Thread(target=other_burst_sending)
    other.start()
    assert other_counted.wait(5)

    counts = burst(posts, due)
    other.join()

    assert counts == {"published": 3}
    assert recorded_after_other == [True]


def test_a_burst_does_not_wait_past_its_limit_for_a_burst_that_never_says_it_stopped(
    brand, mastodon, settings
):
    settings.PAUTA_BURST_RECORD_WAIT_SECONDS = 0.3
    posts, due = due_posts(brand, 2)
    killed = moment.counted_as_sending(due, counted=True)
    killed.__enter__()  # a burst killed while sending: its count is never taken back

    started = time.monotonic()
    counts = burst(posts, due)

    assert counts == {"published": 2}
    assert time.monotonic() - started < 5
