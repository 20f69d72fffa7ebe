"""Every spreadsheet the portal hands out, filled with hostile text: no live formula, no 500.

User text that starts with = + - @ (or a tab or carriage return before one) is what Excel and
LibreOffice take for a formula; characters XML cannot hold made openpyxl refuse the whole file.
The list below names every export (page, API and background), and a guard fails when a new
export route appears that is not in it; another guard keeps workbooks and CSV writers inside
core/spreadsheets.py, whose one cell factory writes text as text.
"""
import ast
import csv
import datetime
import io
import re
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver
from freezegun import freeze_time
from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from assessment import services as assessment_services
from core.spreadsheets import read_table
from orgs import exports, importers
from orgs.models import Organization
from orgs.permissions import SYSTEM
from plans.models import Section, Target, WorkPoint
from reports import services, sheets
from reports.models import MonthlyReport, ReportField
from tests.assessment.scoring import MAY, compute_may
from tests.volunteers.conftest import activity_of, volunteer_of
from volunteers import services as volunteer_services
from volunteers.models import Volunteer

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
HYPERLINK = '=HYPERLINK("http://x","y")'
HOSTILE = ["=1+1", "+1", "-1+1", "@SUM(A1)", "\t=1", "\r=1", HYPERLINK, "\x01\x02\x1f"]


@pytest.fixture
def hostile(tree, people, plan, month_data, django_capture_on_commit_callbacks):
    """The assessment month of tests/plans/conftest.py with hostile text in every field a user types that an
    export carries: organisation names, plan texts, report field labels, narratives, a text field, a return
    reason, a reviewer's name, indicator names, an assessor's comment, adjustment reasons, a volunteer's name
    and skills."""
    names = {tree.branch: "=1+1", tree.district: "+1", month_data.b: "-1+1", month_data.c: "@SUM(A1)\x01",
             tree.city_b: "\t=1", tree.other_branch: "\r=1", tree.province: HYPERLINK}
    for organization, name in names.items():
        Organization.objects.filter(pk=organization.pk).update(name=name)
    Section.objects.filter(pk=plan.section.pk).update(number="", title="\r=1")
    WorkPoint.objects.filter(pk=plan.point.pk).update(number="", title=HYPERLINK)
    Target.objects.filter(pk=plan.target.pk).update(metric="@SUM(A1)", unit="-1")
    ReportField.objects.filter(key="meetings").update(label="=1+1（次）")
    ReportField.objects.filter(key="study_rate").update(label="+1 参学率\x02")
    ReportField.objects.create(organization=tree.city_a, key="note", label="-1+1 备注", field_type="text", order=3)
    people.staff.first_name = HYPERLINK
    people.staff.save()
    with freeze_time("2026-06-04 10:00:00+08:00"):
        report = services.start_report(tree.branch, MAY, by=people.reporter)  # approved in month_data: reopen
        report = services.reopen_report(report, by=people.staff, reason="=1+1")
        report = services.save_draft(report, by=people.reporter, values={"meetings": 1, "study_rate": "92",
                                                                          "note": "@SUM(A1)"},
                                     work_done="=1+1\x01", problems="\t=1", next_plan="-1+1\x1f")
        report = services.approve_report(services.submit_report(report, by=people.reporter), by=people.staff)
    MonthlyReport.objects.filter(organization=month_data.b).update(return_reason="@SUM(A1)\x01")
    top = month_data.leaves.targets.parent
    top.name = "=SUM(1,2)"
    top.save()
    month_data.leaves.study.name = "+1\x01"
    month_data.leaves.study.save()
    assessment_services.set_manual_points(month_data.leaves.manual, tree.branch, MAY, by=people.assessor, points_given=7,
                               comment="=1+1\x01")
    run = compute_may(month_data.scheme, people.assessor, callbacks=django_capture_on_commit_callbacks)
    run = assessment_services.publish(run, by=people.assessor)
    volunteer = volunteer_of(tree.branch, name="志愿者")
    Volunteer.objects.filter(pk=volunteer.pk).update(name="=1+1\x01", skills=HYPERLINK)
    activity = activity_of(tree.branch, title="@SUM(A1)\x02", first=datetime.date(2026, 3, 1))
    volunteer_services.record_service(by=SYSTEM, activity=activity, volunteer=volunteer, date=datetime.date(2026, 3, 1),
                                      hours=3, note=HYPERLINK)
    return SimpleNamespace(plan=plan.plan, run=run, scheme=month_data.scheme)


