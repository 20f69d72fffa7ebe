import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from orgs import services
from orgs.choices import Kind, Level, Role
from orgs.models import Organization, OrganizationMove, RoleAssignment


def test_admin_creates_a_child_in_their_subtree(people, tree):
    child = services.create_organization(
        by=people.admin, parent=tree.district, name="新支部", code="A1b", level=Level.GRASSROOTS, kind=Kind.BRANCH
    )
    assert child.path.startswith(tree.district.path)
    assert Organization.objects.get(code="A1").numchild == 2


def test_it_rejects_creating_outside_the_subtree(people, tree):
    with pytest.raises(PermissionDenied):
        services.create_organization(by=people.admin, parent=tree.city_b, name="x", code="X", level=Level.GRASSROOTS, kind=Kind.BRANCH)


def test_only_a_superuser_creates_a_top_level_organisation(people):
    with pytest.raises(PermissionDenied):
        services.create_organization(by=people.admin, parent=None, name="x", code="X", level=Level.PROVINCE, kind=Kind.COMMITTEE)
    root = services.create_organization(by=people.root, parent=None, name="x", code="X", level=Level.PROVINCE, kind=Kind.COMMITTEE)
    assert root.depth == 1


def test_staff_cannot_change_an_organisation(people, tree):
    with pytest.raises(PermissionDenied):
        services.update_organization(tree.branch, by=people.staff, name="改名")


def test_update_reports_only_changed_fields(people, tree):
    assert services.update_organization(tree.branch, by=people.admin, name=tree.branch.name, member_count=21) == ["member_count"]


def test_moving_a_subtree_keeps_history_and_moves_descendants(people, tree):
    new_home = services.create_organization(
        by=people.admin, parent=tree.city_a, name="二区", code="A2", level=Level.COUNTY, kind=Kind.COMMITTEE
    )
    services.move_organization(tree.branch, new_home, by=people.admin, reason="区划调整")
    branch = Organization.objects.get(code="A1a")
    assert branch.path.startswith(Organization.objects.get(code="A2").path)
    move = OrganizationMove.objects.get()
    assert (move.old_parent.code, move.new_parent.code, move.moved_by, move.reason) == ("A1", "A2", people.admin, "区划调整")
    assert Organization.objects.get(code="A1").numchild == 0


def test_it_refuses_to_move_a_node_under_its_own_subtree(people, tree):
    with pytest.raises(ValidationError):
        services.move_organization(tree.city_a, tree.branch, by=people.root)


def test_an_admin_cannot_move_a_node_out_of_their_subtree(people, tree):
    with pytest.raises(PermissionDenied):
        services.move_organization(tree.branch, tree.city_b, by=people.admin)
    assert not OrganizationMove.objects.exists()


def test_assigning_a_role_twice_creates_one_assignment(people, tree):
    services.assign_role(people.reporter, tree.district, Role.STAFF, by=people.admin)
    services.assign_role(people.reporter, tree.district, Role.STAFF, by=people.admin)
    assert RoleAssignment.objects.filter(user=people.reporter, role=Role.STAFF).count() == 1


def test_an_admin_cannot_grant_a_role_to_an_account_that_holds_roles_elsewhere(people, tree):
    with pytest.raises(PermissionDenied):
        services.assign_role(people.outsider, tree.branch, Role.LEADER, by=people.admin)
    with pytest.raises(PermissionDenied):  # nor claim an account without roles: that is for superusers
        services.assign_role(people.nobody, tree.branch, Role.LEADER, by=people.admin)
    services.assign_role(people.nobody, tree.branch, Role.LEADER, by=people.root)


def test_an_admin_cannot_grant_roles_outside_their_subtree(people, tree):
    with pytest.raises(PermissionDenied):
        services.assign_role(people.nobody, tree.city_b, Role.STAFF, by=people.admin)


def test_an_admin_cannot_change_an_account_that_holds_roles_elsewhere(people, tree):
    services.assign_role(people.staff, tree.city_b, Role.STAFF, by=people.root)
    with pytest.raises(PermissionDenied):
        services.update_user(people.staff, by=people.admin, password="new-Passw0rd!")
    services.update_user(people.leader, by=people.admin, first_name="新名字")


def test_create_user_gives_the_account_its_first_role(people, tree):
    user = services.create_user(by=people.admin, username="new", password="x-Passw0rd-1", organization=tree.branch, role=Role.REPORTER)
    assert user.check_password("x-Passw0rd-1")
    assert list(user.role_assignments.values_list("role", "organization__code")) == [("reporter", "A1a")]


def test_verify_tree_finds_no_problem_in_a_sound_tree(tree):
    result = services.verify_tree()
    assert result == {"organizations": 6, "problems": {}}


def test_an_admin_cannot_revoke_their_own_admin_role(people):
    own = RoleAssignment.objects.get(user=people.admin)
    with pytest.raises(ValidationError):
        services.revoke_role(own, by=people.admin)
    assert RoleAssignment.objects.filter(pk=own.pk).exists()
