import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from orgs.permissions import SYSTEM
from orgs.services import assign_role
from plans import services
from plans.choices import PlanStatus
from plans.models import Assignment, Evidence
from plans.selectors import my_tasks, with_reuse_flag

D = Decimal
PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 100


def test_a_new_target_is_held_whole_by_the_plans_organisation(plan, tree):
    assert (plan.root.organization, plan.root.assigned_value, plan.root.parent) == (tree.city_a, D(40), None)


def test_parts_outside_the_subtree_are_refused(plan, tree, people):
    with pytest.raises(ValidationError):
        services.decompose(plan.root, [(tree.other_branch, D(5), None)], by=people.staff)


def test_parts_that_do_not_add_up_need_a_confirmation(plan, tree, people):
    with pytest.raises(ValidationError) as exc:
        services.decompose(plan.root, [(tree.district, D(20), None)], by=people.staff)
    assert exc.value.error_list[0].code == "mismatch"
    assert Assignment.objects.get(pk=plan.district.pk).assigned_value == 30
    services.decompose(plan.root, [(tree.district, D(20), None)], by=people.staff, confirm_mismatch=True)
    assert Assignment.objects.get(pk=plan.district.pk).assigned_value == 20


def test_children_split_further_down(plan, tree, people):
    from tests.factories import OrganizationFactory

    new_branch = OrganizationFactory(parent=tree.district, code="A1b")
    services.decompose(plan.district, [(new_branch, D(30), None)], by=people.staff)
    assert Assignment.objects.get(target=plan.target, organization=new_branch).parent == plan.district


def test_an_organisation_holds_a_target_once(plan, tree, people):
    with pytest.raises(ValidationError):
        services.decompose(plan.district, [(tree.branch, D(30), None)], by=people.staff)


def test_only_staff_and_admins_of_the_parent_may_decompose(plan, tree, people):
    for user in (people.leader, people.reporter, people.outsider):
        with pytest.raises(PermissionDenied):
            services.decompose(plan.root, [(tree.district, D(30), None)], by=user)


@pytest.mark.parametrize("total, weights, expected", [
    (D(40), [1, 1, 1], [D(14), D(13), D(13)]),
    (D(100), [50, 30, 20], [D(50), D(30), D(20)]),
    (D(10), [7, 7, 7], [D(4), D(3), D(3)]),
    (D(5), [0, 0], [D(3), D(2)]),
])
def test_splits_add_up_exactly(total, weights, expected):
    parts = services.split_by_weights(total, weights)
    assert parts == expected and sum(parts) == total
    assert sum(services.split_evenly(D(7), 3)) == 7


def test_progress_on_an_archived_plan_is_refused(plan, people):
    plan.plan.status = PlanStatus.ARCHIVED
    plan.plan.save()
    with pytest.raises(ValidationError):
        services.record_progress(plan.branch, by=people.reporter, reported_on=datetime.date(2026, 5, 1), value=D(3))


def test_a_reporter_records_only_for_their_own_organisation(plan, people):
    services.record_progress(plan.branch, by=people.reporter, reported_on=datetime.date(2026, 5, 1), value=D(3))
    with pytest.raises(PermissionDenied):
        services.record_progress(plan.district, by=people.reporter, reported_on=datetime.date(2026, 5, 1), value=D(3))


def test_numerator_and_denominator_give_the_percentage(plan, people):
    entry = services.record_progress(plan.branch, by=people.reporter, reported_on=datetime.date(2026, 5, 1),
                                     numerator=D(45), denominator=D(50))
    assert entry.value == D("90.00")


def test_evidence_reused_elsewhere_is_flagged(plan, people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    first = services.record_progress(plan.branch, by=people.reporter, reported_on=datetime.date(2026, 5, 1), value=D(3),
                                     files=[SimpleUploadedFile("photo.png", PNG, content_type="image/png")])
    services.record_progress(plan.district, by=people.staff, reported_on=datetime.date(2026, 6, 1), value=D(9),
                             files=[SimpleUploadedFile("same.png", PNG, content_type="image/png")])
    flagged = with_reuse_flag(Evidence.objects.all(), people.staff)
    assert [e.reused for e in flagged] == [True, True]
    assert first.evidence.get().sha256 == Evidence.objects.last().sha256


def test_changes_to_targets_and_entries_are_kept_in_history(plan, people):
    services.update_target(plan.target, by=people.staff, value=D(50))
    assert plan.target.history.count() == 2
    assert Assignment.objects.get(pk=plan.root.pk).assigned_value == 50


def test_my_tasks_lists_what_my_organisations_hold_due_first(plan, tree, people):
    assign_role(people.reporter, tree.district, "staff", by=SYSTEM)
    assert {a.organization.code for a in my_tasks(people.reporter)} == {"A1a", "A1"}
    assert [a.organization.code for a in my_tasks(people.leader)] == []


def test_the_threshold_rule_is_one_check_for_page_api_and_import(client, api, people, plan, tree):
    """Yellow at most red: the model's constraint says it once, with its message, for every way in."""
    from plans.api.serializers import PlanSerializer
    from plans.forms import PlanForm
    from plans.models import Plan

    (constraint,) = [c for c in Plan._meta.constraints if c.name == "plan_thresholds_ordered"]
    message = str(constraint.violation_error_message)
    assert message == "红灯阈值不能低于黄灯阈值。"
    assert "clean" not in vars(PlanForm) and "validate" not in vars(PlanSerializer)
    with pytest.raises(ValidationError) as refused:
        services.create_plan(by=SYSTEM, organization=tree.city_a, year=2027, title="导入的计划",
                             yellow_threshold=Decimal(20), red_threshold=Decimal(10))
    assert refused.value.messages == [message]
    with pytest.raises(ValidationError) as refused:
        services.update_plan(plan.plan, by=SYSTEM, yellow_threshold=Decimal(20), red_threshold=Decimal(10))
    assert refused.value.messages == [message]
    client.force_login(people.staff)
    response = client.post("/plans/new/", {"title": "手工计划", "year": 2026, "status": "draft",
                                           "yellow_threshold": "20", "red_threshold": "10"})
    assert response.status_code == 200 and message in response.content.decode()
    response = api.login(people.staff).patch(f"/api/v1/plans/{plan.plan.pk}/", {"yellow_threshold": "20",
                                                                                   "red_threshold": "10"})
    assert response.status_code == 400 and message in str(response.json())
    assert list(Plan.objects.values_list("title", "yellow_threshold")) == [(plan.plan.title, Decimal(5))]
