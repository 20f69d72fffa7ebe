import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from orgs.models import Organization, OrganizationMove, RoleAssignment

URL = "/api/v1/organizations/"


def codes(response):
    return [row["code"] for row in response.json()["results"]]


def test_the_list_is_scoped_to_the_callers_subtree(api, people):
    assert codes(api.login(people.leader).get(URL)) == ["A", "A1", "A1a"]
    assert codes(api.login(people.reporter).get(URL)) == ["A1a"]
    assert codes(api.login(people.nobody).get(URL)) == []
    assert len(codes(api.login(people.root).get(URL))) == 6


@pytest.mark.parametrize(
    "query, expected",
    [
        ("within=A1", ["A1", "A1a"]),
        ("level=city", ["A"]),
        ("kind=branch", ["A1a"]),
        ("sector=community", ["A1a"]),
        ("q=一区", ["A1", "A1a"]),
        ("q=a1", ["A1", "A1a"]),
    ],
)
def test_filters_narrow_the_list(api, people, query, expected):
    assert codes(api.login(people.leader).get(f"{URL}?{query}")) == expected


def test_a_within_code_outside_the_subtree_is_a_json_error(api, people):
    response = api.login(people.leader).get(f"{URL}?within=B")
    assert response.status_code == 400
    assert "within" in response.json()["errors"]


def test_an_unknown_choice_is_a_json_error(api, people):
    response = api.login(people.leader).get(f"{URL}?level=planet")
    assert response.status_code == 400 and response.json()["detail"]


def test_the_list_carries_subtree_totals(api, people):
    rows = {r["code"]: r for r in api.login(people.leader).get(URL).json()["results"]}
    assert rows["A"]["subtree_members"] == 27
    assert rows["A"]["level_display"] == "市级"


def test_children_and_ancestors_stop_at_the_callers_scope(api, people, tree):
    client = api.login(people.leader)
    assert codes(client.get(f"{URL}{tree.city_a.pk}/children/")) == ["A1"]
    ancestors = client.get(f"{URL}{tree.branch.pk}/ancestors/").json()
    assert [a["code"] for a in ancestors] == ["A", "A1"]


def test_an_admin_creates_and_updates_an_organisation(api, people, tree):
    client = api.login(people.admin)
    response = client.post(URL, {"code": "A1b", "name": "新支部", "level": "grassroots", "kind": "branch", "parent_code": "A1"})
    assert response.status_code == 201, response.json()
    created = Organization.objects.get(code="A1b")
    assert created.path.startswith(tree.district.path)
    response = client.patch(f"{URL}{created.pk}/", {"member_count": 33})
    assert response.status_code == 200 and response.json()["member_count"] == 33


def test_bad_values_are_json_errors_and_nothing_is_written(api, people):
    client = api.login(people.admin)
    response = client.post(URL, {"code": "A", "name": "", "level": "x", "kind": "branch", "parent_code": "A1", "member_count": -1})
    assert response.status_code == 400
    assert set(response.json()["errors"]) >= {"code", "name", "level", "member_count"}
    response = client.post(URL, {"code": "Z", "name": "z", "level": "grassroots", "kind": "branch", "parent_code": "B"})
    assert response.status_code == 400 and "parent_code" in response.json()["errors"]
    response = client.post(URL, "{not json", content_type="application/json")
    assert response.status_code == 400 and "detail" in response.json()
    assert Organization.objects.count() == 6


def test_staff_cannot_change_organisations(api, people, tree):
    response = api.login(people.staff).patch(f"{URL}{tree.branch.pk}/", {"name": "x"})
    assert response.status_code == 403 and response.json()["detail"]


def test_move_action_moves_and_records_history(api, people, tree):
    client = api.login(people.admin)
    response = client.post(f"{URL}{tree.branch.pk}/move/", {"parent_code": "A", "reason": "调整"})
    assert response.status_code == 200, response.json()
    assert response.json()["depth"] == 3
    assert OrganizationMove.objects.get().reason == "调整"
    response = client.post(f"{URL}{tree.city_a.pk}/move/", {"parent_code": "A1"})
    assert response.status_code == 400


def test_import_checks_first_and_imports_all_or_nothing(api, people):
    client = api.login(people.admin)
    body = "组织编码,组织名称,上级组织编码,组织层级,组织类型,所属领域,团员数,青年数\nA1b,新支部,A1,基层,团支部,学校,5,9\n"

    def upload(text, dry_run):
        return client.post(f"{URL}import/", {"file": SimpleUploadedFile("t.csv", text.encode()), "dry_run": dry_run}, multipart=True)

    response = upload(body, True)
    assert response.status_code == 200 and response.json()["summary"]["create"] == 1
    assert not Organization.objects.filter(code="A1b").exists()
    response = upload(body + "A1c,坏,NOPE,基层,团支部,学校,5,9\n", False)
    assert response.status_code == 400
    assert response.json()["errors"] == [{"row": 3, "column": "上级组织编码", "message": "上级组织编码“NOPE”不存在。"}]
    assert not Organization.objects.filter(code="A1b").exists()
    assert upload(body, False).status_code == 200
    assert Organization.objects.filter(code="A1b").exists()
    response = client.post(f"{URL}import/", {"file": SimpleUploadedFile("t.xlsx", b"PK broken")}, multipart=True)
    assert response.status_code == 400 and response.json()["detail"]


