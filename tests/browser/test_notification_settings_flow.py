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


def test_an_administrator_sends_a_given_up_delivery_again(page, live_server, transactional_db, login, shot):
    from notifications.models import Delivery, Notification

    organization = OrganizationFactory(name="城东区数据中心团支部")
    admin = UserFactory(username="channel_admin", first_name="周管理")
    admin.set_password("browser-test-pw")
    admin.save()
    RoleAssignmentFactory(user=admin, organization=organization, role=Role.ADMIN)
    member = RoleAssignmentFactory(user=UserFactory(username="member", first_name="吴团员", email="wu@example.org"),
                                   organization=organization, role=Role.REPORTER).user
    notification = Notification.objects.create(user=member, kind="report_returned", title="2026-10 月报被退回")
    delivery = Delivery.objects.create(notification=notification, channel="email", status="gave_up", attempts=6,
                                       last_error="SMTPServerDisconnected: Connection unexpectedly closed")

    login(page, "channel_admin")
    page.goto(f"{live_server.url}/notifications/")
    page.click("#channel-admin-links >> text=投递失败的通知")
    table = page.locator("#delivery-table")
    assert "2026-10 月报被退回" in table.inner_text() and "已放弃" in table.inner_text()
    shot(page, "failed-deliveries-1280")
    page.set_viewport_size({"width": 375, "height": 800})
    shot(page, "failed-deliveries-375")
    page.set_viewport_size({"width": 1280, "height": 900})
    table.locator("button", has_text="重新发送").click()
    page.locator(".alert-success", has_text="已重新排队发送").wait_for()
    delivery.refresh_from_db()
    assert delivery.status == "sent" and delivery.attempts == 7
    assert "2026-10 月报被退回" not in page.locator("#delivery-table").inner_text()  # the list shows failures
