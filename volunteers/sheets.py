"""Spreadsheets the volunteer pages and API write: the service records (hours), streamed in constant memory."""
from django.utils import timezone
from django.utils.translation import gettext as _

from core.spreadsheets import Column, write_large_xlsx


def record_columns():
    return [Column(_("Full name"), 12), Column(_("Document number"), 22), Column(_("Organisation code"), 14),
            Column(_("Volunteer's organisation"), 28), Column(_("Activity"), 30), Column(_("Organiser"), 28),
            Column(_("Date of service"), 12), Column(_("Hours"), 8, "0.00"), Column(_("Status"), 10),
            Column(_("Source"), 12), Column(_("Decided at"), 18)]


def record_rows(records):
    """The rows of the records export, personal data masked (as everywhere outside the logged reveal)."""
    for r in records.iterator(chunk_size=2000):
        decided = timezone.localtime(r.confirmed_at).strftime("%Y-%m-%d %H:%M") if r.confirmed_at else ""
        yield (r.volunteer.name, r.volunteer.id_number_masked, r.organization.code, r.organization.name,
               r.activity.title, r.activity.organization.name, r.date, r.hours, r.get_status_display(),
               r.get_source_display(), decided)


def records_workbook(records):
    """The records (a queryset with volunteer, organisation and the activity's organiser selected) as .xlsx."""
    return write_large_xlsx(record_columns(), record_rows(records), sheet_title=_("Service records"))
