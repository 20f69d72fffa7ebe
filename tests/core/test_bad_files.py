"""The bad-file corpus (tests/fixtures/bad/manifest.json) against every upload endpoint and page.

Each file goes to every endpoint of its groups; each must be refused with its message (JSON ``detail``
and 400/413 in the API, the Chinese message on pages), write nothing, and cost the test process less
than MEMORY_BOUND of new peak memory and TIME_BOUND seconds. Without the upload guard the same files took
gigabytes and minutes.
"""
import datetime
import html
import json
import resource
import time
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from django.utils.translation import gettext
from freezegun import freeze_time

from tests.plans import conftest as plan_fixtures

plan = plan_fixtures.plan  # the plans tests' fixture, used here too

BAD = Path(__file__).resolve().parent.parent / "fixtures" / "bad"
MANIFEST = json.loads((BAD / "manifest.json").read_text(encoding="utf-8"))
MEMORY_BOUND = 200 * 1024 * 1024
TIME_BOUND = 5.0
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@dataclass
class Endpoint:
    """How to send one file to one upload endpoint: who, where, and the sheet use (its limits)."""

    name: str
    api: bool
    user: str
    send: object  # (client, site, filename, content) -> response
    use: str = "default"
    evidence: bool = False

    def __str__(self):
        return self.name


def _file(name, content):
    return SimpleUploadedFile(name, content)


def _api_post(client, path, data):
    return client.post(path, data)  # multipart by default


ENDPOINTS = {e.name: e for e in [
    Endpoint("api-org-import", True, "admin", use="org_import",
             send=lambda c, s, n, b: _api_post(c, "/api/v1/organizations/import/", {"file": _file(n, b), "dry_run": "false"})),
    Endpoint("page-org-import", False, "admin", use="org_import",
             send=lambda c, s, n, b: c.post("/orgs/import/", {"file": _file(n, b)})),
    Endpoint("api-ledger", True, "staff", use="ledger",
             send=lambda c, s, n, b: _api_post(c, f"/api/v1/plans/{s.plan.plan.pk}/ledger/", {"file": _file(n, b)})),
    Endpoint("page-ledger", False, "staff", use="ledger",
             send=lambda c, s, n, b: c.post(f"/plans/{s.plan.plan.pk}/ledger/import/", {"file": _file(n, b)})),
    Endpoint("api-report-form", True, "reporter", use="report_form",
             send=lambda c, s, n, b: _api_post(c, "/api/v1/monthly-reports/upload/", {"file": _file(n, b), "submit": "true"})),
    Endpoint("page-report-form", False, "reporter", use="report_form",
             send=lambda c, s, n, b: c.post("/reports/upload/", {"file": _file(n, b), "submit": "1"})),
    Endpoint("page-decompose", False, "staff", use="decompose",
             send=lambda c, s, n, b: c.post(f"/plans/assignments/{s.plan.district.pk}/decompose/", {"file": _file(n, b)})),
    Endpoint("api-plan-parse", True, "reporter",
             send=lambda c, s, n, b: _api_post(c, "/api/v1/plans/parse/", {"file": _file(n, b)})),
    Endpoint("api-plan-from-document", True, "staff",
             send=lambda c, s, n, b: _api_post(c, "/api/v1/plans/from-document/",
                                               {"file": _file(n, b), "organization": "A", "year": "2027"})),
    Endpoint("page-plan-import", False, "staff",
             send=lambda c, s, n, b: c.post("/plans/import/", {"file": _file(n, b)})),
    Endpoint("api-progress-entry", True, "reporter", evidence=True,
             send=lambda c, s, n, b: _api_post(c, "/api/v1/progress-entries/", {
                 "assignment": s.plan.branch.pk, "reported_on": "2026-05-01", "value": "1", "files": [_file(n, b)]})),
    Endpoint("page-progress", False, "reporter", evidence=True,
             send=lambda c, s, n, b: c.post(f"/plans/assignments/{s.plan.branch.pk}/progress/", {
                 f"a{s.plan.branch.pk}-reported_on": "2026-05-01", f"a{s.plan.branch.pk}-value": "1",
                 f"a{s.plan.branch.pk}-files": [_file(n, b)]})),
    Endpoint("api-report-attachments", True, "reporter", evidence=True,
             send=lambda c, s, n, b: _api_post(c, f"/api/v1/monthly-reports/{s.report.pk}/attachments/", {"files": [_file(n, b)]})),
    Endpoint("page-report-attachments", False, "reporter", evidence=True,
             send=lambda c, s, n, b: c.post(f"/reports/{s.report.pk}/attachments/", {"files": [_file(n, b)]}, follow=True)),
    Endpoint("api-appeal", True, "reporter", evidence=True,
             send=lambda c, s, n, b: _api_post(c, "/api/v1/appeals/", {
                 "run": s.appeal.run.pk, "organization": "A1a", "reason": "漏计团课", "files": [_file(n, b)]})),
    Endpoint("page-appeal", False, "reporter", evidence=True,
             send=lambda c, s, n, b: c.post(f"/assessment/scores/{s.appeal.score.pk}/appeal/", {
                 "reason": "漏计团课", "files": [_file(n, b)]}, follow=True)),
]}
assert set(ENDPOINTS) == {name for group in MANIFEST["groups"].values() for name in group}


