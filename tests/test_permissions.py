"""The permission matrix: every organisation page and endpoint × every role × inside and outside.

Every role sits in city A (the reporter at branch A1a, its own organisation). ``inside`` is
branch A1a, within every role's reach; ``outside`` is branch Bb of city B. Seeing something
outside answers 404 (its existence is not revealed); changing something one can see but
may not change answers 403.
"""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

ROLES = ["admin", "staff", "reporter", "leader", "assessor"]

# (name, method, url template, data, kind) — kind "view" is open to every role inside,
# kind "change" to admins only.
OBJECT_ENDPOINTS = [
    ("page-detail", "get", "/orgs/{pk}/", None, "view"),
    ("page-children", "get", "/orgs/{pk}/children/", None, "view"),
    ("page-edit", "get", "/orgs/{pk}/edit/", None, "change"),
    ("page-move", "get", "/orgs/{pk}/move/", None, "change"),
    ("page-add-child", "get", "/orgs/{pk}/add/", None, "change"),
    ("page-add-department", "post", "/orgs/{pk}/departments/", {"name": "组织部", "display_order": 0}, "change"),
    ("api-detail", "get", "/api/v1/organizations/{pk}/", None, "view"),
    ("api-children", "get", "/api/v1/organizations/{pk}/children/", None, "view"),
    ("api-ancestors", "get", "/api/v1/organizations/{pk}/ancestors/", None, "view"),
    ("api-update", "patch", "/api/v1/organizations/{pk}/", {"member_count": 99}, "change"),
]


def call(client, method, url, data):
    if method == "patch":
        return client.patch(url, data, content_type="application/json")
    return getattr(client, method)(url, data or {})


@pytest.mark.parametrize("endpoint", OBJECT_ENDPOINTS, ids=[e[0] for e in OBJECT_ENDPOINTS])
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("where", ["inside", "outside"])
def test_object_endpoints_follow_the_tree(client, people, tree, endpoint, role, where):
    _name, method, template, data, kind = endpoint
    target = tree.branch if where == "inside" else tree.other_branch
    client.force_login(getattr(people, role))
    response = call(client, method, template.format(pk=target.pk), data)
    if where == "outside":
        assert response.status_code == 404
    elif kind == "view" or role == "admin":
        assert response.status_code in (200, 302)
    else:
        assert response.status_code == 403
    target.refresh_from_db()
    assert target.member_count != 99 or (where == "inside" and role == "admin")


@pytest.mark.parametrize("role", ROLES)
def test_the_move_action_is_for_admins_inside(client, people, tree, role):
    client.force_login(getattr(people, role))
    old_path = tree.branch.path
    inside = client.post(f"/api/v1/organizations/{tree.branch.pk}/move/", {"parent_code": "A"}, content_type="application/json")
    outside = client.post(f"/api/v1/organizations/{tree.other_branch.pk}/move/", {"parent_code": "A"}, content_type="application/json")
    assert outside.status_code == 404
    tree.branch.refresh_from_db()
    if role == "admin":
        assert inside.status_code == 200 and tree.branch.depth == 3
    else:
        # the reporter cannot even name city A (400); the others may see it but not move (403)
        assert inside.status_code == (400 if role == "reporter" else 403) and tree.branch.path == old_path


