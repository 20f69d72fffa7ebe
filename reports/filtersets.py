"""The FilterSets of monthly reports: the API's list of reports and the rows of the reviewers' grid."""
import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from core.filtersets import YES_NO, MonthFilter, YearFilter
from orgs.filtersets import SearchFilter, WithinFilter
from orgs.models import Organization

from .choices import ReportStatus
from .models import MonthlyReport


class MonthlyReportFilterSet(django_filters.FilterSet):
    q = SearchFilter(fields=("organization__name", "organization__code"), label=_("Organisation name or code"))
    month = MonthFilter(label=_("Month (YYYY-MM)"))
    year = YearFilter(field_name="month__year", label=_("Year"))
    status = django_filters.ChoiceFilter(choices=ReportStatus.choices, label=_("Status"))
    within = WithinFilter(path_lookup="organization__path")
    late = django_filters.BooleanFilter(method="filter_late", label=_("Late"),
                                        widget=forms.Select(choices=YES_NO))

    class Meta:
        model = MonthlyReport
        fields = ["q", "month", "year", "status", "within", "late"]

    def filter_late(self, queryset, name, value):
        return queryset.filter(days_late__gt=0) if value else queryset.filter(days_late=0)


GRID_STATES = [*ReportStatus.choices, ("missing", _("missing")), ("late", _("late"))]


class ReportGridFilterSet(django_filters.FilterSet):
    """The rows of the reviewers' grid: organisations that must report, by name, subtree and a month's state."""

    q = SearchFilter(fields=("name", "short_name", "code"), label=_("Name or code"))
    within = WithinFilter()
    month = MonthFilter(label=_("Month (YYYY-MM)"), method="filter_month")
    state = django_filters.ChoiceFilter(choices=GRID_STATES, label=_("State that month"), method="filter_month")

    class Meta:
        model = Organization
        fields = ["q", "within", "month", "state"]

    def filter_month(self, queryset, name, value):
        return queryset  # month and state work together, in filter_queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        month, state = self.form.cleaned_data.get("month"), self.form.cleaned_data.get("state")
        if not (month and state):
            return queryset
        reports = MonthlyReport.objects.filter(month=month)
        if state == "missing":
            sent = reports.filter(status__in=[ReportStatus.SUBMITTED, ReportStatus.RETURNED, ReportStatus.APPROVED])
            return queryset.exclude(pk__in=sent.values("organization_id"))
        if state == "late":
            return queryset.filter(pk__in=reports.filter(days_late__gt=0).values("organization_id"))
        return queryset.filter(pk__in=reports.filter(status=state).values("organization_id"))
