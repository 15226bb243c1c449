import threading

import pytest

from scheduler.heartbeat import HEARTBEAT_PREFIX, heartbeat_loop, redis_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_heartbeats():
    client = redis_client()
    for key in client.scan_iter(HEARTBEAT_PREFIX + "*"):
        client.delete(key)
    yield
    for key in client.scan_iter(HEARTBEAT_PREFIX + "*"):
        client.delete(key)


def _beat_once(name: str) -> None:
    """Runs the worker's real heartbeat loop for a single beat (it beats before it looks at `stop`)."""
    stop = threading.Event()
    stop.set()
    heartbeat_loop(name, stop)


def test_healthz_is_200_with_database_broker_and_a_live_worker(client, no_heartbeats):
    _beat_once("worker@test")
    response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 200, body
    assert body["database"]["status"] == "up"
    assert body["broker"]["status"] == "up"
    assert "worker@test" in body["worker"]["detail"]


def test_healthz_is_503_without_a_worker(client, no_heartbeats):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["worker"]["status"] == "down"
    assert response.json()["broker"]["status"] == "up"


def test_healthz_is_503_when_the_broker_is_down(client, settings, no_heartbeats):
    _beat_once("worker@test")
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1: the broker is unreachable
    response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 503
    assert body["status"] == "unavailable"
    assert body["broker"]["status"] == "down"
    assert body["database"]["status"] == "up"
