"""Periodic clean-up of API tokens (scheduled in settings.CELERY_BEAT_SCHEDULE)."""
from celery import shared_task

from . import services


@shared_task(time_limit=300, soft_time_limit=240)
def purge_expired_tokens() -> int:
    return services.purge_expired_tokens()
