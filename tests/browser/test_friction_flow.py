"""Friction of issue 14 in real Chromium: 填报进度 opens its form in place, the plan-import review adds a target and
moves a point, the English menu keeps to one line at 1366 px, and the main pages pass axe-core's contrast, ARIA and
label rules with no request answered 404 (the favicon)."""
from pathlib import Path

import pytest

from orgs.models import Organization
from plans.models import Assignment, Plan

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"  # axe-core 4.10.3, see vendor/README.md
SAMPLE = Path(__file__).resolve().parent.parent / "plan_samples" / "guangdong-province-2017.txt"
# The rules asserted: colour contrast, every ARIA rule (aria-*) and the rules that give controls, links, images and
# regions their accessible names. Nothing is excluded; only violations of impact serious or critical fail.
NAME_RULES = {"label", "label-title-only", "select-name", "button-name", "link-name", "input-button-name",
              "image-alt", "svg-img-alt", "role-img-alt", "frame-title", "document-title", "html-has-lang"}


def _checked(rule):
    return rule == "color-contrast" or rule.startswith("aria-") or rule in NAME_RULES


def axe_violations(page):
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes'][:3]]}" for v in result["violations"]
            if v["impact"] in ("serious", "critical") and _checked(v["id"])]


def _staff_assignment():
    city = Organization.objects.get(code="36010000")
    return (Assignment.objects.filter(organization=city, plan__status="published", target__isnull=False,
                                      target__volunteer_figure="").select_related("plan").order_by("pk").first())


def test_the_main_pages_pass_axe_and_ask_for_nothing_missing(page, live_server, demo, login, shot):
    from django.utils import timezone

    from reports import services as report_services

    missing = []
    page.on("response", lambda r: missing.append(r.url) if r.status == 404 else None)
    assignment = _staff_assignment()
    login(page, "demo_staff")  # the start page of staff is their 工作台
    pages = {"start page (工作台)": "/", "plan page": f"/plans/{assignment.plan_id}/",
             "work point page": f"/plans/points/{assignment.point_id}/?org=36010000",
             "dashboard": "/dashboard/36010000/", "review grid": "/reports/grid/"}
    found = {}
    for name, url in pages.items():
        page.goto(f"{live_server.url}{url}")
        page.wait_for_load_state("networkidle")
        found[name] = axe_violations(page)
    page.context.clear_cookies()
    reporter_org = Organization.objects.get(name="新华中心学校团支部")
    from django.contrib.auth import get_user_model

    reporter = get_user_model().objects.get(username="demo_reporter")
    report = report_services.start_report(reporter_org, timezone.localdate().replace(day=1), by=reporter)
    login(page, "demo_reporter")
    for name, url in {"reporter's start page": "/", "report form": f"/reports/{report.pk}/"}.items():
        page.goto(f"{live_server.url}{url}")
        page.wait_for_load_state("networkidle")
        found[name] = axe_violations(page)
    assert page.locator("#report-form fieldset:not([disabled])").count() == 1  # the form, editable
    shot(page, "axe-report-form")
    assert {name: v for name, v in found.items() if v} == {}
    assert [url for url in missing if "favicon" in url] == [] and missing == []
    icon = page.request.get(f"{live_server.url}/favicon.ico")
    assert icon.ok and icon.headers["content-type"] in ("image/x-icon", "image/vnd.microsoft.icon")


def test_enter_progress_opens_the_form_where_it_was_clicked(page, live_server, demo, login, shot):
    assignment = _staff_assignment()
    login(page, "demo_staff")
    page.set_viewport_size({"width": 1280, "height": 700})
    page.goto(f"{live_server.url}/plans/points/{assignment.point_id}/?org=36010000")
    button = page.locator(f"a.enter-progress[aria-controls='progress-slot-{assignment.pk}']")
    button.click()
    slot = page.locator(f"#progress-slot-{assignment.pk}")
    details = slot.locator("details")
    details.wait_for()
    assert details.get_attribute("open") is not None  # expanded: no second click
    value = slot.locator("input[name$='-value']")
    assert value.is_visible()
    page.wait_for_function("document.activeElement && document.activeElement.name && document.activeElement.name.endsWith('-value')")
    box, height = value.bounding_box(), page.viewport_size["height"]
    assert 0 <= box["y"] and box["y"] + box["height"] <= height  # scrolled into view
    shot(page, "point-enter-progress-open")
    value.fill(str(int(assignment.assigned_value or 1) + 1))
    slot.locator("button[type=submit]").click()
    slot.locator(".alert-success").wait_for()
    page.set_viewport_size({"width": 375, "height": 800})
    shot(page, "point-enter-progress-375")


def test_the_import_review_adds_a_target_and_moves_a_point(page, live_server, demo, login, shot):
    login(page, "demo_staff")
    page.goto(f"{live_server.url}/plans/import/")
    page.fill("#id_text", SAMPLE.read_text(encoding="utf-8"))
    with page.expect_navigation():
        page.click("button:has-text('识别文档')")
    overflowing = """() => [...document.querySelectorAll('.review-target')].filter(row =>
        row.getBoundingClientRect().right > row.closest('.card').getBoundingClientRect().right + 0.5).length"""
    assert page.evaluate(overflowing) == 0
    point = page.locator(".review-section").first.locator(".review-point").first
    point.locator("button.add-target").click()
    added = point.locator(".review-target-added")
    assert page.evaluate("document.activeElement.name") == "s0-p0-t0-metric"
    added.locator("input[name$='-metric']").fill("培训团干部")
    added.locator("input[name$='-value']").fill("500")
    added.locator("input[name$='-unit']").fill("人")
    page.locator("select[name='s0-p1-section']").select_option("1")  # 从严管好团干部 goes to the second section
    shot(page, "plan-import-review-added")
    page.set_viewport_size({"width": 375, "height": 800})
    assert page.evaluate(overflowing) == 0
    shot(page, "plan-import-review-375")
    page.fill("#title", "2017年工作要点（调整）")
    with page.expect_navigation():
        page.click("button:has-text('创建计划草稿')")
    plan = Plan.objects.get(title="2017年工作要点（调整）")
    sections = list(plan.sections.order_by("order"))
    assert [t.metric for t in sections[0].points.order_by("order").first().targets.all()] == ["培训团干部"]
    assert sections[1].points.order_by("order").last().title == "从严管好团干部"
    assert sections[0].points.filter(title="从严管好团干部").count() == 0


@pytest.mark.parametrize("width", [1366, 1280, 1200])
def test_the_english_menu_keeps_to_one_line(page, live_server, demo, login, shot, width):
    login(page, "demo_admin")  # the longest menu: users and roles, API, a role switch
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page.set_viewport_size({"width": width, "height": 600})
    page.goto(f"{live_server.url}/")
    assert page.locator("#mainnav .nav-link", has_text="Users and roles").is_visible()
    middles = page.evaluate("[...document.querySelectorAll('#mainnav .nav-link, #mainnav select, #bell button')]"
                            ".map(e => { const r = e.getBoundingClientRect(); return (r.top + r.bottom) / 2; })")
    assert max(middles) - min(middles) < 12, middles  # one line: nothing wrapped below
    assert page.evaluate("document.querySelector('nav.navbar').getBoundingClientRect().height") < 70
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # and nothing sticks out on the right
    assert page.locator("#bell button").is_visible() and page.locator("#mainnav .dropdown-toggle").is_visible()
    assert page.locator("#language-switch option[value=en]").inner_text() == "English"
    shot(page, f"menu-english-{width}")
