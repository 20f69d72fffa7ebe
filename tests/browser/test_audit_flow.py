"""The audit log in real Chromium: an administrator grants a role on an account's page, then finds the grant in the
audit log (searched by action and by the account's name) and on the organisation's own 操作记录 page; the log fits a
375-px phone."""
import pytest

pytestmark = pytest.mark.browser


def test_an_admin_grants_a_role_and_finds_it_in_the_audit_log(page, live_server, demo, login, pick, shot):
    from django.contrib.auth import get_user_model

    from orgs.models import Organization

    reporter = get_user_model().objects.get(username="demo_reporter")
    branch = Organization.objects.get(role_assignments__user=reporter)
    login(page, "demo_admin")
    page.goto(f"{live_server.url}/orgs/users/{reporter.pk}/")
    pick(page, "id_organization", branch.code, branch.name)
    page.select_option("#id_role", "leader")
    with page.expect_navigation():
        page.click("button[name=add_role]")
    assert "领导" in page.locator("#role-list").inner_text()

    page.click("nav >> text=操作记录")
    page.wait_for_url(f"{live_server.url}/audit/")
    page.select_option("#id_action", "role.grant")
    page.fill("#id_q", "demo_reporter")
    with page.expect_navigation():
        page.click("#filter-form button[type=submit]")
    rows = page.locator("#audit-table tbody tr")
    assert rows.count() == 2  # the demo's own grant of the reporter role (by the system), and this one, newest first
    row = rows.first.inner_text()
    assert "授予角色" in row and "demo_admin" in row and "demo_reporter" in row and "领导" in row
    assert "127.0.0.1" in row  # where the request came from
    assert "系统" in rows.nth(1).inner_text()
    shot(page, "audit-log-1280")
    page.set_viewport_size({"width": 375, "height": 800})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 376
    shot(page, "audit-log-375")

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/orgs/{branch.pk}/")
    with page.expect_navigation():
        page.click("text=操作记录 >> nth=-1")
    assert "授予角色" in page.locator("#audit-table").inner_text()
    shot(page, "audit-object-1280")
    page.set_viewport_size({"width": 375, "height": 800})
    page.reload()
    shot(page, "audit-object-375")
