"""The demo: a realistic province with users in every role, and loading it twice changes nothing."""
from io import StringIO

from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import RequestFactory
from freezegun import freeze_time

from orgs.choices import Level, Role
from orgs.models import Department, Organization, RoleAssignment


def test_load_demo_builds_the_province_and_is_idempotent(db, settings):
    settings.DEMO_PASSWORD = "demo-pw-for-test"
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert "352 new" in out.getvalue() and "demo_admin / demo-pw-for-test" in out.getvalue()
    assert Organization.objects.filter(level=Level.PROVINCE).count() == 1
    assert Organization.objects.filter(level=Level.CITY).count() == 3
    assert Organization.objects.filter(level=Level.GRASSROOTS).count() == 300
    assert not Organization.objects.filter(level=Level.GRASSROOTS, member_count=0).exists()
    assert Department.objects.filter(organization__level=Level.PROVINCE, name="组织部").exists()
    roles = dict(RoleAssignment.objects.values_list("user__username", "role"))
    assert roles == {"demo_admin": Role.ADMIN, "demo_staff": Role.STAFF, "demo_reporter": Role.REPORTER,
                     "demo_leader": Role.LEADER, "demo_assessor": Role.ASSESSOR}
    assert RoleAssignment.objects.get(user__username="demo_leader").organization.level == Level.PROVINCE

    snapshot = list(Organization.objects.values_list("code", "path", "updated_at"))
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert "0 new, 0 changed, 0 moved, 352 unchanged; departments added: 0" in out.getvalue()
    assert list(Organization.objects.values_list("code", "path", "updated_at")) == snapshot
    assert RoleAssignment.objects.count() == 5
    request = RequestFactory().post("/accounts/login/")
    assert authenticate(request, username="demo_reporter", password="demo-pw-for-test") is not None


@freeze_time("2026-07-15 10:00:00")
def test_the_demo_plans_show_every_light(db):
    from plans.models import Assignment, Plan

    call_command("load_demo", stdout=StringIO())
    assert Plan.objects.filter(status="published").count() == 4
    assert set(Assignment.objects.values_list("light", flat=True)) == {"done", "green", "yellow", "red", "not_started"}
    assert Assignment.objects.filter(organization__code="3601010001001").exists()  # demo_reporter has a task
    from reports.models import MonthlyReport

    statuses = set(MonthlyReport.objects.filter(month="2026-06-01").values_list("status", flat=True))
    assert statuses == {"draft", "submitted", "returned", "approved"}
    from assessment.models import AssessmentRun

    run = AssessmentRun.objects.get(scheme__organization__code="36010000")
    assert (run.month.isoformat(), run.status, run.scores.count() > 12) == ("2026-06-01", "published", True)
    assert run.scores.filter(bonus=5).exists() and run.scores.filter(deduction=3).exists()


@freeze_time("2026-07-15 10:00:00")
def test_the_demo_volunteers_have_a_year_of_hours_and_stars(db):
    from volunteers.models import ServiceDay, ServiceRecord, Volunteer

    out = StringIO()
    call_command("load_demo", stdout=out)
    assert "Volunteers: 300 new" in out.getvalue() and "demo_volunteer /" in out.getvalue()
    volunteers = Volunteer.objects.filter(organization__path__startswith=Organization.objects.get(code="36010000").path)
    assert volunteers.count() == 300 and volunteers.filter(user__username="demo_volunteer").exists()
    assert set(volunteers.values_list("star", flat=True)) >= {0, 2}
    assert set(ServiceRecord.objects.values_list("status", flat=True)) == {"confirmed", "pending"}
    assert not ServiceDay.objects.filter(hours__gt=24).exists()
    assert not ServiceRecord.objects.filter(date__gt="2026-07-15").exists()
    for volunteer in volunteers.filter(star__gt=0)[:5]:  # the stored totals are the confirmed records' sums
        assert volunteer.confirmed_hours == sum(r.hours for r in volunteer.records.filter(status="confirmed"))
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert "Volunteers: 0 new" in out.getvalue() and volunteers.count() == 300


def test_django_admin_lists_organisations_for_a_superuser(client, people):
    client.force_login(people.root)
    for url in ["/admin/orgs/organization/", "/admin/orgs/roleassignment/", "/admin/orgs/department/",
                "/admin/orgs/organizationmove/"]:
        assert client.get(url).status_code == 200, url


def test_django_admin_is_closed_to_everyone_but_superusers(client, people):
    people.admin.is_staff = True
    people.admin.save()
    client.force_login(people.admin)
    response = client.get("/admin/orgs/organization/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_every_admin_list_opens_on_the_demo(client, django_user_model):
    from io import StringIO

    from django.contrib import admin
    from django.core.management import call_command
    from django.urls import reverse

    from reports.models import MonthlyReport

    call_command("load_demo", stdout=StringIO())
    client.force_login(django_user_model.objects.create_superuser("root_admin", password="x-pw-12345"))
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        assert client.get(url).status_code == 200, url
    report = MonthlyReport.objects.first()
    assert client.get(reverse("admin:reports_monthlyreport_change", args=[report.pk])).status_code == 200


def test_admin_links_an_upload_to_the_view_that_checks_the_right_never_to_media(client, django_user_model, tmp_path,
                                                                                 settings):
    """Uploads are never served under MEDIA_URL: the admin's inlines link every stored file to its checked view."""
    import datetime
    from io import StringIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.urls import reverse

    from core.files import store_file
    from plans.models import Assignment, Evidence, ProgressEntry
    from reports.models import MonthlyReport, ReportAttachment

    settings.MEDIA_ROOT = tmp_path
    call_command("load_demo", stdout=StringIO())
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16
    entry = ProgressEntry.objects.create(assignment=Assignment.objects.filter(target__isnull=False).first(),
                                         reported_on=datetime.date(2026, 6, 1), value=1)
    evidence = store_file(Evidence(entry=entry), SimpleUploadedFile("合影.png", png, "image/png"))
    report = MonthlyReport.objects.first()
    attachment = store_file(ReportAttachment(report=report), SimpleUploadedFile("签到表.png", png, "image/png"))
    client.force_login(django_user_model.objects.create_superuser("root_admin", password="x-pw-12345"))
    for page, link in [(reverse("admin:plans_progressentry_change", args=[entry.pk]),
                        reverse("plans:evidence_download", args=[evidence.pk])),
                       (reverse("admin:reports_monthlyreport_change", args=[report.pk]),
                        reverse("reports:attachment_download", args=[attachment.pk]))]:
        html = client.get(page).content.decode()
        assert f'href="{link}"' in html and settings.MEDIA_URL + "evidence" not in html
        assert settings.MEDIA_URL + "reports" not in html
