"""The reviewers' list of monthly reports: sortable, paged, exported, with a box per submitted report for
"approve the ticked ones" (services.approve_reports)."""
import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.tables import PortalTable, selection_column

from .choices import ReportStatus
from .templatetags.reports import report_badge


class ReportTable(PortalTable):
    """Monthly reports with their organisation and reviewer selected."""

    selected = selection_column("bulk-approve", enabled=lambda report: report.status == ReportStatus.SUBMITTED)
    month = tables.DateColumn(verbose_name=_("Month"), format="Y-m", order_by=("month", "organization__path"))
    organization = tables.Column(verbose_name=_("Organisation"), accessor="organization__display_name",
                                 order_by=("organization__path", "-month"))
    code = tables.Column(verbose_name=_("Organisation code"), accessor="organization__code",
                         order_by=("organization__code", "-month"))
    status = tables.Column(verbose_name=_("Status"), order_by=("status", "-month", "organization__path"))
    due_on = tables.DateColumn(verbose_name=_("Due on"), format="Y-m-d", order_by=("due_on", "organization__path"))
    submitted_at = tables.Column(verbose_name=_("Submitted at"), order_by=("submitted_at", "pk"))
    days_late = tables.Column(verbose_name=_("Days late"), order_by=("days_late", "-month", "organization__path"),
                              attrs={"td": {"class": "num"}, "th": {"class": "num"}})
    reviewed_by = tables.Column(verbose_name=_("Reviewed by"), orderable=False)

    export_name = _("Monthly reports")
    export_widths = {"organization": 28, "code": 14, "submitted_at": 17}
    export_formats = {"month": "yyyy-mm", "submitted_at": "yyyy-mm-dd hh:mm"}

    class Meta(PortalTable.Meta):
        attrs = {**PortalTable.Meta.attrs, "id": "report-table"}
        empty_text = _("No reports.")

    def render_organization(self, record, value):
        return format_html('<a href="{}">{}</a>', reverse("reports:report_detail", args=[record.pk]), value)

    def value_organization(self, value):
        return value

    def render_status(self, record):
        return format_html('<span class="badge {}">{}</span>', report_badge(record.status), record.get_status_display())

    def value_status(self, record):
        return record.get_status_display()

    def render_submitted_at(self, value):
        return f"{timezone.localtime(value):%Y-%m-%d %H:%M}"

    def value_submitted_at(self, value):
        return value

    def render_reviewed_by(self, value):
        return value.get_full_name() or value.username

    def value_reviewed_by(self, value):
        return (value.get_full_name() or value.username) if value else None
