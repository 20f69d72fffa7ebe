"""The Celery app, configured from Django settings (``CELERY_`` namespace).

Without ``REDIS_URL`` the settings turn on eager mode, so tasks run in-process and the
portal needs no other server; with it, tasks travel through Redis to a worker.
"""
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "league_portal.settings")

app = Celery("league_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
