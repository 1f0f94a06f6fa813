"""The Celery application. Tasks run in Celery workers when REDIS_URL is set; without it they
run eagerly in the calling process (the embedded default and the test suite)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "malpro.settings")

app = Celery("malpro")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
