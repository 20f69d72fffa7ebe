"""City staff open the volunteer statistics of the demo city in real Chromium: headline figures, the three charts
drawn by ECharts from the JSON endpoint with their tables beside them, drilling down to a district and sorting its
children; on a desktop and on a 375-px phone."""
import pytest

pytestmark = pytest.mark.browser


def test_staff_read_the_statistics_of_their_city_with_charts_and_tables(page, browser, live_server, demo, login, shot):
    login(page, "demo_staff", "browser-test-pw")
    page.goto(f"{live_server.url}/volunteers/")
    page.click("main >> text=统计")
    page.wait_for_url(f"{live_server.url}/volunteers/statistics/")
    assert "志愿者统计" in page.locator("h1").inner_text()
    assert int(page.locator("#headline .display-6").first.inner_text()) > 0
    for chart in ("hours_by_month", "stars", "share_by_child"):
        page.locator(f'[data-chart="{chart}"] canvas').wait_for()
    assert page.locator(".chart-table").count() == 3
    shot(page, "volunteer-statistics")

    page.locator("#children-table tbody a").first.click()
    page.wait_for_url(f"{live_server.url}/volunteers/statistics/?org=*")
    page.click("#children-table >> text=本年服务时长")
    hours = [float(t) for t in page.locator("#children-table tbody tr td:nth-child(5)").all_inner_texts()]
    assert hours == sorted(hours)
    page.locator('[data-chart="hours_by_month"] canvas').wait_for()

    phone = browser.new_context(viewport={"width": 375, "height": 812}, locale="zh-CN", is_mobile=True)
    mobile = phone.new_page()
    login(mobile, "demo_staff", "browser-test-pw")
    mobile.goto(f"{live_server.url}/volunteers/statistics/")
    mobile.locator('[data-chart="stars"] canvas').wait_for()
    assert mobile.evaluate("document.documentElement.scrollWidth") <= 375
    shot(mobile, "volunteer-statistics-phone")
    phone.close()
