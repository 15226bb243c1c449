"""The dispatcher and the sweeper, against the real broker (Redis): what they enqueue, with which ETA, and
how they recover work a dead worker or a lost message left behind."""

import time
from contextlib import contextmanager, suppress
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from calendar_app.models import PostStatus
from scheduler.models import Publication
from scheduler.services import bursts
from scheduler.services.dispatcher import dispatch_due, sweep
from scheduler.services.engine_settings import engine_setting
from scheduler.services.liveness import messages_possibly_lost_since, worker_booted, workers_observe
from scheduler.services.publishing import publication_claim, publication_publish
from tests.scheduler.engine.broker import broker_drain, broker_purge
from tests.scheduler.engine.conftest import approved_post, due_posts, lease_written
from tests.support.redis_proxy import RedisProxy

pytestmark = pytest.mark.django_db
BURST = "scheduler.tasks.publish_burst_task"


@pytest.fixture(autouse=True)
def _empty_queue():
    broker_purge()
    yield
    broker_purge()


def claimed_long_ago(publication) -> None:
    """As if the claim had been made a minute ago by a worker that died since (no lease renews it)."""
    Publication.objects.filter(pk=publication.pk).update(claimed_at=timezone.now() - timedelta(minutes=1))


def run(function, capture, **kwargs):
    """Services enqueue on commit; run the callbacks as a committed transaction would."""
    with capture(execute=True):
        return function(**kwargs)


def test_dispatch_enqueues_due_soon_as_a_burst_ahead_of_its_time_and_only_once(
    brand, django_capture_on_commit_callbacks
):
    now = timezone.now()
    soon = approved_post(brand, when=now + timedelta(seconds=20))
    approved_post(brand, when=now + timedelta(hours=2))
    broker_drain()

    counts = run(dispatch_due, django_capture_on_commit_callbacks, now=now)

    publication = Publication.objects.get(post=soon)
    queued = [m for m in broker_drain() if m.task == BURST]
    assert counts["queued"] == 1
    assert queued[0].args == [[[publication.pk, publication.content_hash]], soon.scheduled_at.isoformat()]
    # delivered early enough to prepare; the task itself waits for the due time
    assert queued[0].eta == soon.scheduled_at - timedelta(
        seconds=engine_setting("PAUTA_BURST_PREPARE_SECONDS")
    )
    assert publication.queued_at == now
    assert (
        run(dispatch_due, django_capture_on_commit_callbacks, now=now + timedelta(seconds=2))["queued"] == 0
    )
    assert [m for m in broker_drain() if m.task == BURST] == []


def test_posts_due_together_are_enqueued_in_bursts_of_the_configured_size(
    brand, settings, django_capture_on_commit_callbacks
):
    settings.PAUTA_BURST_SIZE = 4
    now = timezone.now()
    due = (now + timedelta(seconds=15)).replace(microsecond=0)
    together = [approved_post(brand, body=f"Launch post {n}.", when=due) for n in range(10)]
    alone = approved_post(
        brand, body="A minute later.", when=due + timedelta(minutes=1) - timedelta(seconds=50)
    )
    broker_drain()

    counts = run(dispatch_due, django_capture_on_commit_callbacks, now=now)

    queued = [m for m in broker_drain() if m.task == BURST]
    assert counts["queued"] == 11
    sizes = sorted(len(message.args[0]) for message in queued if message.args[1] == due.isoformat())
    assert sizes == [2, 4, 4]
    in_bursts = {item[0] for message in queued for item in message.args[0]}
    assert in_bursts == set(
        Publication.objects.filter(post__in=[*together, alone]).values_list("pk", flat=True)
    )
    assert [message.args[1] for message in queued].count(alone.scheduled_at.isoformat()) == 1


@contextmanager
def broker_through(proxy: RedisProxy):
    """The Celery app publishes through the proxy, then to the real broker again."""
    from config.celery_app import app

    real = (app.conf.broker_url, app._pool, app.amqp._producer_pool)
    app.conf.broker_url, app._pool, app.amqp._producer_pool = proxy.url, None, None
    try:
        yield
    finally:
        with suppress(Exception):
            app.pool.force_close_all()  # the proxy's connections
        app.conf.broker_url, app._pool, app.amqp._producer_pool = real
        proxy.stop()


