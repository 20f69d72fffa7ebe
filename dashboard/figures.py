"""The 工作台's figures of one organisation and year, as plain data (cached, and read alike by the page, the chart
endpoints and the Excel summary).

Everything comes from what the apps store and their selectors read: the roll-ups and lights of plans
(``plans.selectors.year_figures``, ``lagging``), report states (``reports.grid``), published scores
(``assessment.selectors.published_scores``). Nothing is recomputed here; the dashboard only averages and counts
what it reads. The number of queries does not grow with the subtree: each kind of fact is read once for the
organisation and its children together.

The figures are cached per organisation, year and day; the key also holds the latest moments anything they read
changed (a roll-up, a progress entry, a report, a published run, an organisation), read in one query, so a change
anywhere shows at the next request, and a short time-out catches what has no moment of its own (reporting rules).
"""
import datetime
import hashlib
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max, Subquery, Sum, Value
from django.utils import timezone

from assessment.choices import RunStatus
from assessment.models import AssessmentRun, Score
from assessment.selectors import published_scores, trend
from core import months
from orgs.models import Organization
from plans.models import Assignment, ProgressEntry
from plans.selectors import days_behind, lagging, recent_entries, year_figures
from reports import grid
from reports.choices import ReportStatus
from reports.models import MonthlyReport
from volunteers import selectors as volunteers

LIST_LENGTH = 15
IMAGE_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp")


def reporting_month(year, today):
    """The month whose reports a year's dashboard follows: the month reported on now (last month) in the current
    year, December for a past year, January for a year that has not begun or whose first month runs."""
    current = months.last_month(today)
    if current.year == year:
        return current
    return datetime.date(year, 12, 1) if datetime.date(year, 12, 1) < current else datetime.date(year, 1, 1)


def year_months(year, today):
    """The months of ``year`` up to the reporting month."""
    last = reporting_month(year, today)
    return [datetime.date(year, m, 1) for m in range(1, last.month + 1)]


def volunteer_month(year, today):
    """The month of a year's volunteer figures: this month in the current year (hours confirmed so far), December
    for a past year, January for one to come — as on the volunteer statistics page."""
    if year == today.year:
        return months.month_start(today)
    return datetime.date(year, 12, 1) if year < today.year else datetime.date(year, 1, 1)


def _stamps():
    """The latest change to anything the figures read, in one query."""
    def latest(model, field):
        return Subquery(model.objects.order_by().annotate(g=Value(1)).values("g").annotate(m=Max(field))
                        .values("m")[:1])

    row = Organization.objects.order_by().annotate(g=Value(1)).values("g").annotate(
        organizations=Max("updated_at"), count=Count("pk"),
        rollup=latest(Assignment, "rolled_up_at"), entry=latest(ProgressEntry, "entered_at"),
        report=latest(MonthlyReport, "updated_at"), run=latest(AssessmentRun, "published_at"),
        volunteers=volunteers.changed_at(),
    ).values_list("organizations", "count", "rollup", "entry", "report", "run", "volunteers")
    return hashlib.sha1(repr(list(row)).encode()).hexdigest()[:16]


def subtree_stamp(organization, year):
    """The latest change to anything the figures of ``organization``'s subtree read (its organisations, roll-ups,
    progress entries, reports and volunteer statistics) and the year's published scores there (how many, their sum,
    the latest publication), in one query: what a stored circular was made from (``circular.stamp``)."""
    path = organization.path

    def latest(queryset, field):
        return Subquery(queryset.order_by().annotate(g=Value(1)).values("g").annotate(m=Max(field)).values("m")[:1])

    published = (Score.objects.filter(organization__path__startswith=path, run__status=RunStatus.PUBLISHED,
                                      run__scheme__year=year).order_by().annotate(g=Value(1)).values("g"))
    row = Organization.objects.filter(path__startswith=path).order_by().annotate(g=Value(1)).values("g").annotate(
        organizations=Max("updated_at"), count=Count("pk"),
        rollup=latest(Assignment.objects.filter(organization__path__startswith=path), "rolled_up_at"),
        entry=latest(ProgressEntry.objects.filter(assignment__organization__path__startswith=path), "entered_at"),
        report=latest(MonthlyReport.objects.filter(organization__path__startswith=path), "updated_at"),
        volunteers=volunteers.changed_at(path),
        scores=Subquery(published.annotate(n=Count("pk")).values("n")[:1]),
        total=Subquery(published.annotate(t=Sum("total")).values("t")[:1]),
        published=Subquery(published.annotate(m=Max("run__published_at")).values("m")[:1]),
    ).values_list("organizations", "count", "rollup", "entry", "report", "volunteers", "scores", "total", "published")
    return hashlib.sha1(repr(list(row)).encode()).hexdigest()


