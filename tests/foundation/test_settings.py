import os
import subprocess
import sys

from config.env import BASE_DIR

BOOT = "import django; django.setup(); from django.conf import settings; print('DEBUG', settings.DEBUG)"


def _boot_production(**env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "ALLOWED_HOSTS", "PAUTA_CREDENTIALS_KEY"}
    }
    clean.update(DJANGO_SETTINGS_MODULE="config.settings.production", **env)
    return subprocess.run(
        [sys.executable, "-c", BOOT], cwd=BASE_DIR, env=clean, capture_output=True, text=True
    )


def test_production_refuses_to_start_without_secrets():
    result = _boot_production()
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    for name in ("SECRET_KEY", "ALLOWED_HOSTS", "PAUTA_CREDENTIALS_KEY"):
        assert name in result.stderr


def test_production_refuses_when_one_secret_is_missing():
    result = _boot_production(SECRET_KEY="s" * 50, ALLOWED_HOSTS="pauta.example")
    assert result.returncode != 0
    assert "PAUTA_CREDENTIALS_KEY" in result.stderr
    assert "SECRET_KEY," not in result.stderr


def test_production_starts_with_its_secrets():
    result = _boot_production(
        SECRET_KEY="s" * 50, ALLOWED_HOSTS="pauta.example", PAUTA_CREDENTIALS_KEY="k" * 44
    )
    assert result.returncode == 0, result.stderr
    assert "DEBUG False" in result.stdout


def test_a_public_url_that_is_not_an_origin_is_refused_at_start():
    secrets = {"SECRET_KEY": "s" * 50, "ALLOWED_HOSTS": "pauta.example", "PAUTA_CREDENTIALS_KEY": "k" * 44}
    for wrong in ("pauta.example.org", "https://pauta.example.org/pauta", "ftp://pauta.example.org"):
        result = _boot_production(PAUTA_PUBLIC_URL=wrong, **secrets)
        assert result.returncode != 0, wrong
        assert "PAUTA_PUBLIC_URL must be an origin" in result.stderr
    assert _boot_production(PAUTA_PUBLIC_URL="https://pauta.example.org/", **secrets).returncode == 0


def test_production_refuses_secrets_that_are_set_but_blank():
    result = _boot_production(SECRET_KEY="   ", ALLOWED_HOSTS="", PAUTA_CREDENTIALS_KEY="k" * 44)
    assert result.returncode != 0
    assert "SECRET_KEY, ALLOWED_HOSTS" in result.stderr


def test_variables_set_but_empty_fall_back_to_their_defaults():
    """`DATABASE_URL=` in an env file means "the default"; dj-database-url would refuse '' with
    "Scheme '://' is unknown" and manage.py would not start."""
    empty = {
        name: "" for name in ("DATABASE_URL", "REDIS_URL", "PAUTA_VAR_DIR", "ALLOWED_HOSTS", "PAUTA_WEB_PORT")
    }
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.local", **empty}
    shown = (
        "import django; django.setup(); from django.conf import settings; from config.env import local_web_url;"
        "print(settings.DATABASES['default']['ENGINE'], settings.DATABASES['default']['NAME']);"
        "print(settings.REDIS_URL); print(settings.ALLOWED_HOSTS); print(local_web_url())"
    )
    result = subprocess.run(
        [sys.executable, "-c", shown], cwd=BASE_DIR, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    database, redis, hosts, web = result.stdout.splitlines()
    assert database == f"django.db.backends.sqlite3 {BASE_DIR / 'var' / 'pauta.sqlite3'}"
    assert redis == f"unix://{BASE_DIR / 'var' / 'redis' / 'redis.sock'}"
    assert hosts == "['127.0.0.1', 'localhost']"
    assert web == "http://127.0.0.1:8000"