LISTS = [
    ("api-list", "/api/v1/organizations/?page_size=100"),
    ("page-search", "/orgs/?q=支部"),
    ("page-export-csv", "/orgs/export/?file_format=csv"),
    ("api-export", "/api/v1/organizations/export/?file_format=csv"),
    ("page-tree", "/orgs/"),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name, url", LISTS, ids=[n for n, _u in LISTS])
def test_lists_show_inside_and_never_outside(client, people, role, name, url):
    client.force_login(getattr(people, role))
    response = client.get(url)
    body = response.content.decode("utf-8-sig")
    assert response.status_code == 200
    assert "乙市" not in body
    if name != "page-tree" or role == "reporter":
        assert "一区幸福社区团支部" in body
    if role == "reporter":
        assert "共青团甲市一区委员会" not in body


@pytest.mark.parametrize("role", ROLES)
def test_role_assignments_and_departments_lists_are_scoped(client, people, tree, role):
    from orgs.models import Department

    Department.objects.create(organization=tree.city_b, name="乙市组织部")
    Department.objects.create(organization=tree.branch, name="支部宣传组")
    client.force_login(getattr(people, role))
    holders = {r["user"] for r in client.get("/api/v1/role-assignments/").json()["results"]}
    assert "admin_b" not in holders and "reporter_a1a" in holders
    departments = {d["name"] for d in client.get("/api/v1/departments/").json()["results"]}
    assert departments == {"支部宣传组"}


ADMIN_PAGES = ["/orgs/users/", "/orgs/users/new/", "/orgs/import/"]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_user_and_import_pages_are_for_admins(client, people, role, url):
    client.force_login(getattr(people, role))
    assert client.get(url).status_code == (200 if role == "admin" else 403)


@pytest.mark.parametrize("role", ROLES)
def test_user_pages_follow_the_tree(client, people, role):
    client.force_login(getattr(people, role))
    inside = client.get(f"/orgs/users/{people.reporter.pk}/")
    outside = client.get(f"/orgs/users/{people.outsider.pk}/")
    assert outside.status_code == 404
    assert inside.status_code == (200 if role == "admin" else 404)


@pytest.mark.parametrize("role", ROLES)
def test_users_api_is_scoped(client, people, role):
    client.force_login(getattr(people, role))
    names = {u["username"] for u in client.get("/api/v1/users/").json()["results"]}
    assert "admin_b" not in names
    assert ("reporter_a1a" in names) == (role == "admin")
    created = client.post("/api/v1/users/", {"username": f"x_{role}", "password": "l0ng-enough-pw", "organization": "A1a", "role": "staff"},
                          content_type="application/json")
    assert created.status_code == (201 if role == "admin" else 403)


@pytest.mark.parametrize("role", ROLES)
def test_the_import_endpoint_writes_only_for_admins_inside(client, people, role):
    from orgs.models import Organization

    client.force_login(getattr(people, role))
    text = "组织编码,组织名称,上级组织编码,组织层级,组织类型,所属领域,团员数,青年数\nA1q,新,A1,基层,团支部,,1,1\n"
    response = client.post("/api/v1/organizations/import/", {"file": SimpleUploadedFile("t.csv", text.encode()), "dry_run": False})
    assert response.status_code == (200 if role == "admin" else 400)
    assert Organization.objects.filter(code="A1q").exists() == (role == "admin")
    text = text.replace(",A1,", ",B,")
    response = client.post("/api/v1/organizations/import/", {"file": SimpleUploadedFile("t.csv", text.encode()), "dry_run": False})
    assert response.status_code == 400


def test_the_dashboard_counts_only_the_users_subtree(client, people):
    client.force_login(people.leader)
    assert client.get("/").context["totals"]["organizations"] == 3
    client.force_login(people.reporter)
    assert client.get("/").context["totals"]["organizations"] == 1


def test_a_superuser_sees_everything_also_where_scopes_are_combined(people, tree):
    from orgs.permissions import Action
    from plans import services
    from plans.models import Plan

    plan = services.create_plan(by=people.root, organization=tree.city_b, year=2026, title="无任务的计划")
    assert Plan.objects.restrict(people.root).filter(pk=plan.pk).exists()  # OR-ed with "where assigned"
    from assessment import services
    from assessment.models import AssessmentScheme

    scheme = services.install_default_scheme(tree.city_b, 2026, by=people.root)
    assert AssessmentScheme.objects.restrict(people.root).filter(pk=scheme.pk).exists()
    assert Plan.objects.restrict(people.root, Action.EDIT_PLAN).filter(pk=plan.pk).exists()