def board(organization, year, user, today=None):
    """The dashboard's figures of ``organization`` and ``year`` (cached; see the module's docstring). The caller has
    checked that ``user`` sees the organisation's whole subtree, so what it reads is the same for every such user."""
    today = today or timezone.localdate()
    key = f"dashboard:{organization.pk}:{year}:{today.isoformat()}:{_stamps()}"
    found = cache.get(key)
    if found is None:
        found = compute_board(organization, year, user, today)
        cache.set(key, found, settings.DASHBOARD_CACHE_SECONDS)
    return found


def _org(o):
    return {"pk": o.pk, "code": o.code, "name": o.name, "display_name": o.display_name, "level": o.level}


def _rate(column):
    return {"month": column.month, "due": column.due, "sent": column.sent, "late": column.late,
            "missing": column.missing, "rate": column.rate, "approved": column.counts.get(ReportStatus.APPROVED, 0),
            "waiting": column.counts.get(ReportStatus.SUBMITTED, 0),
            "returned": column.counts.get(ReportStatus.RETURNED, 0)}


def _from_first_due(rows):
    """The months from the first one anything was due (the months before the reporting rules began owe nothing)."""
    first = next((i for i, row in enumerate(rows) if row["due"]), len(rows))
    return rows[first:]


def _mean(values):
    values = [v for v in values if v is not None]
    return (sum(values) / len(values)).quantize(Decimal("0.01")) if values else None


