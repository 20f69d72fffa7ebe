"""Reads behind the reviewers' month × organisation grid: per-month counts and the cells of a page of rows.

Counting is done in the database: which organisations must report (and by which day) is an SQL
expression over the active rules, and reports are grouped by month, status and due day, so the
number of queries does not grow with the tree or the year.
"""
import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q

from core.months import due_date
from orgs.models import Organization

from .choices import ReportStatus
from .models import MonthlyReport
from .selectors import active_rules, due_day_expression, obligated

SENT = (ReportStatus.SUBMITTED, ReportStatus.RETURNED, ReportStatus.APPROVED)
MISSING, PENDING, NOT_REQUIRED = "missing", "pending", "not_required"


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
    state: str  # a report status, "missing" or "pending"
    report: MonthlyReport | None = None


def months_of(year, today):
    """The months of ``year`` up to today's."""
    return [datetime.date(year, m, 1) for m in range(1, 13) if datetime.date(year, m, 1) <= today]


def passed(month, due_day, today):
    return today > due_date(month, due_day)


def rule_periods(months):
    """[(rules in force, months)]: the months grouped by the set of rules in force for them (usually one group)."""
    rules = active_rules(max(months)) if months else []
    groups = {}
    for month in months:
        in_force = [r for r in rules if r.since <= month]
        groups.setdefault(tuple(r.pk for r in in_force), (in_force, []))[1].append(month)
    return list(groups.values())


def month_columns(scope, months, today):
    """Counts per month over the organisations of ``scope`` that must report that month (two queries per
    distinct set of rules in force over the months, usually one set)."""
    columns = {m: MonthColumn(m) for m in months}
    for rules, period in rule_periods(months):
        organizations = obligated(scope, rules=rules)
        due_by_day = dict(organizations.order_by().values_list("due_day").annotate(n=Count("pk")))
        sent_by_day = {}
        rows = (
            MonthlyReport.objects.filter(organization__in=organizations.values("pk"), month__in=period)
            .annotate(org_due_day=due_day_expression(rules, prefix="organization__"))
            .order_by().values_list("month", "status", "org_due_day")
            .annotate(n=Count("pk"), late=Count("pk", filter=Q(days_late__gt=0)))
        )
        for month, status, due_day, n, late in rows:
            column = columns[month]
            column.counts[status] = column.counts.get(status, 0) + n
            column.late += late
            if status in SENT:
                sent_by_day[(month, due_day)] = sent_by_day.get((month, due_day), 0) + n
        for month in period:
            column = columns[month]
            column.due = sum(due_by_day.values())
            column.missing = sum(n - sent_by_day.get((month, day), 0) for day, n in due_by_day.items()
                                 if passed(month, day, today))
    return [columns[m] for m in months]


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
            if report is not None and report.status in SENT:
                state = report.status
            elif due_day is not None and passed(month, due_day, today):
                state = MISSING
            elif report is not None:
                state = report.status
            else:
                state = PENDING if due_day is not None else NOT_REQUIRED
            cells.append(Cell(month, state, report))
        rows.append((organization, cells))
    return rows