def _cases():
    for fixture in MANIFEST["fixtures"]:
        for group in fixture["groups"]:
            for endpoint in MANIFEST["groups"][group]:
                yield pytest.param(fixture, ENDPOINTS[endpoint], id=f"{fixture['file']}->{endpoint}")


def _content(fixture, endpoint, settings):
    """(file name, bytes) of a fixture; generated ones are made here rather than kept in git."""
    name = fixture["file"]
    if name == "million-rows.csv":
        return name, ("组织编码,组织名称,上级组织编码,组织层级,组织类型\n" + "x\n" * 1_000_000).encode()
    if name == "oversized-request":
        suffix = ".png" if endpoint.evidence else ".docx" if endpoint.name in MANIFEST["groups"]["documents"] else ".csv"
        return f"big{suffix}", b"x" * (settings.UPLOAD_MAX_REQUEST_BYTES + 1024 * 1024)
    if name == "oversized-file":
        if endpoint.name in MANIFEST["groups"]["documents"]:
            return "big.txt", "一、".encode() * (5 * 1024 * 1024 // 6 + 1)
        return "big.csv", b"x" * (_limit(endpoint, settings, "max_bytes") + 1)
    return name, (BAD / name).read_bytes()


def _limit(endpoint, settings, key):
    defaults = {"max_bytes": getattr(settings, "IMPORT_MAX_BYTES", 5 * 1024 * 1024),
                "max_rows": getattr(settings, "SHEET_MAX_ROWS", 20_000),
                "max_columns": getattr(settings, "SHEET_MAX_COLUMNS", 200)}
    return getattr(settings, "UPLOAD_LIMITS", {}).get(endpoint.use, {}).get(key, defaults[key])


def _expected(fixture, endpoint, settings):
    """The message the user reads, in Chinese (the portal's default language)."""
    kind = fixture["params"]
    mb = 1024 * 1024
    params = {
        None: {},
        "rows": {"limit": f"{_limit(endpoint, settings, 'max_rows'):,}"},
        "columns": {"row": 2, "limit": _limit(endpoint, settings, "max_columns")},
        "ratio": {"ratio": getattr(settings, "UPLOAD_ZIP_MAX_RATIO", 100)},
        "members": {"limit": getattr(settings, "UPLOAD_ZIP_MAX_MEMBERS", 1000)},
        "request": {"limit": getattr(settings, "UPLOAD_MAX_REQUEST_BYTES", 50 * mb) // mb},
        "file": {"limit": 5 if endpoint.name in MANIFEST["groups"]["documents"] else _limit(endpoint, settings, "max_bytes") // mb},
    }[kind]
    with translation.override("zh-hans"):
        return gettext(fixture["message"]) % params


@pytest.fixture(autouse=True)
def june():
    """June 2026: May's report is open, and an appeal window opened today is open."""
    with freeze_time("2026-06-10 09:00:00+08:00", tick=True):
        yield


@pytest.fixture
def site(tree, people, plan, report_setup, settings, tmp_path, request):
    """What the endpoints write to: a plan, a draft report of the branch, and (for appeals) a run open to appeals."""
    from reports import services

    settings.MEDIA_ROOT = tmp_path
    report = services.start_report(tree.branch, datetime.date(2026, 5, 1), by=people.reporter)
    return SimpleNamespace(tree=tree, people=people, plan=plan, report=report, request=request, media=tmp_path)


def _appeal(site):
    """A provisional run of city A's scheme, open to appeals by the branch (made only for the appeal endpoints)."""
    from assessment import services
    from assessment.models import AssessmentScheme, Indicator, Score

    scheme = AssessmentScheme.objects.create(organization=site.tree.city_a, year=2026, title="月度考核", levels=["grassroots"],
                                             appeal_days=3)
    Indicator.objects.create(scheme=scheme, name="工作", max_points=10, rule="manual", order=1)
    callbacks = site.request.getfixturevalue("django_capture_on_commit_callbacks")
    with callbacks(execute=True):
        run = services.request_computation(scheme, datetime.date(2026, 5, 1), by=site.people.assessor)
    run.refresh_from_db()
    services.open_appeals(run, by=site.people.assessor)
    return SimpleNamespace(run=run, score=Score.objects.get(run=run, organization=site.tree.branch))


def _written(site):
    """Everything an upload could have written: rows of every model that takes uploads, and stored files."""
    from assessment.models import Appeal, AppealEvidence
    from orgs.models import Organization
    from plans.models import Assignment, Evidence, Plan, ProgressEntry
    from reports.models import MonthlyReport, ReportAttachment

    counts = {model.__name__: model.objects.count() for model in (
        Organization, Plan, Assignment, ProgressEntry, Evidence, MonthlyReport, ReportAttachment, Appeal, AppealEvidence)}
    counts["changed reports"] = sorted(MonthlyReport.objects.values_list("pk", "version", "status"))
    counts["files"] = sorted(str(p.relative_to(site.media)) for p in site.media.rglob("*") if p.is_file())
    return counts


def _texts(response):
    """Every text the user is shown: the JSON's strings, or the page without its markup escapes."""
    if response["Content-Type"].startswith("application/json"):
        found = []

        def walk(value):
            if isinstance(value, dict):
                for item in value.values():
                    walk(item)
            elif isinstance(value, list):
                for item in value:
                    walk(item)
            else:
                found.append(str(value))

        body = response.json()
        walk(body)
        return body, "\n".join(found)
    return None, html.unescape(response.content.decode())


@pytest.mark.parametrize("fixture, endpoint", list(_cases()))
def test_each_bad_file_is_refused_with_its_message_by_every_endpoint(fixture, endpoint, site, client, settings):
    for key, value in (fixture.get("settings") or {}).items():
        setattr(settings, key, value)
    if endpoint.name.endswith("appeal"):
        site.appeal = _appeal(site)
    name, content = _content(fixture, endpoint, settings)
    client.force_login(getattr(site.people, endpoint.user))
    before = _written(site)
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    started = time.process_time()  # CPU time: what a worker spends, whatever else loads the machine
    by_job = endpoint.use == "org_import" and fixture.get("org_import") == "job"
    with site.request.getfixturevalue("django_capture_on_commit_callbacks")(execute=True):
        response = endpoint.send(client, site, name, content)
    if by_job and not endpoint.api:
        assert response.status_code == 302, response.content
        response = client.get(response["Location"])
    if by_job and endpoint.api:
        assert response.status_code == 202, response.content
        response = client.get(response.json()["job"]["url"])
        assert response.json()["status"] == "failed"
    elapsed = time.process_time() - started
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - peak_before
    body, text = _texts(response)
    expected = _expected(fixture, endpoint, settings)
    if by_job:
        assert response.status_code == 200
    elif endpoint.api:
        assert response.status_code == (fixture["status"] if not endpoint.evidence or fixture["status"] == 413 else 400), text
        assert "detail" in body
    else:
        assert response.status_code == fixture.get("page_status", 200), text[:2000]
    assert expected in text, text[:3000]
    assert _written(site) == before
    assert elapsed < TIME_BOUND, f"{elapsed:.1f} s"
    assert grown < MEMORY_BOUND, f"peak memory grew by {grown / 2**20:.0f} MB"
