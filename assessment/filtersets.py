"""One FilterSet per assessment model that a list shows, shared by the pages and the API."""
import django_filters
from django.utils.translation import gettext_lazy as _

from orgs.filtersets import IdFilter, SearchFilter, WithinFilter
from plans.filtersets import MonthFilter

from .choices import Grade
from .models import Score


class ScoreFilterSet(django_filters.FilterSet):
    """Scores of a month's table and of the API: by organisation, subtree, grade, run; sortable."""

    q = SearchFilter(fields=("organization__name", "organization__code"), label=_("Organisation name or code"))
    within = WithinFilter(path_lookup="organization__path")
    grade = django_filters.ChoiceFilter(choices=Grade.choices, label=_("Grade"))
    run = IdFilter(field_name="run_id", label=_("Run ID"))
    scheme = IdFilter(field_name="run__scheme_id", label=_("Scheme ID"))
    month = MonthFilter(field_name="run__month", label=_("Month (YYYY-MM)"))
    ordering = django_filters.OrderingFilter(
        fields=(("rank", "rank"), ("total", "total"), ("change", "change"), ("organization__path", "organization")),
        field_labels={"rank": _("rank"), "total": _("total"), "change": _("change from last month"),
                      "organization__path": _("organisation")},
        label=_("Sort by"))

    class Meta:
        model = Score
        fields = ["q", "within", "grade", "run", "scheme", "month"]
