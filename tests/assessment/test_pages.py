"""Assessment pages: schemes and indicators, recompute and publish, the score table, an organisation's score and
appeal, assessor entries, and the 考核评分表 read back with openpyxl."""
import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from freezegun import freeze_time
from openpyxl import load_workbook

from assessment import compute, services
from assessment.choices import RunStatus
from assessment.models import Adjustment, Appeal, AssessmentRun, AssessmentScheme, Indicator, ManualPoints, Score
from orgs.models import Organization
from tests.assessment.scoring import MAY, compute_may

PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 64


def organisation_rows(sheet):
    """The rows of a 考核评分表 that score an organisation (numbered in column A), as values."""
    return [r for r in sheet.iter_rows(min_row=5, values_only=True) if isinstance(r[0], int)]


def test_an_assessor_creates_the_ready_scheme_and_edits_an_indicator(client, people, tree):
    client.force_login(people.assessor)
    response = client.post("/assessment/schemes/new/", {
        "issuer": "A", "ready": "on", "title": "2026年甲市团支部月度考核", "year": "2026", "grade_mode": "threshold",
        "excellent_from": "90", "good_from": "80", "pass_from": "60", "excellent_share": "20", "good_share": "30",
        "appeal_days": "3", "compute_day": "8", "is_active": "on"})
    scheme = AssessmentScheme.objects.get()
    assert response.status_code == 302 and scheme.title == "2026年甲市团支部月度考核" and scheme.max_total == 100
    html = client.get(f"/assessment/schemes/{scheme.pk}/").content.decode()
    assert "青年大学习参学率" in html and "参学率达到80%得满分" in html and 'id="compute-box"' in html
    leaf = scheme.indicators.get(name="青年大学习参学率")
    response = client.post(f"/assessment/indicators/{leaf.pk}/", {
        "parent": leaf.parent_id, "name": "青年大学习参学率", "max_points": "20", "rule": "report_field", "order": "3",
        "field_key": "study_rate", "standard_value": "90", "mode": "proportional", "standard": "参学率90%得满分"})
    leaf.refresh_from_db()
    assert response.status_code == 302 and leaf.params == {"field": "study_rate", "mode": "proportional", "standard": 90.0}
    html = client.post(f"/assessment/indicators/{leaf.pk}/", {
        "parent": leaf.parent_id, "name": "x", "max_points": "20", "rule": "report_field", "order": "3",
        "mode": "stepped", "steps": "2:10, abc"}).content.decode()
    assert "2:10" in html and Indicator.objects.get(pk=leaf.pk).name == "青年大学习参学率"


def test_bad_scheme_input_is_a_message(client, people):
    client.force_login(people.assessor)
    html = client.post("/assessment/schemes/new/", {"issuer": "B", "title": "x", "year": "2026", "grade_mode": "threshold",
                                               "excellent_from": "50", "good_from": "80", "pass_from": "60",
                                               "excellent_share": "80", "good_share": "30", "appeal_days": "0",
                                               "compute_day": "40"}).content.decode()
    assert not AssessmentScheme.objects.exists()
    assert "B" in html and "100" in html  # an organisation outside, shares over 100 %


def test_recompute_publish_and_the_table(client, people, month_data, django_capture_on_commit_callbacks):
    client.force_login(people.assessor)
    with freeze_time("2026-06-10 09:00:00+08:00"), django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/assessment/schemes/{month_data.scheme.pk}/compute/", {"month": "2026-05"})
    run = AssessmentRun.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/assessment/runs/{run.pk}/"
    html = client.get(f"/assessment/runs/{run.pk}/").content.decode()
    assert "61.00" in html and "一区乙团支部" in html and 'id="publish"' in html
    html = client.get(f"/assessment/runs/{run.pk}/?grade=fail&ordering=-total").content.decode()
    assert "一区幸福社区团支部" not in html and html.index("一区丙团支部") < html.index("一区乙团支部")
    client.post(f"/assessment/runs/{run.pk}/step/", {"step": "publish"})
    run.refresh_from_db()
    assert run.status == RunStatus.PUBLISHED
    with freeze_time("2026-06-10 09:00:00+08:00"):
        response = client.post(f"/assessment/schemes/{month_data.scheme.pk}/compute/", {"month": "2026-05"}, follow=True)
    assert "说明理由" in response.content.decode() and AssessmentRun.objects.count() == 1


def test_progress_is_polled_while_computing(client, people, month_data):
    run = AssessmentRun.objects.create(scheme=month_data.scheme, month=MAY, status=RunStatus.COMPUTING)
    client.force_login(people.assessor)
    html = client.get(f"/assessment/runs/{run.pk}/").content.decode()
    assert 'hx-trigger="every 1s"' in html
    response = client.get(f"/assessment/runs/{run.pk}/progress/")
    assert response.status_code == 200 and "HX-Refresh" not in response
    with freeze_time("2026-06-10 09:00:00+08:00"):
        compute.compute(run.pk)
    assert client.get(f"/assessment/runs/{run.pk}/progress/")["HX-Refresh"] == "true"