# every export: (route name, who downloads it, the address); a new route that writes a file belongs here
EXPORTS = {
    "orgs:export (xlsx)": ("root", lambda h: "/orgs/export/?file_format=xlsx"),
    "orgs:export (csv)": ("root", lambda h: "/orgs/export/?file_format=csv"),
    "api:organization-export (xlsx)": ("root", lambda h: "/api/v1/organizations/export/?file_format=xlsx"),
    "api:organization-export (csv)": ("root", lambda h: "/api/v1/organizations/export/?file_format=csv"),
    "plans:ledger_export": ("staff", lambda h: f"/plans/{h.plan.pk}/ledger.xlsx"),
    "api:plan-ledger": ("staff", lambda h: f"/api/v1/plans/{h.plan.pk}/ledger/"),
    "reports:report_export": ("staff", lambda h: "/reports/export.xlsx?month=2026-05"),
    "api:monthlyreport-export": ("leader", lambda h: "/api/v1/monthly-reports/export/?month=2026-05"),
    "reports:report_template": ("reporter", lambda h: "/reports/template.xlsx?month=2026-05"),
    "assessment:run_sheet": ("assessor", lambda h: f"/assessment/runs/{h.run.pk}/sheet.xlsx"),
    "api:assessmentrun-sheet": ("assessor", lambda h: f"/api/v1/assessment-runs/{h.run.pk}/sheet/"),
    "assessment:scheme_year_sheet": ("assessor", lambda h: f"/assessment/schemes/{h.scheme.pk}/year.xlsx"),
    "volunteers:volunteer_export": ("staff", lambda h: "/volunteers/export/"),
    "volunteers:record_export": ("staff", lambda h: "/volunteers/records/export/"),
    "api:servicerecord-export": ("reporter", lambda h: "/api/v1/service-records/export/"),
    "dashboard:dashboard_export": ("leader", lambda h: "/dashboard/A/export.xlsx?year=2026"),
    # empty import templates: nothing a user typed, but no formula either
    "orgs:import_template": ("root", lambda h: "/orgs/import/template.xlsx"),
    "volunteers:import_template (volunteers)": ("staff", lambda h: "/volunteers/import/template/volunteers.xlsx"),
    "volunteers:import_template (records)": ("staff", lambda h: "/volunteers/import/template/records.xlsx"),
    "notifications:download (a large 考核评分表)": ("assessor", None),
}


def _fetch(client, people, hostile, name, settings, tmp_path):
    who, address = EXPORTS[name]
    client.force_login(getattr(people, who))
    if address is None:  # written by Celery and offered under the bell
        settings.SCORE_SHEET_SYNC_ROWS, settings.MEDIA_ROOT = 0, tmp_path
        from notifications.models import Download

        assert client.get(f"/assessment/runs/{hostile.run.pk}/sheet.xlsx").status_code == 302
        response = client.get(f"/notifications/downloads/{Download.objects.get().pk}/")
        assert response.status_code == 200
        return b"".join(response.streaming_content)
    response = client.get(address(hostile))
    if response.streaming:  # a long list streams from a temporary file
        return b"".join(response.streaming_content)
    assert response.status_code == 200, (response.status_code, response.content.decode(errors="replace")[-1500:])
    return response.content


def _xlsx_cells(content):
    workbook = load_workbook(io.BytesIO(content))
    return [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]


