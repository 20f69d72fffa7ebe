"""The registry's pages: the list with its filters, search, sorting and export, registering with bad ID numbers,
the volunteer page, moving, leaving, anonymising, the logged reveal, its audit trail and the star scale."""
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from orgs.permissions import SYSTEM
from volunteers import services
from volunteers.models import StarScale, UnmaskEvent, Volunteer, VolunteerMove

from .conftest import activity_of, volunteer_of
from .ids import resident_id

pytestmark = pytest.mark.django_db
LIST = reverse("volunteers:volunteer_list")


@pytest.fixture
def number():
    return resident_id("440305", datetime.date(1998, 4, 2))


@pytest.fixture
def zhang(tree, number):
    return volunteer_of(tree.branch, name="张三", id_number=number, mobile="13812345678", platform_number="ZYH-0042",
                        registered_on=datetime.date(2026, 3, 10), political_status="league_member")


def listed(response):
    return [row.record.name for row in response.context["table"].paginated_rows]


def test_the_list_shows_only_masked_numbers(client, people, zhang, number):
    client.force_login(people.staff)
    response = client.get(LIST)
    text = response.content.decode()
    assert listed(response) == ["张三"]
    assert zhang.id_number_masked in text and "138****5678" in text
    assert number not in text and "13812345678" not in text


def test_the_list_keeps_to_the_callers_subtree(client, people, tree, zhang):
    volunteer_of(tree.other_branch, name="乙市志愿者")
    client.force_login(people.staff)
    assert listed(client.get(LIST)) == ["张三"]
    client.force_login(people.outsider)
    assert listed(client.get(LIST)) == ["乙市志愿者"]


def test_search_finds_a_whole_id_number_or_mobile_through_the_lookup_hash_but_not_a_part(client, people, zhang, number):
    volunteer_of(zhang.organization, name="李四", mobile="13900000000")
    client.force_login(people.staff)
    assert listed(client.get(LIST, {"q": number})) == ["张三"]
    assert listed(client.get(LIST, {"q": f" {number[:6]} {number[6:]} ".lower()})) == ["张三"]
    assert listed(client.get(LIST, {"q": "+86 138-1234-5678"})) == ["张三"]
    assert listed(client.get(LIST, {"q": number[:10]})) == []
    assert listed(client.get(LIST, {"q": "ZYH-00"})) == ["张三"]
    assert listed(client.get(LIST, {"q": "李"})) == ["李四"]


def test_filters_by_status_star_political_status_period_and_subtree(client, people, tree, zhang):
    li = volunteer_of(tree.district, name="李四", political_status="party_member", registered_on=datetime.date(2025, 6, 1))
    Volunteer.objects.filter(pk=li.pk).update(star=2, status="inactive")
    client.force_login(people.staff)
    assert listed(client.get(LIST, {"status": "inactive"})) == ["李四"]
    assert listed(client.get(LIST, {"star": "2"})) == ["李四"]
    assert listed(client.get(LIST, {"star": "0"})) == ["张三"]
    assert listed(client.get(LIST, {"political_status": "league_member"})) == ["张三"]
    assert listed(client.get(LIST, {"registered_from": "2026-01-01"})) == ["张三"]
    assert listed(client.get(LIST, {"registered_to": "2025-12-31"})) == ["李四"]
    assert listed(client.get(LIST, {"within": tree.branch.code})) == ["张三"]
    assert listed(client.get(LIST, {"within": tree.other_branch.code})) == []  # not the caller's: no rows


def test_columns_sort_both_ways_and_the_page_size_is_chosen(client, people, tree):
    for index, name in enumerate(["甲", "乙", "丙"]):
        volunteer_of(tree.branch, name=name, registered_on=datetime.date(2026, 1, 1 + index))
    client.force_login(people.staff)
    assert listed(client.get(LIST, {"sort": "registered_on"})) == ["甲", "乙", "丙"]
    response = client.get(LIST, {"sort": "-registered_on", "page_size": "20"})
    assert listed(response) == ["丙", "乙", "甲"]
    assert response.context["table"].paginator.per_page == 20
    assert "sort=registered_on" in response.content.decode()  # the header turns it round
    assert client.get(LIST, {"page_size": "100000"}).context["table"].paginator.per_page == 50


