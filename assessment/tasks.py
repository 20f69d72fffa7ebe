"""Celery tasks of the monthly assessment: thin wrappers around compute, the services and the sheets."""
from celery import shared_task
from django.utils import timezone
from django.utils.translation import gettext_noop

from notifications.services import Text, offer_download
from orgs.permissions import SYSTEM

from . import compute, selectors, services, sheets
from .models import AssessmentRun, AssessmentScheme


@shared_task(bind=True, time_limit=1800, soft_time_limit=1700, acks_late=True, max_retries=3)
def compute_scores(self, run_id):
    """Compute a run's scores. Idempotent: a retry after a crash rewrites the same rows in one transaction."""
    try:
        return compute.compute(run_id)
    except Exception as exc:
        compute.mark_failed(run_id, exc)
        raise


@shared_task(time_limit=600, soft_time_limit=540)
def compute_due_assessments():
    """Every morning: start last month's computation of each scheme whose compute day it is."""
    started = []
    for scheme, month in selectors.schemes_due(timezone.localdate()):
        started.append(services.request_computation(scheme, month, by=SYSTEM).pk)
    return started


@shared_task(time_limit=1800, soft_time_limit=1700)
def write_score_sheet(kind, pk, user_id, filename):
    """Write a large 考核评分表 (a month, or the year) and offer it to the user under the bell."""
    if kind == "month":
        content = sheets.month_workbook(AssessmentRun.objects.select_related("scheme__organization").get(pk=pk))
    else:
        content = sheets.year_workbook(AssessmentScheme.objects.select_related("organization").get(pk=pk))
    offer_download(user_id, filename, content, Text(gettext_noop("Ready to download: %(name)s"), {"name": filename}))
    return filename


# The names these tasks had in the plans app, kept for one release so that messages queued before the
# upgrade (and a beat still running the old schedule) are still run. Remove them in the release after.
LEGACY_NAMES = {f"plans.tasks.{name}": f"assessment.tasks.{name}"
                for name in ("compute_scores", "compute_due_assessments", "write_score_sheet")}


@shared_task(name="plans.tasks.compute_scores", time_limit=1800, soft_time_limit=1700, acks_late=True, max_retries=3)
def legacy_compute_scores(run_id):
    return compute_scores(run_id)


@shared_task(name="plans.tasks.compute_due_assessments", time_limit=600, soft_time_limit=540)
def legacy_compute_due_assessments():
    return compute_due_assessments()


@shared_task(name="plans.tasks.write_score_sheet", time_limit=1800, soft_time_limit=1700)
def legacy_write_score_sheet(kind, pk, user_id, filename):
    return write_score_sheet(kind, pk, user_id, filename)
