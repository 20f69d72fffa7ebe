"""Celery tasks of the plans app: thin wrappers around the roll-up engine."""
from celery import shared_task
from django.core.cache import cache

from . import assessment, rollups


@shared_task(time_limit=600, soft_time_limit=540)
def refresh_rollups(target_id=None, point_id=None, pending_key=None):
    """Refresh one target's or qualitative point's roll-up; idempotent, safe to retry."""
    if pending_key:
        cache.delete(pending_key)  # entries from now on schedule a new refresh
    return rollups.refresh(
        target_ids=[target_id] if target_id else [], point_ids=[point_id] if point_id else []
    )


@shared_task(time_limit=3600, soft_time_limit=3300)
def rebuild_rollups():
    """Nightly: every own figure and roll-up again, so time-based lights move with the calendar."""
    return rollups.rebuild()


@shared_task(bind=True, time_limit=1800, soft_time_limit=1700, acks_late=True, max_retries=3)
def compute_scores(self, run_id):
    """Compute a run's scores. Idempotent: a retry after a crash rewrites the same rows in one transaction."""
    try:
        return assessment.compute(run_id)
    except Exception as exc:
        assessment.mark_failed(run_id, exc)
        raise


@shared_task(time_limit=600, soft_time_limit=540)
def compute_due_assessments():
    """Every morning: start last month's computation of each scheme whose compute day it is."""
    from django.utils import timezone

    from orgs.permissions import SYSTEM

    started = []
    for scheme, month in assessment.schemes_due(timezone.localdate()):
        started.append(assessment.request_computation(scheme, month, by=SYSTEM).pk)
    return started


@shared_task(time_limit=1800, soft_time_limit=1700)
def write_score_sheet(kind, pk, user_id, filename):
    """Write a large 考核评分表 (a month, or the year) and offer it to the user under the bell."""
    from django.utils.translation import gettext as _

    from notifications.services import offer_download

    from . import score_sheets
    from .models import AssessmentRun, AssessmentScheme

    if kind == "month":
        content = score_sheets.month_workbook(AssessmentRun.objects.select_related("scheme__organization").get(pk=pk))
    else:
        content = score_sheets.year_workbook(AssessmentScheme.objects.select_related("organization").get(pk=pk))
    offer_download(user_id, filename, content, _("Ready to download: %(name)s") % {"name": filename})
    return filename
