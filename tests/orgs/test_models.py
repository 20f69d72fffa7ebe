from orgs.models import Organization


def test_subtree_totals_add_up_members_of_the_whole_subtree(tree):
    totals = {o.code: o for o in Organization.objects.with_subtree_totals()}
    assert totals["A"].subtree_members == 4 + 3 + 20
    assert totals["A"].organizations_below == 2  # A1 and A1a: the organisations below it, not itself
    assert totals["P"].subtree_members == 5 + 4 + 3 + 20 + 6 + 7
    assert totals["A1a"].subtree_members == 20


def test_within_keeps_the_subtree_only(tree):
    codes = set(Organization.objects.within(tree.city_a).values_list("code", flat=True))
    assert codes == {"A", "A1", "A1a"}
    assert "A" not in set(Organization.objects.within(tree.city_a, include_self=False).values_list("code", flat=True))


def test_parent_path_points_at_the_parent(tree):
    branch = Organization.objects.get(code="A1a")
    assert Organization.objects.get(path=branch.parent_path).code == "A1"
    assert Organization.objects.get(code="P").parent_path == ""


def test_str_and_display_name(tree):
    assert str(tree.city_a) == "共青团甲市委员会"
    tree.city_a.short_name = "甲市团委"
    assert tree.city_a.display_name == "甲市团委"