def test_the_sheet_has_merged_headers_and_the_apis_values(client, api, people, month_data,
                                                         django_capture_on_commit_callbacks):
    run = compute_may(month_data.scheme, people.assessor, callbacks=django_capture_on_commit_callbacks)
    client.force_login(people.assessor)
    response = client.get(f"/assessment/runs/{run.pk}/sheet.xlsx")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    sheet, notes = workbook.worksheets
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert sheet["A1"].value == "2026年5月 共青团甲市委员会团支部月度考核评分表" and "A1:M1" in merged
    assert "共青团甲市委员会" in sheet["A2"].value and "满分：70" in sheet["A2"].value
    assert "D3:F3" in merged and "G3:G3" not in merged and "A3:A4" in merged and "M3:M4" in merged
    assert sheet["D3"].value == "工作（70分）" and sheet["D4"].value == "任务完成（30分）" and sheet["G3"].value == "日常（10分）"
    assert [sheet.cell(row=3, column=c).value for c in range(8, 14)] == ["加分", "扣分", "申诉调整", "总分", "排名", "等次"]
    assert sheet.freeze_panes == "D5" and sheet.page_setup.orientation == "landscape"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage and (sheet.page_setup.fitToWidth or 1) == 1  # XlsxWriter omits the default 1
    assert sheet["K5"].number_format == "0.00" and sheet["A5"].border.left.style == "thin"
    rows = {r[1]: r for r in organisation_rows(sheet)}
    by_api = {s["organization"]: s for s in api.login(people.assessor).get(f"/api/v1/scores/?run={run.pk}").json()["results"]}
    for code, row in rows.items():
        assert Decimal(str(row[10])) == Decimal(by_api[code]["total"]) and row[11] == by_api[code]["rank"]
    assert rows["A1a"][3:7] == (15, 10, 20, 8) and rows["A1a"][7] == 10 and rows["A1a"][8] == -2 and rows["A1a"][12] == "合格"
    assert notes["A1"].value == "组织编码" and any("台账规范" in (r[5] or "") for r in notes.iter_rows(values_only=True))


def test_the_sheet_prints_with_fitting_headers_totals_page_numbers_and_a_sign_off_line(
        people, month_data, django_capture_on_commit_callbacks):
    from assessment import sheets

    leaf = month_data.scheme.indicators.get(name="任务完成")
    leaf.name = "重点任务按时序进度完成情况及台账资料规范完整程度"
    leaf.save()
    run = compute_may(month_data.scheme, people.assessor, callbacks=django_capture_on_commit_callbacks)
    sheet = load_workbook(io.BytesIO(sheets.month_workbook(run))).worksheets[0]
    assert sheet.print_title_rows == "$3:$4" and "&P" in sheet.oddFooter.center.text and "&N" in sheet.oddFooter.center.text
    assert (sheet.page_setup.fitToWidth or 1) == 1 and sheet.page_setup.fitToHeight == 0 and sheet.page_setup.paperSize == 9
    # 25 wide characters (50 units) in a 10-unit column: six bold lines, far above the default 15 points
    assert sheet.row_dimensions[4].height > 15 * 5 and sheet.row_dimensions[1].height > 15
    scored = organisation_rows(sheet)
    totals = {r[0]: r for r in sheet.iter_rows(min_row=5, values_only=True) if r[0] in ("合计", "平均")}
    assert len(scored) == 3 and set(totals) == {"合计", "平均"}
    for column in range(3, 11):  # every points column: indicators, bonus, deduction, appeal, total
        figures = [r[column] for r in scored if r[column] is not None]
        assert totals["合计"][column] == pytest.approx(sum(figures))
        assert totals["平均"][column] == pytest.approx(sum(figures) / len(figures))
    assert totals["合计"][10] == pytest.approx(61 + 24 + 30) and totals["平均"][10] == pytest.approx(115 / 3)
    last = [c.value for c in sheet[sheet.max_row] if c.value][0]
    assert all(word in last for word in ("制表单位：共青团甲市委员会", "制表人：", "审核人：", "日期："))


