"""Reads of monthly reports: who must report and by which day, who fills in and who reviews a report, and the
fields a report has. Rules are turned into one SQL expression, so these never query per organisation."""
import datetime

from django.db.models import Case, DateField, IntegerField, Q, Value, When
from django.db.models.functions import TruncMonth
from django.utils import timezone

from core.months import DEFAULT_DUE_DAY, due_date, month_start, next_month
from orgs.models import Organization, RoleAssignment
from orgs.permissions import GRANTS, Action, organizations_held, role_assignments
from plans.choices import PlanStatus
from plans.models import Assignment

from .models import MonthlyReport, ReportField, ReportingRule


def due_day_of(organization, month=None):
    """The due day of the rule ``organization`` reports on ``month`` under; None when it need not report."""
    return obligated(Organization.objects.filter(pk=organization.pk), month=month).values_list("due_day", flat=True).first()


def active_rules(month=None):
    """The active reporting rules in force for ``month`` (default: this month), nearest first, with exceptions."""
    month = month_start(month or timezone.localdate())
    return sorted(
        ReportingRule.objects.filter(is_active=True, since__lte=month).select_related("organization")
        .prefetch_related("exceptions"),
        key=lambda r: (-r.organization.depth, r.pk),
    )


def _covers(rule, prefix=""):
    """SQL condition: the organisation (reached through ``prefix``) lies below the rule's and matches it."""
    q = Q(**{f"{prefix}path__startswith": rule.organization.path}) & ~Q(**{f"{prefix}pk": rule.organization_id})
    if rule.levels:
        q &= Q(**{f"{prefix}level__in": rule.levels})
    if rule.kinds:
        q &= Q(**{f"{prefix}kind__in": rule.kinds})
    exceptions = [o.pk for o in rule.exceptions.all()]
    if exceptions:
        q &= ~Q(**{f"{prefix}pk__in": exceptions})
    return q


def due_day_expression(rules, prefix=""):
    """SQL: the due day of the nearest active rule that covers the organisation; NULL when none does."""
    if not rules:
        return Value(None, output_field=IntegerField())
    return Case(*[When(_covers(rule, prefix), then=Value(rule.due_day)) for rule in rules],
                default=None, output_field=IntegerField())


def obligated(organizations=None, rules=None, month=None):
    """The active organisations (of ``organizations``, default all) that must report on ``month`` (default this
    month), annotated ``due_day``. One SQL query (plus two for the rules); the nearest rule in force that covers
    an organisation decides."""
    rules = active_rules(month) if rules is None else rules
    organizations = Organization.objects.all() if organizations is None else organizations
    return organizations.filter(is_active=True).annotate(due_day=due_day_expression(rules)).filter(due_day__isnull=False)


# --- who owes a report on a month: the one rule ------------------------------------------------------------------
#
# An organisation owes its report on a month when it is active, a reporting rule in force for that month covers it
# (the nearest decides, and gives the due day) and it had started reporting: an administrator's start month
# (``Organization.reporting_from``) or else the month after the one it was created or imported in — a branch set up
# today owes nothing on last month. The report grid and its counts, the month's export, the reminders, the
# assessment and the dashboard all ask ``owing_reports`` (or, for loaded rows and grouped counts, ``owes`` and
# ``first_owed_month``, the same rule in Python; tests/reports/test_owing.py holds the two forms together).


def month_begins(month):
    """The moment ``month`` begins in the portal's time zone (Asia/Shanghai)."""
    return timezone.make_aware(datetime.datetime.combine(month_start(month), datetime.time.min))


def first_owed_month(reporting_from, joined_month):
    """The first month an organisation owes a report on: the start month an administrator set, else the month after
    the one it joined (was created or imported) in."""
    return reporting_from or next_month(joined_month)


def joined_month(prefix=""):
    """SQL: the month (first day, Asia/Shanghai) the organisation reached through ``prefix`` was created in."""
    return TruncMonth(f"{prefix}created_at", output_field=DateField())


def owes(organization, month) -> bool:
    """Whether a loaded organisation had started reporting by ``month`` (the rules aside)."""
    joined = month_start(timezone.localdate(organization.created_at))
    return first_owed_month(organization.reporting_from, joined) <= month_start(month)


def started_q(month, prefix=""):
    """SQL: the organisation (reached through ``prefix``) had started reporting by ``month`` — ``owes`` as a filter."""
    month = month_start(month)
    return (Q(**{f"{prefix}reporting_from__lte": month})
            | Q(**{f"{prefix}reporting_from__isnull": True, f"{prefix}created_at__lt": month_begins(month)}))


def owing_reports(month, organizations=None, rules=None):
    """The organisations (of ``organizations``, default all) that owe a report on ``month``, annotated ``due_day``:
    active, covered by a rule in force that month, started reporting. ``rules``: the active rules already read
    (those not yet in force on ``month`` are left out here)."""
    month = month_start(month)
    rules = active_rules(month) if rules is None else [r for r in rules if r.since <= month]
    return obligated(organizations, rules=rules).filter(started_q(month))