# Transactional: the dispatcher runs in autocommit in a worker, so each message is sent as it is decided,
# and a refusal interrupts the run there, as in production.
@pytest.mark.django_db(transaction=True)
def test_publications_whose_burst_the_broker_refused_are_queued_again_at_the_next_run(
    brand, settings, django_capture_on_commit_callbacks
):
    """The broker takes the first burst and dies before the second. Marked queued, the rest would wait for
    the fallback (minutes); the burst it took stays queued."""
    from kombu.exceptions import OperationalError

    settings.PAUTA_BURST_SIZE = 4
    now = timezone.now()
    posts = [approved_post(brand, body=f"Post {n}.", when=now + timedelta(seconds=15)) for n in range(10)]
    broker_drain()

    with broker_through(RedisProxy(lpush_limit=1)), pytest.raises(OperationalError):
        run(dispatch_due, django_capture_on_commit_callbacks, now=now)
    taken = [m for m in broker_drain() if m.task == BURST]
    assert [len(m.args[0]) for m in taken] == [4]
    taken_ids = {publication_id for publication_id, _hash in taken[0].args[0]}
    assert (
        set(Publication.objects.filter(post__in=posts, queued_at=now).values_list("pk", flat=True))
        == taken_ids
    )
    assert Publication.objects.filter(post__in=posts, queued_at__isnull=True).count() == 6

    later = now + timedelta(seconds=2)
    assert run(dispatch_due, django_capture_on_commit_callbacks, now=later)["queued"] == 6
    queued = [m for m in broker_drain() if m.task == BURST]
    assert sorted(len(m.args[0]) for m in queued) == [2, 4]
    assert not taken_ids & {publication_id for m in queued for publication_id, _hash in m.args[0]}


@pytest.mark.django_db(transaction=True)
def test_a_preflight_the_broker_refused_is_queued_again_at_the_next_run(
    brand, django_capture_on_commit_callbacks
):
    """Nothing else queues a scheduled pre-flight again: marked and lost, the post would get only the
    claim-time checks, and its author no warning ten minutes ahead."""
    from kombu.exceptions import OperationalError

    now = timezone.now()
    post = approved_post(brand, when=now + timedelta(minutes=5))
    broker_drain()

    with broker_through(RedisProxy(lpush_limit=0)), pytest.raises(OperationalError):
        run(dispatch_due, django_capture_on_commit_callbacks, now=now)
    assert Publication.objects.get(post=post).preflight_queued_at is None

    assert run(dispatch_due, django_capture_on_commit_callbacks, now=now)["preflights"] == 1
    preflights = [m for m in broker_drain() if m.task == "scheduler.tasks.preflight_task"]
    assert [m.args[0] for m in preflights] == [post.pk]


@pytest.mark.django_db(transaction=True)
def test_a_retry_the_broker_refused_is_queued_by_the_dispatchers_next_run(
    brand, mastodon, django_capture_on_commit_callbacks
):
    """A worker met a 503 and scheduled a retry, and the broker refused the retry's message. The outcome
    stands and the publication shows as not queued: the next dispatcher run queues it, instead of the
    fallback minutes later (and the worker does not fail on it)."""
    post = approved_post(brand, when=timezone.now() - timedelta(seconds=1))
    publication = Publication.objects.get(post=post)
    mastodon.fail_next("POST", "/api/v1/statuses", 503, body="<h1>503</h1>")
    broker_drain()

    with broker_through(RedisProxy(lpush_limit=0)):
        outcome = publication_publish(
            publication_id=publication.pk, content_hash=publication.content_hash, worker="celery@refused"
        )

    assert outcome == "retry"
    publication.refresh_from_db()
    assert (publication.status, publication.queued_at) == ("scheduled", None)
    assert broker_drain() == []
    assert run(dispatch_due, django_capture_on_commit_callbacks)["queued"] == 1
    [burst] = [m for m in broker_drain() if m.task == BURST]
    assert burst.args[0] == [[publication.pk, publication.content_hash]]


