"""Publishing lateness: N approved posts due in the same second, real Celery workers and beat, a fake network.

The network is tests/peers/mastodon_server.py (a real HTTP server speaking the Mastodon API) answering every
request after 50 ms and refusing 10 % of them with 503 (seeded). Five runs, each on fresh posts:

1. pauta       the dispatcher enqueues the due publications as bursts, which workers prepare ahead, claim
               together at the due time and send from threads (scheduler/services/bursts/);
2. pauta+kill  the same, and worker w1 is killed with SIGKILL (its whole process group) when half the posts
               are on the network, then started again;
3. cron        the common baseline: a job every 60 s (on the minute, like cron) publishes what is due, with
               as many threads as the Celery runs have worker processes; a failed post waits for the next run;
4. floor       no Pauta at all: the same number of posts sent by bare `requests` threads in the shape of the
               bursts (a process per PAUTA_BURST_SIZE posts, PAUTA_BURST_THREADS threads each), a failure
               retried at once, all starting at the same second: what this machine and the network allow;
5. floor+kill  the floor with half its senders SIGKILLed when half the posts are on the network, and their
               unfinished posts handed over at that very instant to the others and to fresh senders: the
               best any recovery from a killed worker could do on this machine.

Lateness is published time minus scheduled time: when the network's answer arrived, or, for a request a
killed worker had sent and its successor sent again with the same idempotency key, when the network created
the post (what it answers with; `publishing.published_time`). Duplicates are
extra posts on the network for the same publication; lost are publications not published by the deadline.

    .venv/bin/python bench/publish.py [--posts 1000] [--workers 2] [--concurrency 8] [--lead 45]
        [--latency 0.05] [--failure-rate 0.1] [--runs pauta,kill,cron,floor,floorkill] [--database-url URL]
        [--setting PAUTA_BURST_SIZE=100 ...]

By default a throwaway SQLite file and an embedded Redis in a temporary directory; --database-url (a scratch
PostgreSQL database: it is migrated and written to) and REDIS_URL select real servers instead.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections import Counter  # noqa: E402
from concurrent.futures import ThreadPoolExecutor  # noqa: E402
from datetime import timedelta  # noqa: E402

BENCH_SETTINGS = {"PAUTA_LINK_ALLOW_HOSTS": ["127.0.0.1"]}


def configure(database_url: str | None) -> tuple[Path, object]:
    """Environment for this process and the workers it starts, before Django is set up; returns the temporary
    directory and the embedded Redis process started here (None when REDIS_URL names a server)."""
    var = Path(tempfile.mkdtemp(prefix="pauta-bench-"))
    os.environ["PAUTA_VAR_DIR"] = str(var)
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{var / 'bench.sqlite3'}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.support.worker_settings"
    os.environ["PAUTA_TEST_SETTINGS"] = json.dumps(BENCH_SETTINGS)
    redis_process = None
    if not os.environ.get("REDIS_URL"):
        from config.embedded_redis import embedded_redis_start

        socket = var / "redis" / "redis.sock"
        redis_process = embedded_redis_start(socket)
        os.environ["REDIS_URL"] = f"unix://{socket}"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return var, redis_process


def make_posts(run: str, count: int, peer) -> list[int]:
    """Approved through the real workflow, far in the future; `release` moves them all to one second."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from calendar_app.models import Membership, Role, Workspace
    from calendar_app.services.posts import post_create
    from calendar_app.services.workflow import post_approve, post_submit
    from scheduler.services.channels import channel_connect

    users = {}
    workspace = Workspace.objects.create(
        name=f"Bench {run}", slug=f"bench-{run}-{int(time.time())}", language="en"
    )
    for role in (Role.ADMIN, Role.AUTHOR, Role.REVIEWER):
        users[role] = get_user_model().objects.create(username=f"{run}-{role}-{int(time.time() * 1000)}")
        Membership.objects.create(user=users[role], workspace=workspace, role=role)
    channel = channel_connect(
        workspace=workspace,
        user=users[Role.ADMIN],
        network="mastodon",
        display_name="Bench",
        values={"instance_url": peer.base_url, "access_token": peer.token},
        confirm_brand=True,
    )
    far = timezone.now() + timedelta(days=1)
    ids = []
    for number in range(count):
        post = post_create(
            workspace=workspace,
            user=users[Role.AUTHOR],
            channels=[channel],
            scheduled_at=far,
            body=f"Bench {run} post {number}: our new season is here.",
        )
        post_submit(post=post, user=users[Role.AUTHOR])
        post_approve(post=post, user=users[Role.REVIEWER], acknowledge_warnings=True)
        ids.append(post.pk)
    return ids


