"""Background work started from a write: a Celery task named, not imported by the caller, and sent once
the transaction that asked for it has committed (a rollback sends nothing).

When the broker (Redis) does not answer, the write stays committed and the page answers as usual: the job is
kept in the outbox (``core.models.PendingJob``), the failure is logged, and ``send_pending`` sends it when the
broker is back (beat runs it every minute; tests/integration/test_redis_down.py).
"""
import importlib
import logging

from celery import current_app
from django.db import transaction

logger = logging.getLogger(__name__)


def _publish(name, args, kwargs, options):
    # nobody waits for a job's result (its rows say how it went): without one the send touches only the broker,
    # not the result backend, whose reconnecting alone would hold a page for twenty seconds while Redis is away
    options = {"ignore_result": True, **options}
    module = name.rpartition(".")[0]
    try:
        importlib.import_module(module)
    except ImportError:
        pass
    task = current_app.tasks.get(name)
    if task is not None:
        task.apply_async(args=args, kwargs=kwargs, **options)
    else:
        current_app.send_task(name, args=args, kwargs=kwargs, **options)


def send(name: str, args=(), kwargs=None, **options):
    """Send the task ``name`` now (``options`` as apply_async takes them: countdown, queue); when the broker fails,
    keep it in the outbox instead of failing the caller. True when it was sent."""
    from .models import PendingJob

    kwargs = kwargs or {}
    if current_app.conf.task_always_eager:  # no broker: the task runs here, and its own errors are the caller's
        _publish(name, list(args), kwargs, options)
        return True
    try:
        _publish(name, list(args), kwargs, options)
        return True
    except Exception as exc:  # any broker failure (refused, timed out, Redis out of memory) keeps the job
        logger.exception("could not send %s to the broker; kept in the outbox", name)
        options.pop("countdown", None)  # it runs as soon as it can be sent
        PendingJob.objects.create(name=name, args=list(args), kwargs=kwargs, options=options,
                                  last_error=f"{type(exc).__name__}: {exc}"[:1000])
        return False


def enqueue(name: str, *args, **kwargs):
    """Send the task ``name`` (e.g. "orgs.tasks.run_import_job") with ``args`` after the commit.

    The task's module is loaded here so that eager mode (no broker, and the tests) runs the task
    in-process through its own ``apply_async``; a task no module here defines is sent by name.
    """
    transaction.on_commit(lambda: send(name, args, kwargs))


def send_pending(limit=1000) -> int:
    """Send the jobs the outbox keeps, oldest first; stop at the first the broker refuses again. How many went."""
    from .models import PendingJob

    sent = 0
    for job in PendingJob.objects.order_by("pk")[:limit]:
        with transaction.atomic():
            locked = PendingJob.objects.select_for_update(skip_locked=True).filter(pk=job.pk).first()
            if locked is None:  # another sender has it
                continue
            try:
                _publish(locked.name, locked.args, locked.kwargs, locked.options)
            except Exception as exc:
                logger.warning("the broker still refuses %s: %s", locked.name, exc)
                PendingJob.objects.filter(pk=locked.pk).update(attempts=locked.attempts + 1,
                                                               last_error=f"{type(exc).__name__}: {exc}"[:1000])
                return sent
            locked.delete()
            sent += 1
    return sent