@pytest.mark.django_db(transaction=True)
def test_a_broker_that_stops_answering_counts_as_refusing_within_seconds(
    brand, mastodon, django_capture_on_commit_callbacks
):
    """Redis takes the connection and the message but its answers never come back (a failover, a path that
    dropped without a reset): without a socket timeout the publisher would wait until the task's time
    limit. It gives up after its timeout and retries, and the publication is left for the dispatcher's next
    run, as with a broker that refuses."""
    post = approved_post(brand, when=timezone.now() - timedelta(seconds=1))
    publication = Publication.objects.get(post=post)
    mastodon.fail_next("POST", "/api/v1/statuses", 503, body="<h1>503</h1>")
    hung = RedisProxy(delay=settings.CELERY_TASK_SOFT_TIME_LIMIT)
    hung.slow.set()
    broker_drain()

    with broker_through(hung):
        started = time.monotonic()
        outcome = publication_publish(
            publication_id=publication.pk, content_hash=publication.content_hash, worker="celery@hung"
        )
        waited = time.monotonic() - started

    assert outcome == "retry"
    assert waited < settings.CELERY_TASK_SOFT_TIME_LIMIT / 3
    publication.refresh_from_db()
    assert (publication.status, publication.queued_at) == ("scheduled", None)
    broker_drain()  # what Redis took before it stopped answering: the claim would absorb those
    assert run(dispatch_due, django_capture_on_commit_callbacks)["queued"] == 1


@pytest.mark.django_db(transaction=True)
def test_a_burst_handing_many_posts_back_asks_a_hung_broker_once(
    brand, mastodon, settings, django_capture_on_commit_callbacks
):
    """Every post of a burst is handed back to go alone (here: the send deadline has passed) while Redis has
    stopped answering. The first message costs the broker's timeout and retries; the others are not offered
    to it, so the burst is over in the time of one (asking each would cost seconds apiece, into the burst's
    time limit), and the dispatcher's next run queues them all."""
    settings.PAUTA_BURST_SEND_SECONDS = 0
    posts, due = due_posts(brand, 8)
    hung = RedisProxy(delay=settings.CELERY_TASK_SOFT_TIME_LIMIT)
    hung.slow.set()
    broker_drain()

    with broker_through(hung):
        counts = bursts.publications_publish_burst(
            items=list(Publication.objects.filter(post__in=posts).values_list("pk", "content_hash")),
            due=due,
            worker="celery@hung",
        )
        waited = (timezone.now() - due).total_seconds()

    assert counts == {"alone": 8}
    one_refusal = settings.CELERY_BROKER_TRANSPORT_OPTIONS["socket_timeout"] * 4  # the timeout, 3 retries
    assert waited < one_refusal * 2
    rows = Publication.objects.filter(post__in=posts)
    assert set(rows.values_list("status", "queued_at")) == {("scheduled", None)}
    broker_drain()
    assert run(dispatch_due, django_capture_on_commit_callbacks)["queued"] == 8


