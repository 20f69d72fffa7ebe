"""Celery tasks of notifications: thin wrappers around the services."""
from celery import shared_task

from . import services

BATCH = 500


@shared_task(time_limit=300, soft_time_limit=270, autoretry_for=(OSError,), retry_backoff=60, max_retries=5)
def send_pending_email():
    """E-mail what is waiting; safe to run twice at once or again after a failure."""
    sent = services.send_pending_email(limit=BATCH)
    if sent == BATCH:  # more are waiting: another batch, in its own task
        send_pending_email.delay()
    return sent
