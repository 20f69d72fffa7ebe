"""One FilterSet per model, shared by the list pages and the API."""
import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from .choices import AuditAction, Kind, Level, Role, Sector
from .models import AuditEntry, Department, Organization, RoleAssignment
from .selectors import visible_users
from .widgets import OrganizationPicker, UserPicker


def visible_organizations(request):
    if request is None:
        return Organization.objects.none()
    return Organization.objects.restrict(request.user)


@extend_schema_field(OpenApiTypes.STR)
class WithinFilter(django_filters.ModelChoiceFilter):
    """``?within=<code>``: the organisation with that code and its whole subtree."""

    def __init__(self, *args, path_lookup="path", **kwargs):
        self.path_lookup = path_lookup
        kwargs.setdefault("queryset", visible_organizations)
        kwargs.setdefault("to_field_name", "code")
        kwargs.setdefault("label", _("Within (organisation code)"))
        # A text box that searches as one types (orgs.widgets): a drop-down of every organisation would hold
        # thousands of options. Its label is looked up in this filter's queryset, what the caller sees.
        kwargs.setdefault("widget", OrganizationPicker)
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.filter(**{f"{self.path_lookup}__startswith": value.path})


class IdFilter(django_filters.NumberFilter):
    """``?plan=12``: the id of a row, a whole number that a database id can be (a decimal such as 1e-300
    or a number past any id is invalid input, not a comparison the database cannot make)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)  # bigint, the widest id column
        super().__init__(*args, **kwargs)


class SearchFilter(django_filters.CharFilter):
    """``?q=``: a case-insensitive match on any of the given fields."""

    def __init__(self, *args, fields=(), **kwargs):
        self.search_fields = fields
        kwargs.setdefault("label", _("Search"))
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        value = (value or "").strip()
        if not value:
            return qs
        query = Q()
        for name in self.search_fields:
            query |= Q(**{f"{name}__icontains": value})
        return qs.filter(query)


class OrganizationFilterSet(django_filters.FilterSet):
    q = SearchFilter(fields=("name", "short_name", "code"), label=_("Name or code"))
    within = WithinFilter()
    level = django_filters.ChoiceFilter(choices=Level.choices, label=_("Level"))
    kind = django_filters.ChoiceFilter(choices=Kind.choices, label=pgettext_lazy("organisation", "Kind"))
    sector = django_filters.ChoiceFilter(choices=Sector.choices, label=_("Sector"))
    is_active = django_filters.BooleanFilter(
        label=_("Active"),
        widget=forms.Select(choices=[("", "---------"), ("true", _("Yes")), ("false", _("No"))]),
    )

    class Meta:
        model = Organization
        fields = ["q", "within", "level", "kind", "sector", "is_active"]


class DepartmentFilterSet(django_filters.FilterSet):
    q = SearchFilter(fields=("name",))
    within = WithinFilter(path_lookup="organization__path")
    organization = IdFilter(field_name="organization_id", label=_("Organisation ID"))

    class Meta:
        model = Department
        fields = ["q", "within", "organization"]


class RoleAssignmentFilterSet(django_filters.FilterSet):
    q = SearchFilter(fields=("user__username", "user__first_name", "user__last_name", "organization__name"))
    within = WithinFilter(path_lookup="organization__path")
    role = django_filters.ChoiceFilter(choices=Role.choices, label=_("Role"))
    user = django_filters.CharFilter(field_name="user__username", label=_("User name"), widget=UserPicker)

    class Meta:
        model = RoleAssignment
        fields = ["q", "within", "role", "user"]

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        if request is not None:  # the picker names the chosen account only if the caller sees it
            self.filters["user"].extra["widget"] = UserPicker(queryset=visible_users(request.user))


@extend_schema_field(OpenApiTypes.STR)
class ObjectTypeFilter(django_filters.CharFilter):
    """``?object_type=orgs.organization``: the rows about objects of that model (app label and model name)."""

    def filter(self, qs, value):
        if not value:
            return qs
        app_label, _dot, model = value.strip().lower().partition(".")
        return qs.filter(content_type__app_label=app_label, content_type__model=model)


class AuditEntryFilterSet(django_filters.FilterSet):
    q = SearchFilter(fields=("object_repr", "note", "actor_name"), label=_("Object or note"))
    actor = django_filters.CharFilter(field_name="actor_name", lookup_expr="icontains", label=_("By (user name)"))
    action = django_filters.ChoiceFilter(choices=AuditAction.choices, label=_("Action"))
    within = WithinFilter(path_lookup="organization__path", label=_("Organisation (and below)"))
    since = django_filters.DateFilter(field_name="at", lookup_expr="date__gte", label=_("Since"))
    until = django_filters.DateFilter(field_name="at", lookup_expr="date__lte", label=_("Until"))
    object_type = ObjectTypeFilter(label=_("Object type"))
    object_id = IdFilter(field_name="object_id", label=_("Object ID"))

    class Meta:
        model = AuditEntry
        fields = ["q", "actor", "action", "within", "since", "until", "object_type", "object_id"]
