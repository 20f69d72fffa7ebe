"""The activities API: activities, sign-ups, service records (bulk decisions), and a volunteer's app's scans."""
import datetime
from decimal import Decimal

import pytest
from freezegun import freeze_time

from orgs.permissions import SYSTEM
from tests.factories import UserFactory
from tests.matrix import snapshot
from volunteers import services, signin
from volunteers.choices import RecordStatus
from volunteers.models import Activity, ServiceRecord, SignIn, Signup

from .conftest import TZ, activity_of, volunteer_of

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 3, 1)


def record(activity, volunteer, hours, date=DAY):
    return services.record_service(by=SYSTEM, activity=activity, volunteer=volunteer, date=date, hours=Decimal(hours))


def test_staff_create_change_and_delete_an_activity(tree, api, people):
    api.login(people.staff)
    created = api.post("/api/v1/activities/", {"organization": "A1", "title": "河道巡护", "category": "environment",
                                               "starts_at": "2026-04-01T08:00:00+08:00",
                                               "ends_at": "2026-04-01T12:00:00+08:00", "places": 10})
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["organization"], body["signup_count"], body["pending_count"]) == ("A1", 0, 0)
    changed = api.patch(f"/api/v1/activities/{body['id']}/", {"title": "河道巡护（二）"})
    assert changed.json()["title"] == "河道巡护（二）"
    backwards = api.patch(f"/api/v1/activities/{body['id']}/", {"ends_at": "2026-04-01T07:00:00+08:00"})
    assert backwards.status_code == 400 and "ends_at" in backwards.json()["errors"]
    assert api.delete(f"/api/v1/activities/{body['id']}/").status_code == 204
    assert not Activity.objects.exists()


def test_an_activity_does_not_move_to_another_organisation(tree, api, people, activity):
    api.login(people.admin)
    before = snapshot()
    for code in ("A1a", "B", "P"):
        response = api.patch(f"/api/v1/activities/{activity.pk}/", {"organization": code})
        assert response.status_code == 400, response.json()
    assert snapshot() == before
    assert Activity.objects.get(pk=activity.pk).organization == tree.district


def test_an_activity_with_records_is_cancelled_not_deleted(tree, api, people, volunteer, activity):
    record(activity, volunteer, 2)
    response = api.login(people.staff).delete(f"/api/v1/activities/{activity.pk}/")
    assert response.status_code == 400 and "取消" in response.json()["errors"]["non_field_errors"][0]


def test_sign_ups_show_volunteers_masked(tree, api, people, volunteer, activity):
    api.login(people.staff)
    created = api.post("/api/v1/signups/", {"activity": activity.pk, "volunteer": volunteer.pk})
    assert created.status_code == 201, created.json()
    listed = api.get("/api/v1/signups/", {"activity": activity.pk}).json()["results"]
    nested = listed[0]["volunteer_detail"]
    assert nested["mobile_masked"] == "138****5678" and "13812345678" not in str(listed)
    assert "id_number" not in nested and "*" in nested["id_number_masked"]
    assert api.delete(f"/api/v1/signups/{created.json()['id']}/").status_code == 204
    assert not Signup.objects.exists()


def test_a_volunteers_app_signs_its_volunteer_up_for_what_is_open_to_them(tree, api):
    linked = volunteer_of(tree.branch, name="陈小青", user=UserFactory(username="xiaoqing"))
    open_above = activity_of(tree.city_a, first=datetime.date(2099, 5, 1))
    elsewhere = activity_of(tree.city_b, first=datetime.date(2099, 5, 1))
    api.login(linked.user)
    assert api.post("/api/v1/signups/", {"activity": open_above.pk, "volunteer": linked.pk}).status_code == 201
    assert api.post("/api/v1/signups/", {"activity": elsewhere.pk, "volunteer": linked.pk}).status_code == 400
    other = volunteer_of(tree.branch, name="别人")
    assert api.post("/api/v1/signups/", {"activity": open_above.pk, "volunteer": other.pk}).status_code == 400
    assert [s["activity"] for s in api.get("/api/v1/signups/").json()["results"]] == [open_above.pk]