def owed_due_day(organization, month):
    """The due day of ``organization``'s report on ``month``; None when it does not owe that report."""
    return owing_reports(month, Organization.objects.filter(pk=organization.pk)).values_list("due_day", flat=True).first()


def reporting_closes(month, organizations):
    """The last due date on ``month`` among ``organizations`` that owe it (the default due day when none does):
    until that day has passed, the month's reporting is open."""
    days = owing_reports(month, organizations).order_by().values_list("due_day", flat=True).distinct()
    return due_date(month, max(days, default=DEFAULT_DUE_DAY))


def reviewer_scope(user):
    """The organisations whose reports ``user`` reviews: below their reviewing roles (not the role's own)."""
    own = [o.pk for o in organizations_held(user, Action.REVIEW_REPORT)]
    return Organization.objects.restrict(user, Action.REVIEW_REPORT).exclude(pk__in=own)


def reviewable(user, month=None):
    """Those of ``reviewer_scope`` that must report on ``month``."""
    return obligated(reviewer_scope(user), month=month)


def fillable(user, month=None):
    """The organisations that must report on ``month`` for which ``user`` may fill in the report."""
    return obligated(Organization.objects.restrict(user, Action.RECORD_PROGRESS), month=month)


def reviewers_by_organization(organizations):
    """{organisation id: user ids} — who reviews each one's reports: the holders of a reviewing role at the
    nearest organisation above it that has any (two queries)."""
    holders = {}
    for path, user_id in RoleAssignment.objects.filter(
        role__in=GRANTS[Action.REVIEW_REPORT], user__is_active=True
    ).values_list("organization__path", "user_id"):
        holders.setdefault(path, set()).add(user_id)
    steplen = Organization.steplen
    found = {}
    for organization in organizations:
        path = organization.path[:-steplen]
        while path and path not in holders:
            path = path[:-steplen]
        found[organization.pk] = holders.get(path, set())
    return found


def reporters_by_organization(organization_ids):
    """{organisation id: user ids} holding a role at that very organisation that fills in its report."""
    found = {}
    for organization_id, user_id in RoleAssignment.objects.filter(
        organization_id__in=organization_ids, role__in=GRANTS[Action.RECORD_PROGRESS], user__is_active=True
    ).values_list("organization_id", "user_id"):
        found.setdefault(organization_id, set()).add(user_id)
    return found


def fields_for(organization):
    """The report fields of ``organization``: defined by the organisations above it, the nearest winning a key."""
    return fields_for_many([organization])[organization.pk]


def fields_defined_for(organizations):
    """The report fields defined at or above any of ``organizations`` (on their own paths), shallow first: the
    only ones their forms, sheets and exports may show, whoever looks at them."""
    steplen = Organization.steplen
    prefixes = {o.path[:end] for o in organizations for end in range(steplen, len(o.path) + 1, steplen)}
    return list(ReportField.objects.filter(organization__path__in=prefixes).select_related("organization")
                .order_by("organization__depth", "order", "pk"))


def fields_for_many(organizations):
    """{organisation id: its report fields} for several organisations, in one query."""
    defined = fields_defined_for(organizations)
    found = {}
    for organization in organizations:
        fields = {}
        for field in defined:  # shallow first: a nearer definition replaces a farther one
            if organization.path.startswith(field.organization.path):
                fields[field.key] = field
        found[organization.pk] = sorted(fields.values(), key=lambda f: (f.order, f.pk))
    return found


def active_assignments(organization, month):
    """The organisation's assignments on targets of published plans of the month's year (not those bound to a
    volunteer figure: their progress comes from the volunteer statistics)."""
    return Assignment.objects.filter(
        organization=organization, target__isnull=False, plan__status=PlanStatus.PUBLISHED, plan__year=month.year
    ).exclude(target__volunteer_figure__gt="").select_related("target", "point")  # bound ones fill themselves


def may_review(user, report) -> bool:
    """Staff, leaders and admins of an organisation strictly above the reporting one (or superusers)."""
    if user.is_superuser:
        return True
    path = report.organization.path
    return any(
        ra.role in GRANTS[Action.REVIEW_REPORT] and path.startswith(ra.organization.path) and path != ra.organization.path
        for ra in role_assignments(user)
    )


def previous_report(report):
    """The organisation's latest report before this one's month."""
    return MonthlyReport.objects.filter(organization_id=report.organization_id, month__lt=report.month).order_by("-month").first()


def one_per_key(fields):
    """One field per key (the first given, i.e. the shallowest definition), in form order."""
    by_key = {}
    for f in fields:
        by_key.setdefault(f.key, f)
    return sorted(by_key.values(), key=lambda f: (f.order, f.pk))


def fields_at_and_below(root):
    """The report fields used at, above and below ``root``, one per key: for those who see its whole subtree
    (the assessors of a scheme issued at ``root``)."""
    above = [o.pk for o in Organization.objects.get_ancestors(root)] + [root.pk]
    fields = (ReportField.objects.filter(Q(organization__in=above) | Q(organization__path__startswith=root.path))
              .select_related("organization").order_by("organization__depth", "order", "pk"))
    return one_per_key(fields)
