"""Delivery by channel: e-mail, 企业微信 and 钉钉 group robots and SMS against the stand-in provider server, with
retries, back-off, giving up and never sending twice."""
from unittest import mock

import pytest
from django.core import mail

from notifications import services
from notifications.choices import DeliveryStatus
from notifications.models import Delivery, Notification, OrganizationChannel
from notifications.services import Text, notify
from notifications.tasks import deliver
from orgs.choices import Role
from orgs.permissions import SYSTEM
from tests.factories import RoleAssignmentFactory, UserFactory

SUBMITTED = "report_submitted"


@pytest.fixture
def fast(settings):
    settings.NOTIFICATION_HTTP_TIMEOUT_SECONDS = 0.3


@pytest.fixture
def member(tree):
    """A staff member of city A with an address and a mobile number who wants every channel for submitted reports."""
    user = UserFactory(username="member", email="member@example.org")
    RoleAssignmentFactory(user=user, organization=tree.city_a, role=Role.STAFF)
    services.set_preferences(user, channels_by_kind={"email": [SUBMITTED], "wecom": [SUBMITTED],
                                                     "dingtalk": [SUBMITTED], "sms": ["report_returned"]},
                             phone="13800138000")
    return user


@pytest.fixture
def robots(tree, provider):
    services.save_organization_channel(tree.city_a, by=SYSTEM, channel="wecom",
                                       webhook=provider.url("/wecom/send?key=wecom-key"))
    services.save_organization_channel(tree.city_a, by=SYSTEM, channel="dingtalk",
                                       webhook=provider.url("/dingtalk/robot/send?access_token=ding-token"),
                                       secret=provider.dingtalk_secret)


@pytest.fixture
def sms(settings, provider):
    settings.NOTIFICATION_SMS = {**settings.NOTIFICATION_SMS, "url": provider.url("/sms/send"), "token": "t0ken"}


def submitted(users, django_capture_on_commit_callbacks, **extra):
    with django_capture_on_commit_callbacks(execute=True):
        notify(users, kind=SUBMITTED, title=Text("%(org)s submitted the report on %(month)s",
                                                 {"org": "一区幸福社区团支部", "month": "2026-10"}),
               body="请审核", url="/reports/1/", **extra)
    return Notification.objects.latest("pk")


def statuses(notification):
    return dict(notification.deliveries.values_list("channel", "status"))


def test_a_notification_goes_by_every_channel_its_user_chose(member, robots, provider, fast,
                                                             django_capture_on_commit_callbacks):
    notification = submitted([member], django_capture_on_commit_callbacks)
    assert statuses(notification) == {"email": "sent", "wecom": "sent", "dingtalk": "sent"}  # no SMS template chosen
    assert [m.to for m in mail.outbox] == [["member@example.org"]]
    assert Notification.objects.get().emailed_at is not None
    email = notification.deliveries.get(channel="email")
    assert email.attempts == 1 and email.sent_at and email.provider_message_id.startswith("<")
    dingtalk, wecom = sorted(provider.requests, key=lambda r: r.path)
    assert wecom.path == "/wecom/send" and wecom.query == {"key": ["wecom-key"]}
    assert wecom.body["msgtype"] == "markdown"
    assert "一区幸福社区团支部 提交了 2026-10 月度报告" in wecom.body["markdown"]["content"]
    assert "请审核" in wecom.body["markdown"]["content"] and "/reports/1/" in wecom.body["markdown"]["content"]
    assert dingtalk.path == "/dingtalk/robot/send" and dingtalk.query["access_token"] == ["ding-token"]
    assert dingtalk.body["msgtype"] == "markdown" and dingtalk.body["at"] == {"atMobiles": ["13800138000"]}


def test_dingtalk_checks_the_signature_and_a_wrong_secret_fails(member, robots, provider, fast,
                                                                django_capture_on_commit_callbacks):
    # the server verified the right signature in the test above; with a wrong secret it answers errcode 310000
    OrganizationChannel.objects.filter(channel="dingtalk").update(secret="")  # no secret: unsigned
    robot = OrganizationChannel.objects.get(channel="dingtalk")
    robot.secret = "wrong-secret"
    robot.save()
    notification = submitted([member], django_capture_on_commit_callbacks)
    dingtalk = notification.deliveries.get(channel="dingtalk")
    assert dingtalk.status == DeliveryStatus.GAVE_UP and "310000" in dingtalk.last_error
    signed = [r for r in provider.requests if r.path.startswith("/dingtalk")]
    assert len(signed) == dingtalk.attempts and all({"timestamp", "sign"} <= set(r.query) for r in signed)


def test_the_signature_is_dingtalks():
    # DingTalk's documented construction, computed independently
    import base64
    import hashlib
    import hmac

    from notifications.channels.dingtalk import signature
    expected = base64.b64encode(hmac.new(b"SEC123", b"1700000000000\nSEC123", hashlib.sha256).digest()).decode()
    assert signature("1700000000000", "SEC123") == expected