def release(post_ids: list[int], due) -> None:
    """Every post due at the same instant (set in bulk: only the time changes, the approval stands)."""
    from calendar_app.models import Post
    from scheduler.models import Publication

    Post.objects.filter(pk__in=post_ids).update(scheduled_at=due)
    Publication.objects.filter(post_id__in=post_ids).update(scheduled_at=due, next_attempt_at=due)


def publications(post_ids):
    from scheduler.models import Publication

    return Publication.objects.filter(post_id__in=post_ids).exclude(status="cancelled")


def published_count(post_ids) -> int:
    return publications(post_ids).filter(status="published").count()


def figures(name: str, post_ids: list[int], peer, elapsed: float) -> dict:
    rows = list(publications(post_ids).values_list("status", "scheduled_at", "published_at"))
    late = sorted((out - due).total_seconds() for status, due, out in rows if status == "published")
    texts = Counter(status["content"] for status in peer.statuses)
    return {
        "run": name,
        "published": len(late),
        "p50": statistics.median(late) if late else float("nan"),
        "p99": late[min(len(late) - 1, int(len(late) * 0.99))] if late else float("nan"),
        "max": late[-1] if late else float("nan"),
        "duplicates": sum(count - 1 for count in texts.values() if count > 1),
        "lost": len(post_ids) - len(late),
        "posts_on_network": len(peer.statuses),
        "requests": len(peer.received),
        "elapsed": elapsed,
    }


def new_peer(args):
    from tests.peers.mastodon_server import MastodonPeer

    peer = MastodonPeer(
        token="bench-token-0123456789", latency=args.latency, failure_rate=args.failure_rate, seed=7
    ).start()
    peer._server.socket.listen(1024)  # the default backlog of 5 would refuse connections of a burst
    peer._server.handle_error = lambda request, address: None  # a killed worker's dropped connection
    return peer


def run_celery(name: str, args, log_dir: Path, *, kill: bool) -> dict:
    from django.utils import timezone

    from tests.support.worker import CeleryProcesses, broker_reset

    peer = new_peer(args)
    post_ids = make_posts(name, args.posts, peer)
    broker_reset()
    processes = CeleryProcesses(log_dir=log_dir / name, concurrency=args.concurrency, pool=args.pool)
    processes.log_dir.mkdir(parents=True, exist_ok=True)
    try:
        processes.start(settings=BENCH_SETTINGS, workers=args.workers, beat_every=1.0)
        due = (timezone.now() + timedelta(seconds=args.lead)).replace(microsecond=0)
        release(post_ids, due)
        print(f"  {name}: {args.posts} posts due at {due:%H:%M:%S}", flush=True)
        if kill:
            # Halfway by the network's count: bursts record their outcomes together, so the database's
            # count would jump past the half only once a burst is over.
            processes.wait_for(
                lambda: len(peer.statuses) >= args.posts // 2,
                timeout=args.lead + 600,
                interval=0.02,
                message="half the posts on the network",
            )
            processes.kill_worker("w1")
            print(
                f"  {name}: killed w1 with SIGKILL at {len(peer.statuses)} posts on the network "
                f"({published_count(post_ids)} recorded); restarting",
                flush=True,
            )
            processes.restart_worker("w1")
        processes.wait_for(
            lambda: published_count(post_ids) == args.posts,
            timeout=args.lead + args.deadline,
            interval=1.0,  # a query in the process that also runs the fake network: not while it answers
            message="every post published",
        )
    except AssertionError as exc:
        print(f"  {name}: stopped waiting: {str(exc).splitlines()[0]}", flush=True)
    finally:
        elapsed = (timezone.now() - due).total_seconds() if "due" in locals() else 0.0
        processes.stop()
        time.sleep(1)
        peer.stop()
    return figures(name, post_ids, peer, elapsed)


