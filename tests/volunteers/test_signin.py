"""On-site sign-in: the rotating code's windows, scans in and out, refusals that write nothing, proposed hours."""
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from freezegun import freeze_time

from orgs.permissions import SYSTEM
from tests.factories import UserFactory
from tests.matrix import snapshot
from volunteers import services, signin
from volunteers.choices import ActivityStatus, RecordSource, RecordStatus, SignKind
from volunteers.models import ServiceDay, ServiceRecord, SignIn, Signup

from .conftest import TZ, activity_of, volunteer_of

pytestmark = pytest.mark.django_db
START = datetime.datetime(2026, 3, 1, 8, tzinfo=TZ)  # activity_of's first day, 08:00 to 18:00 on the third day


def at(hours, minutes=0):
    return START + datetime.timedelta(hours=hours, minutes=minutes)


@pytest.fixture
def linked(tree):
    """A volunteer of the branch with a portal account."""
    user = UserFactory(username="xiaoqing")
    return volunteer_of(tree.branch, name="陈小青", user=user)


def scan(activity, volunteer, moment, code=None):
    code = code or signin.current_code(activity, moment)
    with freeze_time(moment):
        return services.scan_code(activity, by=volunteer.user, code=code)


def refused(activity, volunteer, moment, code=None):
    before = snapshot()
    with pytest.raises(ValidationError) as e:
        scan(activity, volunteer, moment, code)
    assert snapshot() == before, "a refused scan wrote something"
    return " ".join(e.value.messages)


# --- the code -----------------------------------------------------------------------------------------------------


def test_the_code_changes_every_window_and_differs_between_activities(tree, settings):
    settings.VOLUNTEER_SIGNIN_WINDOW_SECONDS = 30
    one, two = activity_of(tree.district), activity_of(tree.district, title="第二场")
    with freeze_time(at(0)):
        first = signin.current_code(one)
        assert signin.current_code(two) != first
        assert signin.seconds_left() == 30 - int(at(0).timestamp()) % 30
    with freeze_time(at(0, 0) + datetime.timedelta(seconds=29 - int(at(0).timestamp()) % 30)):
        assert signin.current_code(one) == first
    with freeze_time(at(0) + datetime.timedelta(seconds=30)):
        assert signin.current_code(one) != first


def test_a_code_counts_in_its_window_and_the_next_only(tree, settings):
    settings.VOLUNTEER_SIGNIN_WINDOW_SECONDS = 30
    activity = activity_of(tree.district)
    code = signin.current_code(activity, at(0))
    window = signin.window_at(at(0))
    assert signin.check_code(activity, code, at(0)) == window
    assert signin.check_code(activity, code, at(0) + datetime.timedelta(seconds=30)) == window
    with pytest.raises(ValidationError) as e:
        signin.check_code(activity, code, at(0) + datetime.timedelta(seconds=60))
    assert "过期" in " ".join(e.value.messages)


@pytest.mark.parametrize("code", ["", "abc", "123-", "99999999999999999999-0123456789abcdef",
                                  "55-0123456789abcdef", "1-" + "x" * 16])
def test_a_forged_code_is_not_valid(tree, code):
    activity = activity_of(tree.district)
    with pytest.raises(ValidationError) as e:
        signin.check_code(activity, code, at(0))
    assert "无效" in " ".join(e.value.messages)


def test_a_code_of_another_activity_or_a_window_to_come_is_not_valid(tree):
    one, two = activity_of(tree.district), activity_of(tree.district, title="第二场")
    with pytest.raises(ValidationError):
        signin.check_code(two, signin.current_code(one, at(0)), at(0))
    with pytest.raises(ValidationError):
        signin.check_code(one, signin.current_code(one, at(1)), at(0))


# --- scans --------------------------------------------------------------------------------------------------------


def test_the_first_scan_signs_in_and_the_next_signs_out_with_hours_proposed(tree, linked):
    activity = activity_of(tree.district)
    services.sign_up(activity, linked, by=SYSTEM)
    done = scan(activity, linked, at(0, 50))
    assert done.kind == SignKind.SIGN_IN and done.record is None and not done.signed_up
    out = scan(activity, linked, at(4, 5))
    assert out.kind == SignKind.SIGN_OUT
    record = out.record
    assert (record.hours, record.status, record.source) == (Decimal("3.5"), RecordStatus.PENDING, RecordSource.SIGN_IN)
    assert (record.signed_in_at, record.signed_out_at, record.date) == (at(0, 50), at(4, 5), datetime.date(2026, 3, 1))
    assert record.created_by == linked.user
    assert list(SignIn.objects.values_list("kind", flat=True).order_by("at")) == ["in", "out"]
    linked.refresh_from_db()
    assert linked.confirmed_hours == 0  # pending until the organiser confirms


def test_a_third_scan_is_refused(tree, linked):
    activity = activity_of(tree.district)
    scan(activity, linked, at(1))
    scan(activity, linked, at(3))
    assert "已经签到并签退" in refused(activity, linked, at(5))


def test_the_same_code_scanned_twice_is_refused(tree, linked):
    activity = activity_of(tree.district)
    code = signin.current_code(activity, at(1))
    scan(activity, linked, at(1), code)
    assert "已经扫过" in refused(activity, linked, at(1, 0) + datetime.timedelta(seconds=20), code)


