"""Reads of the monthly assessment: the group a scheme assesses, runs by month, an organisation's trend. What a
user may see is each model's ``restrict()`` (assessment/models.py)."""
from django.db.models import Count, OuterRef, Subquery
from django.urls import reverse

from core import months
from orgs.models import Organization
from orgs.permissions import Action, can
from reports import selectors as report_selectors

from .choices import RunStatus
from .models import AssessmentRun, AssessmentScheme, Score, ScoreItem

FROZEN = (RunStatus.PUBLISHED, RunStatus.SUPERSEDED)


def group_of(scheme):
    """The organisations a scheme assesses: active, strictly below its issuer, of its levels and kinds."""
    organizations = Organization.objects.filter(path__startswith=scheme.organization.path, is_active=True).exclude(
        pk=scheme.organization_id)
    if scheme.levels:
        organizations = organizations.filter(level__in=scheme.levels)
    if scheme.kinds:
        organizations = organizations.filter(kind__in=scheme.kinds)
    return organizations.order_by("path")


def published_runs(scheme, months):
    """The published run of each of ``months`` (the newest version when there were several)."""
    return AssessmentRun.objects.filter(scheme=scheme, month__in=months, status=RunStatus.PUBLISHED)


def latest_run(scheme, month):
    return AssessmentRun.objects.filter(scheme=scheme, month=month).order_by("-version").first()


def reporting_closes(scheme, month):
    """The last due date of the reports on ``month`` of the organisations the scheme assesses: the month may be
    computed for real from the day after."""
    return report_selectors.reporting_closes(month, group_of(scheme))


def month_is_open(scheme, month, today):
    return today <= reporting_closes(scheme, month)


def schemes_due(today):
    """Active schemes whose compute day has come, with last month to compute once its reports are all due and while
    it has no run (beat, every morning: a compute day before the deadline waits for the day after it)."""
    month = months.last_month(today)
    return [(scheme, month) for scheme in AssessmentScheme.objects.filter(is_active=True, compute_day__lte=today.day,
                                                                          year=month.year).select_related("organization")
            if latest_run(scheme, month) is None and not month_is_open(scheme, month, today)]


def in_published_scores(indicator):
    return ScoreItem.objects.filter(indicator=indicator, score__run__status__in=FROZEN).exists() or \
        ScoreItem.objects.filter(indicator__parent=indicator, score__run__status__in=FROZEN).exists()


def indicators_in_published_scores(scheme) -> set:
    """The ids of the scheme's indicators that published scores rest on (an 一级指标 through its 二级指标): those
    ``delete_indicator`` refuses, so the page offers no delete button for them (one query)."""
    rows = ScoreItem.objects.filter(indicator__scheme=scheme, score__run__status__in=FROZEN).values_list(
        "indicator_id", "indicator__parent_id").distinct()
    return {pk for pair in rows for pk in pair if pk is not None}


def may_assess(user, scheme):
    return can(user, Action.ASSESS, scheme)


def trend(organization, scheme, user):
    """The organisation's published totals and ranks of the scheme's year, month by month."""
    newest = AssessmentRun.objects.filter(scheme=scheme, month=OuterRef("run__month"), status=RunStatus.PUBLISHED)
    return (Score.objects.restrict(user).filter(organization=organization, run__scheme=scheme,
                                                run__status=RunStatus.PUBLISHED, run=Subquery(newest.values("pk")[:1]))
            .select_related("run").order_by("run__month"))


def published_scores(organizations, year, user):
    """The published scores of ``organizations`` in the schemes of ``year`` that ``user`` may see, as dicts: the
    newest month first, then the nearest issuing organisation (a county is assessed by its city before its
    province), with the size of the group ranked. Provisional scores, even open for appeal, are never among them."""
    group = Score.objects.filter(run=OuterRef("run")).order_by().values("run").annotate(n=Count("pk")).values("n")[:1]
    return (
        Score.objects.restrict(user)
        .filter(organization__in=organizations, run__status=RunStatus.PUBLISHED, run__scheme__year=year)
        .annotate(group_size=Subquery(group))
        .order_by("-run__month", "-run__scheme__organization__depth", "-run__version", "pk")
        .values("pk", "organization_id", "total", "rank", "grade", "group_size", "run_id", "run__month",
                "run__scheme_id", "run__scheme__title")
    )


def score_url(scheme_id, month, code, version=None):
    """The stable address of an organisation's score in a scheme's month (it never changes when the month is
    computed again); ``version`` pins one version of the month."""
    url = reverse("assessment:score_page", args=[scheme_id, f"{month:%Y-%m}", code])
    return f"{url}?version={version}" if version else url