def test_records_are_confirmed_and_rejected_in_bulk(tree, api, people, activity):
    services.set_star_scale(tree.city_a, by=SYSTEM, thresholds=[5, 20, 40, 80, 160])
    one, two = volunteer_of(tree.branch, name="甲"), volunteer_of(tree.branch, name="乙")
    api.login(people.staff)
    created = api.post("/api/v1/service-records/", {"activity": activity.pk, "volunteer": one.pk,
                                                     "date": "2026-03-01", "hours": "5"})
    assert created.status_code == 201 and created.json()["status"] == "pending"
    other = record(activity, two, 3)
    done = api.post("/api/v1/service-records/confirm/", {"ids": [created.json()["id"]]})
    assert done.json() == {"changed": 1}
    one.refresh_from_db()
    assert (one.confirmed_hours, one.star) == (5, 1)
    no_reason = api.post("/api/v1/service-records/reject/", {"ids": [other.pk]})
    assert no_reason.status_code == 400 and "reason" in no_reason.json()["errors"]
    assert api.post("/api/v1/service-records/reject/", {"ids": [other.pk, created.json()["id"]],
                                                        "reason": "重复"}).json() == {"changed": 2}
    one.refresh_from_db()
    assert (one.confirmed_hours, one.star) == (0, 0)


def test_a_bulk_decision_with_a_record_outside_the_subtree_changes_nothing(tree, api, people, volunteer, activity):
    ours = record(activity, volunteer, 2)
    theirs = record(activity_of(tree.city_b, title="乙市活动"), volunteer_of(tree.other_branch, name="乙"), 2)
    api.login(people.staff)
    before = snapshot()
    response = api.post("/api/v1/service-records/confirm/", {"ids": [ours.pk, theirs.pk]})
    assert response.status_code == 404
    assert snapshot() == before
    leader = api.login(people.leader).post("/api/v1/service-records/confirm/", {"ids": [ours.pk]})
    assert leader.status_code == 403 and ServiceRecord.objects.get(pk=ours.pk).status == RecordStatus.PENDING


def test_a_volunteers_app_signs_in_and_out_for_its_own_volunteer_only(tree, api, settings):
    settings.VOLUNTEER_SIGNIN_WINDOW_SECONDS = 30
    linked = volunteer_of(tree.branch, name="陈小青", user=UserFactory(username="xiaoqing"))
    other = volunteer_of(tree.branch, name="别人", user=UserFactory(username="bieren"))
    activity = activity_of(tree.district)
    api.login(linked.user)
    start = datetime.datetime(2026, 3, 1, 9, tzinfo=TZ)
    with freeze_time(start):
        signed_in = api.post("/api/v1/sign-ins/", {"activity": activity.pk, "code": signin.current_code(activity),
                                                   "volunteer": other.pk})
    assert signed_in.status_code == 201, signed_in.json()
    assert (signed_in.json()["kind"], signed_in.json()["signed_up"], signed_in.json()["record"]) == ("in", True, None)
    assert not SignIn.objects.filter(volunteer=other).exists()
    with freeze_time(start + datetime.timedelta(hours=2, minutes=20)):
        out = api.post("/api/v1/sign-ins/", {"activity": activity.pk, "code": signin.current_code(activity)})
    assert out.json()["kind"] == "out" and Decimal(out.json()["hours"]) == Decimal("2.5")
    assert ServiceRecord.objects.get(pk=out.json()["record"]).volunteer == linked
    mine = api.get("/api/v1/sign-ins/").json()["results"]
    assert [s["kind"] for s in mine] == ["in", "out"]
    assert api.login(other.user).get("/api/v1/sign-ins/").json()["results"] == []


def test_a_forged_expired_or_unknown_scan_answers_400_and_writes_nothing(tree, api):
    linked = volunteer_of(tree.branch, name="陈小青", user=UserFactory(username="xiaoqing"))
    activity = activity_of(tree.district)
    api.login(linked.user)
    start = datetime.datetime(2026, 3, 1, 9, tzinfo=TZ)
    before = snapshot()
    with freeze_time(start):
        old = signin.current_code(activity, start - datetime.timedelta(minutes=5))
        for payload in ({"activity": activity.pk, "code": old}, {"activity": activity.pk, "code": "1-abcdefabcdefabcd"},
                        {"activity": activity.pk + 50, "code": signin.current_code(activity)},
                        {"activity": activity.pk}):
            response = api.post("/api/v1/sign-ins/", payload)
            assert response.status_code == 400 and "code" in response.json()["errors"], response.json()
    assert snapshot() == before


def test_an_account_without_a_volunteer_cannot_scan(tree, api, people, activity):
    response = api.login(people.staff).post("/api/v1/sign-ins/", {"activity": activity.pk,
                                                                  "code": signin.current_code(activity)})
    assert response.status_code == 400 and "没有关联" in str(response.json())
    assert not SignIn.objects.exists()
