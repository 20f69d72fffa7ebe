"""One FilterSet per assessment model that a list shows, shared by the pages and the API."""
import django_filters
from django.utils.translation import gettext_lazy as _

from core.filtersets import MonthFilter, OrderingFilter
from orgs.filtersets import IdFilter, SearchFilter, WithinFilter

from .choices import Grade
from .models import Adjustment, AssessmentRun, ManualPoints, Score


class ScoreFilterSet(django_filters.FilterSet):
    """Scores of a month's table and of the API: by organisation, subtree, grade, run; sortable."""

    q = SearchFilter(fields=("organization__name", "organization__code"), label=_("Organisation name or code"))
    within = WithinFilter(path_lookup="organization__path")
    grade = django_filters.ChoiceFilter(choices=Grade.choices, label=_("Grade"))
    run = IdFilter(field_name="run_id", label=_("Run ID"))
    scheme = IdFilter(field_name="run__scheme_id", label=_("Scheme ID"))
    month = MonthFilter(field_name="run__month", label=_("Month (YYYY-MM)"))
    ordering = OrderingFilter(
        fields=(("rank", "rank"), ("total", "total"), ("change", "change"), ("organization__path", "organization"),
                ("grade", "grade"), ("bonus", "bonus"), ("deduction", "deduction"), ("ytd_total", "ytd")),
        field_labels={"rank": _("rank"), "total": _("total"), "change": _("change from last month"),
                      "organization__path": _("organisation"), "grade": _("grade"), "bonus": _("bonus"),
                      "deduction": _("deduction"), "ytd_total": _("year to date, total")},
        label=_("Sort by"))

    class Meta:
        model = Score
        fields = ["q", "within", "grade", "run", "scheme", "month"]


class RunFilterSet(django_filters.FilterSet):
    """A scheme's months in the API, by scheme, month (YYYY-MM) and status."""

    month = MonthFilter(label=_("Month (YYYY-MM)"))

    class Meta:
        model = AssessmentRun
        fields = ["scheme", "month", "status"]


class ManualPointsFilterSet(django_filters.FilterSet):
    """Assessor entries in the API, by month (YYYY-MM) and organisation."""

    month = MonthFilter(label=_("Month (YYYY-MM)"))

    class Meta:
        model = ManualPoints
        fields = ["month", "organization"]


class AdjustmentFilterSet(ManualPointsFilterSet):
    class Meta(ManualPointsFilterSet.Meta):
        model = Adjustment
