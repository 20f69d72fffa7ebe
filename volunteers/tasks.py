"""Celery tasks of the volunteer registry (thin: each calls a service)."""
from celery import shared_task

from . import services


@shared_task(time_limit=1800, soft_time_limit=1700)
def nightly_recompute():
    """Every night: every volunteer's confirmed hours and star level, in case a scale changed."""
    return {"volunteers": services.refresh_volunteer_hours()}


@shared_task(bind=True, time_limit=1800, soft_time_limit=1700, acks_late=True)
def run_volunteer_import(self, import_id):
    """Check (or check and write) an import of volunteers or service records; a crash ends it with a message."""
    from . import imports

    try:
        return imports.run_import(import_id)
    except Exception:
        imports.mark_failed(import_id)
        raise
