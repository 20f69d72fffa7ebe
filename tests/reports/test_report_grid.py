"""The reviewers' month × organisation grid, its counts, the month's export and the offline form."""
import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from freezegun import freeze_time
from openpyxl import Workbook, load_workbook
from openpyxl.utils.cell import range_boundaries

from core.spreadsheets import read_table
from orgs.choices import Kind, Level
from reports import grid, selectors, services, sheets
from reports.models import MonthlyReport
from tests.factories import OrganizationFactory

D = datetime.date


@pytest.fixture
def branches(tree, report_setup, people):
    """Four more branches under the district; May: one approved, one late, one returned, one draft; two missing."""
    extra = [OrganizationFactory(parent=tree.district, name=f"一区第{i}团支部", code=f"A1{i}") for i in range(1, 5)]
    states = {}
    with freeze_time("2026-06-03 10:00:00+08:00"):
        approved = _submitted(extra[0], people)
        services.approve_report(approved, by=people.leader)  # staff submitted it: another reviewer approves
        returned = _submitted(extra[2], people)
        services.return_report(returned, by=people.leader, reason="补充")
        draft = services.start_report(extra[3], D(2026, 5, 1), by=people.staff)
    with freeze_time("2026-06-08 10:00:00+08:00"):
        late = _submitted(extra[1], people)
    states.update(approved=approved, late=late, returned=returned, draft=draft)
    return extra


def _submitted(organization, people):
    report = services.start_report(organization, D(2026, 5, 1), by=people.staff)
    services.save_draft(report, by=people.staff, values={"meetings": 2, "study_rate": "85.5"}, work_done="开展主题团日")
    return services.submit_report(report, by=people.staff)


@freeze_time("2026-06-10 10:00:00+08:00")
def test_month_columns_count_by_status_late_and_missing(branches, people):
    organizations = selectors.reviewable(people.staff)
    assert organizations.count() == 5  # A1a and the four new branches; the district is not a grassroots organisation
    may, june = grid.month_columns(selectors.reviewer_scope(people.staff), [D(2026, 5, 1), D(2026, 6, 1)], D(2026, 6, 10))
    assert may.due == 5 and may.counts == {"approved": 1, "submitted": 1, "returned": 1, "draft": 1}
    assert may.late == 1 and may.missing == 2 and may.sent == 3 and may.rate == 60.0
    assert june.due == 5 and june.counts == {} and june.missing == 0 and june.rate == 0.0  # June is not due until July 5th


@freeze_time("2026-06-04 10:00:00+08:00")
def test_before_the_deadline_nothing_is_missing(branches, people):
    (may,) = grid.month_columns(selectors.reviewer_scope(people.staff), [D(2026, 5, 1)], D(2026, 6, 4))
    assert may.missing == 0


@freeze_time("2026-06-10 10:00:00+08:00")
def test_the_grid_page_shows_states_counts_and_filters(client, branches, people, report_setup):
    report_setup.rule.since = D(2026, 5, 1)
    report_setup.rule.save()
    client.force_login(people.leader)
    html = client.get("/reports/grid/?year=2026").content.decode()
    assert html.count(">未报<") == 2 + 1 and "60.0%" in html and "+3" in html  # A1a, A14 (a draft); the state filter
    html = client.get("/reports/grid/?month=2026-05&state=missing").content.decode()
    assert "一区幸福社区团支部" in html and "一区第4团支部" in html and "一区第1团支部" not in html
    html = client.get("/reports/grid/?month=2026-05&state=late").content.decode()
    assert "一区第2团支部" in html and "一区第1团支部" not in html
    html = client.get("/reports/grid/?month=2026-13").content.decode()  # a bad month: a message, no 500
    assert "月份" in html


@freeze_time("2026-06-10 10:00:00+08:00")
def test_the_grid_page_takes_the_same_number_of_queries_for_more_rows(client, branches, people, tree,
                                                                       django_assert_max_num_queries):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(people.leader)
    client.get("/reports/grid/")
    cache.clear()  # the totals computed, not read from the cache
    with CaptureQueriesContext(connection) as before:
        client.get("/reports/grid/?year=2026")
    with CaptureQueriesContext(connection) as cached:
        client.get("/reports/grid/?year=2026")
    for i in range(10):
        org = OrganizationFactory(parent=tree.district, name=f"新支部{i}", code=f"N{i}")
        services.start_report(org, D(2026, 5, 1), by=people.staff)
    with CaptureQueriesContext(connection) as after:  # the change is seen: computed again, in as many queries
        client.get("/reports/grid/?year=2026")
    with CaptureQueriesContext(connection) as cached_after:
        client.get("/reports/grid/?year=2026")
    assert len(after) == len(before) and len(cached_after) == len(cached) < len(before)


