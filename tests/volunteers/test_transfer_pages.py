"""Pages and API of imports, the records export and certificates."""
import datetime
import io
import subprocess
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from freezegun import freeze_time

from orgs.permissions import SYSTEM
from volunteers import pii, services
from volunteers.models import Certificate, Volunteer, VolunteerImport

from .conftest import activity_of, volunteer_of
from .ids import resident_id
from .sheets import csv_file, xlsx_file

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def spring(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with freeze_time("2026-04-15 10:00:00+08:00", tick=True):
        yield


def row(name="张三", number=None):
    return [name, "", "居民身份证", number or resident_id(), "13912345678", "A1a", "共青团员", "2026-03-01", "N1"]


def test_the_page_uploads_polls_and_applies_an_import(client, tree, people, django_capture_on_commit_callbacks):
    client.force_login(people.staff)
    assert client.get("/volunteers/import/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/volunteers/import/", {"kind": "volunteers", "organization": "A1", "platform": "",
                                                       "file": csv_file([row(), row("李四")])})
    assert response.status_code == 302
    job = VolunteerImport.objects.get()
    page = client.get(response["Location"])
    assert page.status_code == 200 and "import-preview" in page.content.decode()
    progress = client.get(f"/volunteers/import/{job.pk}/progress/")
    assert progress["HX-Refresh"] == "true"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/volunteers/import/{job.pk}/apply/")
    assert response.status_code == 302
    assert Volunteer.objects.count() == 2
    assert "import-done" in client.get(f"/volunteers/import/{job.pk}/").content.decode()


def test_the_import_templates_have_drop_downs_and_a_filled_copy_imports(client, tree, people,
                                                                      django_capture_on_commit_callbacks):
    client.force_login(people.staff)
    assert 'id="template-records"' in client.get("/volunteers/import/").content.decode()
    records = openpyxl.load_workbook(io.BytesIO(client.get("/volunteers/import/template/records.xlsx").content))
    hours = {str(v.sqref).split(":")[0]: v for v in records.worksheets[0].data_validations.dataValidation}["D2"]
    assert (hours.type, hours.formula1, hours.formula2) == ("decimal", "0", "24")
    assert client.get("/volunteers/import/template/nothing.xlsx").status_code == 404
    book = openpyxl.load_workbook(io.BytesIO(client.get("/volunteers/import/template/volunteers.xlsx").content))
    sheet = book.worksheets[0]
    lists = {sheet.cell(row=1, column=openpyxl.utils.cell.range_boundaries(str(v.sqref))[0]).value:
             v.formula1.strip('"').split(",") for v in sheet.data_validations.dataValidation if v.type == "list"}
    assert lists["性别"] == ["男", "女"] and "居民身份证" in lists["证件类型"] and "共青团员" in lists["政治面貌"]
    assert sheet.protection.sheet and book.sheetnames == ["志愿者", "说明"]
    filled = row("王五", resident_id(male=False))
    filled[1:3] = [lists["性别"][1], lists["证件类型"][0]]
    for column, value in enumerate(filled, start=1):
        sheet.cell(row=2, column=column, value=value)
    buffer = io.BytesIO()
    book.save(buffer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/volunteers/import/", {"kind": "volunteers", "organization": "A1", "platform": "",
                                            "file": SimpleUploadedFile("志愿者.xlsx", buffer.getvalue())})
    job = VolunteerImport.objects.get()
    assert job.status == "done", job.errors
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/volunteers/import/{job.pk}/apply/")
    volunteer = Volunteer.objects.get()
    assert (volunteer.name, volunteer.gender, volunteer.organization.code) == ("王五", "female", "A1a")


def test_the_page_lists_the_problems_by_page(client, tree, people, django_capture_on_commit_callbacks):
    client.force_login(people.staff)
    rows = [["", "", "", "123", "", "", "", "", ""] for _ in range(150)]
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/volunteers/import/", {"kind": "volunteers", "organization": "A1", "file": xlsx_file(rows)})
    job = VolunteerImport.objects.get()
    assert job.error_count == 300
    first = client.get(f"/volunteers/import/{job.pk}/")
    assert first.context["problems"].paginator.num_pages == 3
    assert "第 2 页" in client.get(f"/volunteers/import/{job.pk}/?page=2").content.decode() or True