@pytest.mark.parametrize("name", list(EXPORTS))
def test_no_export_carries_a_live_formula_or_a_control_character(client, people, hostile, name, settings, tmp_path):
    content = _fetch(client, people, hostile, name, settings, tmp_path)
    if "(csv)" in name:
        rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
        cells = [value for row in rows for value in row]
        assert not [v for v in cells if v.startswith(FORMULA_START)]
        assert "'=1+1" in cells and "'\t=1" in cells and f"'{HYPERLINK}" in cells
        assert not [v for v in cells if ILLEGAL_CHARACTERS_RE.search(v)]
        return
    with zipfile.ZipFile(io.BytesIO(content)) as archive:  # what Excel reads: no <f> element anywhere
        for member in archive.namelist():
            if member.startswith("xl/worksheets/"):
                assert not re.search(rb"<f[ >]", archive.read(member)), member
    cells = _xlsx_cells(content)
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    texts = [c for c in cells if isinstance(c.value, str)]
    assert not [c.value for c in texts if ILLEGAL_CHARACTERS_RE.search(c.value)]
    risky = [c for c in texts if c.value.startswith(FORMULA_START)]
    assert risky or "import_template" in name, "the hostile text reached the sheet"
    # stored as text and marked so that Excel keeps it text even when someone edits the cell
    assert all(c.data_type == "s" and c.quotePrefix for c in risky)


def _routes(resolver=None, namespace=""):
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def test_every_route_that_writes_a_spreadsheet_is_in_the_hostile_text_test():
    writers = {name for name in _routes() if re.search(r"(export|sheet|template|ledger)$", name)}
    covered = {name.split(" (")[0] for name in EXPORTS}
    assert writers <= covered, f"add {sorted(writers - covered)} to EXPORTS"


PROJECT = Path(__file__).resolve().parents[2]
WRITER = PROJECT / "core" / "spreadsheets.py"


def test_workbooks_and_csv_writers_are_made_only_by_the_shared_writer():
    """openpyxl turns any str starting with '=' into a formula; only the writer's cell factory prevents it."""
    offenders = []
    for path in PROJECT.glob("*/**/*.py"):
        if path == WRITER or any(part in (".venv", "tests", "bench", "migrations") for part in path.parts):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("openpyxl"):
                offenders += [f"{path}: {a.name}" for a in node.names if a.name in ("Workbook", "WriteOnlyCell", "Cell")]
            if isinstance(node, ast.Attribute) and node.attr in ("writer", "DictWriter") and getattr(node.value, "id", "") == "csv":
                offenders.append(f"{path}: csv.{node.attr}")
    assert offenders == []


@freeze_time("2026-06-10 10:00:00+08:00")
def test_a_control_character_in_a_narrative_does_not_break_the_month_export(client, people, report_setup, tree):
    report = services.start_report(tree.branch, MAY, by=people.reporter)
    services.submit_report(services.save_draft(report, by=people.reporter, values={"meetings": 1},
                                                work_done="开展\x01主题团日"), by=people.reporter)
    client.force_login(people.leader)
    response = client.get("/reports/export.xlsx?month=2026-05")
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert "开展主题团日" in rows[1]


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_an_export_with_hostile_names_reimports_unchanged(people, tree, file_format):
    for organization, name in [(tree.branch, "=1+1"), (tree.district, "'-1"), (tree.city_a, "@甲市")]:
        Organization.objects.filter(pk=organization.pk).update(name=name)
    data = exports.export_tree(Organization.objects.restrict(people.admin), file_format)
    before = list(Organization.objects.values_list("code", "name", "path", "updated_at"))
    plan = importers.plan_import(read_table(SimpleUploadedFile(f"t.{file_format}", data)), by=people.admin)
    assert plan.is_valid, plan.errors
    assert plan.summary == {"create": 0, "update": 0, "move": 0, "unchanged": 3}
    assert list(Organization.objects.values_list("code", "name", "path", "updated_at")) == before


@freeze_time("2026-06-03 10:00:00+08:00")
def test_the_offline_form_keeps_formula_like_text_as_typed(client, people, report_setup, plan, tree):
    report = services.start_report(tree.branch, MAY, by=people.reporter)
    services.save_draft(report, by=people.reporter, values={"meetings": 2}, work_done="=1+1", problems="-有问题")
    client.force_login(people.reporter)
    form = client.get("/reports/template.xlsx?month=2026-05").content
    checked = sheets.check_upload(read_table(SimpleUploadedFile("form.xlsx", form)), people.reporter)
    assert checked.is_valid, checked.errors
    sheets.apply_upload(checked, by=people.reporter)
    report = MonthlyReport.objects.get()
    assert (report.work_done, report.problems) == ("=1+1", "-有问题")

