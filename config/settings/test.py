"""Tests: the same services as development (real database, real Redis), faster password hashing, in-memory mail."""

from config.settings.base import *  # noqa: F403
from config.settings.base import STORAGES

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PAUTA_CREDENTIALS_KEY = "dGVzdC1vbmx5LXBhdXRhLWNyZWRlbnRpYWxzLWtleS0wMDA="
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
LANGUAGE_CODE = "en"

# Tests keep their own SQLite file and embedded Redis apart from `make run`'s, and use a file (not memory)
# for the test database so a real Celery worker subprocess can open the same one. Each test run gets its
# own directory (its id is inherited by the subprocesses it starts), so two runs on one machine never share.
import os  # noqa: E402

from config.env import VAR_DIR, env_str  # noqa: E402
from config.settings.base import CACHES, DATABASES  # noqa: E402

TEST_RUN_ID = os.environ.setdefault("PAUTA_TEST_RUN_ID", str(os.getpid()))
TEST_VAR_DIR = VAR_DIR / "test" / TEST_RUN_ID
if not env_str("REDIS_URL"):
    REDIS_URL = f"unix://{TEST_VAR_DIR / 'redis' / 'redis.sock'}"
    CACHES = {"default": {**CACHES["default"], "LOCATION": REDIS_URL}}
    CELERY_BROKER_URL = "redis+socket://" + str(TEST_VAR_DIR / "redis" / "redis.sock")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": str(TEST_VAR_DIR / "test.sqlite3")}
else:
    DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_{TEST_RUN_ID}"}
