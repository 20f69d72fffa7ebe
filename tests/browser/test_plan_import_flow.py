"""League staff turn a 工作要点 into a draft plan in real Chromium: paste, review, correct, create."""
from pathlib import Path

import pytest

from plans.models import Plan, Target

pytestmark = pytest.mark.browser
SAMPLE = Path(__file__).resolve().parent.parent / "plan_samples" / "guangdong-province-2017.txt"


def test_staff_create_a_draft_plan_from_a_document(page, live_server, demo, login, shot):
    login(page, "demo_staff")
    page.goto(f"{live_server.url}/plans/")
    page.click("text=从文档导入工作计划")
    page.fill("#id_text", SAMPLE.read_text(encoding="utf-8"))
    with page.expect_navigation():
        page.click("button:has-text('识别文档')")
    assert page.locator("#document-view mark.target-span").count() >= 10
    assert page.locator(".review-section").count() == 5
    assert page.locator("#organization").input_value() == "36010000"
    shot(page, "plan-import-review")
    page.locator(".review-section").nth(4).locator("input[type=checkbox]").first.uncheck()
    page.locator("input[name='s0-p1-t0-value']").fill("95")
    page.fill("#title", "2017年工作要点（导入）")
    with page.expect_navigation():
        page.click("button:has-text('创建计划草稿')")
    assert "已根据文档创建工作计划草稿" in page.locator(".alert-success").inner_text()
    plan = Plan.objects.get(title="2017年工作要点（导入）")
    assert plan.sections.count() == 4 and plan.status == "draft"
    assert Target.objects.get(point__section__plan=plan, point__number="2", order=0).value == 95
    shot(page, "plan-imported")


GLUED = Path(__file__).resolve().parent.parent / "plan_fixtures" / "dev" / "glued-school-2020.txt"


@pytest.mark.parametrize("width", [1280, 375])
def test_items_read_with_low_confidence_are_marked_for_the_user(page, live_server, demo, login, shot, width):
    page.set_viewport_size({"width": width, "height": 900})
    login(page, "demo_staff")
    page.goto(f"{live_server.url}/plans/import/")
    page.fill("#id_text", GLUED.read_text(encoding="utf-8"))
    with page.expect_navigation():
        page.click("button:has-text('识别文档')")
    assert "待确认" in page.locator("#doubtful-summary").inner_text()
    marked = page.locator(".review-section").first.locator(".low-confidence").first
    assert marked.is_visible() and "标题紧贴在上文之后" in marked.inner_text()
    shot(page, f"plan-import-low-confidence-{width}")
