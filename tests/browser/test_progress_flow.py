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


def test_staff_hand_a_target_down_with_a_live_sum(page, live_server, demo, login, shot):
    city_part = Assignment.objects.get(target__metric="新创建青年文明号", organization__code="36020000")
    whole = int(city_part.assigned_value)
    login(page, "demo_admin")  # the provincial admin covers 临江市
    page.goto(f"{live_server.url}/plans/assignments/{city_part.pk}/decompose/")
    inputs = page.locator("input.part")
    assert inputs.count() == 4
    inputs.nth(0).fill("1")
    assert "≠" in page.locator("#sum-state").inner_text()
    page.click("button[data-split=members]")
    assert page.locator("#parts-sum").inner_text() == str(whole)
    assert "≠" not in page.locator("#sum-state").inner_text()
    shot(page, "decompose-split-by-members")
    with page.expect_navigation():
        page.click("#decompose-form button[type=submit]")
    assert "已分解" in page.locator(".alert-success").inner_text()
    parts = Assignment.objects.filter(parent=city_part)
    assert parts.count() == 4 and sum(p.assigned_value for p in parts) == city_part.assigned_value
