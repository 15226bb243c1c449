"""Settings shared by every environment. Values that vary come from `config.env`."""

import re
from datetime import timedelta

import dj_database_url
import xstatic.pkg.bootstrap
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import BASE_DIR, VAR_DIR, celery_broker_url, env_list, env_str, redis_url

PAUTA_VERSION = "0.1.0"

SECRET_KEY = env_str("SECRET_KEY", "dev-only-insecure-key-change-me")
DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "calendar_app",
    "scheduler",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "calendar_app.context_processors.pauta",
            ],
        },
    },
]


def database_config(url: str) -> dict:
    """SQLite is shared by web, worker and beat: WAL, a busy timeout and IMMEDIATE transactions make
    concurrent writers wait instead of failing with "database is locked"."""
    config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["CONN_MAX_AGE"] = 0
        config["OPTIONS"] = {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;",
        }
    return config


VAR_DIR.mkdir(parents=True, exist_ok=True)  # the SQLite file, embedded Redis and uploads live here by default
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'pauta.sqlite3'}")
DATABASES = {"default": database_config(DATABASE_URL)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = redis_url()
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "pauta",
        "TIMEOUT": 300,
    }
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "calendar_app:home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static", ("bootstrap", xstatic.pkg.bootstrap.BASE_DIR)]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "pauta@localhost")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "calendar_app.api.errors.api_exception_handler",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 100,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Pauta API",
    "DESCRIPTION": "Plan, review, pre-flight and publish a brand's posts.",
    "VERSION": PAUTA_VERSION,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

CELERY_BROKER_URL = celery_broker_url()
CELERY_RESULT_BACKEND = None
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 60
CELERY_TASK_TIME_LIMIT = 90
# A broker whose answers stop coming (a failover, a path dropped without a reset) would hold every publish
# until the task's time limit. Each try of the publisher gives up after 2 s without an answer (with Celery's
# publish retries, a few seconds per message: 4.4 s in the test), the message counts as refused, and the
# caller leaves the row for the dispatcher's next run. A healthy Redis answers in milliseconds.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 3600,
    "socket_timeout": 2,
    "socket_connect_timeout": 2,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
# Exactly one beat sends these: a second one finds the Redis leader lock taken and stays idle (scheduler/beat.py).
CELERY_BEAT_SCHEDULER = "scheduler.beat:LeaderScheduler"
CELERY_BEAT_SCHEDULE = {
    "dispatch-due-publications": {
        "task": "scheduler.tasks.dispatch_due_task",
        "schedule": timedelta(seconds=2),
    },
    # Within a second of a worker's death its claims are back on the schedule (scheduler/services/leases.py).
    "sweep-stuck-publications": {"task": "scheduler.tasks.sweep_task", "schedule": timedelta(seconds=1)},
    "resume-paused-workspaces": {
        "task": "scheduler.tasks.auto_resume_task",
        "schedule": timedelta(seconds=30),
    },
}

PAUTA_CREDENTIALS_KEY = env_str("PAUTA_CREDENTIALS_KEY", "")
PAUTA_LINK_ALLOW_HOSTS = env_list("PAUTA_LINK_ALLOW_HOSTS")
# Where people and webhook receivers reach the app: images in webhook bodies and links in e-mail are built on it.
# An origin only: workers build paths without the script prefix a request would add.
PAUTA_PUBLIC_URL = env_str("PAUTA_PUBLIC_URL", "").rstrip("/")
if PAUTA_PUBLIC_URL and not re.fullmatch(r"https?://[^/\s]+", PAUTA_PUBLIC_URL):
    raise ImproperlyConfigured(
        "PAUTA_PUBLIC_URL must be an origin such as https://pauta.example.org (scheme and host, no path), "
        f"not {PAUTA_PUBLIC_URL!r}"
    )
PAUTA_WORKER_HEARTBEAT_SECONDS = 10

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    # Publishing outcomes stay visible when a worker runs with `-l warning` (as under `make run`).
    "loggers": {"scheduler": {"level": "INFO"}},
}
