"""Calendar rendering: month, week and list views of a workspace with 2,000 posts in one month.

Seeds a fresh database (a temporary SQLite file unless DATABASE_URL is set) with one workspace, two channels,
a campaign, a tag and 2,000 posts spread over one month in mixed states, then requests each view 20 times
through Django's test client (in-process, so the figure is server time: routing, queries, template) and
prints the median and 90th-percentile time, the number of SQL queries and the number of cards drawn
(a month cell draws 4 cards and "+N more", a week hour 3; the list pages by whole days, about 150 posts).
The month-view aim is a median under 150 ms on a 2-core machine.

    .venv/bin/python bench/calendar_views.py [--posts 2000] [--requests 20]
"""

from __future__ import annotations

import sys
from pathlib import Path

# This file is named like the standard library's `calendar`, which Django imports: take the script's own
# folder off the path before anything else is imported, and put the repository root on it instead.
HERE = Path(__file__).resolve().parent
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != HERE]
sys.path.insert(0, str(HERE.parent))

import argparse  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from datetime import datetime, timedelta  # noqa: E402
from zoneinfo import ZoneInfo  # noqa: E402

os.environ.setdefault("PAUTA_VAR_DIR", tempfile.mkdtemp(prefix="pauta-bench-calendar-"))
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
(Path(os.environ["PAUTA_VAR_DIR"]) / "staticfiles").mkdir(parents=True, exist_ok=True)

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from calendar_app.models import Campaign, Membership, Post, PostStatus, Role, Tag, Workspace  # noqa: E402
from scheduler.models import Channel, Network  # noqa: E402

STATUSES = [
    PostStatus.DRAFT,
    PostStatus.IN_REVIEW,
    PostStatus.CHANGES_REQUESTED,
    PostStatus.APPROVED,
    PostStatus.PUBLISHED,
    PostStatus.FAILED,
]


def seed(posts: int, month_start: datetime) -> tuple[Workspace, object]:
    call_command("migrate", verbosity=0, interactive=False)
    workspace = Workspace.objects.create(name="Bench", slug="bench", timezone="Europe/Madrid")
    user = get_user_model().objects.create_user("bench-author", password="bench-Secret-1")
    Membership.objects.create(user=user, workspace=workspace, role=Role.REVIEWER)
    channels = [
        Channel.objects.create(
            workspace=workspace, network=Network.MASTODON, display_name="Bench · Mastodon"
        ),
        Channel.objects.create(workspace=workspace, network=Network.BLUESKY, display_name="Bench · Bluesky"),
    ]
    campaign = Campaign.objects.create(workspace=workspace, name="Otoño")
    tag = Tag.objects.create(workspace=workspace, name="producto")
    minutes_apart = 28 * 24 * 60 // posts
    created = Post.objects.bulk_create(
        Post(
            workspace=workspace,
            author=user,
            body=f"Publicación {n}: novedades de la semana y un enlace https://example.org/{n} con más texto",
            scheduled_at=month_start + timedelta(minutes=n * minutes_apart),
            status=STATUSES[n % len(STATUSES)],
            campaign=campaign if n % 3 == 0 else None,
            content_hash=f"{n:064d}",
        )
        for n in range(posts)
    )
    through = Post.channels.through
    through.objects.bulk_create(
        [through(post_id=p.pk, channel_id=channels[0].pk) for p in created]
        + [through(post_id=p.pk, channel_id=channels[1].pk) for p in created[::2]]
    )
    Post.tags.through.objects.bulk_create(
        [Post.tags.through(post_id=p.pk, tag_id=tag.pk) for p in created[::4]]
    )
    return workspace, user


def measure(client: Client, url: str, requests: int) -> tuple[list[float], int, int]:
    client.get(url)
    timings = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return timings, len(queries.captured_queries), response.content.decode().count('class="cal-card"')


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--posts", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=20)
    args = parser.parse_args()

    month_start = datetime(datetime.now().year + 1, 6, 1, 0, 5, tzinfo=ZoneInfo("Europe/Madrid"))
    workspace, user = seed(args.posts, month_start)
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    base = reverse("calendar_app:calendar", kwargs={"slug": workspace.slug})
    day = month_start.date() + timedelta(days=14)
    print(
        f"{args.posts} posts in {month_start:%B %Y} on {connection.vendor}; {args.requests} requests per view"
    )
    print(f"{'view':<6} {'median ms':>10} {'p90 ms':>8} {'queries':>8} {'cards':>6}")
    medians = {}
    for view in ("month", "week", "list"):
        timings, queries, cards = measure(client, f"{base}?view={view}&date={day.isoformat()}", args.requests)
        medians[view] = statistics.median(timings)
        p90 = statistics.quantiles(timings, n=10)[-1]
        print(f"{view:<6} {medians[view]:>10.1f} {p90:>8.1f} {queries:>8} {cards:>6}")
    aim = "met" if medians["month"] < 150 else "missed"
    print(f"month view aim (median < 150 ms): {aim}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
