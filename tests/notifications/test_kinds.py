"""Kinds of notification are an open set: each app registers its codes with their labels (notifications.kinds);
a notification stores the code, pages, admin and API show the label, and the filters offer the registered kinds."""
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation

from notifications import kinds
from notifications.models import Notification
from notifications.services import notify
from reports import kinds as report_kinds
from tests.factories import UserFactory


@pytest.fixture
def own_registry(monkeypatch):
    """A copy of the registry, so that a test's kinds do not outlive it."""
    monkeypatch.setattr(kinds, "_labels", dict(kinds._labels))


def test_an_app_registers_a_code_once_with_its_label(own_registry):
    assert kinds.register("volunteer_signed_in", "Volunteer signed in") == "volunteer_signed_in"
    assert kinds.label("volunteer_signed_in") == "Volunteer signed in"
    with pytest.raises(ImproperlyConfigured):
        kinds.register("volunteer_signed_in", "Again")
    with pytest.raises(ImproperlyConfigured):
        kinds.register("x" * (kinds.MAX_LENGTH + 1), "Too long")
    with pytest.raises(ImproperlyConfigured):
        kinds.register("", "Nameless")


def test_the_apps_register_their_kinds_when_ready_and_other_comes_last():
    codes = [code for code, _label in kinds.choices()]
    assert {"report_due_soon", "report_due_today", "report_missing", "report_submitted", "report_returned",
            "report_approved", "review_digest", "scores_provisional", "scores_published"} < set(codes)
    assert codes[-1] == kinds.OTHER and len(codes) == len(set(codes))
    with translation.override("zh-hans"):
        assert str(kinds.label(report_kinds.REPORT_MISSING)) == "月报未报"


def test_a_code_no_app_registers_any_more_is_shown_as_itself(db):
    notification = Notification.objects.create(user=UserFactory(), kind="retired_kind", title="旧通知")
    assert notification.kind_label == "retired_kind"


@pytest.fixture
def alice(db):
    user = UserFactory(username="alice")
    notify([user], title="甲支部5月月报未报", kind=report_kinds.REPORT_MISSING)
    notify([user], title="导入完成")
    return user


def test_the_list_shows_the_kinds_label(client, alice):
    client.force_login(alice)
    html = client.get("/notifications/").content.decode()
    assert '<span class="notification-kind">月报未报</span>' in html
    assert html.count('class="notification-kind"') == 1  # “Other” goes without saying


def test_the_api_returns_the_code_with_its_label_and_filters_by_a_registered_kind(api, alice):
    api.login(alice)
    rows = api.get("/api/v1/notifications/", {"kind": "report_missing"}).json()["results"]
    assert [(r["kind"], r["kind_label"], r["title"]) for r in rows] == [("report_missing", "月报未报", "甲支部5月月报未报")]
    assert api.get("/api/v1/notifications/", {"kind": "other"}).json()["count"] == 1
    response = api.get("/api/v1/notifications/", {"kind": "no_such_kind"})
    assert response.status_code == 400 and "kind" in response.json()["errors"]


def test_the_admin_filters_by_the_registered_kinds(client, people, alice):
    client.force_login(people.root)
    html = client.get("/admin/notifications/notification/").content.decode()
    assert "?kind=review_digest" in html and "?kind=scores_published" in html
    html = client.get("/admin/notifications/notification/", {"kind": "report_missing"}).content.decode()
    assert "甲支部5月月报未报" in html and "导入完成" not in html

