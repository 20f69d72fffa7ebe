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


def _open_this_months_report(page, live_server, login):
    branch = Organization.objects.get(code="3601010001001")
    month = months.month_start(timezone.localdate())
    login(page, "demo_reporter")
    page.goto(f"{live_server.url}/reports/")
    page.locator("#report-months form").filter(has=page.locator(f"input[value='{month:%Y-%m-%d}']")).locator("button").click()
    page.wait_for_url("**/reports/*/")
    return MonthlyReport.objects.get(organization=branch, month=month)


def test_an_upload_right_after_typing_keeps_the_text(phone, live_server, demo, login, shot, tmp_path):
    """Issue 14: on the phone, a photo attached within a second or two of typing dropped the last words typed."""
    page = phone
    report = _open_this_months_report(page, live_server, login)
    photo = tmp_path / "支委会.png"
    photo.write_bytes(PIXEL)
    text = "召开支委会，讨论青年大学习组织工作，最后一句刚刚打完"
    page.fill("#work_done", text)
    page.set_input_files("#attachment-form input[type=file]", str(photo))  # at once: the autosave has not run yet
    page.click("#attachment-form button[type=submit]")
    page.locator("#attachment-list", has_text="支委会.png").wait_for()
    page.reload()
    assert page.input_value("#work_done") == text
    assert MonthlyReport.objects.get(pk=report.pk).work_done == text
    assert fits_the_screen(page)
    shot(page, "report-upload-after-typing-phone")


def test_a_failed_autosave_says_so(phone, live_server, demo, login, shot):
    page = phone
    _open_this_months_report(page, live_server, login)
    page.route("**/autosave/", lambda route: route.abort())  # offline
    page.fill("#problems", "网络不好时输入的内容")
    failed = page.locator("#autosave-status #autosave-failed")
    failed.wait_for()
    assert "自动保存失败" in failed.inner_text() and "已于" not in page.locator("#autosave-status").inner_text()
    assert page.input_value("#problems") == "网络不好时输入的内容"
    shot(page, "report-autosave-failed-phone")
    page.unroute("**/autosave/")
    page.route("**/autosave/", lambda route: route.fulfill(status=500, body="Server Error"))  # a server error
    page.fill("#problems", "服务器出错时输入的内容")
    page.locator("#autosave-status #autosave-failed").wait_for()
    page.unroute("**/autosave/")
    page.fill("#problems", "恢复后输入的内容")
    page.locator("#autosave-status", has_text="自动保存").wait_for()
    page.locator("#autosave-status #autosave-failed").wait_for(state="detached")
