"""`/healthz`: is the database answering, is the broker answering, is at least one worker alive?"""

import time

import redis
from django.db import connection
from django.http import JsonResponse

from scheduler.heartbeat import live_workers, redis_client


def _timed(check) -> dict:
    started = time.perf_counter()
    try:
        detail = check()
        status = "up"
    except Exception as exc:  # noqa: BLE001 - any failure of a dependency is reported, not raised
        detail, status = f"{type(exc).__name__}: {exc}", "down"
    return {"status": status, "detail": detail, "ms": round((time.perf_counter() - started) * 1000, 1)}


def _database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return connection.vendor


def _broker() -> str:
    redis_client().ping()
    return "redis"


def _worker() -> str:
    try:
        workers = live_workers()
    except redis.RedisError as exc:
        raise RuntimeError("broker unreachable, worker heartbeat unknown") from exc
    if not workers:
        raise RuntimeError("no worker heartbeat in the last 30 seconds")
    return ", ".join(workers)


def healthz(request):
    checks = {"database": _timed(_database), "broker": _timed(_broker), "worker": _timed(_worker)}
    healthy = all(check["status"] == "up" for check in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", **checks}, status=200 if healthy else 503
    )