def test_the_year_workbook_has_a_sheet_per_published_month_and_totals(client, people, month_data,
                                                                     django_capture_on_commit_callbacks):
    run = compute_may(month_data.scheme, people.assessor, callbacks=django_capture_on_commit_callbacks)
    services.publish(run, by=people.assessor)
    client.force_login(people.assessor)
    workbook = load_workbook(io.BytesIO(client.get(f"/assessment/schemes/{month_data.scheme.pk}/year.xlsx").content))
    assert workbook.sheetnames == ["年度汇总", "5月", "5月计分说明"]
    summary = list(workbook["年度汇总"].iter_rows(min_row=4, values_only=True))
    assert summary[0][:3] == ("A1a", "一区幸福社区团支部", 61) and summary[0][-1] == 1
    sheet = workbook["年度汇总"]
    assert sheet.page_setup.orientation == "landscape" and (sheet.page_setup.fitToWidth or 1) == 1
    assert sheet.page_setup.fitToHeight == 0 and sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == "$1:$3" and "&P" in sheet.oddFooter.center.text
    assert "A1:F1" in {str(r) for r in sheet.merged_cells.ranges} and sheet.row_dimensions[1].height >= 16 * 1.45
    assert all(s.page_setup.orientation == "landscape" for s in workbook.worksheets)


def test_a_large_sheet_is_written_in_the_background_and_offered_in_the_bell(client, people, month_data, settings,
                                                                          django_capture_on_commit_callbacks, tmp_path):
    settings.SCORE_SHEET_SYNC_ROWS = 2
    settings.MEDIA_ROOT = tmp_path
    run = compute_may(month_data.scheme, people.assessor, callbacks=django_capture_on_commit_callbacks)
    client.force_login(people.assessor)
    response = client.get(f"/assessment/runs/{run.pk}/sheet.xlsx", HTTP_REFERER=f"/assessment/runs/{run.pk}/")
    assert response.status_code == 302
    from notifications.models import Download, Notification

    download = Download.objects.get(user=people.assessor)
    notification = Notification.objects.get(user=people.assessor, url=f"/notifications/downloads/{download.pk}/")
    assert "评分表" in notification.title
    fetched = client.get(notification.url)
    assert fetched.status_code == 200 and load_workbook(io.BytesIO(b"".join(fetched.streaming_content))).worksheets[0].max_row == 11
    client.force_login(people.staff)
    assert client.get(notification.url).status_code == 404


def test_an_organisation_sees_its_score_appeals_and_the_assessor_decides(client, people, month_data, tree,
                                                                        django_capture_on_commit_callbacks, tmp_path,
                                                                        settings):
    settings.MEDIA_ROOT = tmp_path
    month_data.scheme.appeal_days = 3
    month_data.scheme.save()
    run = compute_may(month_data.scheme, people.assessor, callbacks=django_capture_on_commit_callbacks)
    score = Score.objects.get(run=run, organization=tree.branch)
    client.force_login(people.reporter)
    assert client.get(f"/assessment/scores/{score.pk}/").status_code == 404  # provisional: not shown yet
    with freeze_time("2026-06-10 09:00:00+08:00"):
        services.open_appeals(run, by=people.assessor)
        html = client.get(f"/assessment/scores/{score.pk}/", follow=True).content.decode()  # to its stable address
        assert "61.00" in html and 'id="appeal-form"' in html and "台账规范" in html
        client.post(f"/assessment/scores/{score.pk}/appeal/", {"reason": "团课记录漏计", "files": [SimpleUploadedFile("记录.png", PNG)]})
        appeal = Appeal.objects.get()
        assert appeal.evidence.get().original_name == "记录.png"
        assert 'id="appeal-form"' not in client.get(score.get_absolute_url()).content.decode()
        client.force_login(people.assessor)
        assert "团课记录漏计" in client.get(f"/assessment/runs/{run.pk}/").content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            client.post(f"/assessment/appeals/{appeal.pk}/decide/", {"decision_step": "accept", "decision": "核实，加2分",
                                                               "adjustment": "2"})
    score = Score.objects.get(run=run, organization=tree.branch)
    assert score.total == 63
    client.force_login(people.reporter)
    html = client.get(score.get_absolute_url()).content.decode()
    assert "核实，加2分" in html and "63.00" in html


def test_assessor_entries_page(client, people, month_data, tree, django_capture_on_commit_callbacks):
    run = compute_may(month_data.scheme, people.assessor, callbacks=django_capture_on_commit_callbacks)
    client.force_login(people.assessor)
    client.post(f"/assessment/runs/{run.pk}/entries/", {"manual": "1", "m-organization": "C1", "m-indicator": month_data.leaves.manual.pk,
                                                   "m-points": "7", "m-comment": "按时完成"})
    assert ManualPoints.objects.get(organization__code="C1").points == 7
    html = client.post(f"/assessment/runs/{run.pk}/entries/", {"manual": "1", "m-organization": "C1",
                                                          "m-indicator": month_data.leaves.manual.pk, "m-points": "70",
                                                          "m-comment": "超出"}).content.decode()
    assert "0 到 10" in html
    client.post(f"/assessment/runs/{run.pk}/entries/", {"adjustment": "1", "a-organization": "C1", "a-kind": "bonus",
                                                   "a-points": "2", "a-reason": "获奖"})
    adjustment = Adjustment.objects.get(organization__code="C1")
    client.post(f"/assessment/adjustments/{adjustment.pk}/delete/")
    assert not Adjustment.objects.filter(organization__code="C1").exists()
    client.force_login(people.staff)
    assert client.get(f"/assessment/runs/{run.pk}/entries/").status_code == 404  # a provisional run is the assessors'
    services.publish(run, by=people.assessor)
    assert client.get(f"/assessment/runs/{run.pk}/entries/").status_code == 403


