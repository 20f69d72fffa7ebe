"""Celery tasks of the volunteer registry (thin: each calls a service)."""
import datetime

from celery import shared_task

from orgs.models import Organization

from . import services, statistics


@shared_task(time_limit=1800, soft_time_limit=1700)
def nightly_recompute():
    """Every night: every volunteer's confirmed hours and star level, in case a scale changed, then the statistics
    of the last thirteen months (the active window and the stars move with the calendar)."""
    volunteers = services.refresh_volunteer_hours()
    return {"volunteers": volunteers, "statistics": services.rebuild_statistics(months=statistics.recent_months())}


@shared_task(time_limit=600, soft_time_limit=540)
def refresh_statistics(organization_ids, since):
    """After a write changed these organisations' own figures from the month ``since`` (YYYY-MM-DD) on."""
    return {"statistics": services.refresh_statistics(organization_ids, datetime.date.fromisoformat(since))}


@shared_task(time_limit=1800, soft_time_limit=1700)
def rebuild_statistics(organization_id=None, months=None):
    """A subtree's statistics (every tree's when None), for the given months (YYYY-MM-DD) or all."""
    organization = Organization.objects.filter(pk=organization_id).first() if organization_id else None
    wanted = [datetime.date.fromisoformat(m) for m in months] if months else None
    return {"statistics": services.rebuild_statistics(organization, wanted)}


@shared_task(bind=True, time_limit=1800, soft_time_limit=1700, acks_late=True)
def run_volunteer_import(self, import_id):
    """Check (or check and write) an import of volunteers or service records; a crash ends it with a message."""
    from . import imports

    try:
        return imports.run_import(import_id)
    except Exception:
        imports.mark_failed(import_id)
        raise