def compute_board(organization, year, user, today):
    """The figures, uncached (the test of the cache compares the two)."""
    month = reporting_month(year, today)
    subtree = Organization.objects.within(organization).restrict(user)
    children = list(Organization.objects.filter(path__startswith=organization.path, depth=organization.depth + 1,
                                                is_active=True).restrict(user).order_by("display_order", "path"))
    totals = subtree.aggregate(organizations=Count("pk"), members=Sum("member_count"))

    # plans: the stored roll-ups of what the organisation and each child hold
    figures = year_figures([organization, *children], year, sections_of=organization)
    own = figures.get(organization.pk)

    # reports: this month's states in the subtree and in each child's, and the year month by month
    # who owes a report is reports.selectors.owing_reports' one rule (a branch set up this month owes nothing yet)
    (reporting,) = grid.month_columns(subtree, [month], today)
    by_child = grid.columns_by_child(organization, month, today)
    report_months = grid.month_columns(subtree, year_months(year, today), today)

    # assessment: published scores only, the newest first
    scores = list(published_scores([organization, *children], year, user))
    latest = {}
    for score in scores:
        latest.setdefault(score["organization_id"], score)
    own_score = latest.get(organization.pk)
    child_scores = [latest[c.pk] for c in children if c.pk in latest]
    by_month = {}
    for score in scores:
        if score["organization_id"] != organization.pk:
            by_month.setdefault(score["run__month"], {}).setdefault(score["organization_id"], score["total"])
    own_trend = {}
    if own_score is not None:
        scheme = own_score["run__scheme_id"]
        own_trend = {s.run.month: s for s in trend(organization, scheme, user)}
    trend_months = sorted(set(own_trend) | set(by_month))

    # volunteers: the stored statistics of the organisation and its children (two queries) and its year (one)
    volunteer_at = volunteer_month(year, today)
    volunteer_figures = volunteers.figures_for([organization.pk, *[c.pk for c in children]], volunteer_at)
    own_volunteers = volunteer_figures[organization.pk]
    volunteer_series = volunteers.year_series(organization, year)

    rows = []
    for child in children:
        f = figures.get(child.pk)
        column = by_child.get(child.path)
        score = latest.get(child.pk)
        rows.append({
            **_org(child),
            "completion": f.completion if f else None, "expected": f.expected if f else None,
            "light": f.light if f else None,
            "red": f.lights.get("red", 0) if f else 0, "yellow": f.lights.get("yellow", 0) if f else 0,
            "report_rate": column.rate if column else None, "report_due": column.due if column else 0,
            "report_sent": column.sent if column else 0,
            "score": score["total"] if score else None, "rank": score["rank"] if score else None,
            "group_size": score["group_size"] if score else None,
            "volunteer_hours": volunteer_figures[child.pk].year_hours,
            "volunteer_hours_month": volunteer_figures[child.pk].hours,
        })

    lag = lagging(organization, year, user)
    waiting = (MonthlyReport.objects.restrict(user)
               .filter(organization__path__startswith=organization.path, status=ReportStatus.SUBMITTED)
               .select_related("organization").order_by("month", "submitted_at", "pk"))
    missing = grid.missing_reports(subtree, month, today)
    entries = recent_entries(organization, year, user)[:8]
    return {
        "organization": _org(organization), "year": year, "today": today, "month": month,
        "totals": {"organizations": totals["organizations"], "members": totals["members"] or 0},
        "headline": {
            "completion": own.completion if own else None, "expected": own.expected if own else None,
            "light": own.light if own else None, "lights": dict(own.lights) if own else {},
            "held": own.held if own else 0,
        },
        "sections": own.sections if own else [],
        "reporting": _rate(reporting),
        "report_months": _from_first_due([_rate(c) for c in report_months]),
        "score": _score(own_score),
        "children_average": _mean([s["total"] for s in child_scores]),
        "children_scored": len(child_scores),
        "children": rows,
        "trend": [{"month": m, "total": own_trend[m].total if m in own_trend else None,
                   "rank": own_trend[m].rank if m in own_trend else None,
                   "children_average": _mean(list(by_month.get(m, {}).values()))} for m in trend_months],
        "lagging": [_lagging(a, today) for a in lag[:LIST_LENGTH]],
        "lagging_count": lag.count(),
        "missing": [{**_org(o), "due_on": months.due_date(month, o.due_day)} for o in missing[:LIST_LENGTH]],
        "missing_count": missing.count(),
        "waiting": [{"pk": r.pk, "organization": _org(r.organization), "month": r.month,
                     "submitted_at": r.submitted_at, "days_late": r.days_late} for r in waiting[:LIST_LENGTH]],
        "waiting_count": waiting.count(),
        "entries": [_entry(e) for e in entries],
        "volunteers": {
            "month": volunteer_at, "registered": own_volunteers.registered,
            "registered_members": own_volunteers.registered_members, "members": own_volunteers.members,
            "share": own_volunteers.registered_share, "hours": own_volunteers.hours,
            "year_hours": own_volunteers.year_hours, "computed": own_volunteers.computed,
        },
        "volunteer_months": [{"month": f.month, "hours": f.hours} for f in volunteer_series
                             if f.month <= volunteer_at],
    }


def _score(score):
    if score is None:
        return None
    return {"pk": score["pk"], "total": score["total"], "rank": score["rank"], "grade": score["grade"],
            "group_size": score["group_size"], "month": score["run__month"], "run": score["run_id"],
            "scheme": score["run__scheme__title"]}


def _lagging(a, today):
    return {
        "pk": a.pk, "point": a.point_id, "organization": _org(a.organization),
        "what": a.target.metric if a.target else a.point.title, "plan": a.plan.title,
        "department": a.point.lead_department.name if a.point.lead_department else "",
        "person": a.point.responsible_person, "light": a.light, "completion": a.completion, "expected": a.expected,
        "days_behind": days_behind(a, today),
    }


def _entry(e):
    a = e.assignment
    return {
        "pk": e.pk, "point": a.point_id, "organization": _org(a.organization),
        "what": a.target.metric if a.target else a.point.title, "unit": a.target.unit if a.target else "",
        "value": e.value, "status": e.get_status_display() if e.status else "", "reported_on": e.reported_on,
        "note": e.note, "by": (e.entered_by.get_full_name() or e.entered_by.username) if e.entered_by else "",
        "evidence": [{"pk": f.pk, "name": f.original_name, "image": f.content_type in IMAGE_TYPES}
                     for f in e.evidence.all()],
    }