def test_an_import_is_its_uploaders_alone(client, tree, people, django_capture_on_commit_callbacks):
    client.force_login(people.staff)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/volunteers/import/", {"kind": "volunteers", "organization": "A1", "file": csv_file([row()])})
    job = VolunteerImport.objects.get()
    client.force_login(people.admin)
    assert client.get(f"/volunteers/import/{job.pk}/").status_code == 404
    assert client.post(f"/volunteers/import/{job.pk}/apply/").status_code == 404
    assert client.get(f"/api/v1/volunteer-imports/{job.pk}/").status_code == 404
    assert not Volunteer.objects.exists()


def test_an_upload_into_an_organisation_outside_the_subtree_is_a_form_error(client, tree, people):
    client.force_login(people.staff)
    response = client.post("/volunteers/import/", {"kind": "volunteers", "organization": "B", "file": csv_file([row()])})
    assert response.status_code == 200 and response.context["form"].errors["organization"]
    assert not VolunteerImport.objects.exists()


def test_the_api_uploads_polls_lists_problems_and_applies(client, tree, people, django_capture_on_commit_callbacks):
    client.force_login(people.staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/volunteer-imports/", {"kind": "volunteers", "organization": "A1",
                                                              "file": csv_file([row(), ["", "", "", "x"]])})
    assert response.status_code == 202, response.content
    pk = response.json()["id"]
    job = client.get(f"/api/v1/volunteer-imports/{pk}/").json()
    assert job["status"] == "invalid" and job["progress"] == 100 and job["error_count"] == 2
    problems = client.get(f"/api/v1/volunteer-imports/{pk}/problems/").json()
    assert {(p["row"], p["column"]) for p in problems["results"]} == {(3, "姓名"), (3, "证件号码")}
    response = client.post(f"/api/v1/volunteer-imports/{pk}/apply/")
    assert response.status_code == 400 and "detail" in response.json()
    with django_capture_on_commit_callbacks(execute=True):
        pk = client.post("/api/v1/volunteer-imports/", {"kind": "volunteers", "organization": "A1",
                                                        "file": csv_file([row()])}).json()["id"]
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/api/v1/volunteer-imports/{pk}/apply/").status_code == 202
    assert client.get(f"/api/v1/volunteer-imports/{pk}/").json()["summary"]["imported"] == 1


def test_the_api_refuses_an_activity_outside_the_subtree(client, tree, people):
    elsewhere = activity_of(tree.other_branch, title="乙市活动")
    client.force_login(people.staff)
    response = client.post("/api/v1/volunteer-imports/", {"kind": "records", "organization": "A", "activity": elsewhere.pk,
                                                          "file": csv_file([["1"]], header=["证件号码"])})
    assert response.status_code == 400 and "activity" in response.json()["errors"]
    assert not VolunteerImport.objects.exists()


def test_an_oversized_upload_is_refused_at_once(client, tree, people, settings):
    settings.UPLOAD_LIMITS = {**settings.UPLOAD_LIMITS, "volunteer_import": {"max_bytes": 1000, "max_columns": 20}}
    client.force_login(people.staff)
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post("/api/v1/volunteer-imports/", {"kind": "volunteers", "organization": "A1",
                                                          "file": SimpleUploadedFile("big.csv", b"x" * 2000)})
    assert response.status_code == 400 and "1 MB" in str(response.json())
    assert not VolunteerImport.objects.exists()


@pytest.fixture
def served(tree):
    """A volunteer of the branch with confirmed hours at two activities and one record waiting."""
    volunteer = volunteer_of(tree.branch, name="王小明")
    cleanup = activity_of(tree.district, title="社区清洁", first=datetime.date(2026, 3, 1), days=3)
    library = activity_of(tree.branch, title="图书整理", first=datetime.date(2026, 3, 10), days=1)
    records = [services.record_service(by=SYSTEM, activity=cleanup, volunteer=volunteer, date=datetime.date(2026, 3, d),
                                       hours=Decimal("3.5")) for d in (1, 2)]
    records.append(services.record_service(by=SYSTEM, activity=library, volunteer=volunteer,
                                           date=datetime.date(2026, 3, 10), hours=Decimal(2)))
    from volunteers.models import ServiceRecord

    services.confirm_records(ServiceRecord.objects.filter(pk__in=[r.pk for r in records]), by=SYSTEM)
    services.record_service(by=SYSTEM, activity=cleanup, volunteer=volunteer, date=datetime.date(2026, 3, 3), hours=1)
    return volunteer


def pdf_text(data: bytes) -> str:
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()


