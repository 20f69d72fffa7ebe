"""Celery tasks of the dashboard: issuing the 工作通报 after a month's scores are published (beat schedules the
first in settings; it sends the second once per organisation). Thin: each calls its service, which is idempotent."""
from celery import shared_task

from . import services


@shared_task(time_limit=300, soft_time_limit=270)
def issue_published_circulars():
    """Every quarter of an hour: the circulars of months published since they were last issued, one task each."""
    return services.issue_published_circulars()


@shared_task(time_limit=600, soft_time_limit=570, autoretry_for=(OSError,), retry_backoff=60, max_retries=3)
def issue_circular(organization_id, month, run_id):
    """Make one organisation's circular of ``month`` (YYYY-MM) as .docx and PDF and tell its leaders, once."""
    return services.issue_circular(organization_id, month, run_id)
