"""Small disclosures: nothing of another part of the tree shows through exports, 403 messages, the evidence
"reused" flag or the address of an uploaded file."""
import datetime
import importlib
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import clear_url_caches
from freezegun import freeze_time
from openpyxl import load_workbook

from orgs.permissions import SYSTEM, Action, require
from plans import services
from plans.models import Evidence
from plans.selectors import with_reuse_flag
from reports.models import ReportField

PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 100
SECRET = "乙市专属指标"


@pytest.fixture
def city_b_field(tree, report_setup):
    """City B asks its own organisations for a figure that nobody in city A has any business knowing of."""
    return ReportField.objects.create(organization=tree.city_b, key="secret", label=SECRET, order=9)


def _header(response):
    assert response.status_code == 200
    return next(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))


@freeze_time("2026-06-10 10:00:00+08:00")
def test_the_offline_form_has_no_report_field_of_another_city(client, people, city_b_field):
    client.force_login(people.reporter)
    header = _header(client.get("/reports/template.xlsx?month=2026-05"))
    assert "支部委员会（次）" in header and SECRET not in header


@freeze_time("2026-06-10 10:00:00+08:00")
@pytest.mark.parametrize("address", ["/reports/export.xlsx?month=2026-05",
                                     "/reports/export.xlsx?month=2026-05&within=A1",
                                     "/api/v1/monthly-reports/export/?month=2026-05",
                                     "/api/v1/monthly-reports/export/?month=2026-05&within=A"])
def test_a_month_export_has_only_the_fields_of_the_organisations_in_it(client, people, city_b_field, tree, address):
    district_field = ReportField.objects.create(organization=tree.district, key="district_only", label="一区自设指标",
                                                order=8)
    client.force_login(people.leader)
    header = _header(client.get(address))
    assert "支部委员会（次）" in header and district_field.label in header and SECRET not in header


@freeze_time("2026-06-10 10:00:00+08:00")
def test_a_province_export_shows_each_citys_fields(client, tree, city_b_field, report_setup):
    from reports.models import ReportingRule
    from tests.factories import RoleAssignmentFactory, UserFactory

    ReportingRule.objects.create(organization=tree.city_b, levels=["grassroots"], due_day=5, since=datetime.date(2026, 1, 1))
    leader = RoleAssignmentFactory(user=UserFactory(username="leader_p"), organization=tree.province, role="leader").user
    client.force_login(leader)
    header = _header(client.get("/reports/export.xlsx?month=2026-05"))
    assert "支部委员会（次）" in header and SECRET in header  # both cities report within the province's reach


def test_a_refusal_does_not_name_the_object(people, tree, month_data, api):
    with pytest.raises(PermissionDenied) as refused:
        require(people.staff, Action.VIEW, tree.other_branch)
    assert tree.other_branch.name not in str(refused.value) and str(refused.value)
    api.login(people.reporter)
    leaf = month_data.leaves.manual
    for address, data in [(f"/api/v1/assessment-schemes/{month_data.scheme.pk}/", {"title": "改"}),
                          (f"/api/v1/indicators/{leaf.pk}/", {"name": "改"})]:
        response = api.patch(address, data)
        assert response.status_code in (403, 404), response.content
        assert month_data.scheme.title not in response.json()["detail"] and leaf.name not in response.json()["detail"]


def _entry(assignment, by, name="photo.png"):
    return services.record_progress(assignment, by=by, reported_on=datetime.date(2026, 5, 1), value=Decimal(3),
                                     files=[SimpleUploadedFile(name, PNG, content_type="image/png")])


def test_the_reuse_flag_compares_only_with_evidence_the_user_may_see(plan, other_plan, people, api, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    mine = _entry(plan.branch, people.reporter)
    _entry(other_plan.root, SYSTEM, "city-b.png")  # the same photo, in city B
    own = mine.evidence.get()
    assert not with_reuse_flag(Evidence.objects.filter(pk=own.pk), people.reporter).get().reused
    evidence = api.login(people.reporter).get(f"/api/v1/progress-entries/{mine.pk}/").json()["evidence"]
    assert evidence[0]["reused"] is False
    _entry(plan.district, people.staff, "again.png")  # now also in the district: the staff sees both
    assert with_reuse_flag(Evidence.objects.filter(pk=own.pk), people.staff).get().reused
    assert not with_reuse_flag(Evidence.objects.filter(pk=own.pk), people.reporter).get().reused  # not the district's
    assert api.login(people.staff).get(f"/api/v1/progress-entries/{mine.pk}/").json()["evidence"][0]["reused"] is True


def test_the_api_gives_the_checked_download_address_of_evidence(plan, people, api, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    entry = _entry(plan.branch, people.reporter)
    evidence = api.login(people.reporter).get(f"/api/v1/progress-entries/{entry.pk}/").json()["evidence"][0]
    assert evidence["url"] == f"/plans/evidence/{entry.evidence.get().pk}/"
    response = client.get(evidence["url"])
    assert response.status_code == 200 and b"".join(response.streaming_content) == PNG
    assert response["X-Content-Type-Options"] == "nosniff"
    client.force_login(people.outsider)
    assert client.get(evidence["url"]).status_code == 404
    client.logout()
    assert client.get(evidence["url"]).status_code == 302  # to the log-in page


@pytest.fixture
def debug_urls(settings, tmp_path):
    """The URL configuration as it is built with DEBUG on (it is read once, at import), uploads in tmp_path."""
    from league_portal import urls

    settings.DEBUG, settings.MEDIA_ROOT = True, tmp_path
    importlib.reload(urls)
    clear_url_caches()
    yield
    settings.DEBUG = False
    importlib.reload(urls)
    clear_url_caches()


def test_uploads_are_never_served_under_media_even_with_debug_on(plan, people, client, settings, tmp_path, debug_urls):
    stored = _entry(plan.branch, people.reporter).evidence.get()
    address = stored.file.url  # where Django's static() would serve it: /media/evidence/…
    assert address.startswith("/media/") and (tmp_path / stored.file.name).exists()
    assert client.get(address).status_code == 404
    client.force_login(people.reporter)
    assert client.get(address).status_code == 404
    assert client.get(f"/plans/evidence/{stored.pk}/").status_code == 200
