"""The pages issue 14's last part changed, as their users see them on a desktop (1280 px) and a phone (375 px):
the ?org= switchers (plan, volunteer statistics, report settings), the reporting rule's exceptions, the
plan-import review's organisation, the users page's bulk grant and an organisation's children table. Nothing
sticks out on the right of a phone; the Chinese menu of an administrator and of a superuser keeps to one line."""
import pytest

from orgs.models import Organization
from plans.models import Assignment, Plan

pytestmark = pytest.mark.browser

OVERFLOW = "document.documentElement.scrollWidth"


def plan_page(live_server):
    plan = Plan.objects.filter(status="published").order_by("pk").first()
    below = (Assignment.objects.filter(plan=plan).exclude(organization=plan.organization)
             .order_by("organization__path").values_list("organization__code", flat=True).first())
    return f"{live_server.url}/plans/{plan.pk}/?org={below}"


def a_city():
    return Organization.objects.filter(depth=2).order_by("path").first()


PAGES = [  # (name, user, address)
    ("plan-switcher", "demo_staff", plan_page),
    ("statistics-switcher", "demo_staff", lambda s: f"{s.url}/volunteers/statistics/"),
    ("report-settings", "demo_staff", lambda s: f"{s.url}/reports/settings/"),
    ("rule-exceptions", "demo_staff", lambda s: f"{s.url}/reports/settings/rules/new/"),
    ("users-bulk-grant", "demo_admin", lambda s: f"{s.url}/orgs/users/"),
    ("org-children", "demo_admin", lambda s: f"{s.url}/orgs/{a_city().pk}/"),
]


def test_the_changed_pages_read_on_a_desktop_and_a_phone(browser, live_server, demo, login, shot):
    for user in ("demo_staff", "demo_admin"):
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        page = context.new_page()
        page.set_default_timeout(15000)
        login(page, user)
        for name, _user, address in [p for p in PAGES if p[1] == user]:
            page.set_viewport_size({"width": 1280, "height": 900})
            page.goto(address(live_server))
            page.locator("[data-picker-for], #children").first.wait_for()  # the picker upgraded (or the table)
            shot(page, f"daily-{name}-1280")
            page.set_viewport_size({"width": 375, "height": 812})
            page.reload()
            page.locator("[data-picker-for], #children").first.wait_for()
            assert page.evaluate(OVERFLOW) <= 375, name
            shot(page, f"daily-{name}-375")
        context.close()


def test_the_plan_import_review_names_its_organisation_with_a_picker(page, live_server, demo, login, shot):
    login(page, "demo_staff")
    page.goto(f"{live_server.url}/plans/import/")
    page.fill("#id_text", "一、思想引领\n1. 开展青年大学习宣讲。全年不少于40场。\n2. 建设青年之家。新建18个青年之家。")
    with page.expect_navigation():
        page.click("button:has-text('识别文档')")
    page.locator("[data-picker-for=organization]").wait_for()
    assert page.locator("#organization").input_value()  # the current role's organisation, named
    shot(page, "daily-plan-import-review-1280")
    page.set_viewport_size({"width": 375, "height": 812})
    assert page.evaluate(OVERFLOW) <= 375
    shot(page, "daily-plan-import-review-375")


def test_the_chinese_menu_keeps_to_one_line_at_1280(browser, live_server, demo, login, shot):
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_superuser("root_daily", password="browser-test-pw")
    for user in ("demo_admin", "root_daily"):
        context = browser.new_context(viewport={"width": 1280, "height": 700}, locale="zh-CN")
        menu_on_one_line(context.new_page(), live_server, login, shot, user)
        context.close()


def menu_on_one_line(page, live_server, login, shot, user):
    login(page, user)
    page.goto(f"{live_server.url}/")
    middles = page.evaluate("[...document.querySelectorAll('#mainnav .nav-link, #mainnav select, #bell button')]"
                            ".map(e => { const r = e.getBoundingClientRect(); return (r.top + r.bottom) / 2; })")
    assert max(middles) - min(middles) < 12, middles  # one line: nothing wrapped below
    assert page.evaluate("document.querySelector('nav.navbar').getBoundingClientRect().height") < 70
    assert page.evaluate(OVERFLOW) <= 1280
    shot(page, f"daily-menu-zh-{user}-1280")