def test_export_answers_a_workbook(api, people):
    response = api.login(people.leader).get(f"{URL}export/?within=A1")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    response = api.login(people.leader).get(f"{URL}export/?file_format=csv")
    assert "A1a" in response.content.decode("utf-8-sig")


def test_role_assignments_are_granted_and_revoked_by_admins_only_inside(api, people, tree):
    client = api.login(people.admin)
    response = client.post("/api/v1/role-assignments/", {"user": "reporter_a1a", "organization": "A1", "role": "staff"})
    assert response.status_code == 201, response.json()
    assert client.post("/api/v1/role-assignments/", {"user": "reporter_a1a", "organization": "B", "role": "staff"}).status_code == 400
    # an account without any role is claimed by a superuser, not by whichever administrator asks first
    assert client.post("/api/v1/role-assignments/", {"user": "no_role", "organization": "A1", "role": "staff"}).status_code == 400
    assignment = RoleAssignment.objects.get(user=people.reporter, organization__code="A1")
    assert client.delete(f"/api/v1/role-assignments/{assignment.pk}/").status_code == 204
    staff = api.login(people.staff)
    target = RoleAssignment.objects.get(user=people.leader)
    assert staff.delete(f"/api/v1/role-assignments/{target.pk}/").status_code == 403


def test_users_endpoint_lists_role_holders_of_the_subtree_and_creates_accounts(api, people):
    client = api.login(people.admin)
    names = [u["username"] for u in client.get("/api/v1/users/").json()["results"]]
    assert "admin_b" not in names and {"staff_a", "reporter_a1a"} <= set(names)
    response = client.post("/api/v1/users/", {"username": "new_one", "password": "l0ng-enough-pw", "organization": "A1a", "role": "reporter"})
    assert response.status_code == 201, response.json()
    assert response.json()["roles"][0]["organization"] == "A1a"
    assert client.post("/api/v1/users/", {"username": "new_one", "password": "l0ng-enough-pw", "organization": "A1a", "role": "reporter"}).status_code == 400


def test_departments_endpoint(api, people, tree):
    client = api.login(people.admin)
    response = client.post("/api/v1/departments/", {"organization": "A", "name": "组织部"})
    assert response.status_code == 201
    assert client.post("/api/v1/departments/", {"organization": "A", "name": "组织部"}).status_code in (400, 409)
    assert [d["name"] for d in api.login(people.outsider).get("/api/v1/departments/").json()["results"]] == []


def test_me_lists_the_callers_roles(api, people):
    body = api.login(people.admin).get("/api/v1/me/").json()
    assert body["roles"] == [{"organization": "A", "organization_name": "共青团甲市委员会", "role": "admin"}]
    assert body["can_manage_users"] is True


def test_token_authentication(client, people):
    """Form-encoded as well as JSON: systems written for the earlier token endpoint keep working."""
    response = client.post("/api/v1/auth/token/", {"username": "leader_a", "password": "a-Long-test-passw0rd"})
    assert response.status_code == 200, response.content
    token = response.json()["token"]
    assert response.json()["expiry"]
    response = client.get(URL, HTTP_AUTHORIZATION=f"Token {token}")
    assert codes(response) == ["A", "A1", "A1a"]


def test_anonymous_callers_get_a_json_401_or_403(client, tree):
    response = client.get(URL)
    assert response.status_code in (401, 403) and response.json()["detail"]


def test_unknown_api_paths_answer_json_404(api, people):
    response = api.login(people.leader).get("/api/v1/nothing-here/")
    assert response.status_code == 404 and response["Content-Type"] == "application/json"
    assert api.login(people.leader).get(f"{URL}999999/").json()["detail"]


def test_the_openapi_schema_and_docs_are_served(api, people):
    client = api.login(people.leader)
    schema = client.get("/api/schema/")
    assert schema.status_code == 200 and b"/api/v1/organizations/" in schema.content
    assert client.get("/api/docs/").status_code == 200


def test_the_schema_validates_without_warnings():
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")


def test_revoking_ones_own_admin_role_is_a_json_error(api, people):
    own = RoleAssignment.objects.get(user=people.admin)
    response = api.login(people.admin).delete(f"/api/v1/role-assignments/{own.pk}/")
    assert response.status_code == 400 and response.json()["detail"]
