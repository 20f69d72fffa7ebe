"""The organisation and people pickers: the scoped search behind them, their widget, and the forms that still check
what arrives (a code typed without JavaScript, or sent by hand)."""
import json
import re

import pytest
from django.urls import reverse

from assessment.forms import AdjustmentForm
from assessment.models import AssessmentScheme
from orgs.filtersets import OrganizationFilterSet
from orgs.forms import MoveForm, RoleForm
from orgs.models import Organization
from tests.factories import OrganizationFactory

SEARCH = reverse("orgs:organization_search")
USERS = reverse("orgs:user_search")


def search(client, user, **query):
    client.force_login(user)
    response = client.get(SEARCH, query)
    assert response.status_code == 200, response.content
    return response.json()


def codes(rows):
    return [row["code"] for row in rows]


def test_a_part_of_a_chinese_name_finds_the_organisation_with_the_names_above_it(client, people, tree):
    [row] = search(client, people.staff, q="幸福社区")
    assert row == {"id": tree.branch.pk, "code": "A1a", "name": "一区幸福社区团支部", "short_name": "",
                   "path_label": "共青团甲市委员会 / 共青团甲市一区委员会"}  # the province is above the staff's reach


def test_a_short_name_and_the_beginning_of_a_code_find_it_too(client, people, tree):
    Organization.objects.filter(pk=tree.district.pk).update(short_name="甲一区")
    assert codes(search(client, people.staff, q="甲一")) == ["A1"]
    assert codes(search(client, people.staff, q="A1")) == ["A1", "A1a"]  # the exact code first


def test_the_exact_code_comes_first_then_codes_beginning_so_then_names(client, people, tree):
    OrganizationFactory(parent=tree.district, name="A1 宣传团支部", code="ZZ9")
    assert codes(search(client, people.admin, q="A1")) == ["A1", "A1a", "ZZ9"]


@pytest.mark.parametrize("query", ["乙市", "Bb", "B", "共青团乙市委员会", "测试省"])
def test_nothing_outside_the_callers_subtree_is_offered_whatever_is_typed(client, people, query):
    for user in (people.admin, people.staff, people.leader, people.assessor, people.reporter):
        found = search(client, user, q=query)
        assert not {"B", "Bb", "P"} & set(codes(found)), (user, found)
        assert "乙市" not in json.dumps(found, ensure_ascii=False)


def test_a_reporter_is_offered_its_own_branch_only(client, people):
    assert codes(search(client, people.reporter, q="")) == ["A1a"]
    assert codes(search(client, people.reporter, q="团")) == ["A1a"]


def test_the_purpose_scopes_the_offer_to_where_the_caller_may_act(client, people):
    assert search(client, people.staff, q="团", purpose="change_org") == []  # staff move nothing
    assert search(client, people.assessor, q="团", purpose="manage_users") == []
    assert codes(search(client, people.admin, q="团", purpose="manage_users")) == ["A", "A1", "A1a"]
    assert codes(search(client, people.assessor, q="团", purpose="assess")) == ["A", "A1", "A1a"]


def test_within_searches_below_an_organisation_and_exclude_leaves_a_subtree_out(client, people):
    assert codes(search(client, people.admin, q="", within="A1")) == ["A1a"]
    assert codes(search(client, people.admin, q="", exclude="A1")) == ["A"]


def test_an_unknown_purpose_or_an_outside_code_is_a_json_error_not_a_hint(client, people):
    client.force_login(people.admin)
    bad = client.get(SEARCH, {"q": "团", "purpose": "root"})
    assert bad.status_code == 400 and bad.json()["detail"]
    outside, missing = (client.get(SEARCH, {"q": "", "within": code}) for code in ("B", "NOPE"))
    assert outside.status_code == missing.status_code == 400
    assert outside.json()["detail"].replace("B", "?") == missing.json()["detail"].replace("NOPE", "?")


def test_at_most_twenty_are_offered(client, people, tree):
    for n in range(25):
        OrganizationFactory(parent=tree.district, name=f"第{n}团支部", code=f"A1-{n:02d}")
    assert len(search(client, people.staff, q="团支部")) == 20
    assert len(search(client, people.staff, q="")) == 20


def test_the_search_asks_the_same_few_queries_whatever_the_size_of_the_tree(client, people, tree,
                                                                           django_assert_max_num_queries):
    def grow(count, start):
        for n in range(count):
            town = OrganizationFactory(parent=tree.district, name=f"第{start + n}乡团委", code=f"T{start + n}",
                                       level="township", kind="committee")
            OrganizationFactory(parent=town, name=f"第{start + n}村团支部", code=f"T{start + n}-1")

    client.force_login(people.staff)
    client.get(SEARCH, {"q": "团"})  # the session and the user are loaded once
    grow(3, 0)
    with django_assert_max_num_queries(5) as small:
        assert client.get(SEARCH, {"q": "团"}).status_code == 200
    grow(40, 100)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert len(client.get(SEARCH, {"q": "团"}).json()) == 20
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse("api:organization-search"), {"q": "村团支部"})


def test_the_api_answers_the_same_search_with_the_same_scope(api, people):
    api.login(people.staff)
    assert codes(api.get(reverse("api:organization-search"), {"q": "A1"}).json()) == ["A1", "A1a"]
    assert api.get(reverse("api:organization-search"), {"q": "Bb"}).json() == []
    bad = api.get(reverse("api:organization-search"), {"purpose": "nope"})
    assert bad.status_code == 400 and "purpose" in bad.json()["errors"]


