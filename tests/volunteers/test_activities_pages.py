"""Activity pages: the list, creating, the sign-up list, records by hand, bulk confirmation, the sign-in screen, the
scan page and a volunteer's own page; refusals by field in Chinese; queries that do not grow with the data."""
import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from freezegun import freeze_time

from orgs.permissions import SYSTEM
from tests.factories import UserFactory
from volunteers import services, signin
from volunteers.choices import RecordStatus
from volunteers.models import Activity, ServiceRecord, SignIn, Signup

from .conftest import TZ, activity_of, volunteer_of

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 3, 1)


@pytest.fixture
def staff(client, people):
    client.force_login(people.staff)
    return client


def record(activity, volunteer, hours, date=DAY):
    return services.record_service(by=SYSTEM, activity=activity, volunteer=volunteer, date=date, hours=Decimal(hours))


def errors(response, form="record_form"):
    return {name: list(e) for name, e in response.context[form].errors.items()}


# --- list and create ----------------------------------------------------------------------------------------------


def test_the_list_filters_sorts_and_counts(tree, staff):
    busy = activity_of(tree.district, title="马拉松赛会服务", category="culture")
    quiet = activity_of(tree.city_a, title="社区清洁", first=datetime.date(2099, 5, 1))
    for i in range(3):
        services.sign_up(busy, volunteer_of(tree.branch, name=f"志愿者{i}"), by=SYSTEM)
    activity_of(tree.city_b, title="乙市活动")
    page = staff.get(reverse("volunteers:activity_list"), {"sort": "-signups"})
    assert [row.record.pk for row in page.context["table"].paginated_rows] == [busy.pk, quiet.pk]
    assert page.context["table"].paginated_rows[0].record.signup_count == 3
    assert [row.record.pk for row in staff.get(reverse("volunteers:activity_list"), {"period": "upcoming"}).context["table"].paginated_rows] == [quiet.pk]
    assert [row.record.pk for row in staff.get(reverse("volunteers:activity_list"), {"category": "culture", "q": "马拉松"})
            .context["table"].paginated_rows] == [busy.pk]
    assert [row.record.pk for row in staff.get(reverse("volunteers:activity_list"), {"within": "A1"}).context["table"].paginated_rows] == [busy.pk]


def test_an_invalid_filter_lists_nothing_and_says_why(staff):
    response = staff.get(reverse("volunteers:activity_list"), {"date_from": "not a date", "within": "B"})
    assert response.status_code == 200 and not list(response.context["table"].paginated_rows)
    assert response.context["filterset"].errors


def test_staff_create_an_activity_at_an_organisation_of_theirs(tree, staff, people):
    data = {"organization": "A1", "title": "敬老院探访", "category": "elderly", "starts_at": "2026-04-01T09:00",
            "ends_at": "2026-04-01T12:00", "planned_hours": "3", "places": "20", "status": "open"}
    response = staff.post(reverse("volunteers:activity_create"), data)
    activity = Activity.objects.get(title="敬老院探访")
    assert response.status_code == 302 and response["Location"] == activity.get_absolute_url()
    assert (activity.organization, activity.created_by, activity.places) == (tree.district, people.staff, 20)
    backwards = staff.post(reverse("volunteers:activity_create"), {**data, "ends_at": "2026-04-01T08:00"})
    assert backwards.context["form"].errors["ends_at"] == ["活动结束时间须晚于开始时间。"]
    elsewhere = staff.post(reverse("volunteers:activity_create"), {**data, "organization": "B"})
    assert "organization" in elsewhere.context["form"].errors
    assert Activity.objects.count() == 1


# --- the sign-up list ---------------------------------------------------------------------------------------------


def test_the_organiser_finds_a_volunteer_signs_them_up_and_cancels(tree, staff):
    activity = activity_of(tree.district)
    volunteer = volunteer_of(tree.branch, name="王小明")
    volunteer_of(tree.other_branch, name="王小乙")  # city B: not the staff's
    found = staff.get(activity.get_absolute_url(), {"q": "王小"})
    assert [v.pk for v in found.context["candidates"]] == [volunteer.pk]
    staff.post(reverse("volunteers:activity_signup_add", args=[activity.pk]), {"volunteer": volunteer.pk})
    signup = Signup.objects.get(activity=activity)
    assert signup.volunteer == volunteer
    again = staff.post(reverse("volunteers:activity_signup_add", args=[activity.pk]), {"volunteer": volunteer.pk},
                       follow=True)
    assert "已报名" in again.content.decode()
    staff.post(reverse("volunteers:activity_signup_cancel", args=[activity.pk, signup.pk]))
    assert not Signup.objects.exists()


