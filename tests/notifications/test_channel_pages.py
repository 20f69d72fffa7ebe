"""The channel settings: a user's page and API, an organisation's robots (its administrators only — attacked from
another organisation), the failed deliveries with their retry button, in Chinese."""
import pytest

from notifications import services
from notifications.choices import DeliveryStatus
from notifications.models import Delivery, Notification, OrganizationChannel, Preference
from orgs.permissions import SYSTEM

WECOM = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=city-a-secret-key-1234"
DING = "https://oapi.dingtalk.com/robot/send?access_token=city-b-token-9876"


@pytest.fixture
def robots(tree):
    a = services.save_organization_channel(tree.city_a, by=SYSTEM, channel="wecom", webhook=WECOM)
    b = services.save_organization_channel(tree.city_b, by=SYSTEM, channel="dingtalk", webhook=DING,
                                           secret="SEC-city-b-secret")
    return a, b


def test_a_user_chooses_channels_and_a_mobile_number_on_the_settings_page(client, people):
    client.force_login(people.staff)
    html = client.get("/notifications/settings/").content.decode()
    assert "通知设置" in html and "企业微信群机器人" in html and "钉钉群机器人" in html and "短信" in html
    assert "月报已提交" in html or "提交" in html
    response = client.post("/notifications/settings/", {"email__report_returned": "on", "sms__report_returned": "on",
                                                        "phone": "138 0013 8000"})
    assert response.status_code == 302
    preference = Preference.objects.get(user=people.staff)
    assert preference.channels["email"] == ["report_returned"] and preference.channels["sms"] == ["report_returned"]
    assert preference.channels["wecom"] == [] and preference.phone == "13800138000" and preference.email
    html = client.get("/notifications/settings/").content.decode()
    assert 'name="sms__report_returned" id="id_sms__report_returned" aria-label' in html
    assert 'name="sms__report_returned" id="id_sms__report_returned" aria-label="短信 · 月报被退回" checked' in html \
        or "checked" in html
    bad = client.post("/notifications/settings/", {"phone": "12345"})
    assert bad.status_code == 200 and "11位" in bad.content.decode()


def test_an_organisation_admin_sets_up_a_robot_and_never_sees_the_secret_again(client, people, tree):
    client.force_login(people.admin)
    url = f"/notifications/organizations/{tree.city_a.pk}/channels/"
    assert "通知渠道" in client.get(url).content.decode()
    response = client.post(url, {"channel": "wecom", "wecom-enabled": "on", "wecom-webhook": WECOM,
                                 "wecom-kinds": ["report_missing"]})
    assert response.status_code == 302
    robot = OrganizationChannel.objects.get(organization=tree.city_a)
    assert robot.webhook == WECOM and robot.kinds == ["report_missing"] and robot.changed_by == people.admin
    html = client.get(url).content.decode()
    assert "city-a-secret-key" not in html and "…1234" in html
    # an empty address keeps the stored one
    client.post(url, {"channel": "wecom", "wecom-webhook": ""})
    robot.refresh_from_db()
    assert robot.webhook == WECOM and not robot.enabled


def test_a_webhook_must_point_at_the_providers_host(client, people, tree):
    client.force_login(people.admin)
    url = f"/notifications/organizations/{tree.city_a.pk}/channels/"
    response = client.post(url, {"channel": "dingtalk", "dingtalk-webhook": "http://10.0.0.5/internal",
                                 "dingtalk-enabled": "on"})
    assert response.status_code == 200 and "oapi.dingtalk.com" in response.content.decode()
    assert not OrganizationChannel.objects.exists()


def test_another_organisations_admin_can_neither_read_nor_change_its_robots(client, api, people, tree, robots):
    a, b = robots
    client.force_login(people.admin)  # city A's administrator attacks city B
    assert client.get(f"/notifications/organizations/{tree.city_b.pk}/channels/").status_code == 404
    assert client.post(f"/notifications/organizations/{tree.city_b.pk}/channels/",
                       {"channel": "dingtalk", "dingtalk-webhook": WECOM, "dingtalk-remove": "on"}).status_code == 404
    api.login(people.admin)
    listed = api.get("/api/v1/organization-channels/").json()["results"]
    assert [r["id"] for r in listed] == [a.pk] and "webhook" not in listed[0] and "secret" not in listed[0]
    assert api.get(f"/api/v1/organization-channels/{b.pk}/").status_code == 404
    assert api.patch(f"/api/v1/organization-channels/{b.pk}/", {"webhook": DING + "x"}).status_code == 404
    assert api.delete(f"/api/v1/organization-channels/{b.pk}/").status_code == 404
    assert api.post("/api/v1/organization-channels/", {"organization": "B", "channel": "wecom",
                                                      "webhook": WECOM}).status_code == 400
    # staff of city A see city A but may not administer it
    assert client.get(f"/notifications/organizations/{tree.city_a.pk}/channels/").status_code == 200
    client.force_login(people.staff)
    assert client.get(f"/notifications/organizations/{tree.city_a.pk}/channels/").status_code == 403
    api.login(people.staff)
    assert api.get("/api/v1/organization-channels/").json()["results"] == []
    assert api.post("/api/v1/organization-channels/", {"organization": "A", "channel": "dingtalk",
                                                      "webhook": DING}).status_code == 403
    b.refresh_from_db()
    assert b.webhook == DING and b.secret == "SEC-city-b-secret" and OrganizationChannel.objects.count() == 2
    assert "city-b" not in str(listed)