def run_cron(args) -> dict:
    """Every minute on the minute, publish everything due, with as many threads as the Celery runs had."""
    from django.db import connection
    from django.utils import timezone

    from scheduler.services.publishing import publication_publish

    peer = new_peer(args)
    post_ids = make_posts("cron", args.posts, peer)
    due = (timezone.now() + timedelta(seconds=args.lead)).replace(microsecond=0)
    release(post_ids, due)
    print(f"  cron: {args.posts} posts due at {due:%H:%M:%S} ({due.second} s past the minute)", flush=True)

    def publish(row) -> None:
        try:
            publication_publish(publication_id=row[0], content_hash=row[1], worker="cron")
        finally:
            connection.close()

    deadline = due + timedelta(seconds=args.deadline)
    with ThreadPoolExecutor(max_workers=args.workers * args.concurrency) as pool:
        while published_count(post_ids) < args.posts and timezone.now() < deadline:
            time.sleep(60 - time.time() % 60)
            rows = list(
                publications(post_ids)
                .filter(status="scheduled", next_attempt_at__lte=timezone.now())
                .values_list("pk", "content_hash")
            )
            print(f"  cron: tick at {timezone.now():%H:%M:%S}, {len(rows)} due", flush=True)
            list(pool.map(publish, rows))
    elapsed = (timezone.now() - due).total_seconds()
    peer.stop()
    return figures("cron", post_ids, peer, elapsed)


FLOOR_SENDER = r"""
import sys, threading, time
from datetime import datetime
import redis, requests
base, token, redis_url, prefix, name, threads, start = *sys.argv[1:6], int(sys.argv[6]), float(sys.argv[7])
client = redis.Redis.from_url(redis_url)
own, taken, orphans = f"{prefix}share:{name}", f"{prefix}taken:{name}", f"{prefix}orphans"

def send(number, session):
    while True:  # retried at once: the floor has no backoff
        sent_at = time.time()
        answer = session.post(
            base + "/api/v1/statuses",
            data={"status": f"Floor post {number}"},
            headers={"Authorization": f"Bearer {token}", "Idempotency-Key": f"floor-{number}"},
            timeout=30,
        )
        if answer.status_code == 200:
            break
    answered = time.time()
    # A post a killed sender had already created is answered again: public since the network created it.
    created = datetime.fromisoformat(answer.json()["created_at"]).timestamp()
    public = answered if created >= sent_at else min(answered, max(created, start))
    client.hset(f"{prefix}late", number, public - start)
    client.lrem(taken, 1, number)

def work():
    session = requests.Session()
    # Its own share first, then whatever a killed sender left (moved there the instant it died).
    while (number := client.lmove(own, taken) or client.lmove(orphans, taken)) is not None:
        send(int(number), session)

time.sleep(max(0.0, start - time.time()))
pool = [threading.Thread(target=work) for _ in range(threads)]
for thread in pool:
    thread.start()
for thread in pool:
    thread.join()
"""


