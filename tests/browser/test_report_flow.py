"""The monthly report cycle on a phone-sized screen in real Chromium: a branch fills in and submits (the draft
saving itself as it types), the city's staff return it with a reason, the branch corrects it and resubmits,
the staff approve it, and the branch's task shows the figure from the report."""
import base64

import pytest
from django.utils import timezone

from core import months
from orgs.models import Organization
from plans.models import Assignment
from reports import selectors
from reports.models import MonthlyReport

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 812}
PIXEL = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def fits_the_screen(page):
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_report_goes_round_the_cycle_on_a_phone(phone, live_server, demo, login, shot, tmp_path):
    branch = Organization.objects.get(code="3601010001001")
    month = months.month_start(timezone.localdate())
    (assignment,) = selectors.active_assignments(branch, month)
    figure = int(assignment.own_value or 0) + 1
    page = phone

    # the branch fills in this month's report
    login(page, "demo_reporter")
    page.goto(f"{live_server.url}/reports/")
    assert fits_the_screen(page)
    page.locator("#report-months form").filter(has=page.locator(f"input[value='{month:%Y-%m-%d}']")).locator("button").click()
    page.wait_for_url("**/reports/*/")
    report = MonthlyReport.objects.get(organization=branch, month=month)
    page.fill("#f-committee_meetings", "40")
    page.locator("#autosave-status", has_text="未保存").wait_for()  # the draft saves itself, without the bad figure
    page.fill("#f-committee_meetings", "1")
    page.fill("#f-study_rate", "95")
    page.fill(f"input[name='line-{report.lines.get().pk}']", str(figure))
    page.fill("#work_done", "召开支委会，开展“青春心向党”主题团日。")
    page.locator("#autosave-status", has_text="自动保存").wait_for()
    page.locator("#autosave-status", has_text="未保存").wait_for(state="detached")
    saved = MonthlyReport.objects.get(pk=report.pk)
    assert saved.values["committee_meetings"] == 1 and saved.work_done.startswith("召开支委会")
    assert fits_the_screen(page)
    shot(page, "report-form-phone")
    page.click("#report-form button[name=submit]")
    page.locator("#report-status", has_text="已提交").wait_for()

    # the city's staff return it with a reason
    page.context.clear_cookies()
    login(page, "demo_staff")
    page.goto(f"{live_server.url}/reports/{report.pk}/")
    page.fill("#review-box input[name=reason]", "请补充主题团日照片。")
    page.click("#review-box button[value=return]")
    page.locator("#report-status", has_text="已退回").wait_for()

    # the branch sees why, on its bell too, attaches the photo and resubmits
    page.context.clear_cookies()
    login(page, "demo_reporter")
    assert int(page.locator("#bell-count").inner_text()) >= 1
    page.click("#bell button")
    page.locator("#bell-menu", has_text="退回").wait_for()
    page.goto(f"{live_server.url}/reports/{report.pk}/")
    assert "请补充主题团日照片" in page.locator("#return-reason").inner_text()
    photo = tmp_path / "主题团日.png"
    photo.write_bytes(PIXEL)
    page.set_input_files("#attachment-form input[type=file]", str(photo))
    page.click("#attachment-form button[type=submit]")
    page.locator("#attachment-list", has_text="主题团日.png").wait_for()
    page.click("#report-form button[name=submit]")
    page.locator("#report-status", has_text="已提交").wait_for()
    shot(page, "report-resubmitted-phone")

    # the staff approve it
    page.context.clear_cookies()
    login(page, "demo_staff")
    page.goto(f"{live_server.url}/reports/{report.pk}/")
    assert "主题团日.png" in page.locator("#attachment-list").inner_text()
    page.click("#review-box button[value=approve]")
    page.locator("#report-status", has_text="已通过").wait_for()
    shot(page, "report-approved-phone")

    # the branch's task shows the figure from the report
    page.context.clear_cookies()
    login(page, "demo_reporter")
    page.goto(f"{live_server.url}/plans/tasks/")
    assert page.locator(f"#task-{assignment.pk} .actual").inner_text() == str(figure)
    assert Assignment.objects.get(pk=assignment.pk).own_value == figure


def test_the_reviewer_grid_and_settings_look_right(page, live_server, demo, login, shot):
    login(page, "demo_staff")
    page.goto(f"{live_server.url}/reports/grid/?within=36010100")
    assert page.locator("#grid-rates").is_visible() and "报送率" in page.locator("#report-grid").inner_text()
    shot(page, "report-grid")
    page.goto(f"{live_server.url}/reports/settings/")
    shot(page, "report-settings")
    page.goto(f"{live_server.url}/notifications/")
    shot(page, "notifications")
