"""Celery tasks of the organisation app: thin wrappers around services."""
from celery import shared_task

from . import services


@shared_task(time_limit=600, soft_time_limit=540)
def verify_tree():
    """Nightly check of the materialized paths; returns what is wrong (nothing, normally)."""
    return services.verify_tree()


@shared_task(bind=True, time_limit=1800, soft_time_limit=1700, acks_late=True)
def run_import_job(self, job_id):
    """Check (and carry out) a large organisation import; ends the job with a message on any crash."""
    from . import importers

    try:
        return importers.run_job(job_id)
    except Exception as exc:
        importers.mark_job_failed(job_id, exc)
        raise


@shared_task(time_limit=1800, soft_time_limit=1700)
def prune_audit():
    """Nightly: delete the audit rows older than AUDIT_RETENTION_DAYS; returns how many went."""
    from . import audit

    return audit.prune()
