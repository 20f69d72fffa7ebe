"""The report settings pages: who reports (rules) and the fields, configured by staff and admins."""
import pytest

from reports.models import ReportField, ReportingRule


def test_staff_add_a_rule_with_exceptions_and_see_who_reports(client, people, tree):
    client.force_login(people.staff)
    response = client.post("/reports/settings/rules/new/?org=A", {
        "levels": ["grassroots"], "kinds": [], "due_day": "8", "since": "2026-01-01", "is_active": "on",
        "exception_codes": "A1a"})
    assert response.status_code == 302
    rule = ReportingRule.objects.get()
    assert rule.organization == tree.city_a and rule.due_day == 8 and list(rule.exceptions.all()) == [tree.branch]
    html = client.get("/reports/settings/?org=A").content.decode()
    assert "目前有 0 个下级组织" in html and "一区幸福社区团支部" in html
    client.post(f"/reports/settings/rules/{rule.pk}/", {
        "levels": ["grassroots"], "due_day": "8", "since": "2026-01-01", "is_active": "on", "exception_codes": ""})
    assert "目前有 1 个下级组织" in client.get("/reports/settings/?org=A").content.decode()


@pytest.mark.parametrize("data, message", [
    ({"due_day": "31"}, "28"),
    ({"due_day": "5", "exception_codes": "NOPE"}, "NOPE"),
    ({"due_day": "5", "exception_codes": "Bb"}, "Bb"),  # outside the subtree: the picker's field refuses it
])
def test_bad_rules_are_refused_with_a_message(client, people, data, message):
    client.force_login(people.staff)
    response = client.post("/reports/settings/rules/new/?org=A", {"since": "2026-01-01", **data})
    assert response.status_code == 200 and message in response.content.decode()
    assert not ReportingRule.objects.exists()


def test_fields_are_added_checked_defaulted_and_deleted(client, people, tree):
    client.force_login(people.admin)
    client.post("/reports/settings/fields/new/?org=A", {"key": "meetings", "label": "支部委员会（次）",
                                                               "field_type": "integer", "order": "1"})
    html = client.post("/reports/settings/fields/new/?org=A", {"key": "meetings", "label": "重复",
                                                                      "field_type": "integer", "order": "2"}).content.decode()
    assert "已有" in html or "exists" in html or "key" in html
    html = client.post("/reports/settings/fields/new/?org=A", {"key": "x", "label": "X", "field_type": "integer",
                                                                      "minimum": "5", "maximum": "1", "order": "3"}).content.decode()
    assert "最大值" in html
    assert ReportField.objects.count() == 1
    client.post("/reports/settings/defaults/", {"org": "A"})
    assert ReportField.objects.filter(organization=tree.city_a).count() == 12  # meetings kept, the eleven defaults added
    field = ReportField.objects.get(key="meetings")
    client.post(f"/reports/settings/field/{field.pk}/delete/")
    assert not ReportField.objects.filter(key="meetings").exists()


def test_the_district_sees_inherited_fields(client, people, tree):
    ReportField.objects.create(organization=tree.city_a, key="meetings", label="支部委员会（次）")
    client.force_login(people.staff)
    html = client.get("/reports/settings/?org=A1").content.decode()
    assert "继承自上级" in html and "支部委员会（次）" in html
