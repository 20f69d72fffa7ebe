"""Notifications: sent once per key, e-mailed to users with an address, read through the bell, the page and the API."""
import pytest
from django.core import mail

from notifications.models import Notification
from notifications.services import mark_read, notify
from tests.factories import UserFactory


@pytest.fixture
def alice(db):
    return UserFactory(username="alice", email="alice@example.org")


@pytest.fixture
def bob(db):
    return UserFactory(username="bob", email="")


def test_a_keyed_notification_reaches_each_user_once(alice, bob, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert notify([alice, bob], title="月报将于3天后截止", key="due:1:202605:20260602") == 2
        assert notify([alice, bob.pk], title="月报将于3天后截止", key="due:1:202605:20260602") == 0
        assert notify([alice], title="无键通知") == 1
        assert notify([alice], title="无键通知") == 1
    assert Notification.objects.filter(user=alice).count() == 3 and Notification.objects.filter(user=bob).count() == 1


def test_email_goes_to_users_with_an_address_once(alice, bob, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify([alice, bob], title="支部月报已退回", body="请补充照片", url="/plans/reports/1/")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["alice@example.org"] and "支部月报已退回" in message.subject
    assert "请补充照片" in message.body and "/plans/reports/1/" in message.body
    assert Notification.objects.get(user=alice).emailed_at is not None
    assert Notification.objects.get(user=bob).emailed_at is None
    from notifications.models import Delivery
    from notifications.tasks import deliver

    delivery = Delivery.objects.get()
    assert (delivery.channel, delivery.status, delivery.notification.user) == ("email", "sent", alice)
    assert deliver.apply(args=[delivery.pk]).get() == "sent" and len(mail.outbox) == 1  # a rerun sends nothing twice


def test_mark_read_touches_only_the_users_own(alice, bob):
    notify([alice, bob], title="通知")
    mine = Notification.objects.get(user=alice)
    assert mark_read(bob, [mine.pk]) == 0
    assert mark_read(alice, [mine.pk]) == 1 and Notification.objects.unread().filter(user=bob).count() == 1


def test_the_bell_counts_and_lists_unread(client, alice, bob):
    notify([alice], title="甲支部提交了2026-05月报", url="/plans/reports/")
    notify([alice], title="乙支部提交了2026-05月报")
    client.force_login(alice)
    html = client.get("/").content.decode()
    assert 'id="bell-count">2<' in html
    menu = client.get("/notifications/menu/").content.decode()
    assert "甲支部提交了2026-05月报" in menu and "乙支部提交了2026-05月报" in menu
    first = Notification.objects.get(title__startswith="甲")
    response = client.get(f"/notifications/{first.pk}/")
    assert response.status_code == 302 and response["Location"] == "/plans/reports/"
    assert 'id="bell-count">1<' in client.get("/").content.decode()
    client.post("/notifications/read-all/")
    assert 'id="bell-count"' not in client.get("/notifications/").content.decode()
    client.force_login(bob)
    assert client.get(f"/notifications/{first.pk}/").status_code == 404


def test_a_link_outside_the_portal_is_not_followed(client, alice):
    notify([alice], title="外链", url="https://evil.example/")
    client.force_login(alice)
    response = client.get(f"/notifications/{Notification.objects.get().pk}/")
    assert response["Location"] == "/notifications/"


def test_the_api_lists_and_marks_only_the_callers_notifications(api, alice, bob):
    notify([alice], title="一")
    notify([alice, bob], title="二")
    api.login(alice)
    data = api.get("/api/v1/notifications/?unread=true").json()
    assert data["count"] == 2
    bobs = Notification.objects.get(user=bob)
    assert api.get(f"/api/v1/notifications/{bobs.pk}/").status_code == 404
    assert api.post(f"/api/v1/notifications/{bobs.pk}/read/").status_code == 404
    mine = Notification.objects.filter(user=alice).first()
    assert api.post(f"/api/v1/notifications/{mine.pk}/read/").json() == {"marked": 1}
    assert api.post("/api/v1/notifications/read-all/").json() == {"marked": 1}
    assert api.get("/api/v1/notifications/?unread=true").json()["count"] == 0
    assert Notification.objects.unread().filter(user=bob).count() == 1


def test_anonymous_users_get_no_notifications(client, api):
    assert client.get("/notifications/").status_code == 302
    assert api.get("/api/v1/notifications/").status_code in (401, 403)


def test_two_messages_with_one_key_in_one_batch_reach_a_user_once(alice):
    from notifications.services import Message, send

    assert send([Message([alice], "一", key="k"), Message([alice], "二", key="k"), Message([alice], "三"),
                 Message([alice], "三")]) == 3
    assert Notification.objects.filter(user=alice).count() == 3


def test_email_can_be_switched_off_and_on(client, api, alice, django_capture_on_commit_callbacks):
    client.force_login(alice)
    assert 'id="email-switch" checked' in client.get("/notifications/").content.decode()
    client.post("/notifications/email/", {})  # the switch unticked
    assert 'id="email-switch" checked' not in client.get("/notifications/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        notify([alice], title="不发邮件")
    assert len(mail.outbox) == 0 and Notification.objects.get().emailed_at is None
    api.login(alice)
    assert api.get("/api/v1/notifications/preferences/").json()["email"] is False
    assert api.put("/api/v1/notifications/preferences/", {"email": True}).json()["email"] is True
    with django_capture_on_commit_callbacks(execute=True):
        notify([alice], title="发邮件")
    assert [m.subject for m in mail.outbox] == ["[共青团工作任务管理平台] 发邮件"]
    assert api.put("/api/v1/notifications/preferences/", {"email": "maybe"}).status_code == 400
