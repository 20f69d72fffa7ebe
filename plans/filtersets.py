"""One FilterSet per plans model, shared by the list pages and the API."""
import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.filtersets import YES_NO, UpdatedSinceFilter, YearFilter
from orgs.filtersets import IdFilter, SearchFilter, WithinFilter

from .choices import Light, PlanStatus
from .models import Assignment, Plan, ProgressEntry, Target, WorkPoint


class PlanFilterSet(django_filters.FilterSet):
    q = SearchFilter(fields=("title", "organization__name"))
    year = YearFilter(label=_("Year"))
    within = WithinFilter(path_lookup="organization__path", label=_("Issued within (organisation code)"))
    status = django_filters.ChoiceFilter(choices=PlanStatus.choices, label=_("Status"))
    updated_since = UpdatedSinceFilter(field_name="updated_at")

    class Meta:
        model = Plan
        fields = ["q", "year", "within", "status", "updated_since"]


class WorkPointFilterSet(django_filters.FilterSet):
    q = SearchFilter(fields=("title", "text"))
    plan = IdFilter(field_name="section__plan_id", label=_("Plan ID"))
    year = YearFilter(field_name="section__plan__year", label=_("Year"))
    department = django_filters.CharFilter(field_name="lead_department__name", label=_("Lead department"))
    is_key = django_filters.BooleanFilter(label=_("Key task"), widget=forms.Select(choices=YES_NO))

    class Meta:
        model = WorkPoint
        fields = ["q", "plan", "year", "department", "is_key"]


class TargetFilterSet(django_filters.FilterSet):
    plan = IdFilter(field_name="point__section__plan_id", label=_("Plan ID"))
    point = IdFilter(field_name="point_id", label=_("Work point ID"))

    class Meta:
        model = Target
        fields = ["plan", "point"]


class OverdueFilter(django_filters.BooleanFilter):
    """``?overdue=true``: past its deadline and not done."""

    def filter(self, qs, value):
        if value is None:
            return qs
        today = timezone.localdate()
        late = Q(deadline__lt=today) | Q(deadline__isnull=True, target__deadline__lt=today)
        late &= ~Q(light=Light.DONE)
        return qs.filter(late) if value else qs.exclude(late)


class AssignmentFilterSet(django_filters.FilterSet):
    q = SearchFilter(fields=("point__title", "target__metric", "organization__name"))
    plan = IdFilter(field_name="plan_id", label=_("Plan ID"))
    year = YearFilter(field_name="plan__year", label=_("Year"))
    within = WithinFilter(path_lookup="organization__path")
    light = django_filters.ChoiceFilter(choices=Light.choices, label=_("Light"))
    department = django_filters.CharFilter(field_name="point__lead_department__name", label=_("Lead department"))
    is_key = django_filters.BooleanFilter(field_name="point__is_key", label=_("Key task"), widget=forms.Select(choices=YES_NO))
    overdue = OverdueFilter(label=_("Overdue"), widget=forms.Select(choices=YES_NO))
    updated_since = UpdatedSinceFilter(field_name="last_progress_at")

    class Meta:
        model = Assignment
        fields = ["q", "plan", "year", "within", "light", "department", "is_key", "overdue", "updated_since"]


class ProgressEntryFilterSet(django_filters.FilterSet):
    assignment = IdFilter(field_name="assignment_id", label=_("Assignment ID"))
    plan = IdFilter(field_name="assignment__plan_id", label=_("Plan ID"))
    within = WithinFilter(path_lookup="assignment__organization__path")
    updated_since = UpdatedSinceFilter(field_name="entered_at")

    class Meta:
        model = ProgressEntry
        fields = ["assignment", "plan", "within", "updated_since"]


