"""Scheduled messages about monthly reports (Celery beat runs these every morning).

Reporters of an organisation that owes a report (``selectors.owing_reports``) get a reminder three days before the deadline,
on the day, and every day after it while the report is missing (not submitted, or returned and
not resubmitted). Reviewers get one digest a day of the reports waiting for them. Every message
carries a key made of its kind, organisation, month and day, so running a job twice on the same
day (a retry, a second beat) sends nothing twice.
"""
import datetime

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from core.months import due_date, last_month
from notifications.services import Message, Text, send

from . import kinds
from .choices import ReportStatus
from .models import MonthlyReport
from .selectors import owing_reports, reporters_by_organization, reviewers_by_organization

IN_TIME = (ReportStatus.SUBMITTED, ReportStatus.APPROVED)


def stage(today: datetime.date, due_on: datetime.date):
    """Which reminder is due ``today`` for a report due on ``due_on``: due soon, due today, missing, or none."""
    if today == due_on - datetime.timedelta(days=3):
        return kinds.REPORT_DUE_SOON
    if today == due_on:
        return kinds.REPORT_DUE_TODAY
    if today > due_on:
        return kinds.REPORT_MISSING
    return None


def send_report_reminders(today=None):
    """Remind the reporters of every organisation whose report on last month is not in. Returns the count sent."""
    today = today or timezone.localdate()
    month = last_month(today)
    due = {}
    # today lies in the month after ``month``, so the due date is that month's ``due_day`` (at most the 28th)
    candidates = owing_reports(month).filter(Q(due_day__lte=today.day) | Q(due_day=today.day + 3))
    for organization in candidates.only("id", "path", "name", "short_name"):
        due_on = due_date(month, organization.due_day)
        kind = stage(today, due_on)
        if kind is not None:
            due[organization.pk] = (organization, kind, due_on)
    if not due:
        return 0
    done = set(MonthlyReport.objects.filter(month=month, status__in=IN_TIME).values_list("organization_id", flat=True))
    reports = dict(MonthlyReport.objects.filter(month=month).values_list("organization_id", "pk"))
    recipients = reporters_by_organization([pk for pk in due if pk not in done])
    messages = []
    titles = {  # translated for each reader when shown
        kinds.REPORT_DUE_SOON: gettext_noop("%(org)s: the report on %(month)s is due on %(due)s"),
        kinds.REPORT_DUE_TODAY: gettext_noop("%(org)s: the report on %(month)s is due today"),
        kinds.REPORT_MISSING: gettext_noop("%(org)s: the report on %(month)s is missing, %(days)d days after the deadline"),
    }
    for organization_id, users in recipients.items():
        organization, kind, due_on = due[organization_id]
        texts = {"org": organization.display_name, "month": f"{month:%Y-%m}", "due": f"{due_on:%Y-%m-%d}",
                 "days": (today - due_on).days}
        title = Text(titles[kind], texts)
        url = reverse("reports:report_detail", args=[reports[organization_id]]) if organization_id in reports \
            else reverse("reports:my_reports")
        messages.append(Message(users, title, kind, url=url, key=f"{kind}:{organization_id}:{month:%Y%m}:{today:%Y%m%d}"))
    return send(messages)


def send_review_digest(today=None):
    """Tell each reviewer how many submitted reports wait for them (one message a day). Returns the count sent."""
    today = today or timezone.localdate()
    waiting = list(MonthlyReport.objects.filter(status=ReportStatus.SUBMITTED).select_related("organization")
                   .only("pk", "organization__path", "organization__id"))
    if not waiting:
        return 0
    reviewers = reviewers_by_organization({r.organization for r in waiting})
    counts = {}
    for report in waiting:
        for user_id in reviewers[report.organization_id]:
            counts[user_id] = counts.get(user_id, 0) + 1
    url = f"{reverse('reports:report_grid')}?state=submitted"
    messages = [  # one wording for any count: the title is translated for each reader when shown
        Message([user_id], Text(gettext_noop("Reports waiting for your review: %(n)d"), {"n": count}),
                kinds.REVIEW_DIGEST, url=url, key=f"digest:{today:%Y%m%d}")
        for user_id, count in sorted(counts.items())
    ]
    return send(messages)
