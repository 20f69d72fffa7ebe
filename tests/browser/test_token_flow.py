"""A user creates an API token on the tokens page in real Chromium, sees its key once, uses it,
and revokes it; the key stops working."""
import urllib.error
import urllib.request

import pytest

from orgs.choices import Role
from tests.factories import OrganizationFactory, RoleAssignmentFactory, UserFactory

pytestmark = pytest.mark.browser


def api_status(url, key):
    """Called from outside the browser, as another system would: no session cookie, only the key."""
    request = urllib.request.Request(f"{url}/api/v1/me/", headers={"Authorization": f"Token {key}"})
    try:
        with urllib.request.urlopen(request) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_a_user_creates_uses_and_revokes_an_api_token(page, live_server, transactional_db, login, shot):
    user = UserFactory(username="api_user", first_name="钱接口")
    user.set_password("browser-test-pw")
    user.save()
    RoleAssignmentFactory(user=user, organization=OrganizationFactory(name="城东区数据中心团支部"), role=Role.REPORTER)

    login(page, "api_user")
    page.click("nav >> text=钱接口")
    page.click("nav >> text=API 令牌")
    page.wait_for_url(f"{live_server.url}/accounts/tokens/")
    assert "您还没有 API 令牌" in page.locator("#token-table").inner_text()

    page.click("#create-token")
    key = page.locator("[data-new-key]").input_value()
    assert len(key) == 64
    assert "不会再次显示" in page.locator("#new-token").inner_text()
    assert api_status(live_server.url, key) == 200
    shot(page, "api-tokens-new-key")

    page.goto(f"{live_server.url}/accounts/tokens/")
    assert page.locator("[data-new-key]").count() == 0 and key not in page.content()
    rows = page.locator("#token-table tbody tr[data-token]")
    assert rows.count() == 1
    rows.first.locator("button", has_text="撤销").click()
    page.locator(".alert-success", has_text="令牌已撤销").wait_for()
    assert page.locator("#token-table tbody tr[data-token]").count() == 0
    shot(page, "api-tokens-after-revoke")
    assert api_status(live_server.url, key) == 401
