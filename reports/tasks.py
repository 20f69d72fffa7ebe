"""Celery tasks of monthly reports: the morning reminders and the reviewers' digest (beat schedules both in
settings). Thin: each calls its function in ``reminders``, which is idempotent per day."""
from celery import shared_task

from . import reminders


@shared_task(time_limit=1800, soft_time_limit=1700)
def send_report_reminders():
    """Every morning: reminders before, on and after the reporting deadline. Idempotent per day."""
    return reminders.send_report_reminders()


@shared_task(time_limit=1800, soft_time_limit=1700)
def send_review_digest():
    """Every morning: each reviewer's count of reports waiting. Idempotent per day."""
    return reminders.send_review_digest()


# The names these tasks had while reports lived in the plans app. Kept for one release, so that messages queued
# (or a beat still running) under the old names run the same job; remove them in the release after.
@shared_task(name="plans.tasks.send_report_reminders", time_limit=1800, soft_time_limit=1700)
def send_report_reminders_by_old_name():
    return reminders.send_report_reminders()


@shared_task(name="plans.tasks.send_review_digest", time_limit=1800, soft_time_limit=1700)
def send_review_digest_by_old_name():
    return reminders.send_review_digest()
