"""An organiser (city staff) creates an activity in real Chromium and shows its sign-in QR code; two volunteers with
accounts open the code's address on a 375-px phone, sign in, and after three hours of service sign out with the next
code; the organiser confirms the hours in bulk, and the volunteer's own page shows the new hours and star, the
city's volunteer statistics show the hours, and the city's plan target bound to "volunteer hours this year" has
filled itself from them (no progress entered by hand).

The code changes every few seconds here (VOLUNTEER_SIGNIN_WINDOW_SECONDS): the screen fetches the next one by
itself, which the test waits for. Three hours pass by moving the sign-ins back in the database."""
import datetime
from decimal import Decimal

import pytest
from django.db.models import F
from django.utils import timezone

from orgs.choices import Kind, Level, Role
from orgs.permissions import SYSTEM
from plans import services as plan_services
from plans.models import Assignment
from tests.factories import OrganizationFactory, RoleAssignmentFactory, UserFactory
from tests.volunteers.ids import resident_id
from volunteers import services
from volunteers.choices import VolunteerFigure
from volunteers.models import ServiceRecord, SignIn

pytestmark = pytest.mark.browser
PASSWORD = "browser-test-pw"
PHONE = {"width": 375, "height": 740}


def account(username, first_name):
    user = UserFactory(username=username, first_name=first_name)
    user.set_password(PASSWORD)
    user.save()
    return user


def both_widths(page, shot, name):
    """A screenshot at 1280 px and at 375 px (then back to the desktop)."""
    shot(page, f"{name}-1280")
    page.set_viewport_size(PHONE)
    shot(page, f"{name}-375")
    width = page.evaluate("document.documentElement.scrollWidth")
    page.set_viewport_size({"width": 1280, "height": 900})
    return width


def code_url(screen, old=None):
    """The address in the QR code on the organiser's screen (once it differs from ``old``)."""
    if old:
        screen.wait_for_function("old => document.querySelector('#signin-code').dataset.scanUrl !== old", arg=old,
                                 timeout=20000)
    return screen.get_attribute("#signin-code", "data-scan-url")