@pytest.mark.django_db(transaction=True)
def test_a_read_back_the_broker_refused_is_queued_by_the_sweeper_once_due(
    brand, mastodon, django_capture_on_commit_callbacks
):
    """The request timed out after sending (unconfirmed) and the broker refused the read-back's message:
    the sweeper queues the read-back once it is due, not after the fallback."""
    brand.channel.config = {**brand.channel.config, "timeout": [2, 0.3]}
    brand.channel.save()
    post = approved_post(brand, when=timezone.now() - timedelta(seconds=1))
    publication = Publication.objects.get(post=post)
    mastodon.stall_after("/api/v1/statuses", 1.0)
    broker_drain()

    with broker_through(RedisProxy(lpush_limit=0)):
        outcome = publication_publish(
            publication_id=publication.pk, content_hash=publication.content_hash, worker="celery@refused"
        )
    mastodon.stall_after("/api/v1/statuses", 0)

    assert outcome == "unconfirmed"
    publication.refresh_from_db()
    assert publication.status == "unconfirmed"
    fallback = timedelta(seconds=engine_setting("PAUTA_REQUEUE_FALLBACK_SECONDS"))
    assert publication.queued_at < timezone.now() - fallback  # as if queued long ago: the sweeper's cue
    assert (
        run(sweep, django_capture_on_commit_callbacks, now=timezone.now())["reconciles"] == 0
    )  # not yet due
    due = publication.next_attempt_at + timedelta(seconds=engine_setting("PAUTA_REQUEUE_AFTER_SECONDS"))
    assert run(sweep, django_capture_on_commit_callbacks, now=due)["reconciles"] == 1
    reads = [m for m in broker_drain() if m.task == "scheduler.tasks.reconcile_task"]
    assert [m.args for m in reads] == [[publication.pk]]


@pytest.mark.django_db(transaction=True)
def test_a_sweep_stops_asking_a_broker_that_refuses(brand, mastodon):
    """Three read-backs are due again and the broker refuses the first: the sweep stops there (each refused
    message costs the publisher's retries), and the other two wait, untouched, for the next sweep."""
    now = timezone.now()
    long_ago = now - timedelta(hours=1)
    posts = [approved_post(brand, body=f"Read back {n}.", when=now - timedelta(minutes=5)) for n in range(3)]
    Publication.objects.filter(post__in=posts).update(
        status="unconfirmed", next_attempt_at=now - timedelta(minutes=1), queued_at=long_ago
    )
    broker_drain()

    with broker_through(RedisProxy(lpush_limit=0)):
        counts = sweep(now=now)

    assert counts["reconciles"] == 0
    queued = list(
        Publication.objects.filter(post__in=posts).order_by("pk").values_list("queued_at", flat=True)
    )
    assert queued[0] < now - timedelta(seconds=engine_setting("PAUTA_REQUEUE_FALLBACK_SECONDS"))
    assert queued[1:] == [long_ago, long_ago]
    assert sweep(now=now)["reconciles"] == 3
    assert len([m for m in broker_drain() if m.task == "scheduler.tasks.reconcile_task"]) == 3


@pytest.mark.django_db(transaction=True)
def test_a_time_limit_while_queueing_is_not_taken_for_a_refusal(brand, monkeypatch):
    """Only what a refusing broker raises is absorbed: a task's soft time limit (raised here by a stand-in
    for the publisher, as the worker would raise it during a hung send) goes on and stops the task."""
    from celery.exceptions import SoftTimeLimitExceeded

    from scheduler.services.queueing import enqueue_reconcile
    from scheduler.tasks import reconcile_task

    def hung(*args, **kwargs):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(reconcile_task, "apply_async", hung)
    with pytest.raises(SoftTimeLimitExceeded):
        enqueue_reconcile(publication_id=1)


def test_dispatch_enqueues_one_preflight_per_post_ahead_of_time(brand, django_capture_on_commit_callbacks):
    now = timezone.now()
    post = approved_post(brand, when=now + timedelta(minutes=8))
    approved_post(brand, when=now + timedelta(minutes=25))
    broker_drain()

    counts = run(dispatch_due, django_capture_on_commit_callbacks, now=now)

    preflights = [m for m in broker_drain() if m.task == "scheduler.tasks.preflight_task"]
    assert counts["preflights"] == 1
    assert preflights[0].args == [post.pk, post.content_hash]
    assert run(dispatch_due, django_capture_on_commit_callbacks, now=now)["preflights"] == 0


def test_paused_workspace_is_not_dispatched(brand, django_capture_on_commit_callbacks):
    from scheduler.services.pause import workspace_pause

    approved_post(brand, when=timezone.now() + timedelta(seconds=5))
    workspace_pause(workspace=brand.workspace, user=brand.admin, reason="Crisis")
    broker_drain()

    counts = run(dispatch_due, django_capture_on_commit_callbacks)

    assert counts == {"queued": 0, "requeued": 0, "preflights": 0}


