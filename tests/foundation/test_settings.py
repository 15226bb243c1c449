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