def test_volunteers_sign_in_and_out_and_the_organiser_confirms_their_hours(page, browser, live_server,
                                                                          transactional_db, login, pick, shot, settings):
    settings.VOLUNTEER_SIGNIN_WINDOW_SECONDS = 6
    city = OrganizationFactory(name="共青团青川市委员会", code="QC", level=Level.CITY, kind=Kind.COMMITTEE)
    branch = OrganizationFactory(parent=city, name="新华中心学校团支部", code="QC01")
    RoleAssignmentFactory(user=account("city_staff", "周团干"), organization=city, role=Role.STAFF)
    services.set_star_scale(city, by=SYSTEM, thresholds=[4, 20, 40, 80, 160])
    chen = services.register_volunteer(by=SYSTEM, organization=branch, name="陈小青", id_type="resident",
                                       id_number=resident_id(), mobile="13912345678",
                                       registered_on=datetime.date(2025, 1, 5), user=account("chen", "陈小青"))
    li = services.register_volunteer(by=SYSTEM, organization=branch, name="李明", id_type="resident",
                                     id_number=resident_id(), registered_on=datetime.date(2025, 1, 5),
                                     user=account("liming", "李明"))
    # 陈小青 served two hours last month: just below one star (four hours in 青川市)
    earlier = services.create_activity(by=SYSTEM, organization=city, title="图书馆阅读推广",
                                       starts_at=timezone.now() - datetime.timedelta(days=30),
                                       ends_at=timezone.now() - datetime.timedelta(days=30, hours=-4))
    services.sign_up(earlier, chen, by=SYSTEM)
    first = services.record_service(by=SYSTEM, activity=earlier, volunteer=chen,
                                    date=timezone.localdate(earlier.starts_at), hours=2)
    services.confirm_records(ServiceRecord.objects.filter(pk=first.pk), by=SYSTEM)
    # the city's plan: 40 hours of volunteering this year, a target bound to the volunteer statistics
    plan = plan_services.create_plan(by=SYSTEM, organization=city, year=timezone.localdate().year,
                                     title="青川市共青团工作要点")
    point = plan_services.add_point(plan_services.add_section(plan, by=SYSTEM, title="志愿服务"), by=SYSTEM,
                                    title="深化青年志愿服务")
    bound = plan_services.add_target(point, by=SYSTEM, metric="志愿服务时长", value=Decimal(40), unit="小时",
                                     volunteer_figure=VolunteerFigure.YEAR_HOURS)
    assert Assignment.objects.get(target=bound, parent=None).actual_value == 2

    # the organiser creates the activity, under way since four hours ago
    login(page, "city_staff")
    page.click("nav >> text=志愿者")
    page.click("#activities-link")
    page.wait_for_url(f"{live_server.url}/volunteers/activities/")
    assert both_widths(page, shot, "activity-list-empty") <= 375
    page.click("#new-activity")
    now = timezone.localtime()
    pick(page, "id_organization", "QC")
    page.fill("#id_title", "赣江护河巡河行动")
    page.select_option("#id_category", "environment")
    page.fill("#id_place", "赣江西岸")
    page.fill("#id_starts_at", (now - datetime.timedelta(hours=4)).strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_ends_at", (now + datetime.timedelta(hours=4)).strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_planned_hours", "3")
    page.fill("#id_places", "30")
    both_widths(page, shot, "activity-create")
    page.click("main button[type=submit]")
    page.locator(".alert-success", has_text="活动已创建").wait_for()
    assert page.locator("h1").inner_text().startswith("赣江护河巡河行动")
    activity_url = page.url

    page.click("#signin-link")
    page.locator("#signin-code svg").wait_for()
    assert both_widths(page, shot, "activity-signin-qr") <= 375

    phones = {}
    for username in ("chen", "liming"):
        phones[username] = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True).new_page()
        login(phones[username], username)
    try:
        for username in ("chen", "liming"):
            phone = phones[username]
            phone.goto(code_url(page))
            assert phone.locator("#scan-button").inner_text() == "签到"
            if username == "chen":
                shot(phone, "scan-before-375")
            phone.click("#scan-button")
            assert "签到" in phone.locator("#scan-result").inner_text()
            assert phone.evaluate("document.documentElement.scrollWidth") <= 375
        shot(phones["chen"], "scan-signed-in-375")
        page.locator("#signed-in-count", has_text="已签到 2 人").wait_for(timeout=20000)

        # three hours of service pass
        SignIn.objects.update(at=F("at") - datetime.timedelta(hours=3))
        used = code_url(page)
        for username in ("chen", "liming"):
            phone = phones[username]
            phone.goto(code_url(page, used))
            assert phone.locator("#scan-button").inner_text() == "签退"
            phone.click("#scan-button")
            assert "已记录服务时长 3 小时" in phone.locator("#proposed-hours").inner_text()
        shot(phones["chen"], "scan-signed-out-375")
        page.locator("#signed-out-count", has_text="已签退 2 人").wait_for(timeout=20000)
        shot(page, "activity-signin-after-1280")

        # the organiser confirms both records at once
        page.goto(activity_url)
        rows = page.locator("#record-table tbody tr")
        assert rows.count() == 2 and "待确认" in rows.first.inner_text()
        both_widths(page, shot, "activity-detail-pending")
        page.check("#id_all_pending")
        page.click("#confirm-button")
        page.locator(".alert-success", has_text="已确认 2 条服务记录").wait_for()
        assert page.locator("#record-table").inner_text().count("已确认") == 2
        assert both_widths(page, shot, "activity-detail-confirmed") <= 375

        chen_phone = phones["chen"]
        chen_phone.click("main >> text=我的志愿")
        chen_phone.wait_for_url(f"{live_server.url}/volunteers/me/")
        assert chen_phone.locator("#my-hours").inner_text() == "已确认服务时长 5 小时"
        assert chen_phone.locator("#my-stars").inner_text().strip() == "★"
        assert "再服务 15 小时可达 2 星" in chen_phone.locator("#next-star").inner_text()
        assert "赣江护河巡河行动" in chen_phone.locator("#my-records").inner_text()
        assert chen_phone.evaluate("document.documentElement.scrollWidth") <= 375
        shot(chen_phone, "my-page-375")
        chen_phone.set_viewport_size({"width": 1280, "height": 900})
        shot(chen_phone, "my-page-1280")
        li.refresh_from_db()
        assert (li.confirmed_hours, li.star) == (Decimal(3), 0)
    finally:
        for phone in phones.values():
            phone.context.close()

    page.goto(f"{live_server.url}/volunteers/activities/")
    assert "赣江护河巡河行动" in page.locator("#activity-table").inner_text()
    assert both_widths(page, shot, "activity-list") <= 375

    # the city's statistics count the confirmed hours: 2 last month (if in this year) and 3 + 3 today
    page.goto(f"{live_server.url}/volunteers/statistics/")
    headline = page.locator("#headline").inner_text()
    this_year = 8 if timezone.localdate(earlier.starts_at).year == now.year else 6
    assert f"本年服务时长\n{this_year}" in headline, headline
    page.locator('[data-chart="hours_by_month"] :is(svg, canvas)').wait_for()
    shot(page, "activity-flow-statistics-1280")
    # and the bound target filled itself: the point's page shows the hours as its actual value
    page.goto(f"{live_server.url}{point.get_absolute_url()}")
    card = page.locator(".target-card", has_text="志愿服务时长").inner_text()
    assert f"完成数 {this_year}小时" in card and "自动取自志愿者统计" in card, card
    assert "填报进度" not in card
    shot(page, "activity-flow-bound-target-1280")
