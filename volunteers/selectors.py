"""Reads of the volunteer figures for the apps above (plans, reports, assessment) and the pages: the stored
statistics of an organisation and month, of its children, of a year, and a month's confirmed service for a
monthly report. Each read is one or two queries, whatever the number of organisations asked about.

The figures a target or an assessment rule can be bound to are ``VolunteerFigure`` (volunteers.choices); hours
there are the confirmed hours of the year to the month's end.
"""
import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Sum
from django.db.models.functions import Coalesce

from core.months import month_end, month_start
from orgs.models import Organization

from .choices import VolunteerFigure
from .models import ServiceRecord, Volunteer, VolunteerStatistic

ZERO, HUNDRED, CENT = Decimal(0), Decimal(100), Decimal("0.01")


def _ratio(numerator, denominator, scale=1) -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(numerator) * scale / Decimal(denominator)).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class Figures:
    """The volunteer figures of one organisation's subtree at the end of one month."""

    organization_id: int
    month: datetime.date
    registered: int = 0
    registered_members: int = 0
    members: int = 0
    active: int = 0
    hours: Decimal = ZERO
    year_hours: Decimal = ZERO
    cumulative_hours: Decimal = ZERO
    stars: dict = field(default_factory=dict)
    computed: bool = False  # False: no statistic stored for that month yet (all zeros)

    @property
    def registered_share(self) -> Decimal | None:
        """Registered league members per hundred league members (%)."""
        return _ratio(self.registered_members, self.members, HUNDRED)

    @property
    def year_hours_per_volunteer(self) -> Decimal | None:
        return _ratio(self.year_hours, self.registered)

    @property
    def year_hours_per_member(self) -> Decimal | None:
        return _ratio(self.year_hours, self.members)

    def value(self, figure: str) -> Decimal | None:
        """The value of one of ``VolunteerFigure`` (None when it has no denominator)."""
        value = {
            VolunteerFigure.REGISTERED_SHARE: self.registered_share,
            VolunteerFigure.REGISTERED: self.registered,
            VolunteerFigure.YEAR_HOURS: self.year_hours,
            VolunteerFigure.YEAR_HOURS_PER_VOLUNTEER: self.year_hours_per_volunteer,
            VolunteerFigure.ACTIVE: self.active,
        }[figure]
        return None if value is None else Decimal(value)

    def star_counts(self) -> list[int]:
        return [int(self.stars.get(str(k), 0)) for k in range(6)]


FIELDS = ("organization_id", "month", "registered", "registered_members", "members", "active", "hours",
          "cumulative_hours", "stars")


def figures_for(organization_ids, month: datetime.date) -> dict[int, Figures]:
    """{organisation id: Figures} at the end of ``month`` for every id asked (zeros where nothing is stored):
    two queries, the month's rows and the year's hours."""
    ids = list(organization_ids)
    month = month_start(month)
    found = {pk: Figures(pk, month) for pk in ids}
    for row in VolunteerStatistic.objects.filter(organization_id__in=ids, month=month).values(*FIELDS):
        found[row["organization_id"]] = Figures(**row, computed=True)
    year = (VolunteerStatistic.objects.filter(organization_id__in=ids, month__gte=month.replace(month=1),
                                              month__lte=month)
            .order_by().values("organization_id").annotate(total=Sum("hours")))
    for row in year:
        found[row["organization_id"]].year_hours = row["total"] or ZERO
    return found


def figures(organization, month: datetime.date) -> Figures:
    """The figures of ``organization``'s subtree at the end of ``month``."""
    return figures_for([organization.pk], month)[organization.pk]


def children_figures(organization, month: datetime.date) -> list[tuple]:
    """[(child organisation, Figures)] of ``organization``'s children, in tree order."""
    children = list(Organization.objects.filter(path__startswith=organization.path, depth=organization.depth + 1)
                    .only("pk", "name", "short_name", "path", "depth", "code").order_by("path"))
    found = figures_for([c.pk for c in children], month)
    return [(child, found[child.pk]) for child in children]


def changed_at(path=None):
    """An expression of the latest moment any statistic (of the subtree at ``path``, if given) was computed, for a
    cache key or a stamp read in one query with others (the dashboard's)."""
    from django.db.models import Max, Subquery, Value

    statistics = VolunteerStatistic.objects.order_by()
    if path is not None:
        statistics = statistics.filter(organization__path__startswith=path)
    return Subquery(statistics.annotate(g=Value(1)).values("g").annotate(m=Max("computed_at")).values("m")[:1])


def year_series(organization, year: int) -> list[Figures]:
    """The twelve months of ``year`` for ``organization`` (zeros for months not computed), one query."""
    rows = {row["month"]: row for row in VolunteerStatistic.objects.filter(
        organization=organization, month__year=year).values(*FIELDS)}
    series, running = [], ZERO
    for number in range(1, 13):
        month = datetime.date(year, number, 1)
        row = rows.get(month)
        figures_ = Figures(**row, computed=True) if row else Figures(organization.pk, month)
        running += figures_.hours
        figures_.year_hours = running
        series.append(figures_)
    return series


# --- the monthly report ------------------------------------------------------------------------------

REPORT_HOURS = "volunteer_hours"
REPORT_ACTIVITIES = "volunteer_activities"
REPORT_KEYS = (REPORT_ACTIVITIES, REPORT_HOURS)


def keeps_records(organization) -> bool:
    """Whether ``organization``'s volunteering is kept in the portal: volunteers or service records in its subtree."""
    return (Volunteer.objects.filter(organization__path__startswith=organization.path).exists()
            or ServiceRecord.objects.filter(organization__path__startswith=organization.path).exists())


def report_figures(organization, month: datetime.date) -> dict | None:
    """The volunteer figures of ``organization``'s monthly report on ``month`` from its confirmed service records —
    {report field key: value} — or None when the organisation keeps no records in the portal (then the
    figures are typed in)."""
    if not keeps_records(organization):
        return None
    month = month_start(month)
    totals = ServiceRecord.objects.confirmed().filter(
        organization__path__startswith=organization.path, date__gte=month, date__lte=month_end(month),
    ).aggregate(hours=Coalesce(Sum("hours"), ZERO), activities=Count("activity", distinct=True))
    return {REPORT_ACTIVITIES: totals["activities"], REPORT_HOURS: f"{Decimal(totals['hours']).normalize():f}"}


def own_volunteer(user):
    """The registered volunteer linked to ``user``'s account, or None."""
    if not getattr(user, "is_authenticated", False) or getattr(user, "pk", None) is None:
        return None
    return Volunteer.objects.select_related("organization").filter(user_id=user.pk).first()