def test_late_publications_are_not_sent_twice_while_workers_are_merely_busy(
    brand, django_capture_on_commit_callbacks
):
    now = timezone.now()
    post = approved_post(brand, when=now - timedelta(seconds=10))
    Publication.objects.filter(post=post).update(queued_at=now - timedelta(seconds=30))
    worker_booted()  # the worker holding its message started, and the broker was up, before it was queued
    messages_possibly_lost_since()
    Publication.objects.filter(post=post).update(queued_at=timezone.now())
    broker_drain()

    counts = run(dispatch_due, django_capture_on_commit_callbacks, now=timezone.now() + timedelta(seconds=10))

    assert counts["requeued"] == 0
    assert [m for m in broker_drain() if m.task == BURST] == []


def test_a_message_lost_with_its_worker_is_enqueued_again(brand, django_capture_on_commit_callbacks):
    now = timezone.now()
    post = approved_post(brand, when=now - timedelta(seconds=10))
    Publication.objects.filter(post=post).update(queued_at=now - timedelta(seconds=30))
    worker_booted()  # a worker (re)started after it was queued: the old one may have died holding it
    broker_drain()

    counts = run(dispatch_due, django_capture_on_commit_callbacks, now=timezone.now())

    assert counts["requeued"] == 1
    assert [m.task for m in broker_drain()].count(BURST) == 1
    assert run(dispatch_due, django_capture_on_commit_callbacks)["requeued"] == 0


def test_a_vanished_worker_heartbeat_counts_as_a_loss(brand, django_capture_on_commit_callbacks):
    from scheduler.heartbeat import HEARTBEAT_PREFIX, redis_client

    client = redis_client()
    client.set(HEARTBEAT_PREFIX + "w9@host", "1", ex=30)
    workers_observe()
    post = approved_post(brand, when=timezone.now() - timedelta(seconds=10))
    Publication.objects.filter(post=post).update(queued_at=timezone.now() - timedelta(seconds=20))
    client.delete(HEARTBEAT_PREFIX + "w9@host")  # it died without a word
    broker_drain()

    counts = run(sweep, django_capture_on_commit_callbacks)
    counts.update(run(dispatch_due, django_capture_on_commit_callbacks))

    assert counts["requeued"] == 1


def test_sweeper_puts_a_dead_workers_claim_back_on_the_schedule_and_it_goes_out_once(
    brand, mastodon, django_capture_on_commit_callbacks
):
    post = approved_post(brand, when=timezone.now() - timedelta(seconds=1))
    publication = Publication.objects.get(post=post)
    claim = publication_claim(
        publication_id=publication.pk, content_hash=publication.content_hash, worker="w1"
    )
    assert not isinstance(claim, str)
    claimed_long_ago(publication)  # and its lease never existed or has expired

    counts = run(sweep, django_capture_on_commit_callbacks)

    publication.refresh_from_db()
    assert counts["recovered"] == 1
    assert (publication.status, publication.worker_lost) == ("scheduled", True)
    assert publication.queued_at is not None  # queued by the sweep itself, not at the dispatcher's next tick
    assert "stopped while publishing" in publication.attempts.get(outcome="unconfirmed").summary
    assert [m.task for m in broker_drain()].count(BURST) == 1
    assert run(dispatch_due, django_capture_on_commit_callbacks)["queued"] == 0
    outcome = publication_publish(
        publication_id=publication.pk, content_hash=publication.content_hash, worker="w2"
    )
    assert outcome == "published"
    assert len(mastodon.statuses) == 1
    post.refresh_from_db()
    assert post.status == PostStatus.PUBLISHED