def test_sms_sends_the_kinds_template_with_its_values(member, provider, sms, fast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify([member], kind="report_returned", title=Text("The report on %(month)s of %(org)s was returned",
                                                            {"org": "一区幸福社区团支部", "month": "2026-10"}))
    delivery = Delivery.objects.get(channel="sms")
    assert delivery.status == DeliveryStatus.SENT and delivery.provider_message_id == "sms-1"
    (request,) = provider.requests
    assert request.path == "/sms/send" and request.headers["Authorization"] == "Bearer t0ken"
    assert request.body == {"phone": "13800138000", "template": "LP_REPORT_RETURNED",
                            "params": {"org": "一区幸福社区团支部", "month": "2026-10"}, "sign_name": "共青团工作平台"}


def test_a_kind_without_an_sms_template_is_not_sent_by_sms(member, provider, sms, django_capture_on_commit_callbacks):
    services.set_preferences(member, channels_by_kind={"sms": [SUBMITTED]})
    submitted([member], django_capture_on_commit_callbacks)
    assert not Delivery.objects.filter(channel="sms").exists() and provider.requests == []


@pytest.mark.parametrize("how", ["errcode", "http500", "timeout"])
def test_a_failing_webhook_is_retried_until_it_answers(member, robots, provider, fast, how,
                                                       django_capture_on_commit_callbacks):
    provider.fail(2, how)
    notification = submitted([member], django_capture_on_commit_callbacks)
    wecom = notification.deliveries.get(channel="wecom")
    assert wecom.status == DeliveryStatus.SENT and wecom.attempts == 3 and wecom.last_error == ""
    assert len([r for r in provider.requests if r.path == "/wecom/send"]) == 3


def test_a_delivery_that_keeps_failing_is_given_up_after_the_last_retry(settings, member, robots, provider, fast,
                                                                       django_capture_on_commit_callbacks):
    provider.fail(100)
    notification = submitted([member], django_capture_on_commit_callbacks)
    wecom = notification.deliveries.get(channel="wecom")
    assert wecom.status == DeliveryStatus.GAVE_UP
    assert wecom.attempts == settings.NOTIFICATION_DELIVERY_MAX_RETRIES + 1
    assert "45009" in wecom.last_error and "wecom-key" not in wecom.last_error  # the address's key never shows
    assert wecom.sent_at is None


def test_retries_back_off_exponentially(member, robots, provider, fast, django_capture_on_commit_callbacks):
    from celery.utils.time import get_exponential_backoff_interval

    provider.fail(3)
    countdowns = []

    def record(factor, retries, maximum, full_jitter=False):
        countdowns.append(get_exponential_backoff_interval(factor, retries, maximum, False))
        return get_exponential_backoff_interval(factor, retries, maximum, full_jitter)

    with mock.patch("notifications.tasks.get_exponential_backoff_interval", side_effect=record):
        notification = submitted([member], django_capture_on_commit_callbacks)
    assert countdowns == [30, 60, 120]  # settings' 30 s, doubled each retry (full jitter draws below it)
    assert notification.deliveries.get(channel="wecom").attempts == 4
    assert get_exponential_backoff_interval(30, 20, 3600, False) == 3600  # and never longer than the maximum


def test_a_sent_delivery_is_never_sent_again(member, robots, provider, fast, django_capture_on_commit_callbacks):
    notification = submitted([member], django_capture_on_commit_callbacks)
    wecom = notification.deliveries.get(channel="wecom")
    before = len(provider.requests)
    assert deliver.apply(args=[wecom.pk]).get() == DeliveryStatus.SENT  # a redelivered task, a second worker
    assert services.deliver(wecom.pk) == DeliveryStatus.SENT
    assert len(provider.requests) == before and Delivery.objects.get(pk=wecom.pk).attempts == 1


def test_a_keyed_notification_gets_its_deliveries_once(member, robots, provider, fast,
                                                       django_capture_on_commit_callbacks):
    submitted([member], django_capture_on_commit_callbacks, key="k1")
    submitted([member], django_capture_on_commit_callbacks, key="k1")
    assert Notification.objects.count() == 1 and Delivery.objects.count() == 3


def test_no_robot_and_no_address_means_no_delivery(tree, provider, django_capture_on_commit_callbacks):
    user = UserFactory(username="plain", email="")
    RoleAssignmentFactory(user=user, organization=tree.city_b, role=Role.STAFF)
    services.set_preferences(user, channels_by_kind={"email": [SUBMITTED], "wecom": [SUBMITTED]})
    submitted([user], django_capture_on_commit_callbacks)
    assert not Delivery.objects.exists() and provider.requests == []


def test_an_organisation_robot_posts_only_the_kinds_it_chose(member, robots, provider, fast,
                                                             django_capture_on_commit_callbacks):
    OrganizationChannel.objects.filter(channel="wecom").update(kinds=["report_missing"])
    notification = submitted([member], django_capture_on_commit_callbacks)
    assert "wecom" not in statuses(notification)


def test_robot_secrets_are_stored_encrypted(robots, provider):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT webhook, secret FROM notifications_organizationchannel WHERE channel = 'dingtalk'")
        webhook, secret = cursor.fetchone()
    assert "ding-token" not in webhook and provider.dingtalk_secret not in secret and secret.startswith("gAAAA")
    assert OrganizationChannel.objects.get(channel="dingtalk").secret == provider.dingtalk_secret


def test_many_recipients_cost_a_fixed_number_of_queries(tree, robots, django_assert_max_num_queries):
    users = [UserFactory(username=f"u{i}", email=f"u{i}@example.org") for i in range(30)]
    for user in users:
        RoleAssignmentFactory(user=user, organization=tree.city_a, role=Role.STAFF)
    with django_assert_max_num_queries(12):
        notify(users, kind=SUBMITTED, title="批量")
    assert Delivery.objects.filter(channel="email").count() == 30


def test_a_failed_delivery_can_be_retried_by_an_administrator(member, robots, provider, fast, people,
                                                              django_capture_on_commit_callbacks):
    provider.fail(100)
    notification = submitted([member], django_capture_on_commit_callbacks)
    wecom = notification.deliveries.get(channel="wecom")
    provider.fail(0)
    with pytest.raises(Exception):  # noqa: B017 (PermissionDenied) city B's administrator manages nobody of city A
        services.retry_delivery(wecom, by=people.outsider)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.retry_delivery(wecom, by=people.admin)
    assert Delivery.objects.get(pk=wecom.pk).status == DeliveryStatus.SENT
