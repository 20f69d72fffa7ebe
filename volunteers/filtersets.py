"""One FilterSet per volunteers model, shared by the list pages and the API."""
import django_filters
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.filtersets import MonthFilter, OrderingFilter, YearFilter
from orgs.filtersets import IdFilter, SearchFilter, WithinFilter

from . import pii
from .choices import ActivityCategory, ActivityStatus, PoliticalStatus, RecordSource, RecordStatus, VolunteerStatus
from .idnumbers import check_mobile, normalise
from .models import Activity, ServiceRecord, SignIn, Signup, UnmaskEvent, Volunteer, VolunteerStatistic

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
    sort = OrderingFilter(
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


class PeriodFilter(django_filters.ChoiceFilter):
    """``?period=upcoming|ongoing|over``: where an activity stands now."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("choices", [("upcoming", _("Upcoming")), ("ongoing", _("Under way")), ("over", _("Over"))])
        kwargs.setdefault("label", _("Period"))
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        now = timezone.now()
        if value == "upcoming":
            return qs.filter(starts_at__gt=now)
        if value == "ongoing":
            return qs.filter(starts_at__lte=now, ends_at__gte=now)
        if value == "over":
            return qs.filter(ends_at__lt=now)
        return qs


class ActivityFilterSet(django_filters.FilterSet):
    q = SearchFilter(fields=("title", "place", "organization__name"), label=_("Title, place or organiser"))
    within = WithinFilter(path_lookup="organization__path")
    category = django_filters.ChoiceFilter(choices=ActivityCategory.choices, label=_("Category"))
    status = django_filters.ChoiceFilter(choices=ActivityStatus.choices, label=_("Status"))
    period = PeriodFilter()
    date_from = django_filters.DateFilter(field_name="ends_at", lookup_expr="date__gte", label=_("Dates from"))
    date_to = django_filters.DateFilter(field_name="starts_at", lookup_expr="date__lte", label=_("Dates until"))
    sort = OrderingFilter(
        fields=(("starts_at", "starts_at"), ("title", "title"), ("organization__path", "organization"),
                ("signup_count", "signups"), ("status", "status")),
        field_labels={"starts_at": _("Start"), "title": _("Title"), "organization__path": _("Organiser"),
                      "signup_count": _("Sign-ups"), "status": _("Status")},
        label=_("Sort by"))

    class Meta:
        model = Activity
        fields = ["q", "within", "category", "status", "period", "date_from", "date_to", "sort"]


class SignupFilterSet(django_filters.FilterSet):
    activity = IdFilter(field_name="activity_id", label=_("Activity ID"))
    volunteer = IdFilter(field_name="volunteer_id", label=_("Volunteer ID"))
    within = WithinFilter(path_lookup="activity__organization__path")

    class Meta:
        model = Signup
        fields = ["activity", "volunteer", "within"]


class ServiceRecordFilterSet(django_filters.FilterSet):
    """Service records (hours): the records list and its export, pages and API alike."""

    within = WithinFilter(path_lookup="organization__path", label=_("Volunteer's organisation (code, with its subtree)"))
    organizer = WithinFilter(path_lookup="activity__organization__path",
                             label=_("Organiser (code, with its subtree)"))
    status = django_filters.ChoiceFilter(choices=RecordStatus.choices, label=_("Status"))
    source = django_filters.ChoiceFilter(choices=RecordSource.choices, label=_("Source"))
    activity = IdFilter(field_name="activity_id", label=_("Activity ID"))
    volunteer = IdFilter(field_name="volunteer_id", label=_("Volunteer ID"))
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte", label=_("From"))
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte", label=_("Until"))

    class Meta:
        model = ServiceRecord
        fields = ["within", "organizer", "status", "source", "activity", "volunteer", "date_from", "date_to"]


class SignInFilterSet(django_filters.FilterSet):
    activity = IdFilter(field_name="activity_id", label=_("Activity ID"))
    volunteer = IdFilter(field_name="volunteer_id", label=_("Volunteer ID"))

    class Meta:
        model = SignIn
        fields = ["activity", "volunteer"]


class VolunteerStatisticFilterSet(django_filters.FilterSet):
    """``?organization=<code>`` one organisation's months, ``within`` a subtree's, ``month`` (YYYY-MM), ``year``."""

    organization = django_filters.CharFilter(field_name="organization__code", label=_("Organisation code"))
    within = WithinFilter(path_lookup="organization__path")
    month = MonthFilter(label=_("Month (YYYY-MM)"))
    year = YearFilter(field_name="month__year", label=_("Year"))

    class Meta:
        model = VolunteerStatistic
        fields = ["organization", "within", "month", "year"]