def test_an_expired_code_writes_nothing(tree, linked):
    activity = activity_of(tree.district)
    code = signin.current_code(activity, at(1))
    assert "过期" in refused(activity, linked, at(1, 5), code)


def test_a_forged_code_writes_nothing(tree, linked):
    activity = activity_of(tree.district)
    assert "无效" in refused(activity, linked, at(1), "12345-0000000000000000")


def test_a_sign_out_right_after_signing_in_is_refused(tree, linked):
    activity = activity_of(tree.district)
    scan(activity, linked, at(1))
    assert "不到一刻钟" in refused(activity, linked, at(1, 10))


def test_a_volunteer_not_on_the_list_is_signed_up_while_places_allow(tree, linked):
    activity = activity_of(tree.district, places=1)
    done = scan(activity, linked, at(1))
    assert done.signed_up and Signup.objects.filter(activity=activity, volunteer=linked).exists()
    late = volunteer_of(tree.branch, name="迟到者", user=UserFactory(username="late"))
    assert "名额已满" in refused(activity, late, at(1, 30))


def test_a_closed_activity_takes_only_those_signed_up(tree, linked):
    activity = activity_of(tree.district)
    services.sign_up(activity, linked, by=SYSTEM)
    services.update_activity(activity, by=SYSTEM, status=ActivityStatus.CLOSED)
    stranger = volunteer_of(tree.branch, name="未报名", user=UserFactory(username="stranger"))
    assert "不接受报名" in refused(activity, stranger, at(1))
    assert scan(activity, linked, at(1)).kind == SignKind.SIGN_IN


def test_scans_outside_the_activitys_time_or_of_a_cancelled_one_are_refused(tree, linked):
    activity = activity_of(tree.district)
    assert "一小时" in refused(activity, linked, at(-2))
    assert "已结束" in refused(activity, linked, at(60))
    cancelled = activity_of(tree.district, title="取消", status=ActivityStatus.CANCELLED)
    assert "取消" in refused(cancelled, linked, at(1))


def test_an_account_without_a_volunteer_cannot_scan(tree, people):
    activity = activity_of(tree.district)
    before = snapshot()
    with pytest.raises(ValidationError) as e, freeze_time(at(1)):
        services.scan_code(activity, by=people.staff, code=signin.current_code(activity, at(1)))
    assert "没有关联" in " ".join(e.value.messages)
    assert snapshot() == before


def test_hours_are_capped_at_the_activitys_end(tree, linked):
    activity = activity_of(tree.district, days=1)  # 08:00 to 18:00
    scan(activity, linked, at(0, -30))
    out = scan(activity, linked, at(10, 40))  # signed out late, at 18:40
    assert out.record.hours == Decimal("10")  # from 08:00 (not 07:30) to 18:00 (not 18:40)


@pytest.mark.parametrize("minutes, hours", [(44, "0.5"), (45, "1"), (74, "1"), (75, "1.5"), (100, "1.5")])
def test_hours_are_rounded_to_the_nearest_half_hour(tree, minutes, hours):
    activity = activity_of(tree.district)
    assert signin.proposed_hours(activity, at(1), at(1, minutes)) == Decimal(hours)


def test_the_24_hours_of_a_day_hold_across_records(tree, linked):
    activity = activity_of(tree.district)
    other = activity_of(tree.district, title="另一场")
    services.record_service(by=SYSTEM, activity=other, volunteer=linked, date=datetime.date(2026, 3, 1), hours=21)
    scan(activity, linked, at(1))
    out = scan(activity, linked, at(8))
    assert out.record.hours == 3  # seven hours served, three left in the day
    assert ServiceDay.objects.get(volunteer=linked, date=datetime.date(2026, 3, 1)).hours == 24


def test_a_sign_out_on_a_full_day_proposes_nothing(tree, linked):
    activity = activity_of(tree.district)
    other = activity_of(tree.district, title="另一场")
    services.record_service(by=SYSTEM, activity=other, volunteer=linked, date=datetime.date(2026, 3, 1), hours=24)
    scan(activity, linked, at(1))
    out = scan(activity, linked, at(3))
    assert out.kind == SignKind.SIGN_OUT and out.record is None and out.hours == 0
    assert ServiceRecord.objects.filter(activity=activity).count() == 0


def test_a_volunteer_scans_only_for_themself(tree, linked):
    """The scan names no volunteer: whoever is logged in is the one signed in."""
    activity = activity_of(tree.district)
    other = volunteer_of(tree.branch, name="别人")
    scan(activity, linked, at(1))
    assert not SignIn.objects.filter(volunteer=other).exists()


# --- what a volunteer may do by themself -----------------------------------------------------------------------


def test_a_volunteer_signs_up_themself_only_for_activities_open_to_them(tree, linked):
    above = activity_of(tree.city_a, first=datetime.date(2099, 1, 1))
    assert services.sign_up(above, linked, by=linked.user)
    elsewhere = activity_of(tree.city_b, first=datetime.date(2099, 1, 1))
    with pytest.raises(PermissionDenied):
        services.sign_up(elsewhere, linked, by=linked.user)


def test_a_volunteer_cannot_cancel_after_signing_in(tree, linked):
    activity = activity_of(tree.district)
    scan(activity, linked, at(1))
    signup = Signup.objects.get(activity=activity, volunteer=linked)
    with pytest.raises(ValidationError):
        services.cancel_signup(signup, by=linked.user)
    assert Signup.objects.filter(pk=signup.pk).exists()
