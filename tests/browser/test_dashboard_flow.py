"""The 工作台 in real Chromium: a provincial leader opens it, drills into a city from the children table, comes
back by the breadcrumbs and downloads the Excel summary; a reporter on a 375-px phone starts the month's report
from the start page. Screenshots of every dashboard page at 1280 and 375 px."""
import io

import pytest
from openpyxl import load_workbook

from core import months
from orgs.models import RoleAssignment
from reports.models import MonthlyReport

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 812}


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def fits_the_screen(page):
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_leader_drills_down_comes_back_and_downloads_the_summary(page, live_server, demo, login, shot):
    login(page, "demo_leader")
    assert page.locator("h1").inner_text().startswith("工作台")
    assert page.locator("#stat-orgs").inner_text() == "352"
    assert page.locator("#children-table tbody tr").count() >= 1
    assert page.locator(".chart[data-chart-url]").count() == 6
    shot(page, "dashboard-province-1280")
    province = page.locator("#dash-crumbs").inner_text()

    city = page.locator("#children-table tbody tr", has_text="青川市").first
    code = city.get_attribute("data-code")
    with page.expect_navigation():
        city.locator("a").first.click()
    assert f"/dashboard/{code}/" in page.url
    assert "青川" in page.locator("#dash-crumbs .breadcrumb-item.active").inner_text()
    shot(page, "dashboard-city-1280")

    page.locator("#children-table th", has_text="完成率").click()  # sorts without leaving the page
    assert page.locator("#children-table th[aria-sort]").count() == 1

    with page.expect_navigation():
        page.locator("#dash-crumbs a").first.click()
    assert "/dashboard/" in page.url and f"/dashboard/{code}/" not in page.url
    assert page.locator("#dash-crumbs .breadcrumb-item").count() == 1  # the province: nothing above the leader's own
    assert page.locator("#dash-crumbs").inner_text() == province

    with page.expect_download() as info:
        page.click("#dash-export")
    workbook = load_workbook(io.BytesIO(open(info.value.path(), "rb").read()))
    assert len(workbook.worksheets) == 6
    children = [row[1] for row in workbook.worksheets[1].iter_rows(min_row=3, values_only=True)]
    assert any("青川" in (name or "") for name in children)


def test_every_start_page_reads_on_a_phone_and_a_desktop(page, phone, live_server, demo, login, shot):
    for username in ("demo_leader", "demo_staff", "demo_assessor", "demo_admin", "demo_reporter"):
        for name, tab in (("1280", page), ("375", phone)):
            tab.context.clear_cookies()
            login(tab, username)
            shot(tab, f"start-{username}-{name}")
            if name == "375" and username == "demo_reporter":
                assert fits_the_screen(tab)


def test_a_reporter_starts_the_months_report_on_a_phone(phone, live_server, demo, login, shot):
    role = RoleAssignment.objects.select_related("organization").get(user__username="demo_reporter")
    MonthlyReport.objects.filter(organization=role.organization, month=months.last_month()).delete()
    login(phone, "demo_reporter")
    assert fits_the_screen(phone)
    assert phone.locator("#start-report-state").inner_text() == "未启动"
    assert phone.locator("a[href='/api/docs/']").count() == 0
    shot(phone, "start-reporter-375")
    with phone.expect_navigation():
        phone.click("#start-report-action")
    report = MonthlyReport.objects.get(organization=role.organization, month=months.last_month())
    assert phone.url.endswith(f"/reports/{report.pk}/")
    shot(phone, "start-reporter-report-375")