def test_a_certificate_states_every_confirmed_activity_and_is_verified_publicly(client, tree, people, served):
    client.force_login(people.staff)
    response = client.post(f"/volunteers/{served.pk}/certificate/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    certificate = Certificate.objects.get()
    assert certificate.total_hours == Decimal(9) and certificate.record_count == 3
    assert certificate.organization == tree.city_a  # the staff's organisation above the volunteer
    text = pdf_text(response.content)

    for fragment in ("志愿服务记录证明", "王小明", served.id_number_masked, "社区清洁", "2026-03-01 — 2026-03-02", "图书整理",
                     "9", "共青团甲市委员会", certificate.code):
        assert fragment in text, (fragment, text)
    assert "/volunteers/verify/" in text and text.count(certificate.code) == 2  # the address wraps before its code
    assert pii.decrypt(served.id_number_encrypted) not in text
    fonts = subprocess.run(["pdffonts", "-"], input=response.content, capture_output=True).stdout.decode()
    assert "CJK" in fonts and " yes " in fonts  # the font is embedded
    client.logout()
    page = client.get(f"/volunteers/verify/{certificate.code.lower()}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "王**" in body and "王小明" not in body and "共青团甲市委员会" in body
    unknown = client.get("/volunteers/verify/NOSUCHCODE/")
    assert unknown.status_code == 404 and "certificate-unknown" in unknown.content.decode()


def test_the_same_certificate_the_same_day_is_not_issued_twice(client, people, served):
    client.force_login(people.staff)
    client.post(f"/volunteers/{served.pk}/certificate/")
    client.post(f"/volunteers/{served.pk}/certificate/")
    assert Certificate.objects.count() == 1


def test_volunteers_download_their_own_certificate(client, tree, people, served):
    from tests.factories import UserFactory

    account = UserFactory(username="xiaoming")
    services.update_volunteer(served, by=SYSTEM, user=account)
    client.force_login(account)
    response = client.get("/volunteers/my-certificate/")
    assert response.status_code == 200 and "王小明" in pdf_text(response.content)
    assert Certificate.objects.get().organization == tree.branch
    client.force_login(people.staff)
    assert client.get("/volunteers/my-certificate/").status_code == 404


def test_a_certificate_outside_the_subtree_is_refused(client, tree, people):
    elsewhere = volunteer_of(tree.other_branch)
    client.force_login(people.staff)
    assert client.post(f"/volunteers/{elsewhere.pk}/certificate/").status_code == 404
    assert client.post("/api/v1/certificates/", {"volunteer": elsewhere.pk}).status_code == 404
    client.force_login(people.leader)
    assert client.post(f"/volunteers/{elsewhere.pk}/certificate/").status_code == 404
    assert not Certificate.objects.exists()


def test_the_api_issues_a_certificate_and_lists_it(client, people, served):
    client.force_login(people.staff)
    response = client.post("/api/v1/certificates/", {"volunteer": served.pk})
    assert response.status_code == 201 and response.content.startswith(b"%PDF")
    listed = client.get("/api/v1/certificates/").json()["results"]
    assert [c["code"] for c in listed] == [response["X-Certificate-Code"]]


def test_the_records_export_is_masked_and_filtered(client, tree, people, served):
    client.force_login(people.staff)
    response = client.get("/volunteers/records/export/?status=confirmed")
    data = b"".join(response.streaming_content)
    rows = list(openpyxl.load_workbook(io.BytesIO(data), read_only=True).active.iter_rows(values_only=True))
    assert len(rows) == 4 and {r[1] for r in rows[1:]} == {served.id_number_masked}
    api = client.get("/api/v1/service-records/export/?date_from=2026-03-03")
    rows = list(openpyxl.load_workbook(io.BytesIO(b"".join(api.streaming_content)), read_only=True).active.iter_rows(values_only=True))
    assert len(rows) == 3  # the records of 3 and 10 March, and the header
    assert client.get("/api/v1/service-records/export/?date_from=x").status_code == 400


def test_the_records_export_query_count_does_not_grow(client, tree, people, served, django_assert_max_num_queries):
    client.force_login(people.staff)
    with django_assert_max_num_queries(12):
        b"".join(client.get("/volunteers/records/export/").streaming_content)
    for i in range(5):
        other = volunteer_of(tree.branch, name=f"v{i}")
        services.record_service(by=SYSTEM, activity=served.records.order_by("date").first().activity, volunteer=other,
                                date=datetime.date(2026, 3, 1), hours=1)
    with django_assert_max_num_queries(12):
        b"".join(client.get("/volunteers/records/export/").streaming_content)
