"""The registry's API: masked reads, write-only numbers, errors by field in Chinese, the logged reveal, moves,
anonymising, the audit trail and star scales — and the attacks: another city's volunteer, moving out of the
subtree, revealing as staff, an update that tries to change the organisation."""
import datetime

import pytest

from volunteers.models import StarScale, UnmaskEvent, Volunteer, VolunteerMove

from .conftest import volunteer_of
from .ids import resident_id

pytestmark = pytest.mark.django_db
URL = "/api/v1/volunteers/"


@pytest.fixture
def number():
    return resident_id("440305", datetime.date(1998, 4, 2))


@pytest.fixture
def zhang(tree, number):
    return volunteer_of(tree.branch, name="张三", id_number=number, mobile="13812345678")


def test_registering_returns_the_masked_numbers_only(api, people, tree):
    number = resident_id()
    response = api.login(people.staff).post(URL, {"organization": tree.branch.code, "name": "王五",
                                                  "id_number": number, "mobile": "13700001111",
                                                  "registered_on": "2026-04-01"})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert "id_number" not in body and "mobile" not in body
    assert body["id_number_masked"] == number[:4] + "*" * 10 + number[-4:] and body["mobile_masked"] == "137****1111"
    assert number not in response.content.decode()


def test_a_bad_or_duplicate_id_number_is_a_field_error_in_chinese_and_nothing_is_written(api, people, tree, zhang,
                                                                                       number):
    api.login(people.staff)
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    bad = api.post(URL, {"organization": tree.branch.code, "name": "王五", "id_number": wrong,
                         "registered_on": "2026-04-01"})
    assert bad.status_code == 400
    assert bad.json()["errors"]["id_number"] == ["身份证号码校验位不正确，请检查是否输错。"]
    twice = api.post(URL, {"organization": tree.district.code, "name": "王五", "id_number": number,
                           "registered_on": "2026-04-01"})
    assert twice.status_code == 400
    assert twice.json()["errors"]["id_number"] == ["该证件号码已注册为志愿者。"]
    mobile = api.post(URL, {"organization": tree.branch.code, "name": "王五", "id_number": resident_id(),
                            "mobile": "1234", "registered_on": "2026-04-01"})
    assert mobile.status_code == 400 and "mobile" in mobile.json()["errors"]
    assert Volunteer.objects.count() == 1


def test_reads_are_masked_and_found_by_a_whole_number(api, people, zhang, number):
    api.login(people.admin)
    detail = api.get(f"{URL}{zhang.pk}/")
    assert number not in detail.content.decode() and detail.json()["mobile_masked"] == "138****5678"
    assert [v["id"] for v in api.get(URL, {"q": number}).json()["results"]] == [zhang.pk]
    assert [v["id"] for v in api.get(URL, {"q": "13812345678"}).json()["results"]] == [zhang.pk]
    assert api.get(URL, {"q": number[:8]}).json()["results"] == []
    assert api.get(URL, {"star": "9"}).status_code == 400


def test_reveal_gives_clear_values_to_an_administrator_and_logs_it(api, people, zhang, number):
    response = api.login(people.admin).post(f"{URL}{zhang.pk}/reveal/", {"reason": "核对保险信息"})
    assert response.status_code == 200
    assert response.json() == {"id_number": number, "mobile": "13812345678"}
    assert response["Cache-Control"] == "no-store"
    event = UnmaskEvent.objects.get()
    assert (event.user, event.reason, event.via) == (people.admin, "核对保险信息", "api")
    events = api.get("/api/v1/unmask-events/").json()["results"]
    assert [(e["volunteer"], e["user"], e["reason"]) for e in events] == [(zhang.pk, "admin_a", "核对保险信息")]


def test_reveal_needs_a_reason_and_an_administrator_of_the_volunteer(api, people, zhang):
    assert api.login(people.admin).post(f"{URL}{zhang.pk}/reveal/", {"reason": ""}).json()["errors"]["reason"]
    assert api.login(people.staff).post(f"{URL}{zhang.pk}/reveal/", {"reason": "看看"}).status_code == 403
    assert api.login(people.outsider).post(f"{URL}{zhang.pk}/reveal/", {"reason": "看看"}).status_code == 404
    assert not UnmaskEvent.objects.exists()
    assert api.login(people.staff).get("/api/v1/unmask-events/").json()["results"] == []


def test_an_update_cannot_change_the_organisation(api, people, tree, zhang):
    api.login(people.admin)
    response = api.patch(f"{URL}{zhang.pk}/", {"organization": tree.district.code, "name": "改名"})
    assert response.status_code == 400 and "organization" in response.json()["errors"]
    zhang.refresh_from_db()
    assert zhang.organization == tree.branch and zhang.name == "张三"
    assert api.patch(f"{URL}{zhang.pk}/", {"name": "改名", "mobile": "13912345678"}).status_code == 200
    zhang.refresh_from_db()
    assert zhang.name == "改名" and zhang.mobile_masked == "139****5678"


def test_another_citys_volunteer_is_not_found(api, people, tree):
    other = volunteer_of(tree.other_branch, name="乙")
    api.login(people.admin)
    assert api.get(f"{URL}{other.pk}/").status_code == 404
    assert api.patch(f"{URL}{other.pk}/", {"name": "改名"}).status_code == 404
    assert api.post(f"{URL}{other.pk}/anonymise/").status_code == 404
    other.refresh_from_db()
    assert other.name == "乙"


def test_a_move_stays_within_the_subtree(api, people, tree, zhang):
    api.login(people.admin)
    out = api.post(f"{URL}{zhang.pk}/move/", {"organization": tree.other_branch.code, "reason": "调动"})
    assert out.status_code == 400
    assert not VolunteerMove.objects.exists()
    moved = api.post(f"{URL}{zhang.pk}/move/", {"organization": tree.district.code, "reason": "调动"})
    assert moved.status_code == 200 and moved.json()["organization"] == tree.district.code
    assert VolunteerMove.objects.get().reason == "调动"


def test_anonymising_removes_the_identity(api, people, zhang):
    response = api.login(people.staff).post(f"{URL}{zhang.pk}/anonymise/")
    assert response.status_code == 200
    body = response.json()
    assert body["id_number_masked"] == "" and body["mobile_masked"] == "" and body["status"] == "left"


def test_star_scales_are_set_by_city_administrators(api, people, tree):
    values = {"one_star": "50", "two_stars": "150", "three_stars": "300", "four_stars": "600", "five_stars": "900"}
    assert api.login(people.staff).post("/api/v1/star-scales/", {"organization": tree.city_a.code, **values}).status_code == 403
    api.login(people.admin)
    assert api.post("/api/v1/star-scales/", {"organization": tree.district.code, **values}).status_code == 400
    falling = api.post("/api/v1/star-scales/", {"organization": tree.city_a.code, **values, "two_stars": "10"})
    assert falling.status_code == 400 and "two_stars" in falling.json()["errors"]
    created = api.post("/api/v1/star-scales/", {"organization": tree.city_a.code, **values})
    assert created.status_code == 201
    scale = StarScale.objects.get()
    assert api.patch(f"/api/v1/star-scales/{scale.pk}/", {"one_star": "60"}).status_code == 200
    scale.refresh_from_db()
    assert scale.one_star == 60 and scale.two_stars == 150
