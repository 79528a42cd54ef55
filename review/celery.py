"""The Celery application: background work (renditions, scheduled go-live, later cache purge and mail).

Tasks live in `articles/tasks.py` and only call services. Without `REDIS_URL` (the embedded
default) tasks run in-process, eagerly, so `make run` needs nothing but Python.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "review.settings.dev")

app = Celery("review")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
