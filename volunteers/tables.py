"""The tables of the volunteer list pages: the registry, activities and service records. Personal data is shown
and exported masked, as everywhere outside the logged reveal. Column names are the FilterSets' ``sort`` values,
so that the API's ``?sort=`` and the page's headers sort alike."""
import django_tables2 as tables
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.tables import PortalTable


class VolunteerTable(PortalTable):
    name = tables.Column(verbose_name=_("Full name"), linkify=True, order_by=("name", "pk"))
    id_number = tables.Column(verbose_name=_("Document number"), accessor="id_number_masked", orderable=False,
                              attrs={"td": {"class": "font-monospace small"}})
    mobile = tables.Column(verbose_name=_("Mobile"), accessor="mobile_masked", orderable=False,
                           attrs={"td": {"class": "font-monospace small"}})
    organization = tables.Column(verbose_name=_("Organisation"), accessor="organization__display_name",
                                 order_by=("organization__path", "name", "pk"))
    registered_on = tables.DateColumn(verbose_name=_("Registration date"), format="Y-m-d",
                                      order_by=("registered_on", "pk"))
    hours = tables.Column(verbose_name=_("Hours"), accessor="confirmed_hours", order_by=("confirmed_hours", "pk"),
                          attrs={"td": {"class": "text-end"}, "th": {"class": "text-end"}})
    star = tables.Column(verbose_name=_("Star"), order_by=("star", "pk"), attrs={"td": {"class": "text-warning text-nowrap"}})
    status = tables.Column(verbose_name=_("Status"), order_by=("status", "pk"))

    export_name = _("Volunteers")
    export_widths = {"id_number": 22, "mobile": 14, "organization": 28}
    export_formats = {"hours": "0.00"}

    class Meta(PortalTable.Meta):
        attrs = {**PortalTable.Meta.attrs, "id": "volunteer-table"}
        empty_text = _("No volunteers.")

    def render_hours(self, value):
        return f"{value.normalize():f}" if value is not None else "—"

    def value_hours(self, value):
        return value

    def render_star(self, value):
        return render_to_string("volunteers/volunteer_stars.html", {"star": value})

    def value_star(self, value):
        return value

    def render_status(self, record):
        return record.get_status_display()


class ActivityTable(PortalTable):
    title = tables.Column(verbose_name=_("Title"), linkify=True, order_by=("title", "pk"))
    starts_at = tables.Column(verbose_name=_("Start"), order_by=("starts_at", "pk"),
                              attrs={"td": {"class": "small text-nowrap"}})
    ends_at = tables.Column(verbose_name=_("End"), orderable=False, attrs={"td": {"class": "small text-nowrap"}})
    organization = tables.Column(verbose_name=_("Organiser"), accessor="organization__display_name",
                                 order_by=("organization__path", "-starts_at", "pk"))
    category = tables.Column(verbose_name=_("Category"), orderable=False)
    signups = tables.Column(verbose_name=_("Sign-ups"), accessor="signup_count", order_by=("signup_count", "pk"),
                            attrs={"td": {"class": "text-end"}, "th": {"class": "text-end"}})
    pending = tables.Column(verbose_name=_("Pending"), accessor="pending_count", orderable=False,
                            attrs={"td": {"class": "text-end"}, "th": {"class": "text-end"}})
    status = tables.Column(verbose_name=_("Status"), order_by=("status", "-starts_at", "pk"))

    export_name = _("Volunteer activities")
    export_widths = {"title": 30, "starts_at": 17, "ends_at": 17, "organization": 28}
    export_formats = {"starts_at": "yyyy-mm-dd hh:mm", "ends_at": "yyyy-mm-dd hh:mm"}

    class Meta(PortalTable.Meta):
        attrs = {**PortalTable.Meta.attrs, "id": "activity-table"}
        empty_text = _("No activities.")

    def render_starts_at(self, value):
        return f"{timezone.localtime(value):%Y-%m-%d %H:%M}"

    def render_ends_at(self, value):
        return f"{timezone.localtime(value):%Y-%m-%d %H:%M}"

    def value_starts_at(self, value):
        return value

    def value_ends_at(self, value):
        return value

    def render_category(self, record):
        return record.get_category_display()

    def render_signups(self, record, value):
        return format_html('{}<span class="text-muted">/{}</span>', value, record.places) if record.places else value

    def value_signups(self, value):
        return value

    def render_pending(self, value):
        return format_html('<span class="badge text-bg-warning">{}</span>', value) if value else "0"

    def value_pending(self, value):
        return value

    def render_status(self, record):
        return record.get_status_display()


class ServiceRecordTable(PortalTable):
    """Service records with volunteer, organisation and the activity's organiser selected."""

    volunteer = tables.Column(verbose_name=_("Full name"), accessor="volunteer__name",
                              order_by=("volunteer__name", "-date", "pk"))
    id_number = tables.Column(verbose_name=_("Document number"), accessor="volunteer__id_number_masked",
                              orderable=False, attrs={"td": {"class": "font-monospace small"}})
    organization = tables.Column(verbose_name=_("Volunteer's organisation"), accessor="organization__display_name",
                                 order_by=("organization__path", "-date", "pk"))
    activity = tables.Column(verbose_name=_("Activity"), accessor="activity__title",
                             order_by=("activity__title", "-date", "pk"))
    date = tables.DateColumn(verbose_name=_("Date of service"), format="Y-m-d", order_by=("date", "pk"))
    hours = tables.Column(verbose_name=_("Hours"), order_by=("hours", "pk"),
                          attrs={"td": {"class": "text-end"}, "th": {"class": "text-end"}})
    status = tables.Column(verbose_name=_("Status"), order_by=("status", "-date", "pk"))
    source = tables.Column(verbose_name=_("Source"), orderable=False)

    export_name = _("Service records")
    export_widths = {"id_number": 22, "organization": 28, "activity": 30}
    export_formats = {"hours": "0.00"}

    class Meta(PortalTable.Meta):
        attrs = {**PortalTable.Meta.attrs, "id": "record-table"}
        empty_text = _("No service records.")

    def render_activity(self, record, value):
        return format_html('<a href="{}">{}</a>', record.activity.get_absolute_url(), value)

    def value_activity(self, value):
        return value

    def render_hours(self, value):
        return f"{value.normalize():f}"

    def value_hours(self, value):
        return value

    def render_status(self, record):
        return record.get_status_display()

    def render_source(self, record):
        return record.get_source_display()
