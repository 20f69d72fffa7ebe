"""Reads behind the reviewers' month × organisation grid: per-month counts and the cells of a page of rows.

Counting is done in the database: which organisations must report (and by which day) is an SQL
expression over the active rules, and reports are grouped by month, status and due day, so the
number of queries does not grow with the tree or the year.
"""
import datetime
import functools
import hashlib
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db.models import Count, Max, Q, Subquery, Value
from django.db.models.functions import Substr
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.months import due_date, next_month
from orgs.models import Organization

from .choices import ReportStatus
from .models import MonthlyReport
from .selectors import active_rules, due_day_expression, first_owed_month, joined_month, obligated, owes, owing_reports

SENT = (ReportStatus.SUBMITTED, ReportStatus.RETURNED, ReportStatus.APPROVED)
MISSING, PENDING, NOT_REQUIRED = "missing", "pending", "not_required"


def state_label(state):
    """The label of a cell's state: a report status, 未报 (missing), 未到期 (not due yet) or 无需报送."""
    return _state_label(state, get_language())


@functools.lru_cache(maxsize=64)
def _state_label(state, language):
    """Read once per state and language: a page of the grid labels hundreds of cells."""
    extra = {MISSING: _("missing"), PENDING: _("not due yet"), NOT_REQUIRED: _("not required")}
    return str(extra.get(state) or ReportStatus(state).label)


@dataclass
class MonthColumn:
    month: datetime.date
    due: int = 0
    counts: dict = field(default_factory=dict)  # status → reports
    late: int = 0
    missing: int = 0

    @property
    def sent(self):
        return sum(self.counts.get(s, 0) for s in SENT)

    @property
    def rate(self):
        """Share of the organisations due that have submitted (approved and returned included), in %."""
        return round(100 * self.sent / self.due, 1) if self.due else None


@dataclass
class Cell:
    month: datetime.date
    state: str  # a report status, "missing", "pending" or "not_required" (cell_state)
    report: MonthlyReport | None = None


def months_of(year, today):
    """The months of ``year`` up to today's."""
    return [datetime.date(year, m, 1) for m in range(1, 13) if datetime.date(year, m, 1) <= today]


def passed(month, due_day, today):
    return today > due_date(month, due_day)


def rule_periods(months, rules=None):
    """[(rules in force, months)]: the months grouped by the set of rules in force for them (usually one group);
    ``rules``: the active rules of the last month, when already read."""
    if rules is None:
        rules = active_rules(max(months)) if months else []
    groups = {}
    for month in months:
        in_force = [r for r in rules if r.since <= month]
        groups.setdefault(tuple(r.pk for r in in_force), (in_force, []))[1].append(month)
    return list(groups.values())


def month_columns(scope, months, today, rules=None):
    """Counts per month over the organisations of ``scope`` that owe a report that month (``owing_reports``'s rule:
    two queries per distinct set of rules in force over the months, usually one set). A report on a month its
    organisation did not owe is not counted (it would lift the rate above what was due)."""
    columns = {m: MonthColumn(m) for m in months}
    for rules, period in rule_periods(months, rules):
        organizations = obligated(scope, rules=rules)
        due_rows = list(organizations.order_by().values_list("due_day", "reporting_from", joined_month())
                        .annotate(n=Count("pk")))
        sent_by_day = {}
        rows = (
            MonthlyReport.objects.filter(organization__in=organizations.values("pk"), month__in=period)
            .annotate(org_due_day=due_day_expression(rules, prefix="organization__"))
            .order_by().values_list("month", "status", "org_due_day", "organization__reporting_from",
                                    joined_month("organization__"))
            .annotate(n=Count("pk"), late=Count("pk", filter=Q(days_late__gt=0)))
        )
        for month, status, due_day, reporting_from, joined, n, late in rows:
            if first_owed_month(reporting_from, joined) > month:
                continue
            column = columns[month]
            column.counts[status] = column.counts.get(status, 0) + n
            column.late += late
            if status in SENT:
                sent_by_day[(month, due_day)] = sent_by_day.get((month, due_day), 0) + n
        for month in period:
            column = columns[month]
            due_by_day = {}
            for day, reporting_from, joined, n in due_rows:
                if first_owed_month(reporting_from, joined) <= month:
                    due_by_day[day] = due_by_day.get(day, 0) + n
            column.due = sum(due_by_day.values())
            column.missing = sum(n - sent_by_day.get((month, day), 0) for day, n in due_by_day.items()
                                 if passed(month, day, today))
    return [columns[m] for m in months]


def _counts_stamp():
    """The latest change to what the counts read — organisations (their latest change and number) and reports (the
    latest change and the newest row; reports are never deleted but with their organisation) — in one query."""
    reports = MonthlyReport.objects.order_by().annotate(g=Value(1)).values("g")
    row = Organization.objects.order_by().annotate(g=Value(1)).values("g").annotate(
        organizations=Max("updated_at"), count=Count("pk"),
        report=Subquery(reports.annotate(m=Max("updated_at")).values("m")[:1]),
        newest=Subquery(reports.annotate(m=Max("pk")).values("m")[:1]),
    ).values_list("organizations", "count", "report", "newest")
    return list(row)


