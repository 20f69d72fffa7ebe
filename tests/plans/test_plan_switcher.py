"""The plan page's ``?org=`` switcher and the plan-import review's organisation: pickers, scoped as the pages are."""
from django.urls import reverse

from tests.orgs.test_pickers import picker_input


def test_the_plan_page_switches_to_a_holder_with_a_picker_below_the_plans_organisation(client, people, plan):
    client.force_login(people.staff)
    html = client.get(reverse("plans:plan_detail", args=[plan.plan.pk]), {"org": "A1"}).content.decode()
    tag, selected = picker_input(html, "org")
    assert 'data-within="A"' in tag and 'data-purpose="view"' in tag
    assert [(s["code"], s["name"]) for s in selected] == [("A1", "共青团甲市一区委员会")]


def test_the_plans_own_figures_leave_the_switcher_empty(client, people, plan):
    client.force_login(people.staff)
    html = client.get(reverse("plans:plan_detail", args=[plan.plan.pk])).content.decode()
    assert picker_input(html, "org")[1] == []


def test_an_organisation_holding_no_part_of_the_plan_is_said_so(client, people, plan, tree):
    client.force_login(people.admin)
    response = client.get(reverse("plans:plan_detail", args=[plan.plan.pk]), {"org": "Bb"})
    html = response.content.decode()
    assert response.status_code == 200 and "Bb" in html and "乙市" not in html
    assert picker_input(html, "org")[1] == []  # the plan's own figures


def test_the_import_review_names_the_organisation_with_a_picker_of_those_whose_plans_one_edits(client, people, tree):
    client.force_login(people.staff)
    response = client.post(reverse("plans:plan_import"), {"text": "一、思想引领\n1. 开展宣讲。全年不少于10场。"})
    tag, selected = picker_input(response.content.decode(), "organization")
    assert 'data-picker="org"' in tag and 'data-purpose="edit_plan"' in tag and 'id="organization"' in tag
    assert [s["code"] for s in selected] == ["A"]  # the current role's organisation
    response = client.post(reverse("plans:plan_import"), {"step": "create", "organization": "Bb", "title": "x",
                                                          "year": "2026", "sections": "0", "document": ""})
    html = response.content.decode()
    assert response.status_code == 200 and "乙市" not in html and picker_input(html, "organization")[1][0]["name"] == "Bb"