def run_floor(args, *, kill: bool) -> dict:
    """What the machine allows with no Pauta at all: the same posts sent by bare `requests` threads in the
    shape of Pauta's bursts (a process per burst, as many threads), against the same fake network, all
    starting at the same second.

    With `kill`, half the senders are SIGKILLed when half the posts are on the network, as the pauta+kill
    run kills one of two workers, and an oracle no scheduler has recovers at once: what they had not
    finished (not started, or in flight) is handed that instant to the live senders and to as many new
    ones. The lower bound for any recovery from a killed worker on this machine."""
    import secrets
    import signal
    import subprocess

    import redis
    from django.conf import settings

    from scheduler.services.engine_settings import engine_setting

    peer = new_peer(args)
    client, prefix = redis.Redis.from_url(settings.REDIS_URL), f"pauta-bench-floor-{secrets.token_hex(4)}:"
    share, threads = int(engine_setting("PAUTA_BURST_SIZE")), str(int(engine_setting("PAUTA_BURST_THREADS")))
    names = [str(first) for first in range(0, args.posts, share)]
    for name in names:
        client.rpush(f"{prefix}share:{name}", *range(int(name), min(int(name) + share, args.posts)))
    start = time.time() + 3

    def sender(name: str) -> subprocess.Popen:
        command = [sys.executable, "-c", FLOOR_SENDER, peer.base_url, peer.token, settings.REDIS_URL, prefix]
        return subprocess.Popen([*command, name, threads, str(start)])

    senders = [sender(name) for name in names]
    label = "floor+kill" if kill else "floor"
    if kill:
        while len(peer.statuses) < args.posts // 2:
            time.sleep(0.02)
        killed = names[: len(names) // 2]
        for name, process in zip(names, senders, strict=True):
            if name in killed:
                process.send_signal(signal.SIGKILL)
                process.wait()
        for name in killed:
            for key in (f"{prefix}taken:{name}", f"{prefix}share:{name}"):
                while client.lmove(key, f"{prefix}orphans") is not None:
                    pass
        print(
            f"  {label}: killed {len(killed)} of {len(names)} senders at {len(peer.statuses)} posts on the "
            f"network; their {client.llen(f'{prefix}orphans')} unfinished posts handed over",
            flush=True,
        )
        senders += [sender(f"new-{name}") for name in killed]
    for process in senders:
        process.wait()
    late = sorted(float(value) for value in client.hvals(f"{prefix}late"))
    client.delete(*client.keys(f"{prefix}*"))
    peer.stop()
    texts = Counter(status["content"] for status in peer.statuses)
    return {
        "run": label,
        "published": len(late),
        "p50": statistics.median(late),
        "p99": late[min(len(late) - 1, int(len(late) * 0.99))],
        "max": late[-1],
        "duplicates": sum(count - 1 for count in texts.values() if count > 1),
        "lost": args.posts - len(late),
        "posts_on_network": len(peer.statuses),
        "requests": len(peer.received),
        "elapsed": late[-1],
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument(
        "--workers", type=int, default=2, help="Celery worker processes (each a prefork pool)"
    )
    parser.add_argument("--concurrency", type=int, default=8, help="pool processes per worker")
    parser.add_argument("--pool", default="prefork")
    parser.add_argument("--lead", type=float, default=45, help="seconds between release and the due time")
    parser.add_argument("--deadline", type=float, default=300, help="seconds after the due time to give up")
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--failure-rate", type=float, default=0.1)
    parser.add_argument("--runs", default="pauta,kill,cron,floor,floorkill")
    parser.add_argument("--database-url", help="a scratch database (default: a temporary SQLite file)")
    parser.add_argument(
        "--setting",
        action="append",
        default=[],
        metavar="NAME=NUMBER",
        help="an engine setting for the workers, e.g. PAUTA_BURST_SIZE=250 (repeatable)",
    )
    args = parser.parse_args()
    for setting in args.setting:
        name, _, value = setting.partition("=")
        BENCH_SETTINGS[name.strip()] = float(value)

    var, redis_process = configure(args.database_url)
    try:
        return _runs(args, var)
    finally:
        if redis_process is not None:
            redis_process.terminate()
            redis_process.wait(timeout=10)


def _runs(args, var: Path) -> int:
    from django.db import connection

    print(
        f"{args.posts} posts, {args.workers} workers × {args.concurrency} {args.pool}, network "
        f"{args.latency * 1000:.0f} ms with {args.failure_rate:.0%} transient failures, {connection.vendor}",
        flush=True,
    )
    results = []
    runs = args.runs.split(",")
    if "pauta" in runs:
        results.append(run_celery("pauta", args, var, kill=False))
    if "kill" in runs:
        results.append(run_celery("pauta+kill", args, var, kill=True))
    if "cron" in runs:
        results.append(run_cron(args))
    if "floor" in runs:
        results.append(run_floor(args, kill=False))
    if "floorkill" in runs:
        results.append(run_floor(args, kill=True))

    header = ("run", "p50 s", "p99 s", "max s", "dupl.", "lost", "on net", "requests")
    print("\n{:<11} {:>8} {:>8} {:>8} {:>6} {:>6} {:>7} {:>9}".format(*header))
    for row in results:
        print(
            f"{row['run']:<11} {row['p50']:>8.3f} {row['p99']:>8.3f} {row['max']:>8.3f} "
            f"{row['duplicates']:>6} {row['lost']:>6} {row['posts_on_network']:>7} {row['requests']:>9}"
        )
    return 0 if all(row["duplicates"] == 0 and row["lost"] == 0 for row in results) else 1


if __name__ == "__main__":
    sys.exit(main())
