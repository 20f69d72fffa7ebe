"""The floor's one periodic job: send what the outbox kept while the broker was away."""
from celery import shared_task

from . import jobs


@shared_task(time_limit=300, soft_time_limit=270)
def send_pending_jobs():
    return jobs.send_pending()
