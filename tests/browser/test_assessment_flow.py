"""The monthly assessment in real Chromium: an assessor gives a bonus, recomputes last month (a new version,
since it was published), publishes it and downloads the 考核评分表; the branch then sees its published score
and rank on a phone."""
import io

import pytest
from openpyxl import load_workbook

from assessment.models import AssessmentRun, Score
from core import months
from orgs.models import Organization

pytestmark = pytest.mark.browser


def test_assessor_recomputes_publishes_and_the_branch_sees_its_rank(page, browser, live_server, demo, login, pick, shot):
    branch = Organization.objects.get(code="3601010001001")
    first = AssessmentRun.objects.get()
    before = Score.objects.get(run=first, organization=branch).total
    month = months.last_month()

    login(page, "demo_assessor")
    leaf = first.scheme.indicators.get(name="青年大学习参学率")  # the editor shows the chosen rule's parameters only
    page.goto(f"{live_server.url}/assessment/indicators/{leaf.pk}/")
    assert page.locator("#id_field_key").is_visible() and not page.locator("#id_submitted").is_visible()
    page.select_option("#id_rule", "reporting")
    assert page.locator("#id_submitted").is_visible() and not page.locator("#id_field_key").is_visible()

    page.goto(f"{live_server.url}/assessment/runs/{first.pk}/entries/")
    pick(page, "id_a-organization", branch.code)
    page.select_option("#id_a-kind", "bonus")
    page.fill("#id_a-points", "4")
    page.fill("#id_a-reason", "青年大学习学习标兵支部")
    page.click("button[name=adjustment]")
    page.locator("#adjustment-list", has_text="青年大学习学习标兵支部").wait_for()

    page.goto(f"{live_server.url}/assessment/runs/{first.pk}/")
    page.fill("#run-actions input[name=reason]", "补录加分")
    page.click("#recompute")
    page.locator("#run-status", has_text="待公示").wait_for()
    second = AssessmentRun.objects.get(version=2)
    assert second.month == month and second.reason == "补录加分"
    shot(page, "assessment-run-provisional")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#publish")
    page.locator("#run-status", has_text="已公布").wait_for()
    with page.expect_download() as info:
        page.click("#sheet-link")
    sheet = load_workbook(io.BytesIO(open(info.value.path(), "rb").read())).worksheets[0]
    assert sheet["A1"].value.startswith(f"{month.year}年{month.month}月") and sheet["A1"].value.endswith("评分表")
    row = next(r for r in sheet.iter_rows(min_row=5, values_only=True) if r[1] == branch.code)
    after = Score.objects.get(run=second, organization=branch)
    assert after.total == before + 4 and row[-3] == float(after.total) and row[-2] == after.rank
    first.refresh_from_db()
    assert first.status == "superseded"

    phone = browser.new_context(viewport={"width": 375, "height": 812}, is_mobile=True, locale="zh-CN").new_page()
    login(phone, "demo_reporter")
    phone.goto(f"{live_server.url}/assessment/scores/mine/")
    phone.locator("#my-scores a").first.click()
    phone.locator("#score-total").wait_for()
    assert phone.locator("#score-total").inner_text() == f"{after.total:.2f}"
    assert phone.locator("#score-rank").inner_text().startswith(str(after.rank))
    assert "青年大学习学习标兵支部" in phone.locator("#breakdown").inner_text()
    shot(phone, "assessment-score-phone")
    phone.context.close()