def cached_month_columns(scope, months, today):
    """``month_columns``, cached: the grid's totals count every report of the year in the reviewer's scope (a
    hundred thousand at a province), so they are kept per scope (its SQL), months and day under a key that also
    holds the rules in force and the latest change to organisations and reports (``_counts_stamp``): any change
    shows at the next request. Three queries when cached."""
    rules = active_rules(max(months)) if months else []
    rule_key = [(r.pk, r.organization.path, r.levels, r.kinds, r.due_day, r.since, r.is_active,
                 sorted(e.pk for e in r.exceptions.all())) for r in rules]
    try:
        sql = str(scope.query)
    except EmptyResultSet:  # a scope that can hold nothing
        return month_columns(scope, months, today, rules=rules)
    text = repr((sql, months, today, rule_key, _counts_stamp()))
    key = f"report-grid-columns:{hashlib.sha1(text.encode()).hexdigest()}"
    found = cache.get(key)
    if found is None:
        found = month_columns(scope, months, today, rules=rules)
        cache.set(key, found, settings.DASHBOARD_CACHE_SECONDS)
    return found


def columns_by_child(organization, month, today):
    """{child's path: MonthColumn} of ``month`` for each child of ``organization``: the organisations of the child's
    subtree that owe a report that month (two queries and the rules', whatever the subtree)."""
    width = len(organization.path) + organization.steplen
    rules = active_rules(month)
    scope = Organization.objects.filter(path__startswith=organization.path, depth__gt=organization.depth)
    organizations = owing_reports(month, scope, rules=rules).annotate(child=Substr("path", 1, width))
    columns = {}
    due_by_day = {}
    for child, due_day, n in organizations.order_by().values_list("child", "due_day").annotate(n=Count("pk")):
        columns.setdefault(child, MonthColumn(month)).due += n
        due_by_day[(child, due_day)] = n
    sent_by_day = {}
    rows = (
        MonthlyReport.objects.filter(organization__in=organizations.values("pk"), month=month)
        .annotate(child=Substr("organization__path", 1, width),
                  org_due_day=due_day_expression(rules, prefix="organization__"))
        .order_by().values_list("child", "status", "org_due_day")
        .annotate(n=Count("pk"), late=Count("pk", filter=Q(days_late__gt=0)))
    )
    for child, status, due_day, n, late in rows:
        column = columns.setdefault(child, MonthColumn(month))
        column.counts[status] = column.counts.get(status, 0) + n
        column.late += late
        if status in SENT:
            sent_by_day[(child, due_day)] = sent_by_day.get((child, due_day), 0) + n
    for (child, due_day), n in due_by_day.items():
        if passed(month, due_day, today):
            columns[child].missing += n - sent_by_day.get((child, due_day), 0)
    return columns


def missing_reports(scope, month, today):
    """The organisations of ``scope`` that owe a report on ``month``, are past their due day and have sent nothing
    (a queryset, in tree order, annotated ``due_day``)."""
    sent = MonthlyReport.objects.filter(month=month, status__in=SENT).values("organization_id")
    following = next_month(month)
    if today <= following:
        last_passed_day = 0
    elif today < next_month(following):
        last_passed_day = today.day - 1  # due_day < today's day: the due date has passed
    else:
        last_passed_day = 31
    return owing_reports(month, scope).filter(due_day__lte=last_passed_day).exclude(pk__in=sent).order_by("path")


def cell_state(report, due_day, owed, month, today):
    """The state of one organisation's month, as the grid, the month's export and the dashboard name it: the report's
    status once sent; 未报 (missing) when owed and past its due day; else the draft's status, 未到期 (not due yet)
    while owed, or 无需报送 (not required)."""
    if report is not None and report.status in SENT:
        return report.status
    if owed and passed(month, due_day, today):
        return MISSING
    if report is not None:
        return report.status
    return PENDING if owed else NOT_REQUIRED


def grid_rows(organizations, months, today):
    """(organisation, [Cell per month]) for a page of organisations: one query for the reports and one per
    distinct set of rules in force for the due days."""
    organizations = list(organizations)
    ids = [o.pk for o in organizations]
    reports = {(r.organization_id, r.month): r for r in MonthlyReport.objects.filter(
        organization_id__in=ids, month__in=months).only(
        "pk", "organization_id", "month", "status", "days_late", "submitted_at")}
    due_days = {}
    for rules, period in rule_periods(months):
        days = dict(obligated(Organization.objects.filter(pk__in=ids), rules=rules).values_list("pk", "due_day"))
        for month in period:
            due_days[month] = days
    rows = []
    for organization in organizations:
        cells = []
        for month in months:
            report = reports.get((organization.pk, month))
            due_day = due_days[month].get(organization.pk)
            owed = due_day is not None and owes(organization, month)
            cells.append(Cell(month, cell_state(report, due_day, owed, month, today), report))
        rows.append((organization, cells))
    return rows
