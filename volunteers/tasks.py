"""Celery tasks of the volunteer registry (thin: each calls a service)."""
from celery import shared_task

from . import services


@shared_task(time_limit=1800, soft_time_limit=1700)
def nightly_recompute():
    """Every night: every volunteer's confirmed hours and star level, in case a scale changed."""
    return {"volunteers": services.refresh_volunteer_hours()}
