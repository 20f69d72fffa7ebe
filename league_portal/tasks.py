"""The portal's own periodic task: each worker queue's heartbeat, read by /healthz/ready."""
from celery import shared_task

from .health import record_heartbeat


@shared_task(time_limit=30, soft_time_limit=20, ignore_result=True)
def heartbeat(queue):
    """Sent by beat to ``queue``: the worker that takes it writes the time into the shared cache."""
    record_heartbeat(queue)
