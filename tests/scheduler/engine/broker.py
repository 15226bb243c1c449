"""Reading what was put on the real Celery broker (Redis) without a worker consuming it."""

import base64
import json
from dataclasses import dataclass
from datetime import datetime

import redis
from django.conf import settings

QUEUE = "celery"


@dataclass(frozen=True)
class Queued:
    task: str
    args: list
    eta: datetime | None


def _client() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL)


def broker_drain() -> list[Queued]:
    """Every message waiting in the default queue, oldest first; the queue is left empty."""
    client = _client()
    raw = client.lrange(QUEUE, 0, -1)
    client.delete(QUEUE)
    messages = []
    for item in reversed(raw):
        envelope = json.loads(item)
        headers = envelope["headers"]
        args, _kwargs, _embed = json.loads(base64.b64decode(envelope["body"]))
        eta = datetime.fromisoformat(headers["eta"]) if headers.get("eta") else None
        messages.append(Queued(headers["task"], args, eta))
    return messages


def broker_purge() -> None:
    _client().delete(QUEUE)
