"""An administrator registers a volunteer in real Chromium, sees the ID number masked, reveals it once with a
reason, and finds the reveal in the audit trail; the list is checked on a desktop and on a 375-px phone."""
import datetime

import pytest

from orgs.choices import Kind, Level, Role
from tests.factories import OrganizationFactory, RoleAssignmentFactory, UserFactory
from tests.volunteers.ids import resident_id

pytestmark = pytest.mark.browser


def test_an_administrator_registers_reveals_and_finds_the_audit_row(page, browser, live_server, transactional_db,
                                                                     login, pick, shot):
    city = OrganizationFactory(name="共青团青川市委员会", code="QC", level=Level.CITY, kind=Kind.COMMITTEE)
    branch = OrganizationFactory(parent=city, name="新华中心学校团支部", code="QC01")
    admin = UserFactory(username="vol_admin", first_name="赵管理")
    admin.set_password("browser-test-pw")
    admin.save()
    RoleAssignmentFactory(user=admin, organization=city, role=Role.ADMIN)
    number = resident_id("510104", datetime.date(2001, 7, 9))

    login(page, "vol_admin")
    page.click("nav >> text=志愿者")
    page.wait_for_url(f"{live_server.url}/volunteers/")
    page.click("text=注册志愿者")
    pick(page, "id_organization", branch.code)
    page.fill("#id_name", "陈小青")
    page.fill("#id_id_number", number)
    page.fill("#id_mobile", "13912345678")
    page.fill("#id_skills", "急救、手语")
    page.click("main button[type=submit]")
    page.locator(".alert-success", has_text="志愿者已注册").wait_for()

    masked = f"{number[:4]}**********{number[-4:]}"
    assert page.locator("#id-number").inner_text() == masked
    assert page.locator("#mobile").inner_text() == "139****5678"
    assert number not in page.content() and "13912345678" not in page.content()
    assert "再服务 100 小时可达 1 星" in page.locator("#next-star").inner_text()
    shot(page, "volunteer-page")

    page.click("#reveal-link")
    page.fill("#id_reason", "核对活动保险信息")
    page.click("main button[type=submit]")
    assert page.locator("#clear-id-number").inner_text() == number
    assert page.locator("#clear-mobile").inner_text() == "13912345678"
    shot(page, "volunteer-reveal")
    page.click("text=完成")
    assert number not in page.content()

    page.goto(f"{live_server.url}/volunteers/personal-data-views/")
    row = page.locator("#unmask-table tbody tr").first
    assert "核对活动保险信息" in row.inner_text() and "陈小青" in row.inner_text() and "赵管理" in row.inner_text()
    shot(page, "volunteer-audit-trail")

    page.goto(f"{live_server.url}/volunteers/")
    assert masked in page.locator("#volunteer-table").inner_text()
    shot(page, "volunteer-list-desktop")

    phone = browser.new_context(viewport={"width": 375, "height": 740}, locale="zh-CN", is_mobile=True)
    try:
        small = phone.new_page()
        login(small, "vol_admin")
        small.goto(f"{live_server.url}/volunteers/")
        table = small.locator("#volunteer-table")
        assert "陈小青" in table.inner_text() and masked in table.inner_text()
        width = small.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"the list scrolls sideways on a phone ({width} px)"
        shot(small, "volunteer-list-phone")
    finally:
        phone.close()
