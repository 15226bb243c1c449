"""Steps 1 and 2 of a burst: judging and building ahead of the due time, the claim, and the last look at the
due time (`bursts`)."""

import logging
import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from calendar_app.models import Post, PostStatus, Workspace
from calendar_app.services.workflow import current_approvals_of, posts_system_transition
from scheduler.models import Channel, PreflightReport, Publication
from scheduler.services.channels import channel_adapter
from scheduler.services.engine_settings import engine_setting
from scheduler.services.outcomes import outcome_release
from scheduler.services.preflight import deferred_checks, preflight_judge
from scheduler.services.publishing import claim_changes, publications_claimable
from scheduler.services.queueing import enqueue_publish

log = logging.getLogger(__name__)
P = Publication.Status
Trigger = PreflightReport.Trigger


@dataclass
class Prepared:
    publication: Publication
    content_hash: str  # the hash it was queued for
    report: PreflightReport


def prepare(items: list[tuple[int, str]], *, due: datetime) -> tuple[list[Prepared], list[tuple[int, str]]]:
    """Judge each scheduled publication; the ones whose checks do not simply pass, and any still unjudged at
    claim time, go alone (each its own task, the one-publication path). A burst already late (work put
    back after a crash) prepares all of it: sending them alone would only be slower."""
    hashes = dict(items)
    claim_at = due - timedelta(seconds=engine_setting("PAUTA_BURST_CLAIM_AHEAD_SECONDS"))
    stop_at = claim_at if claim_at > timezone.now() else None
    publications = (
        Publication.objects.filter(pk__in=hashes, status=P.SCHEDULED)
        .select_related("post__workspace", "post__author", "channel")
        .prefetch_related("post__media", "post__channels")
    )
    publications = list(publications)
    approvals = current_approvals_of(
        list({publication.post_id: publication.post for publication in publications}.values())
    )
    ready, others = [], []
    for publication in publications:
        content_hash = hashes[publication.pk]
        if stop_at is not None and timezone.now() >= stop_at:
            others.append((publication.pk, content_hash))
            continue
        try:
            report, flags = preflight_judge(
                post=publication.post,
                trigger=Trigger.CLAIM,
                channels=[publication.channel],
                publication=publication,
                approvals=approvals[publication.post_id],
            )
        except Exception:
            log.exception("judging publication %s failed; it will be published on its own", publication.pk)
            others.append((publication.pk, content_hash))
            continue
        passed = report.ok and not flags and not deferred_checks(report)
        if passed and content_hash == publication.content_hash:
            ready.append(Prepared(publication, content_hash, report))
        else:
            others.append((publication.pk, content_hash))
    # Stored now, ahead of the due time, to keep the claim short; deleted again if the claim is refused.
    PreflightReport.objects.bulk_create([item.report for item in ready])
    warm_up({item.publication.channel_id: item.publication.channel for item in ready}.values())
    return ready, others


def warm_up(channels) -> None:
    """What the sending threads would otherwise all open at once (a Bluesky session), opened once per
    channel. A failure here is only logged: each thread then meets it, and its outcome is recorded."""
    for channel in channels:
        try:
            channel_adapter(channel=channel).warm_up()
        except Exception as exc:
            log.warning("warming up channel %s before a burst failed: %s", channel.pk, exc)


def sleep_until(due: datetime) -> None:
    wait = (due - timezone.now()).total_seconds()
    if wait > 0:
        time.sleep(wait)


def claim(ready: list[Prepared], *, token: str, worker: str, due: datetime) -> list[Prepared]:
    """One compare-and-set UPDATE for the whole burst, a moment before `due` (PAUTA_BURST_CLAIM_AHEAD_SECONDS)
    so that bursts claiming at once, which a database serializes, do not make each other late. Its condition
    is the lone claim's: still scheduled, due at `due`, the post approved with the same content, the
    workspace not paused; plus the channel still active and holding the credentials it had when prepared (an
    admin may have reconnected it meanwhile). A pause in the moment between the claim and `due` is caught by
    `release_stopped`; the post, now publishing, can no longer be edited."""
    if not ready:
        return []
    by_id = {item.publication.pk: item for item in ready}
    with transaction.atomic():
        posts = list(
            Post.objects.select_for_update(of=("self",))
            .filter(pk__in={item.publication.post_id for item in ready})
            .order_by("pk")
        )
        now = timezone.now()  # after the locks: the claim's age is what the sweeper judges leases by
        unchanged = channels_unchanged(ready)
        publications_claimable(now=max(now, due)).filter(pk__in=by_id, channel__in=unchanged).update(
            **claim_changes(now=now, worker=worker, token=token)
        )
        claimed_ids = set(
            Publication.objects.filter(pk__in=by_id, claim_token=token, status=P.PUBLISHING).values_list(
                "pk", flat=True
            )
        )
        claimed = [item for item in ready if item.publication.pk in claimed_ids]
        claimed_posts = {item.publication.post_id for item in claimed}
        posts_system_transition(
            posts=[post for post in posts if post.pk in claimed_posts and post.status == PostStatus.APPROVED],
            action="start_publishing",
        )
    return claimed


def channels_unchanged(items: list[Prepared]) -> set[int]:
    """The items' channels still active and holding the credentials they had when prepared (an admin may have
    reconnected, disabled or flagged one meanwhile)."""
    credentials = {
        item.publication.channel_id: item.publication.channel.credentials_encrypted for item in items
    }
    return {
        channel_id
        for channel_id, stored in Channel.objects.filter(
            pk__in=credentials, status=Channel.Status.ACTIVE
        ).values_list("pk", "credentials_encrypted")
        if stored == credentials[channel_id]
    }


def release_stopped(claimed: list[Prepared], *, token: str) -> tuple[list[Prepared], Counter]:
    """At the due time, claims made a moment earlier are given back untouched (`outcome_release`, as the lone
    path does) when, since the claim, their workspace was paused (its resume then handles them like any post
    whose time passed during the pause) or their channel was disabled, flagged or reconnected (queued alone,
    where the checks decide). Two queries when nothing changed."""
    workspaces = {item.publication.post.workspace_id for item in claimed}
    paused = set(Workspace.objects.filter(pk__in=workspaces, paused=True).values_list("pk", flat=True))
    usable = channels_unchanged(claimed) if claimed else set()
    going, stopped, counts = [], [], Counter()
    for item in claimed:
        if item.publication.post.workspace_id in paused:
            outcome_release(publication=item.publication, token=token)
            counts["paused"] += 1
        elif item.publication.channel_id not in usable:
            outcome_release(publication=item.publication, token=token)
            enqueue_publish(publication_id=item.publication.pk, content_hash=item.content_hash)
            counts["alone"] += 1
        else:
            going.append(item)
            continue
        stopped.append(item.report.pk)
    if stopped:
        PreflightReport.objects.filter(pk__in=stopped).delete()
    return going, counts
