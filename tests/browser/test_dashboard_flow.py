"""The 工作台 in real Chromium: a provincial leader opens it, drills into a city from the children table, comes
back by the breadcrumbs and downloads the Excel summary and the 工作通报 as Word and then at once as PDF; a
reporter on a 375-px phone starts the month's report from the start page. Screenshots of every dashboard page at 1280 and 375 px."""
import io

import pytest
from docx import Document
from openpyxl import load_workbook

from core import months
from orgs.models import RoleAssignment
from reports.models import MonthlyReport

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 812}


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale="zh-CN",
                                  bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def fits_the_screen(page):
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def charts_drawn(page):
    """Every chart container with data holds a canvas once ECharts has drawn it."""
    containers = page.locator(".chart[data-chart-url]")
    page.wait_for_function("[...document.querySelectorAll('.chart[data-chart-url]')].every("
                           "c => c.querySelector('canvas') || c.classList.contains('d-none'))")
    drawn = page.locator(".chart[data-chart-url] canvas").count()
    assert drawn >= 1
    return containers.count(), drawn


def click_bar(page, chart, index):
    """A real mouse click on the bar ``index`` of the first series of ``chart``."""
    box = page.locator(f'.chart[data-chart="{chart}"]').bounding_box()
    x, y = page.evaluate(
        """([name, index]) => { const element = document.querySelector(`.chart[data-chart="${name}"]`);
           const chart = echarts.getInstanceByDom(element); const option = chart.getOption();
           const datum = option.series[0].data[index]; const value = (datum && datum.value !== undefined ? datum.value : datum) || 1;
           const horizontal = option.yAxis[0].type === "category";  // bars along the value axis, names down the side
           const point = horizontal ? [value / 2, index] : [index, value / 2];
           const [x, y] = chart.convertToPixel({seriesIndex: 0}, point); return [x, y]; }""",
        [chart, index])
    page.mouse.click(box["x"] + x, box["y"] + y)


def test_a_leader_drills_down_comes_back_and_downloads_the_summary(page, live_server, demo, login, shot, settings,
                                                                    tmp_path):
    settings.MEDIA_ROOT = tmp_path  # the circulars downloaded are stored
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error"
            and not message.location.get("url", "").endswith("/favicon.ico") else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    login(page, "demo_leader")
    assert page.locator("h1").inner_text().startswith("工作台")
    assert page.locator("#stat-orgs").inner_text() == "352"
    assert page.locator("#children-table tbody tr").count() >= 1
    containers, drawn = charts_drawn(page)
    assert containers == 7 and drawn >= 5
    assert page.locator("#dash-volunteers [data-figure=volunteer-share]").count() == 1
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

    # a click on a county's bar in the chart of the children opens the county's 工作台
    charts_drawn(page)
    first = page.locator('[data-chart-table="children-completion"] tbody th a').first
    county_href, county = first.get_attribute("href"), first.inner_text()
    with page.expect_navigation():
        click_bar(page, "children-completion", 0)
    assert page.url.endswith(county_href)
    assert page.locator("#dash-crumbs .breadcrumb-item.active").inner_text() == county
    assert page.locator("#dash-crumbs .breadcrumb-item").count() == 3
    charts_drawn(page)
    shot(page, "dashboard-county-1280")

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

    with page.expect_download() as info:
        page.click("#dash-circular-docx")
    assert info.value.suggested_filename.endswith(".docx") and "工作通报" in info.value.suggested_filename
    document = Document(info.value.path())
    assert "工作通报" in document.paragraphs[0].text
    assert document.tables[0].rows[4].cells[1].text == page.locator("[data-figure=due]").inner_text()
    assert len(document.inline_shapes) >= 3  # its charts: targets by light, reports by month, children by completion
    # the PDF of the same circular at once after the Word file (a GET form may be sent again)
    with page.expect_download() as info:
        page.click("#dash-circular-pdf")
    assert info.value.suggested_filename.endswith(".pdf") and "工作通报" in info.value.suggested_filename
    assert open(info.value.path(), "rb").read(5) == b"%PDF-"
    assert errors == []


def test_the_dashboard_and_the_score_trend_draw_on_a_phone(phone, live_server, demo, login, shot):
    from assessment.choices import RunStatus
    from assessment.models import Score
    login(phone, "demo_leader")
    charts_drawn(phone)
    assert fits_the_screen(phone)
    shot(phone, "dashboard-province-375")
    score = Score.objects.filter(run__status=RunStatus.PUBLISHED).order_by("-run__month").first()
    phone.context.clear_cookies()
    login(phone, "demo_admin")
    phone.goto(f"{live_server.url}/assessment/scores/{score.pk}/")
    phone.locator("#trend canvas").wait_for()
    shot(phone, "score-trend-375")


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