def test_a_full_activity_says_so(tree, staff):
    activity = activity_of(tree.district, places=1)
    services.sign_up(activity, volunteer_of(tree.branch, name="甲"), by=SYSTEM)
    late = volunteer_of(tree.branch, name="乙")
    response = staff.post(reverse("volunteers:activity_signup_add", args=[activity.pk]), {"volunteer": late.pk},
                          follow=True)
    assert "名额已满" in response.content.decode()
    assert Signup.objects.count() == 1


# --- records and the bulk decision ----------------------------------------------------------------------------------


def test_a_record_by_hand_shows_its_problems_beside_their_fields(tree, staff, volunteer, activity):
    services.sign_up(activity, volunteer, by=SYSTEM)
    url = reverse("volunteers:activity_record_add", args=[activity.pk])
    outside = staff.post(url, {"volunteer": volunteer.pk, "date": "2026-04-01", "hours": "3"})
    assert outside.status_code == 200 and "不在活动期间内" in " ".join(errors(outside)["date"])
    record(activity_of(tree.district, title="另一场"), volunteer, 22)
    too_long = staff.post(url, {"volunteer": volunteer.pk, "date": "2026-03-01", "hours": "3"})
    assert "24" in " ".join(errors(too_long)["hours"])
    assert ServiceRecord.objects.filter(activity=activity).count() == 0
    done = staff.post(url, {"volunteer": volunteer.pk, "date": "2026-03-02", "hours": "3"})
    assert done.status_code == 302
    assert ServiceRecord.objects.get(activity=activity).status == RecordStatus.PENDING


def test_bulk_confirmation_counts_the_hours_and_raises_the_star(tree, staff, activity):
    services.set_star_scale(tree.city_a, by=SYSTEM, thresholds=[6, 20, 40, 80, 160])
    one, two = volunteer_of(tree.branch, name="甲"), volunteer_of(tree.branch, name="乙")
    records = [record(activity, one, 4), record(activity, one, 3, date=DAY + datetime.timedelta(days=1)),
               record(activity, two, 2)]
    response = staff.post(reverse("volunteers:activity_records_decide", args=[activity.pk]),
                          {"step": "confirm", "records": [records[0].pk, records[1].pk]})
    assert response.status_code == 302
    one.refresh_from_db(), two.refresh_from_db()
    assert (one.confirmed_hours, one.star, two.confirmed_hours) == (7, 1, 0)
    staff.post(reverse("volunteers:activity_records_decide", args=[activity.pk]),
               {"step": "reject", "all_pending": "on", "reason": "未到岗"})
    assert ServiceRecord.objects.get(pk=records[2].pk).status == RecordStatus.REJECTED


def test_a_decision_without_records_or_a_rejection_without_a_reason_is_refused(tree, staff, volunteer, activity):
    rec = record(activity, volunteer, 3)
    url = reverse("volunteers:activity_records_decide", args=[activity.pk])
    nothing = staff.post(url, {"step": "confirm"})
    assert "请勾选" in " ".join(errors(nothing, "decide_form")["records"])
    no_reason = staff.post(url, {"step": "reject", "records": [rec.pk], "reason": " "})
    assert "理由" in " ".join(errors(no_reason, "decide_form")["reason"])
    assert ServiceRecord.objects.get(pk=rec.pk).status == RecordStatus.PENDING


def test_a_leader_sees_the_activity_but_gets_no_buttons(tree, client, people, volunteer, activity):
    record(activity, volunteer, 3)
    client.force_login(people.leader)
    page = client.get(activity.get_absolute_url())
    assert page.status_code == 200 and not page.context["can_manage"]
    assert 'name="records"' not in page.content.decode()


# --- the sign-in screen and the scan page -------------------------------------------------------------------------


