"""Organisation imports too large for a request: a job that Celery checks and carries out, with progress
polled by the page (htmx) and the API, all rows or none, and the bell when it is done."""
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from notifications.models import Notification
from orgs import importers, services
from orgs.models import ImportJob, Organization

HEADER = "组织编码,组织名称,上级组织编码,组织层级,组织类型,所属领域,团员数,青年数\n"
FIVE = "".join(f"A1n{i},新支部{i},A1,基层,团支部,学校,{i},{i * 2}\n" for i in range(5))


@pytest.fixture(autouse=True)
def small_requests(settings, tmp_path):
    """Files of more than three rows go to a job; uploads are kept in a temporary folder."""
    settings.ORG_IMPORT_SYNC_ROWS = 3
    settings.MEDIA_ROOT = tmp_path


def _csv(body):
    return SimpleUploadedFile("大表.csv", (HEADER + body).encode())


def test_a_large_import_through_the_api_is_a_job_that_imports_every_row(api, people, django_capture_on_commit_callbacks,
                                                                          tmp_path):
    client = api.login(people.admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/organizations/import/", {"file": _csv(FIVE), "dry_run": "false"}, multipart=True)
    assert response.status_code == 202
    job = response.json()["job"]
    assert response["Location"] == job["url"] == f"/api/v1/import-jobs/{job['id']}/"
    done = client.get(job["url"]).json()
    assert done["status"] == "done" and done["progress"] == 100 and not done["dry_run"]
    assert done["summary"] == {"create": 5, "update": 0, "move": 0, "unchanged": 0} and done["errors"] == []
    assert Organization.objects.filter(code__startswith="A1n").count() == 5
    assert not any(p.is_file() for p in tmp_path.rglob("*"))  # the kept upload is gone once imported
    bell = Notification.objects.get(user=people.admin)
    assert bell.url == f"/orgs/import/jobs/{job['id']}/" and "大表.csv" in bell.title


def test_a_large_dry_run_reports_what_it_would_do_and_writes_nothing(api, people, django_capture_on_commit_callbacks):
    client = api.login(people.admin)
    with django_capture_on_commit_callbacks(execute=True):
        job = client.post("/api/v1/organizations/import/", {"file": _csv(FIVE)}, multipart=True).json()["job"]
    done = client.get(job["url"]).json()
    assert done["status"] == "done" and done["dry_run"] and done["summary"]["create"] == 5
    assert not Organization.objects.filter(code__startswith="A1n").exists()


def test_a_large_file_with_problems_lists_them_by_row_and_column_and_imports_nothing(
        api, people, django_capture_on_commit_callbacks):
    client = api.login(people.admin)
    body = FIVE + "A1z,坏支部,NOPE,基层,团支部,学校,x,1\n"
    with django_capture_on_commit_callbacks(execute=True):
        job = client.post("/api/v1/organizations/import/", {"file": _csv(body), "dry_run": "false"},
                          multipart=True).json()["job"]
    done = client.get(job["url"]).json()
    assert done["status"] == "invalid" and done["error_count"] == 2
    assert {(e["row"], e["column"]) for e in done["errors"]} == {(7, "上级组织编码"), (7, "团员数")}
    assert not Organization.objects.filter(code__startswith="A1").exclude(code__in=["A1", "A1a"]).exists()


def test_an_import_that_fails_while_writing_leaves_the_tree_as_it_was(api, people, django_capture_on_commit_callbacks,
                                                                      monkeypatch):
    real = services.create_organization
    created = []

    def third_fails(**kwargs):
        if len(created) == 2:
            raise ValidationError("数据库拒绝")
        created.append(kwargs["code"])
        return real(**kwargs)

    monkeypatch.setattr(services, "create_organization", third_fails)
    client = api.login(people.admin)
    with django_capture_on_commit_callbacks(execute=True):
        job = client.post("/api/v1/organizations/import/", {"file": _csv(FIVE), "dry_run": "false"},
                          multipart=True).json()["job"]
    done = client.get(job["url"]).json()
    assert len(created) == 2 and done["status"] == "invalid" and "数据库拒绝" in done["errors"][0]["message"]
    assert not Organization.objects.filter(code__startswith="A1n").exists()


def test_the_page_shows_progress_then_the_findings_and_imports_the_checked_file(
        client, people, django_capture_on_commit_callbacks):
    client.force_login(people.admin)
    with django_capture_on_commit_callbacks() as pending:
        response = client.post("/orgs/import/", {"file": _csv(FIVE)})
        job = ImportJob.objects.get()
        assert response.status_code == 302 and response["Location"] == f"/orgs/import/jobs/{job.pk}/"
        page = client.get(response["Location"]).content.decode()
        assert 'id="import-progress"' in page and f'hx-get="/orgs/import/jobs/{job.pk}/progress/"' in page
        assert "HX-Refresh" not in client.get(f"/orgs/import/jobs/{job.pk}/progress/")
    for callback in pending:
        callback()
    assert client.get(f"/orgs/import/jobs/{job.pk}/progress/")["HX-Refresh"] == "true"
    page = client.get(f"/orgs/import/jobs/{job.pk}/").content.decode()
    assert 'id="import-preview"' in page and "新增 5 个" in page and "hx-get=\"/orgs/import/jobs" not in page
    assert not Organization.objects.filter(code__startswith="A1n").exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/orgs/import/jobs/{job.pk}/apply/")
    applied = ImportJob.objects.exclude(pk=job.pk).get()
    assert response["Location"] == f"/orgs/import/jobs/{applied.pk}/" and applied.status == "done" and applied.apply
    assert 'id="import-done"' in client.get(response["Location"]).content.decode()
    assert Organization.objects.filter(code__startswith="A1n").count() == 5
    assert client.post(f"/orgs/import/jobs/{job.pk}/apply/", follow=True).status_code == 200  # only once
    assert ImportJob.objects.count() == 2
    assert Notification.objects.filter(user=people.admin).count() == 2


def test_a_job_is_its_uploaders_alone(api, client, people, django_capture_on_commit_callbacks):
    api.login(people.admin)
    with django_capture_on_commit_callbacks(execute=True):
        job = api.post("/api/v1/organizations/import/", {"file": _csv(FIVE)}, multipart=True).json()["job"]
    api.login(people.outsider)
    assert api.get(job["url"]).status_code == 404
    assert api.get("/api/v1/import-jobs/").json()["results"] == []
    client.force_login(people.outsider)
    assert client.get(f"/orgs/import/jobs/{job['id']}/").status_code == 404
    assert client.post(f"/orgs/import/jobs/{job['id']}/apply/").status_code == 404


def test_only_administrators_start_jobs(api, people):
    api.login(people.reporter)
    response = api.post("/api/v1/organizations/import/", {"file": _csv(FIVE)}, multipart=True)
    assert response.status_code == 403 and not ImportJob.objects.exists()


def test_a_finished_job_is_not_run_again(people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = importers.start_job(_csv(FIVE), by=people.admin, apply=True)
    assert Organization.objects.filter(code__startswith="A1n").count() == 5
    assert importers.run_job(job.pk) == "done"
    assert Organization.objects.filter(code__startswith="A1n").count() == 5
    assert Notification.objects.filter(user=people.admin).count() == 1
