"""What the start pages of reporters, assessors and administrators show: each role's question answered at once.

Reads only, through the apps' selectors and ``restrict()``; a fixed number of queries whatever the tree holds.
"""
import datetime

from django.db.models import Exists, F, OuterRef, Q

from assessment.choices import AppealStatus, RunStatus
from assessment.models import Appeal, AssessmentRun, AssessmentScheme
from assessment.selectors import reporting_closes
from core import months
from notifications.models import Notification
from orgs.choices import ImportStatus, Role
from orgs.models import ImportJob, Organization, RoleAssignment
from orgs.permissions import Action
from orgs.selectors import visible_users
from plans.choices import Light
from plans.selectors import my_tasks
from reports.choices import ReportStatus
from reports.models import MonthlyReport
from reports.selectors import owed_due_day
from volunteers.models import VolunteerImport

LIST_LENGTH = 10
DUE_SOON_DAYS = 30
FAILED = (ImportStatus.INVALID, ImportStatus.FAILED)


def reporter(user, organization, today):
    """The month's report of the reporter's organisation (its deadline, state and what to do), tasks due soon,
    returned reports and unread notifications."""
    month = months.last_month(today)
    due_day = owed_due_day(organization, month)
    report = MonthlyReport.objects.filter(organization=organization, month=month).first()
    soon = today + datetime.timedelta(days=DUE_SOON_DAYS)
    tasks = (my_tasks(user).filter(organization=organization).exclude(light=Light.DONE)
             .filter(Q(deadline__lte=soon) | Q(target__deadline__lte=soon) | Q(point__deadline__lte=soon)
                     | Q(light__in=(Light.RED, Light.YELLOW))))
    return {
        "month": month,
        "reports": due_day is not None,
        "due_on": months.due_date(month, due_day) if due_day is not None else None,
        "report": report,
        "overdue": due_day is not None and today > months.due_date(month, due_day)
        and (report is None or report.status in (ReportStatus.DRAFT, ReportStatus.RETURNED)),
        "tasks": list(tasks[:LIST_LENGTH]),
        "returned": list(MonthlyReport.objects.filter(organization=organization, status=ReportStatus.RETURNED)
                         .exclude(pk=report.pk if report else None).order_by("-month")[:LIST_LENGTH]),
        "notifications": list(Notification.objects.filter(user=user).unread()[:5]),
    }


def assessor(user, today):
    """The schemes the user assesses with the month to compute or publish next, open appeals and the latest run."""
    month = months.last_month(today)
    schemes = list(AssessmentScheme.objects.restrict(user, Action.ASSESS).filter(is_active=True)
                   .select_related("organization").order_by("-year", "organization__path", "pk")[:LIST_LENGTH])
    runs = {}
    for run in AssessmentRun.objects.filter(scheme__in=schemes, month=month).order_by("scheme_id", "-version"):
        runs.setdefault(run.scheme_id, run)
    rows = []
    for scheme in schemes:
        run = runs.get(scheme.pk)
        if run is None:
            step = "compute"
        elif run.status in (RunStatus.PROVISIONAL, RunStatus.APPEAL):
            step = "publish"
        elif run.status in (RunStatus.COMPUTING, RunStatus.FAILED):
            step = run.status
        else:
            step = "done"
        compute_on = months.due_date(month, scheme.compute_day)
        if step == "compute":  # never before the month's reports are all due (beat waits for the day after)
            compute_on = max(compute_on, reporting_closes(scheme, month) + datetime.timedelta(days=1))
        row = {"scheme": scheme, "run": run, "step": step, "month": month, "compute_on": compute_on}
        if step == "done":  # last month is published: the next step is this month's computation
            following = months.month_start(today)
            row.update(next_month=following,
                       next_compute_on=max(months.due_date(following, scheme.compute_day),
                                           reporting_closes(scheme, following) + datetime.timedelta(days=1)))
        rows.append(row)
    appeals = (Appeal.objects.restrict(user).filter(status=AppealStatus.PENDING)
               .filter(run__in=AssessmentRun.objects.restrict(user, Action.ASSESS).values("pk"))
               .select_related("run__scheme", "organization").order_by("filed_at"))
    return {
        "month": month, "schemes": rows,
        "appeals": list(appeals[:LIST_LENGTH]), "appeal_count": appeals.count(),
        "latest_run": AssessmentRun.objects.restrict(user, Action.ASSESS).select_related("scheme")
        .order_by("-created_at", "-pk").first(),
    }


def administrator(user, organization):
    """Organisations of the subtree with nobody to report or work for them, accounts never used, failed imports."""
    holders = RoleAssignment.objects.filter(organization=OuterRef("pk"), role__in=(Role.REPORTER, Role.STAFF))
    unstaffed = (Organization.objects.restrict(user, Action.MANAGE_USERS)
                 .filter(path__startswith=organization.path, is_active=True)
                 .exclude(Exists(holders)).order_by("path"))
    never = visible_users(user).filter(last_login__isnull=True, is_active=True).order_by("date_joined", "pk")
    return {
        "unstaffed": list(unstaffed[:LIST_LENGTH]), "unstaffed_count": unstaffed.count(),
        "never_logged_in": list(never[:LIST_LENGTH]), "never_count": never.count(),
        "failed_imports": list(ImportJob.objects.restrict(user).filter(status__in=FAILED)[:LIST_LENGTH]),
        "failed_volunteer_imports": list(VolunteerImport.objects.restrict(user).filter(status__in=FAILED)
                                         .annotate(org_name=F("organization__name"))[:LIST_LENGTH]),
    }