# --- the people picker -----------------------------------------------------------------------------------------------

def test_the_people_search_offers_the_accounts_the_administrator_sees(client, people):
    client.force_login(people.admin)
    names = [row["username"] for row in client.get(USERS, {"q": ""}).json()]
    assert "reporter_a1a" in names and "admin_b" not in names and "no_role" not in names
    assert [row["username"] for row in client.get(USERS, {"q": "rep"}).json()] == ["reporter_a1a"]
    assert client.get(USERS, {"q": "admin_b"}).json() == []


def test_granting_offers_only_accounts_the_administrator_fully_covers(client, people, tree):
    from tests.factories import RoleAssignmentFactory

    RoleAssignmentFactory(user=people.reporter, organization=tree.city_b, role="reporter")
    client.force_login(people.admin)
    assert "reporter_a1a" in [row["username"] for row in client.get(USERS, {"q": "rep"}).json()]
    assert client.get(USERS, {"q": "rep", "purpose": "grant"}).json() == []


def test_the_people_search_is_for_administrators(client, people):
    client.force_login(people.staff)
    assert client.get(USERS, {"q": "a"}).status_code == 403


# --- the widget and the forms ----------------------------------------------------------------------------------------

def picker_input(html, name):
    tag = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', html).group(0)
    return tag, json.loads(re.search(r'data-selected="([^"]*)"', tag).group(1).replace("&quot;", '"'))


def test_the_widget_carries_the_chosen_organisation_only_and_the_texts_of_the_page(people, tree):
    form = RoleForm(initial={"organization": "A1a"}, user=people.admin)
    tag, selected = picker_input(str(form["organization"]), "organization")
    assert selected == [{"code": "A1a", "name": "一区幸福社区团支部", "short_name": "", "path_label": ""}]
    assert 'data-picker="org"' in tag and 'data-purpose="manage_users"' in tag and 'value="A1a"' in tag
    assert 'placeholder="输入名称、简称或代码搜索"' in tag and 'data-no-results="无匹配组织"' in tag
    assert "<option" not in str(form["organization"])


def test_a_code_typed_from_outside_is_refused_and_never_named_back(people, tree):
    form = RoleForm({"organization": "Bb", "role": "reporter"}, user=people.admin)
    assert not form.is_valid() and "organization" in form.errors
    html = str(form["organization"])
    assert "乙市" not in html and picker_input(html, "organization")[1] == [
        {"code": "Bb", "name": "Bb", "short_name": "", "path_label": ""}]


def test_without_javascript_a_typed_code_still_works(people, tree):
    form = RoleForm({"organization": " A1a ", "role": "reporter"}, user=people.admin)
    assert form.is_valid() and form.cleaned_data["organization"] == tree.branch


def test_a_move_target_must_lie_in_the_callers_subtree_and_the_picker_leaves_the_moved_subtree_out(people, tree):
    assert not MoveForm({"new_parent": "B"}, user=people.admin, organization=tree.branch).is_valid()
    assert not MoveForm({"new_parent": "A1"}, user=people.staff, organization=tree.branch).is_valid()
    assert MoveForm({"new_parent": "A"}, user=people.admin, organization=tree.branch).is_valid()
    assert 'data-exclude="A1a"' in str(MoveForm(user=people.admin, organization=tree.branch)["new_parent"])


def test_bonuses_and_deductions_are_offered_below_the_scheme_issuer(people, tree):
    scheme = AssessmentScheme.objects.create(organization=tree.district, year=2026, title="考核")
    field = AdjustmentForm(scheme=scheme, user=people.assessor, prefix="a")["organization"]
    assert 'data-within="A1"' in str(field) and 'data-purpose="view"' in str(field)
    refused = AdjustmentForm({"a-organization": "A", "a-kind": "bonus", "a-points": "1", "a-reason": "x"},
                             scheme=scheme, user=people.assessor, prefix="a")
    assert not refused.is_valid() and "organization" in refused.errors


def test_a_filters_picker_names_what_the_caller_sees_only(rf, people, tree):
    request = rf.get("/", {"within": "A1"})
    request.user = people.staff
    html = str(OrganizationFilterSet(request.GET, request=request).form["within"])
    assert picker_input(html, "within")[1][0]["name"] == "共青团甲市一区委员会"
    request = rf.get("/", {"within": "B"})
    request.user = people.staff
    html = str(OrganizationFilterSet(request.GET, request=request).form["within"])
    assert "乙市" not in html


def test_the_users_page_filter_is_a_people_picker(client, people):
    client.force_login(people.admin)
    html = client.get(reverse("orgs:user_list"), {"user": "reporter_a1a"}).content.decode()
    tag, selected = picker_input(html, "user")
    assert 'data-picker="user"' in tag and selected[0]["username"] == "reporter_a1a"
    assert "pickers.js" in html


def test_a_field_declared_on_the_form_class_follows_the_user_and_action_set_later(people, tree):
    from volunteers.forms.transfer import ImportForm

    field = ImportForm(initial={"organization": "A1a"}, user=people.staff)["organization"]
    assert 'data-purpose="manage_volunteers"' in str(field)
    assert picker_input(str(field), "organization")[1][0]["name"] == "一区幸福社区团支部"
    assert not ImportForm({"organization": "Bb", "kind": "volunteers"}, user=people.staff).is_valid()