def test_a_dead_workers_post_already_on_the_network_is_not_posted_twice(
    brand, mastodon, django_capture_on_commit_callbacks
):
    """The worker was killed after the network created the post but before it recorded the answer: sent
    again with the same idempotency key, the network answers with the post it already has."""
    from scheduler.services.channels import channel_adapter
    from scheduler.services.publishing import publication_request

    post = approved_post(brand, when=timezone.now() - timedelta(seconds=1))
    publication = Publication.objects.get(post=post)
    claim = publication_claim(
        publication_id=publication.pk, content_hash=publication.content_hash, worker="w1"
    )
    channel_adapter(channel=brand.channel).publish(publication_request(publication=claim.publication))
    claimed_long_ago(publication)

    run(sweep, django_capture_on_commit_callbacks)
    outcome = publication_publish(
        publication_id=publication.pk, content_hash=publication.content_hash, worker="w2"
    )

    publication.refresh_from_db()
    assert outcome == "published"
    assert len(mastodon.statuses) == 1
    assert publication.remote_id == mastodon.statuses[0]["id"]
    keys = [
        request.headers["Idempotency-Key"] for request in mastodon.requests_to("POST", "/api/v1/statuses")
    ]
    assert keys == [publication.idempotency_key] * 2


def test_a_claim_whose_workers_keep_dying_fails_after_the_attempt_limit(
    brand, settings, django_capture_on_commit_callbacks
):
    settings.PAUTA_PUBLISH_MAX_ATTEMPTS = 2
    post = approved_post(brand, when=timezone.now() - timedelta(seconds=1))
    publication = Publication.objects.get(post=post)
    for _death in range(2):
        publication_claim(publication_id=publication.pk, content_hash=publication.content_hash, worker="w1")
        claimed_long_ago(publication)
        run(sweep, django_capture_on_commit_callbacks)

    publication.refresh_from_db()
    post.refresh_from_db()
    assert publication.status == "failed"
    assert "workers kept stopping" in publication.failure_reason
    assert post.status == PostStatus.FAILED


def test_sweeper_leaves_a_claim_with_a_live_lease_alone(brand, django_capture_on_commit_callbacks):
    from scheduler.services.leases import publication_lease

    post = approved_post(brand, when=timezone.now() - timedelta(seconds=1))
    publication = Publication.objects.get(post=post)
    claim = publication_claim(
        publication_id=publication.pk, content_hash=publication.content_hash, worker="w1"
    )
    with publication_lease(publication_id=publication.pk, token=claim.token):
        assert lease_written(publication.pk, claim.token)
        counts = run(sweep, django_capture_on_commit_callbacks, now=timezone.now() + timedelta(seconds=30))
    assert counts["recovered"] == 0
    publication.refresh_from_db()
    assert publication.status == "publishing"


def held_lease(publication, token: str, *, renewed_seconds_ago: float):
    """A lease as a worker holds it: the key, renewed that long ago, and a connection named after the claim."""
    from scheduler.services.leases import holder_client, lease_key, lease_seconds

    holder = holder_client(token)
    ttl_ms = int((lease_seconds() - renewed_seconds_ago) * 1000)
    holder.set(lease_key(publication.pk, token), token, px=ttl_ms)
    return holder


def claimed(brand):
    post = approved_post(brand, when=timezone.now() - timedelta(seconds=1))
    publication = Publication.objects.get(post=post)
    claim = publication_claim(
        publication_id=publication.pk, content_hash=publication.content_hash, worker="w1"
    )
    return publication, claim.token


def test_a_claim_whose_holder_is_gone_is_recovered_without_waiting_for_its_lease_to_expire(
    brand, django_capture_on_commit_callbacks, redis_up_a_while
):
    publication, token = claimed(brand)
    holder = held_lease(publication, token, renewed_seconds_ago=2)  # the key would live 4 s more

    assert run(sweep, django_capture_on_commit_callbacks)["recovered"] == 0  # connected: alive, if slow
    # The kernel closes a SIGKILLed process's sockets; here the connection is closed by hand.
    holder.close()
    assert run(sweep, django_capture_on_commit_callbacks)["recovered"] == 1

    publication.refresh_from_db()
    assert (publication.status, publication.worker_lost) == ("scheduled", True)