@freeze_time("2026-06-10 10:00:00+08:00")
def test_the_grids_cached_totals_follow_every_change(client, branches, people, report_setup, tree):
    client.force_login(people.leader)
    today = D(2026, 6, 10)

    def shown_and_computed():
        shown = client.get("/reports/grid/?year=2026").context["columns"]
        return shown, grid.month_columns(selectors.reviewer_scope(people.leader), grid.months_of(2026, today), today)

    before, computed = shown_and_computed()
    assert before == computed and before[4].missing
    _submitted(tree.branch, people)  # A1a's May report, late
    after, computed = shown_and_computed()
    assert after == computed and after[4].sent == before[4].sent + 1
    OrganizationFactory(parent=tree.district, name="新支部", code="N1", reporting_from=D(2026, 5, 1))
    grown, computed = shown_and_computed()
    assert grown == computed and grown[4].due == after[4].due + 1
    report_setup.rule.due_day = 12  # a rule changed: May's deadline has not passed on June 10th
    report_setup.rule.save()
    later, computed = shown_and_computed()
    assert later == computed and later[4].missing == 0


def test_grid_and_export_are_for_reviewers(client, people, report_setup):
    for user, status in [(people.reporter, 403), (people.assessor, 403), (people.leader, 200), (people.staff, 200)]:
        client.force_login(user)
        assert client.get("/reports/grid/").status_code == status
        assert client.get("/reports/export.xlsx?month=2026-05").status_code == status


@freeze_time("2026-06-10 10:00:00+08:00")
def test_the_export_has_a_row_per_organisation_and_a_column_per_field(client, branches, people):
    client.force_login(people.staff)
    response = client.get("/reports/export.xlsx?month=2026-05")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert header[:4] == ("组织编码", "组织名称", "月份", "状态") and "支部委员会（次）" in header and "本月工作完成情况" in header
    by_code = {row[0]: dict(zip(header, row)) for row in rows[1:]}
    assert set(by_code) == {"A1a", "A11", "A12", "A13", "A14"}
    assert by_code["A11"]["状态"] == "已通过" and by_code["A11"]["支部委员会（次）"] == 2
    assert by_code["A11"]["青年大学习参学率（%）"] == 85.5 and by_code["A11"]["本月工作完成情况"] == "开展主题团日"
    assert by_code["A12"]["迟报天数"] == 3 and by_code["A1a"]["状态"] == "未报"
    assert sheet.freeze_panes == "A2"


def _upload(rows, header=("组织编码", "组织名称", "月份", "支部委员会（次）", "青年大学习参学率（%）", "本月工作完成情况")):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("填报表.xlsx", buffer.getvalue())


@freeze_time("2026-06-03 10:00:00+08:00")
def test_the_offline_form_round_trips(client, people, report_setup, plan):
    client.force_login(people.reporter)
    response = client.get("/reports/template.xlsx?month=2026-05")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("组织编码", "组织名称", "月份") and "状态" not in rows[0] and [r[0] for r in rows[1:]] == ["A1a"]
    # a template: drop-downs and checks, the header locked and the rows free, frozen, a 说明 sheet, printable
    checks = {sheet.cell(row=1, column=range_boundaries(str(v.sqref))[0]).value: v
              for v in sheet.data_validations.dataValidation}
    assert checks["支部委员会（次）"].type == "whole" and checks["青年大学习参学率（%）"].type == "decimal"
    assert (checks["支部委员会（次）"].formula1, checks["支部委员会（次）"].formula2) == ("0", "31")  # the field's bounds
    assert checks["青年大学习参学率（%）"].operator == "greaterThanOrEqual" and "不小于 0" in checks["青年大学习参学率（%）"].error
    assert sheet.protection.sheet and sheet["A1"].protection.locked and not sheet["D2"].protection.locked
    assert sheet.freeze_panes == "A2" and sheet.page_setup.orientation == "landscape"
    assert sheet.parent.sheetnames[1] == "说明" and "上传" in str(list(sheet.parent["说明"].values))
    sheet.cell(row=2, column=rows[0].index("支部委员会（次）") + 1, value=3)
    sheet.cell(row=2, column=rows[0].index("青年大学习参学率（%）") + 1, value="92%")
    sheet.cell(row=2, column=rows[0].index("存在问题") + 1, value="部分团员未参学")
    buffer = io.BytesIO()
    sheet.parent.save(buffer)
    response = client.post("/reports/upload/", {"file": SimpleUploadedFile("form.xlsx", buffer.getvalue()), "submit": "1"})
    assert response.status_code == 302
    report = MonthlyReport.objects.get()
    assert report.status == "submitted" and report.values == {"meetings": 3, "study_rate": "92"}
    assert report.problems == "部分团员未参学" and report.lines.count() == 1


