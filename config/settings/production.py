"""Production: refuses to start without its secrets rather than run with development defaults."""

from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_str
from config.settings.base import *  # noqa: F403

MISSING = [name for name in ("SECRET_KEY", "ALLOWED_HOSTS", "PAUTA_CREDENTIALS_KEY") if not env_str(name)]
if MISSING:
    raise ImproperlyConfigured(
        "Pauta will not start in production without these environment variables: " + ", ".join(MISSING)
    )

DEBUG = False
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = env_bool("PAUTA_SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_TRUSTED_ORIGINS = [origin for origin in env_str("CSRF_TRUSTED_ORIGINS").split(",") if origin]

if env_str("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = env_str("EMAIL_HOST")
    EMAIL_PORT = int(env_str("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