def test_a_holder_killed_moments_before_a_sweep_is_taken_over_by_that_sweep(
    brand, django_capture_on_commit_callbacks, redis_up_a_while
):
    """Its key was renewed 0.2 s ago and its connection is gone: the sweep waits the rest of SILENT_SECONDS
    and looks again, rather than leaving the claim to the next sweep a second later."""
    from scheduler.services.leases import SILENT_SECONDS

    publication, token = claimed(brand)
    held_lease(publication, token, renewed_seconds_ago=0.2).close()

    started = time.monotonic()
    assert run(sweep, django_capture_on_commit_callbacks)["recovered"] == 1
    took = time.monotonic() - started
    assert SILENT_SECONDS - 0.2 <= took < SILENT_SECONDS + 0.5, f"the sweep took {took:.2f} s"
    publication.refresh_from_db()
    assert (publication.status, publication.worker_lost) == ("scheduled", True)


def test_a_holder_whose_connection_dropped_but_that_still_renews_is_left_alone(
    brand, django_capture_on_commit_callbacks, redis_up_a_while
):
    """A network blip closes a live holder's connection (here Redis kills it); the holder reconnects at its
    next renewal, within the time the sweep waits for its key to go silent."""
    import redis

    from scheduler.services.leases import HOLDER_PREFIX, publications_lease

    publication, token = claimed(brand)
    direct = redis.Redis.from_url(settings.REDIS_URL)
    try:
        with publications_lease(publication_ids=[publication.pk], token=token):
            assert lease_written(publication.pk, token)
            killed = [
                direct.client_kill_filter(_id=connection["id"])
                for connection in direct.client_list(_type="normal")
                if connection.get("name") == f"{HOLDER_PREFIX}{token}"
            ]
            assert killed == [True]
            assert run(sweep, django_capture_on_commit_callbacks)["recovered"] == 0
    finally:
        direct.close()
    publication.refresh_from_db()
    assert publication.status == "publishing"


def test_a_claim_without_a_lease_is_recovered_only_once_older_than_a_lease(
    brand, django_capture_on_commit_callbacks
):
    """Its lease may not be written yet (it is taken after the claim commits)."""
    publication, _token = claimed(brand)

    assert run(sweep, django_capture_on_commit_callbacks)["recovered"] == 0
    claimed_long_ago(publication)
    assert run(sweep, django_capture_on_commit_callbacks)["recovered"] == 1


@pytest.mark.parametrize(
    "redis_answers",
    ["no client listing", "no names shown", "just restarted"],
)
def test_when_connections_cannot_be_trusted_a_lease_counts_as_held_while_its_key_lives(
    brand, django_capture_on_commit_callbacks, monkeypatch, redis_answers, redis_up_a_while
):
    """A managed Redis may refuse CLIENT LIST, a proxy may hide names, and right after a restart the holders
    have not reconnected yet: the key's TTL alone then tells, as before."""
    import redis

    client_list, info = redis.Redis.client_list, redis.Redis.info
    if redis_answers == "no client listing":

        def refused(self, *args, **kwargs):
            raise redis.ResponseError("NOPERM this user has no permissions to run the 'client|list' command")

        monkeypatch.setattr(redis.Redis, "client_list", refused)
    elif redis_answers == "no names shown":
        monkeypatch.setattr(
            redis.Redis,
            "client_list",
            lambda self, *args, **kwargs: [{**c, "name": ""} for c in client_list(self, *args, **kwargs)],
        )
    else:
        monkeypatch.setattr(
            redis.Redis,
            "info",
            lambda self, *args, **kwargs: {**info(self, *args, **kwargs), "uptime_in_seconds": 2},
        )
    publication, token = claimed(brand)
    holder = held_lease(publication, token, renewed_seconds_ago=2)
    holder.close()
    claimed_long_ago(publication)

    assert run(sweep, django_capture_on_commit_callbacks)["recovered"] == 0
    from scheduler.services.leases import lease_key

    redis.Redis.from_url(settings.REDIS_URL).delete(lease_key(publication.pk, token))  # expired
    assert run(sweep, django_capture_on_commit_callbacks)["recovered"] == 1
