"""`outcome_published` for a burst's successes, in a fixed handful of statements whatever their number
(`bursts`). Same compare-and-set as the lone path: the rows still claimed with the burst's token win."""

from dataclasses import dataclass
from datetime import datetime

from django.db import connection, transaction

from calendar_app.models import Post
from scheduler.models import PreflightReport, Publication, PublishAttempt
from scheduler.services.outcomes import AttemptRecord
from scheduler.services.post_settling import posts_settle_published

P = Publication.Status


@dataclass
class Published:
    """One publication of a burst the network accepted (`bursts`)."""

    publication: Publication
    remote_id: str
    remote_url: str
    published_at: datetime
    attempts: list[AttemptRecord]  # the in-place retries first, the successful call last
    report: PreflightReport | None = None


@transaction.atomic
def outcomes_published(*, published: list[Published], token: str) -> int:
    """`outcome_published` for a burst: the posts locked once (in id order, like everywhere), the attempts
    inserted together, each post settled once. Returns how many compare-and-sets won."""
    if not published:
        return 0
    post_ids = sorted({item.publication.post_id for item in published})
    posts = {
        post.pk: post
        for post in Post.objects.select_for_update(of=("self",))
        .select_related("workspace", "author")
        .filter(pk__in=post_ids)
        .order_by("pk")
    }
    winners = _cas_published(published, token)
    settled = {item.publication.post_id: item.report for item in published if item.publication.pk in winners}
    attempts = []
    for item in published:
        *retries, success = item.attempts
        attempts += [
            attempt.unsaved(publication_id=item.publication.pk, outcome=PublishAttempt.Outcome.RETRY)
            for attempt in retries
        ]
        attempts.append(
            success.unsaved(publication_id=item.publication.pk, outcome=PublishAttempt.Outcome.PUBLISHED)
        )
    PublishAttempt.objects.bulk_create(attempts)
    posts_settle_published([posts[post_id] for post_id in settled], reports=settled)
    return len(winners)


def _cas_published(published: list[Published], token: str) -> set[int]:
    """The compare-and-set of `outcome_published` for many rows: the rows still claimed with this token
    win (their posts are locked, so nobody can take them over meanwhile), and one prepared statement runs
    for all of them (`executemany`), instead of an ORM UPDATE each."""
    ids = [item.publication.pk for item in published]
    winners = set(
        Publication.objects.filter(pk__in=ids, status=P.PUBLISHING, claim_token=token).values_list(
            "pk", flat=True
        )
    )
    quote, adapt = connection.ops.quote_name, connection.ops.adapt_datetimefield_value
    sql = (
        f"UPDATE {quote(Publication._meta.db_table)} SET status = %s, published_at = %s, remote_id = %s, "
        "remote_url = %s, failure_reason = '', failure_message = NULL, claim_token = '', worker_lost = %s, "
        "attempt_count = attempt_count + %s WHERE id = %s AND status = %s AND claim_token = %s"
    )
    rows = [
        (
            P.PUBLISHED,
            adapt(item.published_at),
            item.remote_id[:255],
            item.remote_url[:500],
            False,
            len(item.attempts) - 1,
            item.publication.pk,
            P.PUBLISHING,
            token,
        )
        for item in published
        if item.publication.pk in winners
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
    return winners
