"""A branch's league staff enters progress with a photo in real Chromium; the light changes, and
a leader of the parent organisation sees the new figure and the photo."""
import base64

import pytest

from orgs.choices import Role
from orgs.models import Organization
from plans.models import Assignment
from tests.factories import RoleAssignmentFactory, UserFactory

pytestmark = pytest.mark.browser

# A 1×1 PNG, a real image file for the evidence upload.
PIXEL = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")


def test_staff_enter_progress_with_a_photo_and_the_leader_sees_it(page, live_server, demo, login, shot, tmp_path):
    # a branch under 城东区 that holds the talks target and is not done yet
    district = Organization.objects.get(code="36010100")
    assignment = (Assignment.objects.filter(target__metric="主题宣讲", organization__level="grassroots",
                                            organization__path__startswith=district.path)
                  .exclude(light="done").select_related("organization", "parent__organization").first())
    assert assignment is not None
    staff = UserFactory(username="branch_staff", first_name="赵团干")
    staff.set_password("browser-test-pw")
    staff.save()
    RoleAssignmentFactory(user=staff, organization=assignment.organization, role=Role.STAFF)
    light_before = assignment.light
    parent_before = assignment.parent.actual_value or 0

    login(page, "branch_staff")
    page.click("nav >> text=我的任务")
    card = page.locator(f"#task-{assignment.pk}")
    card.locator("summary").click()
    card.locator("input[name$='-value']").fill(str(int(assignment.assigned_value) + 1))
    card.locator("textarea[name$='-note']").fill("开展主题宣讲，附现场照片")
    photo = tmp_path / "现场照片.png"
    photo.write_bytes(PIXEL)
    card.locator("input[type=file]").set_input_files(str(photo))
    card.locator("button[type=submit]").click()
    page.locator(f"#task-{assignment.pk} .alert-success").wait_for()
    card = page.locator(f"#task-{assignment.pk}")
    assert card.locator("[data-light]").get_attribute("data-light") == "done" != light_before
    shot(page, "my-tasks-after-progress")

    page.context.clear_cookies()
    login(page, "demo_leader")
    page.goto(f"{live_server.url}/plans/points/{assignment.point_id}/?org={assignment.organization.code}")
    target = page.locator(".target-card").first
    assert target.locator("[data-light]").first.get_attribute("data-light") == "done"
    history = page.locator("#progress-history")
    assert "开展主题宣讲，附现场照片" in history.inner_text() and "现场照片.png" in history.inner_text()
    shot(page, "leader-sees-branch-progress")

    page.goto(f"{live_server.url}/plans/points/{assignment.point_id}/?org={assignment.parent.organization.code}")
    parent = Assignment.objects.get(pk=assignment.parent_id)
    assert parent.actual_value > parent_before
    assert f"{parent.actual_value.normalize():f}" in page.locator(".target-card").first.inner_text()