def test_the_sign_in_screen_shows_a_qr_code_of_the_scan_address_and_refreshes_at_the_windows_end(tree, staff,
                                                                                                  settings):
    settings.VOLUNTEER_SIGNIN_WINDOW_SECONDS = 30
    activity = activity_of(tree.district)
    moment = datetime.datetime(2026, 3, 1, 9, 0, 10, tzinfo=TZ)
    with freeze_time(moment):
        page = staff.get(reverse("volunteers:activity_signin", args=[activity.pk])).content.decode()
    assert "<svg" in page and "<script" not in page.split("<main")[1].split("</main>")[0]
    url = re.search(r'data-scan-url="([^"]+)"', page).group(1)
    assert url.endswith(f"/volunteers/activities/{activity.pk}/scan/?code={signin.current_code(activity, moment)}")
    assert f'hx-trigger="load delay:{signin.seconds_left(moment)}s"' in page
    with freeze_time(moment + datetime.timedelta(seconds=30)):
        fragment = staff.get(reverse("volunteers:activity_signin_code", args=[activity.pk])).content.decode()
    assert signin.current_code(activity, moment + datetime.timedelta(seconds=30)) in fragment
    assert "<html" not in fragment


@pytest.fixture
def linked(tree, client):
    volunteer = volunteer_of(tree.branch, name="陈小青", user=UserFactory(username="xiaoqing"))
    client.force_login(volunteer.user)
    return volunteer


def test_a_volunteer_signs_in_and_out_from_the_scan_page(tree, client, linked):
    activity = activity_of(tree.district)
    url = reverse("volunteers:scan", args=[activity.pk])
    start = datetime.datetime(2026, 3, 1, 9, tzinfo=TZ)
    with freeze_time(start):
        code = signin.current_code(activity)
        page = client.get(url, {"code": code})
        assert page.context["activity"] == activity and page.context["next_kind"] == "in"
        done = client.post(url, {"code": code})
    assert done.context["done"].kind == "in" and "签到" in done.content.decode()
    later = start + datetime.timedelta(hours=3, minutes=10)
    with freeze_time(later):
        code = signin.current_code(activity)
        assert client.get(url, {"code": code}).context["next_kind"] == "out"
        out = client.post(url, {"code": code})
    assert out.context["done"].record.hours == 3
    assert "3 小时" in out.content.decode()
    with freeze_time(later + datetime.timedelta(minutes=1)):
        finished = client.get(url, {"code": signin.current_code(activity)})
    assert finished.context["finished"]


def test_the_scan_page_explains_an_expired_or_forged_code_and_writes_nothing(tree, client, linked):
    activity = activity_of(tree.district)
    url = reverse("volunteers:scan", args=[activity.pk])
    start = datetime.datetime(2026, 3, 1, 9, tzinfo=TZ)
    old = signin.current_code(activity, start)
    with freeze_time(start + datetime.timedelta(minutes=5)):
        expired = client.post(url, {"code": old})
        forged = client.post(url, {"code": "123-abcdefabcdefabcd"})
        unknown = client.get(reverse("volunteers:scan", args=[activity.pk + 99]), {"code": old})
    assert "已过期" in expired.context["error"]
    assert "无效" in forged.context["error"] and forged.context["activity"] is None
    assert "无效" in unknown.context["error"]
    assert not SignIn.objects.exists()


def test_the_scan_page_tells_an_account_without_a_volunteer_why(tree, client, people):
    activity = activity_of(tree.district)
    client.force_login(people.staff)
    response = client.post(reverse("volunteers:scan", args=[activity.pk]), {"code": signin.current_code(activity)})
    assert "没有关联注册志愿者" in response.content.decode() and activity.title not in response.content.decode()
    assert not SignIn.objects.exists()


# --- a volunteer's own page ---------------------------------------------------------------------------------------


def test_an_account_without_a_volunteer_gets_an_explanation(client, people):
    client.force_login(people.nobody)
    response = client.get(reverse("volunteers:my_page"))
    assert "还没有关联志愿者" in response.content.decode()
    assert 'id="nav-my-page"' not in response.content.decode()