def test_the_api_sets_up_changes_and_removes_a_robot(api, people, tree):
    api.login(people.admin)
    made = api.post("/api/v1/organization-channels/", {"organization": "A", "channel": "dingtalk", "webhook": DING,
                                                      "secret": "SEC1", "kinds": ["report_missing"]})
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["has_secret"] and body["webhook_masked"] == "oapi.dingtalk.com/…9876" and "secret" not in body
    changed = api.patch(f"/api/v1/organization-channels/{body['id']}/", {"enabled": False, "organization": "B"})
    assert changed.status_code == 200 and changed.json()["organization"] == "A"
    robot = OrganizationChannel.objects.get()
    assert not robot.enabled and robot.secret == "SEC1" and robot.organization == tree.city_a
    assert api.post("/api/v1/organization-channels/", {"organization": "A", "channel": "wecom",
                                                      "webhook": "https://evil.example/x"}).status_code == 400
    assert api.delete(f"/api/v1/organization-channels/{body['id']}/").status_code == 204
    assert not OrganizationChannel.objects.exists()


def test_the_api_reads_and_sets_the_callers_channels(api, people):
    people.staff.email = "staff@example.org"
    people.staff.save()
    api.login(people.staff)
    data = api.get("/api/v1/notifications/preferences/").json()
    assert data["email"] is True and "report_returned" in data["channels"]["email"] and data["channels"]["sms"] == []
    saved = api.put("/api/v1/notifications/preferences/", {"channels": {"wecom": ["report_missing"]},
                                                           "phone": "13900139000"}).json()
    assert saved["channels"]["wecom"] == ["report_missing"] and saved["phone"] == "13900139000"
    assert "report_returned" in saved["channels"]["email"]  # the channels not named stay as they were
    assert api.put("/api/v1/notifications/preferences/", {"channels": {"pigeon": []}}).status_code == 400
    assert api.put("/api/v1/notifications/preferences/", {"phone": "555"}).status_code == 400


@pytest.fixture
def failed(people, django_capture_on_commit_callbacks):
    """A delivery to city A's staff member given up (the mail server refused it)."""
    from unittest import mock

    people.staff.email = "staff@example.org"
    people.staff.save()
    with mock.patch("notifications.channels.email.get_connection", side_effect=OSError("connection refused")), \
            django_capture_on_commit_callbacks(execute=True):
        services.notify([people.staff], title="甲市团委的通知", kind="report_returned")
    return Delivery.objects.get()


def test_an_administrator_sees_the_failed_deliveries_and_retries_one(client, api, people, failed,
                                                                     django_capture_on_commit_callbacks):
    from django.core import mail

    assert failed.status == DeliveryStatus.GAVE_UP and "connection refused" in failed.last_error
    tried = failed.attempts
    client.force_login(people.admin)
    html = client.get("/notifications/deliveries/").content.decode()
    assert "甲市团委的通知" in html and "已放弃" in html and "重新发送" in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/notifications/deliveries/{failed.pk}/retry/")
    assert response.status_code == 302 and len(mail.outbox) == 1
    failed.refresh_from_db()
    assert failed.status == DeliveryStatus.SENT and failed.attempts == tried + 1
    assert client.post(f"/notifications/deliveries/{failed.pk}/retry/").status_code == 302  # sent: nothing again
    assert len(mail.outbox) == 1
    api.login(people.admin)
    assert api.get("/api/v1/notification-deliveries/?status=sent").json()["count"] == 1


def test_deliveries_are_refused_to_who_does_not_manage_the_recipient(client, api, people, failed):
    client.force_login(people.outsider)  # city B's administrator
    assert "甲市团委的通知" not in client.get("/notifications/deliveries/").content.decode()
    assert client.post(f"/notifications/deliveries/{failed.pk}/retry/").status_code == 404
    client.force_login(people.staff)
    assert client.get("/notifications/deliveries/").status_code == 403
    api.login(people.outsider)
    assert api.get(f"/api/v1/notification-deliveries/{failed.pk}/").status_code == 404
    assert api.post(f"/api/v1/notification-deliveries/{failed.pk}/retry/").status_code == 404
    assert Delivery.objects.get().status == DeliveryStatus.GAVE_UP
    assert Notification.objects.count() == 1


def test_the_admin_shows_deliveries_and_robots_read_only_and_masked(client, people, failed, robots):
    client.force_login(people.root)
    listing = client.get("/admin/notifications/delivery/").content.decode()
    assert "甲市团委的通知" in listing
    assert client.get(f"/admin/notifications/delivery/{failed.pk}/change/").status_code == 200  # a view, no form
    assert client.post(f"/admin/notifications/delivery/{failed.pk}/delete/", {"post": "yes"}).status_code == 403
    robots_page = client.get("/admin/notifications/organizationchannel/").content.decode()
    assert "…1234" in robots_page and "city-a-secret-key" not in robots_page and "SEC-city-b" not in robots_page
    assert client.get("/admin/notifications/organizationchannel/add/").status_code == 403


def test_a_closed_account_gets_nothing_outside_the_portal(people, django_capture_on_commit_callbacks):
    people.staff.email, people.staff.is_active = "staff@example.org", False
    people.staff.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.notify([people.staff], title="停用账号")
    assert not Delivery.objects.exists()
