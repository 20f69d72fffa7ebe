"""The monthly report's volunteer fields come from the confirmed service records when the organisation keeps them in
the portal: prefilled, read-only on the form with their source named, and no save (page, service, copy) overrides
them; an organisation without volunteers types them in."""
import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from orgs.permissions import SYSTEM
from reports import services
from reports.models import MonthlyReport, ReportField
from tests.volunteers.conftest import activity_of, volunteer_of
from volunteers import services as volunteer_services
from volunteers.choices import RecordStatus
from volunteers.models import ServiceRecord

pytestmark = pytest.mark.django_db
MARCH = datetime.date(2026, 3, 1)


@pytest.fixture
def fields(tree, report_setup):
    hours = ReportField.objects.create(organization=tree.city_a, key="volunteer_hours", label="志愿服务时长（小时）",
                                       field_type="decimal", minimum=0, order=3)
    activities = ReportField.objects.create(organization=tree.city_a, key="volunteer_activities",
                                            label="志愿服务活动（次）", minimum=0, order=4)
    return hours, activities


@pytest.fixture
def served(tree):
    """Two confirmed records in March at two activities (3 + 4.5 hours), one pending, one in April."""
    volunteer = volunteer_of(tree.branch, registered_on=datetime.date(2026, 1, 5))
    first, second = activity_of(tree.district, "清洁"), activity_of(tree.district, "敬老", first=datetime.date(2026, 3, 10))
    later = activity_of(tree.district, "护河", first=datetime.date(2026, 4, 2))
    records = [volunteer_services.record_service(by=SYSTEM, activity=a, volunteer=volunteer, date=d, hours=Decimal(h))
               for a, d, h in ((first, datetime.date(2026, 3, 1), 3), (second, datetime.date(2026, 3, 10), "4.5"),
                               (first, datetime.date(2026, 3, 2), 2), (later, datetime.date(2026, 4, 2), 6))]
    volunteer_services.confirm_records(ServiceRecord.objects.filter(pk__in=[records[0].pk, records[1].pk, records[3].pk]),
                                       by=SYSTEM)
    assert ServiceRecord.objects.filter(status=RecordStatus.PENDING).count() == 1
    return records


def test_a_new_report_is_prefilled_from_the_confirmed_records(tree, fields, served):
    report = services.start_report(tree.branch, MARCH, by=SYSTEM)
    assert report.values["volunteer_hours"] == "7.5"
    assert report.values["volunteer_activities"] == 2


def test_saving_cannot_override_the_figures_from_records(tree, fields, served):
    report = services.start_report(tree.branch, MARCH, by=SYSTEM)
    report = services.save_draft(report, by=SYSTEM, values={"meetings": 1, "volunteer_hours": "99",
                                                            "volunteer_activities": 9})
    assert (report.values["volunteer_hours"], report.values["volunteer_activities"]) == ("7.5", 2)
    report, _errors = services.autosave(report, by=SYSTEM, values={"volunteer_hours": "1"})
    assert report.values["volunteer_hours"] == "7.5"
    MonthlyReport.objects.filter(pk=report.pk).update(values={**report.values, "volunteer_hours": "50"})
    report = services.submit_report(MonthlyReport.objects.get(pk=report.pk), by=SYSTEM)
    assert report.values["volunteer_hours"] == "7.5"


def test_the_form_shows_the_figures_read_only_and_says_where_they_come_from(tree, people, fields, served, client):
    report = services.start_report(tree.branch, MARCH, by=SYSTEM)
    client.force_login(people.reporter)
    page = client.get(reverse("reports:report_detail", args=[report.pk])).content.decode()
    field = page[page.index('name="field-volunteer_hours"'):]
    field = field[:field.index(">")]
    assert 'value="7.5"' in field and "readonly" in field
    assert "志愿服务记录" in page or "service records" in page
    assert 'name="field-meetings"' in page and "readonly" not in page[page.index('name="field-meetings"'):][:200]
    client.post(reverse("reports:report_detail", args=[report.pk]),
                {"version": report.version, "field-meetings": "1", "field-volunteer_hours": "80",
                 "field-volunteer_activities": "5", "field-study_rate": "90"})
    report.refresh_from_db()
    assert report.values["volunteer_hours"] == "7.5" and report.values["meetings"] == 1


def test_an_organisation_without_volunteers_types_the_figures_in(tree, fields):
    report = services.start_report(tree.branch, MARCH, by=SYSTEM)
    assert "volunteer_hours" not in report.values
    report = services.save_draft(report, by=SYSTEM, values={"meetings": 1, "volunteer_hours": "12"})
    assert report.values["volunteer_hours"] == "12"
