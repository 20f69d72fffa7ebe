"""The Celery app, configured from Django settings (``CELERY_`` namespace).

Without ``REDIS_URL`` the settings turn on eager mode, so tasks run in-process and the
portal needs no other server; with it, tasks travel through Redis to a worker.
A worker logs through the portal's ``LOGGING`` (JSON lines in production) with the task's id and name on each line.
"""
import logging.config
import os

from celery import Celery, signals

from league_portal import logs

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "league_portal.settings")

app = Celery("league_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.setup_logging.connect
def use_portal_logging(**kwargs):
    """Connected, this replaces Celery's own log set-up: the worker and beat write the portal's format."""
    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)


_task_context = {}


@signals.task_prerun.connect
def bind_task_context(task_id=None, task=None, **kwargs):
    _task_context[task_id] = logs.bind_task(task_id, getattr(task, "name", ""))


@signals.task_postrun.connect
def unbind_task_context(task_id=None, **kwargs):
    logs.unbind(_task_context.pop(task_id, None))
