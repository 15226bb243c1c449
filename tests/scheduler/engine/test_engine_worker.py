"""A real Celery worker and beat (subprocesses) with the real Redis broker publish due posts to a real HTTP
server speaking the Mastodon API; workers are killed mid-publish and messages redelivered, and every post
still goes out exactly once."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from calendar_app.models import PostStatus
from scheduler.models import Publication, PublishAttempt
from scheduler.tasks import publish_task
from tests.scheduler.engine.conftest import approved_post

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
FAST = {
    "PAUTA_LINK_ALLOW_HOSTS": ["127.0.0.1"],
    "PAUTA_PUBLISH_LEASE_SECONDS": 2,
    "PAUTA_REQUEUE_AFTER_SECONDS": 2,
    "PAUTA_RECONCILE_AFTER_SECONDS": 1,
    "PAUTA_RETRY_BASE_SECONDS": 0.2,
}


def status_of(post) -> str:
    post.refresh_from_db()
    return post.status


def one_status_per_post(mastodon, posts) -> None:
    texts = sorted(status["content"] for status in mastodon.statuses)
    assert len(texts) == len(posts), texts
    assert len(set(texts)) == len(posts)


def test_worker_publishes_due_posts_on_time_exactly_once(brand, mastodon, celery_processes):
    mastodon.failure_rate = 0.2
    celery_processes.start(settings=FAST)
    due = timezone.now() + timedelta(seconds=4)
    posts = [approved_post(brand, body=f"Post number {n} of the launch.", when=due) for n in range(6)]

    celery_processes.wait_for(lambda: all(status_of(p) == PostStatus.PUBLISHED for p in posts), timeout=60)

    one_status_per_post(mastodon, posts)
    for publication in Publication.objects.filter(post__in=posts):
        assert publication.published_at >= publication.scheduled_at
        assert publication.attempts.filter(outcome="published").count() == 1
        assert publication.attempts.get(outcome="published").worker.startswith("w1@")


def test_worker_killed_after_sending_is_recovered_without_a_second_post(brand, mastodon, celery_processes):
    celery_processes.start(settings=FAST)
    mastodon.stall_after("/api/v1/statuses", 30)  # the post is created, the answer never comes back in time
    post = approved_post(brand, body="Killed while waiting for the answer.", when=timezone.now())
    celery_processes.wait_for(lambda: mastodon.requests_to("POST", "/api/v1/statuses"), timeout=30)

    celery_processes.kill_worker("w1")
    mastodon.stall_after("/api/v1/statuses", 0)
    celery_processes.restart_worker("w1")

    celery_processes.wait_for(lambda: status_of(post) == PostStatus.PUBLISHED, timeout=60)
    assert len(mastodon.statuses) == 1
    publication = Publication.objects.get(post=post)
    # sent again with the same idempotency key, answered with the post the network already had
    keys = [
        request.headers["Idempotency-Key"] for request in mastodon.requests_to("POST", "/api/v1/statuses")
    ]
    assert keys == [publication.idempotency_key] * 2
    assert publication.remote_id == mastodon.statuses[0]["id"]
    outcomes = list(publication.attempts.values_list("outcome", flat=True))
    assert outcomes == [PublishAttempt.Outcome.UNCONFIRMED, PublishAttempt.Outcome.PUBLISHED]


def test_worker_killed_mid_request_sends_it_once_after_restart(brand, mastodon, celery_processes):
    celery_processes.start(settings=FAST)
    post = approved_post(brand, body="Killed while the request was on its way.", when=timezone.now())
    publication = Publication.objects.get(post=post)
    mastodon.latency = 5  # the request is in flight when the worker dies
    celery_processes.wait_for(lambda: mastodon.requests_to("POST", "/api/v1/statuses"), timeout=30)
    assert Publication.objects.get(pk=publication.pk).status == "publishing"

    celery_processes.kill_worker("w1")
    mastodon.latency = 0
    celery_processes.restart_worker("w1")

    celery_processes.wait_for(lambda: status_of(post) == PostStatus.PUBLISHED, timeout=60)
    # The dead worker's request may still have landed: either the read-back found it, or the post was sent
    # again with the same idempotency key, which the network answers with the first status.
    assert len(mastodon.statuses) == 1
    keys = {
        request.headers["Idempotency-Key"] for request in mastodon.requests_to("POST", "/api/v1/statuses")
    }
    assert keys == {publication.idempotency_key}
    outcomes = list(publication.attempts.order_by("id").values_list("outcome", flat=True))
    assert outcomes[0] == "unconfirmed" and outcomes[-1] == "published"


def test_redelivered_and_duplicated_messages_publish_once(brand, mastodon, celery_processes):
    celery_processes.start(settings=FAST, workers=2)
    post = approved_post(
        brand, body="Delivered three times, published once.", when=timezone.now() + timedelta(seconds=3)
    )
    publication = Publication.objects.get(post=post)
    for _copy in range(3):  # the same message again (a redelivery), as the broker would hand it out
        publish_task.apply_async(
            args=[publication.pk, publication.content_hash],
            eta=post.scheduled_at,
            task_id=f"redelivered-{publication.pk}",
        )

    celery_processes.wait_for(lambda: status_of(post) == PostStatus.PUBLISHED, timeout=60)
    time.sleep(2)  # let every copy run
    assert len(mastodon.requests_to("POST", "/api/v1/statuses")) == 1
    assert publication.attempts.count() == 1


def test_a_second_beat_stays_idle(brand, mastodon, celery_processes):
    celery_processes.start(settings=FAST)
    celery_processes.start_beat()
    post = approved_post(brand, body="Two beats, one leader.", when=timezone.now() + timedelta(seconds=2))

    celery_processes.wait_for(lambda: status_of(post) == PostStatus.PUBLISHED, timeout=60)
    celery_processes.wait_for(lambda: "stays idle" in celery_processes.log_text("beat-"), timeout=10)
    assert len(mastodon.statuses) == 1
