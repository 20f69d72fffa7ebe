"""Celery tasks of the organisation app: thin wrappers around services."""
from celery import shared_task

from . import services


@shared_task(time_limit=600, soft_time_limit=540)
def verify_tree():
    """Nightly check of the materialized paths; returns what is wrong (nothing, normally)."""
    return services.verify_tree()