def test_my_scores_lists_published_results_of_my_organisation(client, people, month_data,
                                                              django_capture_on_commit_callbacks):
    run = compute_may(month_data.scheme, people.assessor, callbacks=django_capture_on_commit_callbacks)
    client.force_login(people.reporter)
    assert "61" not in client.get("/assessment/scores/mine/").content.decode()
    services.publish(run, by=people.assessor)
    html = client.get("/assessment/scores/mine/").content.decode()
    assert "61" in html and "第 1 名" in html and "合格" in html


def test_the_dashboard_shows_last_months_reporting_and_the_published_ranking(client, people, month_data,
                                                                            django_capture_on_commit_callbacks):
    run = compute_may(month_data.scheme, people.assessor, callbacks=django_capture_on_commit_callbacks)
    services.publish(run, by=people.assessor)
    Organization.objects.update(created_at=timezone.make_aware(datetime.datetime(2026, 1, 1)))
    client.force_login(people.leader)
    with freeze_time("2026-06-10 09:00:00+08:00"):
        html = client.get("/").content.decode()
        assert 'id="dash-reporting"' in html and "66.7%" in html  # A1a and B1 of three submitted May
        html = client.get("/dashboard/A1/").content.decode()
    ranking = html[html.index('data-chart-table="children-score"'):]
    assert ranking.index("一区幸福社区团支部") < ranking.index("一区丙团支部") < ranking.index("一区乙团支部")
    client.force_login(people.reporter)
    html = client.get("/").content.decode()
    assert 'id="dash-reporting"' not in html and 'id="start-report"' in html


def test_score_pages_take_the_same_number_of_queries_for_more_organisations(client, people, month_data, tree,
                                                                            django_capture_on_commit_callbacks):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import OrganizationFactory

    def measure():
        run = compute_may(month_data.scheme, people.assessor, reason="再算", callbacks=django_capture_on_commit_callbacks)
        score = Score.objects.get(run=run, organization=tree.branch)
        counts = []
        for url in [f"/assessment/runs/{run.pk}/", score.get_absolute_url(), "/assessment/schemes/"]:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            counts.append(len(queries))
        return counts

    client.force_login(people.assessor)
    before = measure()
    for i in range(10):
        OrganizationFactory(parent=tree.district, name=f"新支部{i}", code=f"N{i}")
    assert measure() == before


def test_the_month_sheet_with_english_active_shows_the_appeal_column(people, month_data, tree,
                                                                      django_capture_on_commit_callbacks):
    """The 申诉调整 column reads the items' kind, never their (translated) explanation."""
    from django.utils import translation

    from assessment import sheets
    from assessment.choices import ItemKind

    month_data.scheme.appeal_days = 3
    month_data.scheme.save()
    with translation.override("en"):
        run = compute_may(month_data.scheme, people.assessor, callbacks=django_capture_on_commit_callbacks)
        with freeze_time("2026-06-10 09:00:00+08:00"):
            run = services.open_appeals(run, by=people.assessor)
            appeal = services.file_appeal(run, tree.branch, by=people.reporter, reason="团课记录漏计")
            with django_capture_on_commit_callbacks(execute=True):
                services.decide_appeal(appeal, by=people.assessor, accept=True, decision="核实，加2分", adjustment=2)
        run.refresh_from_db()
        items = Score.objects.get(run=run, organization=tree.branch).items.all()
        assert sorted(items.values_list("kind", flat=True)) == sorted([ItemKind.INDICATOR] * 4 + [
            ItemKind.BONUS, ItemKind.DEDUCTION, ItemKind.APPEAL])
        assert items.get(kind=ItemKind.APPEAL).explanation.startswith("Appeal accepted")
        sheet = load_workbook(io.BytesIO(sheets.month_workbook(run))).worksheets[0]
    rows = {r[1]: r for r in organisation_rows(sheet)}
    assert rows["A1a"][7:11] == (10, -2, 2, 63)  # bonus, deduction, appeal, total
    assert rows["B1"][9] == 0
