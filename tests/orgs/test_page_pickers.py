"""The pickers that replaced the last typed codes: the reporting rule's exceptions (several organisations in one
field), the ``?org=`` switchers of report settings, plan and volunteer statistics pages, the plan-import review's
organisation and the users page's bulk grant. Each offers (and accepts) only what its page may use."""
import json
import re

import pytest
from django.urls import reverse

from orgs.forms import OrganizationsByCode
from orgs.permissions import Action
from reports.forms import ReportingRuleForm
from reports.models import ReportingRule

from .test_pickers import picker_input


def picker_tag(html, name):
    return re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', html).group(0)


def test_the_exceptions_field_is_a_multiple_picker_below_the_rules_organisation(people, tree):
    rule = ReportingRule(organization=tree.city_a)
    html = str(ReportingRuleForm(instance=rule, user=people.staff)["exception_codes"])
    tag = picker_tag(html, "exception_codes")
    assert 'data-picker="org"' in tag and 'data-multiple="true"' in tag and 'data-within="A"' in tag
    assert "maxlength" not in tag


def test_several_exceptions_are_carried_by_name_and_saved_in_the_order_typed(client, people, tree):
    client.force_login(people.staff)
    response = client.post("/reports/settings/rules/new/?org=A", {
        "due_day": "5", "since": "2026-01-01", "is_active": "on", "exception_codes": "A1a, A1"})
    assert response.status_code == 302, response.content.decode()[-2000:]
    rule = ReportingRule.objects.get()
    assert set(rule.exceptions.values_list("code", flat=True)) == {"A1", "A1a"}
    html = client.get(f"/reports/settings/rules/{rule.pk}/").content.decode()
    _tag, selected = picker_input(html, "exception_codes")
    assert [(s["code"], s["name"]) for s in selected] == [("A1", "共青团甲市一区委员会"), ("A1a", "一区幸福社区团支部")]


@pytest.mark.parametrize("codes", ["Bb", "A1a Bb", "A", "NOPE"])
def test_an_exception_outside_the_rules_subtree_refuses_the_whole_rule(client, people, tree, codes):
    """City B's branch, or the receiving organisation itself: not offered, and refused when typed."""
    client.force_login(people.staff)
    response = client.post("/reports/settings/rules/new/?org=A", {
        "due_day": "5", "since": "2026-01-01", "exception_codes": codes})
    assert response.status_code == 200 and not ReportingRule.objects.exists()
    assert "乙市" not in response.content.decode()


def test_the_multiple_field_cleans_to_organisations_once_each(people, tree):
    field = OrganizationsByCode(user=people.admin, action=Action.VIEW, required=False)
    assert field.clean("A1a A1a，A1") == [tree.branch, tree.district]
    assert field.clean("") == []


def test_report_settings_switch_organisations_with_a_picker_of_those_one_configures(client, people, tree):
    client.force_login(people.staff)
    tag = picker_tag(client.get("/reports/settings/?org=A1").content.decode(), "org")
    assert 'data-purpose="configure_reports"' in tag and 'value="A1"' in tag
    assert client.get("/reports/settings/?org=Bb").status_code == 404


def test_the_statistics_page_switches_organisations_with_a_picker(client, people, tree):
    client.force_login(people.leader)
    html = client.get(reverse("volunteers:statistics"), {"org": "A1"}).content.decode()
    tag, selected = picker_input(html, "org")
    assert 'data-purpose="view"' in tag and selected[0]["name"] == "共青团甲市一区委员会"
    assert client.get(reverse("volunteers:statistics"), {"org": "Bb"}).status_code == 404


def test_the_users_pages_bulk_grant_names_its_organisation_with_a_picker(client, people):
    client.force_login(people.admin)
    tag = picker_tag(client.get(reverse("orgs:user_list")).content.decode(), "organization")
    assert 'data-purpose="manage_users"' in tag and 'id="bulk-organization"' in tag
    assert json.loads(re.search(r'data-selected="([^"]*)"', tag).group(1).replace("&quot;", '"')) == []
