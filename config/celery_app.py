"""Celery application: JSON only, late acknowledgement and time limits, so a killed worker's task is redelivered
and a stuck network call cannot hold a worker forever."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("pauta")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
