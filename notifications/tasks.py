"""Celery tasks of notifications: thin wrappers around the services."""
from celery import shared_task
from celery.utils.time import get_exponential_backoff_interval
from django.conf import settings

from . import services


@shared_task(bind=True, time_limit=60, soft_time_limit=45, acks_late=True,
             max_retries=settings.NOTIFICATION_DELIVERY_MAX_RETRIES)
def deliver(self, delivery_id):
    """Send one delivery; a failure is retried with exponential back-off (Celery's retry_backoff, full jitter) and
    given up after the last retry. Safe to run twice: a delivery sent already is not sent again.

    The retry is Celery's own rather than autoretry_for's, so that without a broker (eager mode: development and the
    tests) the retries run in-process and a failing provider never raises into the request that sent the
    notification.
    """
    try:
        return services.deliver(delivery_id, last_try=self.request.retries >= self.max_retries)
    except services.DeliveryFailed as failure:
        countdown = get_exponential_backoff_interval(
            factor=settings.NOTIFICATION_DELIVERY_BACKOFF_SECONDS, retries=self.request.retries,
            maximum=settings.NOTIFICATION_DELIVERY_BACKOFF_MAX_SECONDS, full_jitter=True)
        if self.request.is_eager:  # Celery.apply runs the returned retry at once
            return self.retry(exc=failure, countdown=countdown, throw=False)
        raise self.retry(exc=failure, countdown=countdown) from failure
