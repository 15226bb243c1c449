"""Concurrent approvals and edits on PostgreSQL: two threads, each with its own connection, start together
at a barrier. The workflow locks the post row (SELECT … FOR UPDATE), so whatever the interleaving the post
ends in a consistent state. A pause inside the locked section makes the second thread really wait."""

import threading
import time

import pytest
from django.conf import settings
from django.db import connection

from calendar_app.errors import PautaError
from calendar_app.models import AuditEntry, PostStatus
from calendar_app.services import workflow
from calendar_app.services.posts import post_update
from scheduler.models import Publication

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="row locks (SELECT … FOR UPDATE) are only exercised on PostgreSQL; SQLite serialises writers",
    ),
    pytest.mark.django_db(transaction=True),
]
S = PostStatus


def race(*jobs, pause: float = 0.3, monkeypatch=None) -> list:
    """Run `jobs` in threads released together; returns each job's result or the PautaError it raised."""
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)

    def runner(index, job):
        try:
            barrier.wait(timeout=10)
            results[index] = job()
        except PautaError as error:
            results[index] = error
        finally:
            connection.close()

    if monkeypatch is not None and pause:
        original = workflow.review._style_errors_and_warnings

        def slow(post):
            time.sleep(pause)
            return original(post)

        monkeypatch.setattr(workflow.review, "_style_errors_and_warnings", slow)
    threads = [threading.Thread(target=runner, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    return results


def assert_consistent(post) -> None:
    post.refresh_from_db()
    approvals = workflow.current_approvals(post).count()
    scheduled = Publication.objects.filter(post=post, status=Publication.Status.SCHEDULED)
    if post.status == S.APPROVED:
        assert approvals >= post.workspace.approvals_required
        assert scheduled.count() == post.channels.count()
        assert set(scheduled.values_list("content_hash", flat=True)) == {post.content_hash}
    else:
        assert not scheduled.exists()


def test_two_reviewers_approving_together_both_count(team, monkeypatch):
    team.workspace.approvals_required = 2
    team.workspace.save()
    post = team.post()
    workflow.post_submit(post=post, user=team.author)
    results = race(
        lambda: workflow.post_approve(post=post, user=team.reviewer, expected_hash=post.content_hash),
        lambda: workflow.post_approve(post=post, user=team.reviewer2, expected_hash=post.content_hash),
        monkeypatch=monkeypatch,
    )
    assert not any(isinstance(result, PautaError) for result in results), results
    post.refresh_from_db()
    assert post.status == S.APPROVED
    assert post.approvals.count() == 2
    moves = AuditEntry.objects.filter(post=post, action="approve").order_by("id")
    assert [(m.from_status, m.to_status) for m in moves] == [
        ("in_review", "in_review"),
        ("in_review", "approved"),
    ]
    assert_consistent(post)


def test_two_reviewers_racing_for_the_only_approval_one_wins(team, monkeypatch):
    post = team.post()
    workflow.post_submit(post=post, user=team.author)
    results = race(
        lambda: workflow.post_approve(post=post, user=team.reviewer),
        lambda: workflow.post_approve(post=post, user=team.reviewer2),
        monkeypatch=monkeypatch,
    )
    errors = [r for r in results if isinstance(r, PautaError)]
    assert len(errors) == 1 and "cannot be approved" in errors[0].message
    post.refresh_from_db()
    assert post.status == S.APPROVED and post.approvals.count() == 1
    assert AuditEntry.objects.filter(post=post, action="approve").count() == 1
    assert Publication.objects.filter(post=post).count() == post.channels.count()
    assert_consistent(post)


def test_author_editing_while_a_reviewer_approves(team, monkeypatch):
    post = team.post()
    workflow.post_submit(post=post, user=team.author)
    read_hash = post.content_hash
    results = race(
        lambda: workflow.post_approve(post=post, user=team.reviewer, expected_hash=read_hash),
        lambda: post_update(post=post, user=team.author, body="Texto cambiado a última hora"),
        monkeypatch=monkeypatch,
    )
    post.refresh_from_db()
    assert post.body == "Texto cambiado a última hora"
    assert post.status == S.DRAFT, "whichever came first, the edit leaves a draft"
    assert workflow.current_approvals(post).count() == 0
    approve_result = results[0]
    if isinstance(approve_result, PautaError):
        assert post.approvals.count() == 0
    else:
        assert post.approvals.get().content_hash == read_hash != post.content_hash
    assert_consistent(post)


def test_many_concurrent_edits_each_make_one_revision(team, monkeypatch):
    post = team.post()
    race(
        *[lambda n=n: post_update(post=post, user=team.author, body=f"Versión {n}") for n in range(4)],
        pause=0,
    )
    post.refresh_from_db()
    numbers = list(post.revisions.order_by("number").values_list("number", flat=True))
    assert numbers == list(range(1, len(numbers) + 1)) and post.revision_count == len(numbers) == 5
    assert post.revisions.get(number=5).content_hash == post.content_hash