@freeze_time("2026-06-03 10:00:00+08:00")
def test_an_upload_with_any_bad_row_saves_nothing_and_names_row_and_column(client, people, report_setup, tree):
    client.force_login(people.staff)
    rows = [
        ("A1a", "", "2026-05", 2, 80, "好"),
        ("A1a", "", "2026-05", 1, 80, "重复"),
        ("Bb", "", "2026-05", 1, 80, ""),
        ("ZZZ", "", "2026-05", 1, 80, ""),
        ("A1a", "", "2026-13", 1, 80, ""),
        ("A1a", "", "2026-08", 1, 80, ""),
        ("A1a", "", "2026-04", 40, "abc", ""),
    ]
    html = client.post("/reports/upload/", {"file": _upload(rows)}).content.decode()
    assert MonthlyReport.objects.count() == 0
    checked = sheets.check_upload(read_table(_upload(rows)), people.staff)
    problems = {(row, column) for row, column, _message in checked.errors}
    assert problems == {(3, "组织编码"), (4, "组织编码"), (5, "组织编码"), (6, "月份"), (7, "月份"),
                        (8, "支部委员会（次）"), (8, "青年大学习参学率（%）")}
    assert "未保存任何数据" in html and "第 3 行" not in html and "<td>3</td><td>组织编码</td>" in html


def test_an_upload_cannot_change_a_submitted_report_or_fill_for_others(client, people, report_setup, tree):
    with freeze_time("2026-06-03 10:00:00+08:00"):
        report = services.start_report(tree.branch, D(2026, 5, 1), by=people.reporter)
        services.save_draft(report, by=people.reporter, values={"meetings": 1})
        services.submit_report(report, by=people.reporter)
        checked = sheets.check_upload(read_table(_upload([("A1a", "", "2026-05", 2, 80, "")])), people.staff)
        assert [(r, c) for r, c, _m in checked.errors] == [(2, "月份")]
        checked = sheets.check_upload(read_table(_upload([("A1a", "", "2026-04", 2, 80, "")])), people.leader)
        assert [(r, c) for r, c, _m in checked.errors] == [(2, "组织编码")]


def test_an_unreadable_upload_is_a_message(client, people, report_setup):
    client.force_login(people.reporter)
    response = client.post("/reports/upload/", {"file": SimpleUploadedFile("x.xlsx", b"PK\x03\x04broken")})
    assert response.status_code == 200 and MonthlyReport.objects.count() == 0


@freeze_time("2026-06-10 10:00:00+08:00")
def test_the_api_summary_export_and_upload(api, branches, people, tree):
    api.login(people.leader)
    may = next(m for m in api.get("/api/v1/monthly-reports/summary/?year=2026").json() if m["month"] == "2026-05-01")
    assert may["due"] == 5 and may["missing"] == 2 and may["rate"] == 60.0 and may["counts"]["approved"] == 1
    assert api.get("/api/v1/monthly-reports/summary/?within=B").status_code == 400
    response = api.get("/api/v1/monthly-reports/export/?month=2026-05&within=A1")
    assert response.status_code == 200 and load_workbook(io.BytesIO(response.content)).active.max_row == 6
    assert api.get("/api/v1/monthly-reports/export/?month=May").status_code == 400
    api.login(people.reporter)
    assert api.get("/api/v1/monthly-reports/summary/").status_code == 403
    response = api.post("/api/v1/monthly-reports/upload/", {"file": _upload([("A1a", "", "2026-05", 99, 80, "")])},
                        multipart=True)
    assert response.status_code == 400 and response.json()["errors"][0]["column"] == "支部委员会（次）"
    response = api.post("/api/v1/monthly-reports/upload/", {"file": _upload([("A1a", "", "2026-05", 2, 80, "")])},
                        multipart=True)
    assert response.status_code == 200 and response.json() == {"saved": 1}
    assert MonthlyReport.objects.get(organization=tree.branch).values == {"meetings": 2, "study_rate": "80"}


def test_only_organisations_below_count_not_the_reviewers_own(tree, people, report_setup):
    from reports.models import ReportingRule

    ReportingRule.objects.create(organization=tree.province, levels=[Level.CITY], kinds=[Kind.COMMITTEE])
    assert {o.code for o in selectors.reviewable(people.staff)} == {"A1a"}
    assert {o.code for o in selectors.reviewable(people.root)} == {"A", "B", "A1a"}


@freeze_time("2026-06-10 10:00:00+08:00")
def test_months_before_a_rule_began_are_not_counted(people, branches, report_setup):
    from reports.models import ReportingRule

    ReportingRule.objects.filter(pk=report_setup.rule.pk).update(since=D(2026, 5, 1))
    april, may = grid.month_columns(selectors.reviewer_scope(people.staff), [D(2026, 4, 1), D(2026, 5, 1)],
                                    D(2026, 6, 10))
    assert (april.due, april.missing, may.due, may.missing) == (0, 0, 5, 2)
    rows = dict(grid.grid_rows(selectors.reviewable(people.staff), [D(2026, 4, 1), D(2026, 5, 1)], D(2026, 6, 10)))
    assert [[c.state for c in cells] for cells in rows.values()][0] == ["not_required", "missing"]