def test_export_this_list_is_masked_filtered_and_keeps_formulas_as_text(client, people, tree, zhang, number):
    volunteer_of(tree.branch, name="=HYPERLINK(\"http://x\")", registered_on=datetime.date(2025, 1, 1))
    client.force_login(people.staff)
    response = client.get(reverse("volunteers:volunteer_export"), {"registered_from": "2024-01-01", "sort": "name"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    data = b"".join(response.streaming_content)
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("姓名", "性别", "证件类型", "证件号码", "手机号")
    assert {r[0] for r in rows[1:]} == {"张三", "=HYPERLINK(\"http://x\")"}
    formula = next(c for c in sheet["A"] if str(c.value).startswith("="))
    assert formula.data_type == "s" and formula.quotePrefix
    assert number.encode() not in data and b"13812345678" not in data
    zhang_row = next(r for r in rows if r[0] == "张三")
    assert zhang_row[3] == zhang.id_number_masked and zhang_row[4] == "138****5678"
    only_old = client.get(reverse("volunteers:volunteer_export"), {"registered_to": "2025-12-31"})
    names = [r[0] for r in openpyxl.load_workbook(io.BytesIO(b"".join(only_old.streaming_content))).active
             .iter_rows(min_row=2, values_only=True)]
    assert names == ["=HYPERLINK(\"http://x\")"]


def form(tree, **changes):
    return {"organization": tree.branch.code, "name": "王五", "id_type": "resident", "id_number": resident_id(),
            "mobile": "13700001111", "gender": "", "political_status": "league_member",
            "registered_on": "2026-04-01", **changes}


def test_an_administrator_registers_a_volunteer_and_sees_it_masked(client, people, tree):
    client.force_login(people.staff)
    data = form(tree)
    response = client.post(reverse("volunteers:volunteer_create"), data)
    volunteer = Volunteer.objects.get(name="王五")
    assert response.status_code == 302 and response["Location"] == volunteer.get_absolute_url()
    page = client.get(volunteer.get_absolute_url()).content.decode()
    assert volunteer.id_number_masked in page and data["id_number"] not in page and "13700001111" not in page


@pytest.mark.parametrize("bad, message", [
    ("440305199804021234", "身份证号码校验位不正确"),
    ("44030519980231123X", "不存在"),
    ("12345", "18"),
])
def test_an_invalid_id_number_is_a_clear_message_on_its_field_and_nothing_is_written(client, people, tree, bad,
                                                                                     message):
    client.force_login(people.staff)
    if bad == "440305199804021234":
        good = resident_id("440305", datetime.date(1998, 4, 2))
        bad = good[:17] + ("0" if good[17] != "0" else "1")
    response = client.post(reverse("volunteers:volunteer_create"), form(tree, id_number=bad))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["id_number"])
    assert not Volunteer.objects.exists()


def test_a_duplicate_id_number_anywhere_in_the_province_is_refused_by_field(client, people, tree):
    number = resident_id()
    volunteer_of(tree.other_branch, id_number=number)
    client.force_login(people.staff)
    response = client.post(reverse("volunteers:volunteer_create"), form(tree, id_number=number))
    assert response.status_code == 200
    assert response.context["form"].errors["id_number"] == ["该证件号码已注册为志愿者。"]
    assert Volunteer.objects.count() == 1


def test_the_edit_page_never_puts_the_clear_number_back_and_keeps_it_when_left_empty(client, people, zhang, number):
    client.force_login(people.staff)
    url = reverse("volunteers:volunteer_edit", args=[zhang.pk])
    page = client.get(url).content.decode()
    assert number not in page and "13812345678" not in page and zhang.id_number_masked in page
    response = client.post(url, {"name": "张三丰", "id_type": "resident", "id_number": "", "mobile": "",
                                 "political_status": "party_member", "registered_on": "2026-03-10", "status": "active"})
    assert response.status_code == 302
    zhang.refresh_from_db()
    assert zhang.name == "张三丰" and zhang.political_status == "party_member"
    assert services.pii.decrypt(zhang.id_number_encrypted) == number and zhang.mobile_masked == "138****5678"


def test_the_volunteer_page_shows_history_star_and_hours_still_needed(client, people, tree, zhang):
    activity = activity_of(tree.branch)
    services.sign_up(activity, zhang, by=SYSTEM)
    record = services.record_service(by=SYSTEM, activity=activity, volunteer=zhang, date=datetime.date(2026, 3, 1),
                                     hours=Decimal("10"))
    services.confirm_records(type(record).objects.filter(pk=record.pk), by=SYSTEM)
    services.move_volunteer(zhang, by=SYSTEM, to=tree.district, reason="升学")
    client.force_login(people.staff)
    response = client.get(zhang.get_absolute_url())
    text = response.content.decode()
    assert response.context["next_star"] == (1, Decimal("90"))
    assert "再服务 90 小时可达 1 星" in text
    assert "社区清洁" in text and "升学" in text and "已确认" in text


def test_moving_asks_for_a_reason_and_keeps_the_history(client, people, tree, zhang):
    client.force_login(people.staff)
    url = reverse("volunteers:volunteer_move", args=[zhang.pk])
    assert client.post(url, {"to": tree.district.code, "reason": ""}).status_code == 200
    assert client.post(url, {"to": tree.city_b.code, "reason": "调动"}).status_code == 200  # not the caller's
    assert not VolunteerMove.objects.exists()
    assert client.post(url, {"to": tree.district.code, "reason": "调动"}).status_code == 302
    move = VolunteerMove.objects.get()
    assert (move.old_organization, move.new_organization, move.reason) == (tree.branch, tree.district, "调动")


def test_leaving_and_anonymising_need_a_confirmation(client, people, zhang):
    client.force_login(people.staff)
    url = reverse("volunteers:volunteer_leave", args=[zhang.pk])
    assert client.post(url, {"step": "leave", "left_on": "2026-05-01"}).status_code == 200
    zhang.refresh_from_db()
    assert zhang.status == "active"
    assert client.post(url, {"step": "leave", "left_on": "2026-05-01", "confirm": "on"}).status_code == 302
    zhang.refresh_from_db()
    assert zhang.status == "left" and zhang.left_on == datetime.date(2026, 5, 1)
    assert client.post(url, {"step": "anonymise", "confirm": "on"}).status_code == 302
    zhang.refresh_from_db()
    assert zhang.is_anonymised and zhang.name != "张三" and not zhang.id_number_masked


def test_the_reveal_shows_clear_data_once_after_a_reason_and_leaves_an_audit_row(client, people, zhang, number):
    client.force_login(people.admin)
    url = reverse("volunteers:volunteer_reveal", args=[zhang.pk])
    page = client.get(url)
    assert number not in page.content.decode()
    empty = client.post(url, {"reason": "  "})
    assert number not in empty.content.decode() and not UnmaskEvent.objects.exists()
    response = client.post(url, {"reason": "核对保险信息"})
    text = response.content.decode()
    assert number in text and "13812345678" in text
    assert "no-store" in response["Cache-Control"]
    event = UnmaskEvent.objects.get()
    assert (event.user, event.volunteer, event.reason, event.via) == (people.admin, zhang, "核对保险信息", "page")
    assert number not in client.get(zhang.get_absolute_url()).content.decode()  # once: the page stays masked


def test_staff_and_other_cities_cannot_reveal(client, people, zhang):
    url = reverse("volunteers:volunteer_reveal", args=[zhang.pk])
    client.force_login(people.staff)
    assert client.post(url, {"reason": "看看"}).status_code == 403
    client.force_login(people.outsider)
    assert client.post(url, {"reason": "看看"}).status_code == 404
    assert not UnmaskEvent.objects.exists()


def test_the_audit_trail_lists_reveals_for_administrators_only(client, people, zhang):
    services.reveal_personal_data(zhang, by=people.admin, reason="核对保险信息")
    client.force_login(people.admin)
    response = client.get(reverse("volunteers:unmask_list"))
    assert "核对保险信息" in response.content.decode() and len(response.context["page"]) == 1
    client.force_login(people.outsider)
    assert len(client.get(reverse("volunteers:unmask_list")).context["page"]) == 0
    client.force_login(people.staff)
    assert client.get(reverse("volunteers:unmask_list")).status_code == 403


def test_a_city_administrator_sets_the_star_scale_and_stars_follow(client, people, tree, zhang):
    activity = activity_of(tree.branch)
    record = services.record_service(by=SYSTEM, activity=activity, volunteer=zhang, date=datetime.date(2026, 3, 1),
                                     hours=Decimal("20"))
    services.confirm_records(type(record).objects.filter(pk=record.pk), by=SYSTEM)
    client.force_login(people.admin)
    url = reverse("volunteers:star_scale", args=[tree.city_a.pk])
    assert client.get(url).context["form"].initial["one_star"] == Decimal(100)
    bad = client.post(url, {"one_star": "10", "two_stars": "5", "three_stars": "30", "four_stars": "40",
                            "five_stars": "50"})
    assert bad.status_code == 200 and not StarScale.objects.exists()
    response = client.post(url, {"one_star": "10", "two_stars": "20", "three_stars": "30", "four_stars": "40",
                                 "five_stars": "50"})
    assert response.status_code == 302
    zhang.refresh_from_db()
    assert zhang.star == 2
    assert client.get(reverse("volunteers:star_scale", args=[tree.district.pk])).status_code == 200
    refused = client.post(reverse("volunteers:star_scale", args=[tree.district.pk]),
                          {"one_star": "1", "two_stars": "2", "three_stars": "3", "four_stars": "4", "five_stars": "5"})
    assert "只有省级或市级团委" in refused.content.decode()
    assert StarScale.objects.count() == 1


def test_a_bad_mobile_is_an_error_on_its_field(client, people, tree):
    client.force_login(people.staff)
    response = client.post(reverse("volunteers:volunteer_create"), form(tree, mobile="12345"))
    assert response.context["form"].errors["mobile"] == ["手机号码为11位数字，以13至19开头。"]
    assert not Volunteer.objects.exists()
