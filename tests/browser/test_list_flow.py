"""List pages in real Chromium: a staff member sorts the volunteer registry by a header, picks 20 rows a page and
exports the list; a reviewer ticks submitted reports and approves them at once. On a 375-px phone the tables
scroll sideways inside their card and the page itself does not."""
import pytest

pytestmark = pytest.mark.browser


def _fits_a_phone(page):
    """The page is no wider than the phone; the table scrolls inside its card instead."""
    assert page.evaluate("document.documentElement.scrollWidth") <= 376
    assert page.evaluate("(() => { const w = document.querySelector('.list-table .table-responsive');"
                         " return w.scrollWidth > w.clientWidth && getComputedStyle(w).overflowX === 'auto'; })()")


def test_a_staff_member_sorts_pages_and_exports_the_volunteers(page, live_server, demo, login, shot):
    login(page, "demo_staff")
    page.goto(f"{live_server.url}/volunteers/")
    with page.expect_navigation():
        page.click("#volunteer-table thead th:nth-child(6) a")
    with page.expect_navigation():
        page.click("#volunteer-table thead th:nth-child(6) a")  # the second click turns it round
    assert "sort=-hours" in page.url
    hours = [float(t) for t in page.locator("#volunteer-table tbody td:nth-child(6)").all_inner_texts()]
    assert hours == sorted(hours, reverse=True) and len(hours) == 50
    with page.expect_navigation():
        page.click(".page-sizes a:has-text('20')")
    assert page.locator("#volunteer-table tbody tr").count() == 20 and "sort=-hours" in page.url
    with page.expect_download() as download:
        page.click(".export-link")
    assert download.value.suggested_filename.endswith(".xlsx")
    shot(page, "list-volunteers-1280")
    page.set_viewport_size({"width": 375, "height": 800})
    page.reload()
    _fits_a_phone(page)
    shot(page, "list-volunteers-375")


def test_a_reviewer_approves_several_reports_from_the_list(page, live_server, demo, login, shot):
    login(page, "demo_staff")
    page.goto(f"{live_server.url}/reports/review/?status=submitted")
    boxes = page.locator("#report-table tbody input.row-select:not([disabled])")
    ticked = min(boxes.count(), 3)
    assert ticked >= 1
    page.set_viewport_size({"width": 1280, "height": 900})
    shot(page, "list-reports-1280")
    for index in range(ticked):
        boxes.nth(index).check()
    with page.expect_navigation():
        page.click("#bulk-approve-button")
    assert "已通过" in page.locator(".alert").first.inner_text()
    assert "status=submitted" in page.url
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{live_server.url}/reports/review/")
    page.locator("#report-table thead input.select-all").check()
    _fits_a_phone(page)
    shot(page, "list-reports-375")
