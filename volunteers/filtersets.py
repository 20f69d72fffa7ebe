"""One FilterSet per volunteers model, shared by the list pages and the API."""
import django_filters
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.filtersets import MonthFilter, YearFilter
from orgs.filtersets import IdFilter, WithinFilter

from . import pii
from .choices import PoliticalStatus, VolunteerStatus
from .idnumbers import check_mobile, normalise
from .models import UnmaskEvent, Volunteer, VolunteerStatistic

STAR_CHOICES = [("0", _("No star")), ("1", _("One star")), ("2", _("Two stars")), ("3", _("Three stars")),
                ("4", _("Four stars")), ("5", _("Five stars"))]


class VolunteerSearchFilter(django_filters.CharFilter):
    """``?q=``: part of a name or a platform number, or a whole document number or mobile. Numbers are stored
    encrypted, so they are found through their keyed lookup hash (volunteers.pii), never by a part of them."""

    def filter(self, qs, value):
        value = (value or "").strip()
        if not value:
            return qs
        query = Q(name__icontains=value) | Q(platform_number__icontains=value)
        number = normalise(value)
        if number:
            query |= Q(id_number_hash=pii.lookup_hash("id", number))
        try:
            query |= Q(mobile_hash=pii.lookup_hash("mobile", check_mobile(value)))
        except ValidationError:
            pass
        return qs.filter(query)


class VolunteerFilterSet(django_filters.FilterSet):
    q = VolunteerSearchFilter(label=_("Name, platform number, ID number or mobile"))
    within = WithinFilter(path_lookup="organization__path")
    status = django_filters.ChoiceFilter(choices=VolunteerStatus.choices, label=_("Status"))
    star = django_filters.ChoiceFilter(choices=STAR_CHOICES, label=_("Star level"))
    political_status = django_filters.ChoiceFilter(choices=PoliticalStatus.choices, label=_("Political status"))
    registered_from = django_filters.DateFilter(field_name="registered_on", lookup_expr="gte",
                                                label=_("Registered from"))
    registered_to = django_filters.DateFilter(field_name="registered_on", lookup_expr="lte", label=_("Registered until"))
    sort = django_filters.OrderingFilter(
        fields=(("name", "name"), ("organization__path", "organization"), ("registered_on", "registered_on"),
                ("confirmed_hours", "hours"), ("star", "star"), ("status", "status")),
        field_labels={"name": _("Name"), "organization__path": _("Organisation"), "registered_on": _("Registration date"),
                      "confirmed_hours": _("Confirmed hours"), "star": _("Star level"), "status": _("Status")},
        label=_("Sort by"))

    class Meta:
        model = Volunteer
        fields = ["q", "within", "status", "star", "political_status", "registered_from", "registered_to", "sort"]


class UnmaskEventFilterSet(django_filters.FilterSet):
    within = WithinFilter(path_lookup="volunteer__organization__path")
    volunteer = IdFilter(field_name="volunteer_id", label=_("Volunteer ID"))
    since = django_filters.DateFilter(field_name="at", lookup_expr="date__gte", label=_("Since"))

    class Meta:
        model = UnmaskEvent
        fields = ["within", "volunteer", "since"]


class VolunteerStatisticFilterSet(django_filters.FilterSet):
    """``?organization=<code>`` one organisation's months, ``within`` a subtree's, ``month`` (YYYY-MM), ``year``."""

    organization = django_filters.CharFilter(field_name="organization__code", label=_("Organisation code"))
    within = WithinFilter(path_lookup="organization__path")
    month = MonthFilter(label=_("Month (YYYY-MM)"))
    year = YearFilter(field_name="month__year", label=_("Year"))

    class Meta:
        model = VolunteerStatistic
        fields = ["organization", "within", "month", "year"]
