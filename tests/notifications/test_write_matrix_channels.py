"""The write matrices of notification channels: every page and API write × every role × inside / outside / above.

Built on the cases of tests/test_write_matrix.py (API) and tests/test_page_write_matrix.py (pages), run by their
own test functions; both modules' resolver guards count the cases declared here. An organisation's group robots are
its administrators' alone (others are answered 404 for the robot, 403 where they see the organisation); a
delivery is retried only by an administrator of an organisation where its recipient holds a role.
"""
import pytest

from notifications import services
from notifications.choices import DeliveryStatus
from notifications.models import Delivery, Notification
from orgs.permissions import SYSTEM
from tests import test_page_write_matrix as pages
from tests import test_write_matrix as api_matrix
from tests.matrix import EVERYONE, SEES_COMMITTEE, WHERE, by_id, role_matrix, world_fixtures

module_world, world = world_fixtures()

WECOM = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=matrix-key"
ADMINS = {"admin"}


def robot(w, where):
    """The 企业微信 robot of committee(where)."""
    return w.once(("robot", where), lambda: services.save_organization_channel(
        w.committee(where), by=SYSTEM, channel="wecom", webhook=WECOM))


def delivery(w, where):
    """A given-up SMS delivery to someone at ``where``: city A's staff member, city B's administrator, a superuser
    (who holds no role anywhere). SMS, so that a retry made in the matrix calls no provider."""
    recipient = {"inside": w.people.staff, "outside": w.people.outsider, "above": w.people.root}[where]

    def make():
        notification = Notification.objects.create(user=recipient, kind="report_returned", title="退回")
        return Delivery.objects.create(notification=notification, channel="sms", status=DeliveryStatus.GAVE_UP,
                                       attempts=6, last_error="code LIMITED")
    return w.once(("delivery", where), make)


api = api_matrix.api
Case = api_matrix.Case
API_CASES = [
    Case("post", "organization-channels/", lambda w, where: api("organization-channels/"),
         lambda w, where: {"organization": w.committee(where).code, "channel": "wecom", "webhook": WECOM}, ADMINS,
         sees=SEES_COMMITTEE, hidden=400),
    Case("put", "organization-channels/<pk>/", lambda w, where: api(f"organization-channels/{robot(w, where).pk}/"),
         lambda w, where: {"organization": w.committee(where).code, "channel": "wecom", "webhook": WECOM + "2",
                           "enabled": False}, ADMINS, sees=frozenset()),
    Case("patch", "organization-channels/<pk>/", lambda w, where: api(f"organization-channels/{robot(w, where).pk}/"),
         lambda w, where: {"enabled": False}, ADMINS, sees=frozenset()),
    Case("delete", "organization-channels/<pk>/", lambda w, where: api(f"organization-channels/{robot(w, where).pk}/"),
         allowed=ADMINS, sees=frozenset()),
    Case("post", "notification-deliveries/<pk>/retry/",
         lambda w, where: api(f"notification-deliveries/{delivery(w, where).pk}/retry/"), allowed=ADMINS,
         sees=frozenset()),
]

Page = pages.Page
PAGE_CASES = [
    Page("notifications:settings", lambda w, where: "/notifications/settings/",
         lambda w, where: {"email__report_returned": "on", "phone": "13800138000"}, EVERYONE, anywhere=True),
    Page("notifications:organization_channels",
         lambda w, where: f"/notifications/organizations/{w.committee(where).pk}/channels/",
         lambda w, where: {"channel": "wecom", "wecom-enabled": "on", "wecom-webhook": WECOM}, ADMINS,
         sees=SEES_COMMITTEE),
    Page("notifications:delivery_retry",
         lambda w, where: f"/notifications/deliveries/{delivery(w, where).pk}/retry/", allowed=ADMINS,
         sees=frozenset()),
]


@pytest.mark.parametrize("where", WHERE)
@pytest.mark.parametrize("role", api_matrix.ROLES)
@pytest.mark.parametrize("case", by_id(API_CASES))
def test_an_api_write_is_allowed_inside_to_its_roles_only(client, world, case, role, where,
                                                          django_capture_on_commit_callbacks):
    api_matrix.test_a_write_is_allowed_inside_to_its_roles_only(client, world, case, role, where,
                                                                django_capture_on_commit_callbacks)


@pytest.mark.parametrize("case, role, where", role_matrix(PAGE_CASES))
def test_a_page_write_is_allowed_inside_to_its_roles_only(client, world, case, role, where,
                                                          django_capture_on_commit_callbacks):
    pages.test_a_page_write_is_allowed_inside_to_its_roles_only(client, world, case, role, where,
                                                                django_capture_on_commit_callbacks)


@pytest.mark.parametrize("case", by_id(PAGE_CASES))
def test_a_page_write_without_the_csrf_token_is_refused(world, case):
    pages.test_a_page_write_without_the_csrf_token_is_refused(world, case)
