"""Background work started from a write: a Celery task named, not imported by the caller, and sent once
the transaction that asked for it has committed (a rollback sends nothing)."""
import importlib

from celery import current_app
from django.db import transaction


def enqueue(name: str, *args, **kwargs):
    """Send the task ``name`` (e.g. "orgs.tasks.run_import_job") with ``args`` after the commit.

    The task's module is loaded here so that eager mode (no broker, and the tests) runs the task
    in-process through its own ``apply_async``; a task no module here defines is sent by name.
    """
    def send():
        module = name.rpartition(".")[0]
        try:
            importlib.import_module(module)
        except ImportError:
            pass
        task = current_app.tasks.get(name)
        if task is not None:
            task.apply_async(args, kwargs)
        else:
            current_app.send_task(name, args, kwargs)

    transaction.on_commit(send)