def test_my_page_shows_hours_star_records_sign_ups_and_open_activities(tree, client, linked):
    services.set_star_scale(tree.city_a, by=SYSTEM, thresholds=[6, 20, 40, 80, 160])
    past = activity_of(tree.district)
    services.sign_up(past, linked, by=SYSTEM)
    services.confirm_records(ServiceRecord.objects.filter(pk=record(past, linked, 8).pk), by=SYSTEM)
    record(past, linked, 2, date=DAY + datetime.timedelta(days=1))
    upcoming = activity_of(tree.city_a, title="城市马拉松", first=datetime.date(2099, 5, 1))
    activity_of(tree.city_b, title="乙市活动", first=datetime.date(2099, 5, 1))
    page = client.get(reverse("volunteers:my_page"))
    text = page.content.decode()
    assert page.context["volunteer"] == linked and 'id="nav-my-page"' in text
    assert "已确认服务时长 8 小时" in text and "★" in page.content.decode()
    assert page.context["next_star"] == (2, Decimal(12))
    assert [r.status for r in page.context["records"]] == [RecordStatus.PENDING, RecordStatus.CONFIRMED]
    assert [a.pk for a in page.context["open_activities"]] == [upcoming.pk]
    client.post(reverse("volunteers:my_sign_up", args=[upcoming.pk]))
    signup = Signup.objects.get(activity=upcoming, volunteer=linked)
    client.post(reverse("volunteers:my_cancel", args=[signup.pk]))
    assert not Signup.objects.filter(pk=signup.pk).exists()


def test_a_volunteer_cannot_sign_up_for_what_is_not_open_to_them(tree, client, linked):
    elsewhere = activity_of(tree.city_b, title="乙市活动", first=datetime.date(2099, 5, 1))
    assert client.post(reverse("volunteers:my_sign_up", args=[elsewhere.pk])).status_code == 404
    other = volunteer_of(tree.branch, name="别人")
    theirs = services.sign_up(activity_of(tree.city_a, first=datetime.date(2099, 5, 1)), other, by=SYSTEM)
    assert client.post(reverse("volunteers:my_cancel", args=[theirs.pk])).status_code == 404
    assert Signup.objects.filter(pk=theirs.pk).exists() and not Signup.objects.filter(volunteer=linked).exists()


# --- queries do not grow with the data ------------------------------------------------------------------------------


def fill(tree, activities, per_activity):
    made = []
    for i in range(activities):
        activity = activity_of(tree.district, title=f"活动{i}")
        for j in range(per_activity):
            volunteer = volunteer_of(tree.branch, name=f"志愿者{i}-{j}")
            services.sign_up(activity, volunteer, by=SYSTEM)
            record(activity, volunteer, 2)
        made.append(activity)
    return made


@pytest.mark.parametrize("activities, per_activity", [(2, 2), (8, 6)])
def test_the_list_and_an_activitys_page_take_the_same_queries_at_any_size(tree, staff, activities, per_activity,
                                                                          django_assert_max_num_queries):
    made = fill(tree, activities, per_activity)
    with django_assert_max_num_queries(12):
        assert staff.get(reverse("volunteers:activity_list")).status_code == 200
    with django_assert_max_num_queries(20):
        page = staff.get(made[-1].get_absolute_url(), {"q": "志愿者"})
    assert len(page.context["records"]) == per_activity
    with django_assert_max_num_queries(14):
        assert staff.get(reverse("volunteers:activity_signin", args=[made[-1].pk])).status_code == 200


@pytest.mark.parametrize("activities", [1, 6])
def test_my_page_takes_the_same_queries_at_any_size(tree, client, linked, activities, django_assert_max_num_queries):
    for i in range(activities):
        activity = activity_of(tree.district, title=f"活动{i}", first=DAY + datetime.timedelta(days=3 * i))
        services.sign_up(activity, linked, by=SYSTEM)
        record(activity, linked, 2, date=DAY + datetime.timedelta(days=3 * i))
        activity_of(tree.city_a, title=f"将来{i}", first=datetime.date(2099, 5, 1))
    with django_assert_max_num_queries(14):
        page = client.get(reverse("volunteers:my_page"))
    assert len(page.context["records"]) == activities and len(page.context["open_activities"]) == activities
