"""A user chooses channels on the 通知设置 page in real Chromium (phone width too), and an organisation's
administrator sets up a 钉钉 robot on its 通知渠道 page; screenshots at 1280 and 375 px."""
import pytest

from notifications.models import OrganizationChannel, Preference
from orgs.choices import Role
from tests.factories import OrganizationFactory, RoleAssignmentFactory, UserFactory

pytestmark = pytest.mark.browser


def test_a_user_chooses_channels_on_the_settings_page(page, live_server, transactional_db, login, shot, settings):
    settings.NOTIFICATION_ROBOT_HOSTS = {"wecom": ["qyapi.weixin.qq.com"], "dingtalk": ["oapi.dingtalk.com"]}
    organization = OrganizationFactory(name="城东区数据中心团支部")
    user = UserFactory(username="chooser", first_name="孙通知", email="sun@example.org")
    user.set_password("browser-test-pw")
    user.save()
    RoleAssignmentFactory(user=user, organization=organization, role=Role.ADMIN)

    login(page, "chooser")
    page.click("nav >> text=孙通知")
    page.click("nav >> text=通知设置")
    page.wait_for_url(f"{live_server.url}/notifications/settings/")
    grid = page.locator("#channel-grid")
    assert "企业微信群机器人" in grid.inner_text() and "短信" in grid.inner_text()
    assert page.locator("#id_email__report_returned").is_checked()  # e-mail is on for every kind by default
    page.uncheck("#id_email__report_submitted")
    page.check("#id_sms__report_returned")
    page.fill("#id_phone", "13800138000")
    shot(page, "notification-settings-1280")
    page.click("#notification-settings button[type=submit]")
    page.locator(".alert-success", has_text="通知设置已保存").wait_for()
    assert page.locator("#id_sms__report_returned").is_checked()
    assert not page.locator("#id_email__report_submitted").is_checked()
    preference = Preference.objects.get(user=user)
    assert preference.phone == "13800138000" and "report_returned" in preference.channels["sms"]
    assert "report_submitted" not in preference.channels["email"]

    page.set_viewport_size({"width": 375, "height": 800})
    page.reload()
    shot(page, "notification-settings-375")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375 + 1  # the grid scrolls inside its box

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/notifications/")
    page.click("#channel-admin-links >> text=的通知渠道")
    page.fill("#id_dingtalk-webhook", "https://oapi.dingtalk.com/robot/send?access_token=abcd1234wxyz")
    page.fill("#id_dingtalk-secret", "SECbrowser")
    page.click("#robot-dingtalk button[type=submit]")
    page.locator(".alert-success", has_text="机器人已保存").wait_for()
    robot = OrganizationChannel.objects.get(organization=organization)
    assert robot.secret == "SECbrowser" and "abcd1234" not in page.content() and "…wxyz" in page.content()
    shot(page, "organization-channels-1280")
    page.set_viewport_size({"width": 375, "height": 800})
    page.reload()
    shot(page, "organization-channels-375")
