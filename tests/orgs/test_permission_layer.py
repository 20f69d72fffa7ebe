"""The pieces of the one permission layer (orgs/permissions.py) that pages and services build on."""
import datetime

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import RequestFactory
from django.utils import timezone

from assessment.models import (
    Adjustment,
    Appeal,
    AppealEvidence,
    AssessmentRun,
    AssessmentScheme,
    Indicator,
    ManualPoints,
    Score,
    ScoreItem,
)
from dashboard.choices import CircularKind
from dashboard.models import Circular
from notifications.models import Delivery, OrganizationChannel
from orgs.choices import Role
from orgs.models import AuditEntry, Department, ImportJob, Organization, OrganizationMove, RoleAssignment
from orgs.permissions import Action, ScopedByOrganization, can, get_visible_or_404, organizations_held
from plans.models import Assignment, Evidence, Plan, ProgressEntry, Section, Target, WorkPoint
from reports.models import MonthlyReport, ReportAttachment, ReportField, ReportingRule
from tests.factories import RoleAssignmentFactory
from volunteers.models import (
    Activity,
    Certificate,
    ServiceRecord,
    SignIn,
    Signup,
    StarScale,
    UnmaskEvent,
    Volunteer,
    VolunteerImport,
    VolunteerMove,
    VolunteerStatistic,
)

OWNERS = {
    Organization: "", Department: "organization", RoleAssignment: "organization", OrganizationMove: "organization",
    Plan: "organization", Section: "plan__organization", WorkPoint: "section__plan__organization",
    Target: "point__section__plan__organization", Assignment: "organization",
    ProgressEntry: "assignment__organization", Evidence: "entry__assignment__organization",
    ReportingRule: "organization", ReportField: "organization", MonthlyReport: "organization",
    ReportAttachment: "report__organization",
    AssessmentScheme: "organization", Indicator: "scheme__organization", AssessmentRun: "scheme__organization",
    Score: "organization", ScoreItem: "score__organization", ManualPoints: "indicator__scheme__organization",
    Circular: "organization", OrganizationChannel: "organization",
    Adjustment: "scheme__organization", Appeal: "organization", AppealEvidence: "appeal__organization",
    Volunteer: "organization", VolunteerMove: "volunteer__organization", UnmaskEvent: "volunteer__organization",
    StarScale: "organization", Activity: "organization", Signup: "activity__organization",
    SignIn: "activity__organization", ServiceRecord: "activity__organization", Certificate: "organization",
    VolunteerStatistic: "organization", AuditEntry: "organization",
}
# restrict() of these answers by a user, not by an organisation: an import job is its uploader's alone, a delivery
# follows its recipient's roles
OWNED_BY_A_USER = {ImportJob, VolunteerImport, Delivery}


def request_by(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def test_get_visible_or_404_hides_what_the_user_cannot_see(people, tree):
    request = request_by(people.staff)
    assert get_visible_or_404(request, Organization.objects.all(), tree.branch.pk) == tree.branch
    with pytest.raises(Http404):
        get_visible_or_404(request, Organization.objects.all(), tree.other_branch.pk)
    with pytest.raises(Http404):
        get_visible_or_404(request, Organization.objects.all(), 10**9)


def test_get_visible_or_404_refuses_an_action_on_a_visible_row_with_403(people, tree):
    with pytest.raises(PermissionDenied):
        get_visible_or_404(request_by(people.staff), Organization.objects.all(), tree.branch.pk, Action.CHANGE_ORG)
    assert get_visible_or_404(request_by(people.admin), Organization.objects.all(), tree.branch.pk,
                              Action.CHANGE_ORG) == tree.branch


def test_organizations_held_lists_the_organisations_of_the_roles_that_grant_the_action(people, tree):
    RoleAssignmentFactory(user=people.leader, organization=tree.city_b, role=Role.STAFF)
    assert organizations_held(people.leader, Action.REVIEW_REPORT) == [tree.city_a, tree.city_b]
    assert organizations_held(people.leader, Action.EDIT_PLAN) == [tree.city_b]
    assert organizations_held(people.reporter, Action.RECORD_PROGRESS) == [tree.branch]
    assert organizations_held(people.nobody, Action.VIEW) == []


def scoped_models():
    """Every model whose manager can restrict() a queryset to a user."""
    return {model for model in apps.get_models() if hasattr(model._default_manager.all(), "restrict")}


def test_every_model_that_restricts_is_in_the_table_of_owners():
    assert scoped_models() - OWNED_BY_A_USER == set(OWNERS)


@pytest.mark.parametrize("model, owner", OWNERS.items(), ids=[m._meta.label for m in OWNERS])
def test_the_owner_is_declared_once_and_both_lookups_follow_from_it(model, owner):
    assert issubclass(model, ScopedByOrganization) and model.scope_owner == owner
    assert model.scope_path_lookup == (f"{owner}__path" if owner else "path")
    # nothing beside scope_owner says it again
    assert not any("scope_organization" in vars(klass) for klass in model.__mro__ if klass is not ScopedByOrganization)


def test_every_scoped_row_answers_who_owns_it(tree, people, report_setup, django_capture_on_commit_callbacks):
    """A saved row of every scoped model names its organisation, restrict() finds it by that organisation's path,
    and can() answers for it (it raised AttributeError on manual points and adjustments)."""
    from tests.assessment.scoring import build_month_data, compute_may
    from tests.plans.conftest import build_plan

    data = build_month_data(tree, people, build_plan(tree))
    run = compute_may(data.scheme, people.assessor, callbacks=django_capture_on_commit_callbacks)
    stored = {"original_name": "x.png", "content_type": "image/png", "size": 1, "sha256": "ab" * 32}
    Department.objects.create(organization=tree.city_a, name="组织部")
    OrganizationMove.objects.create(organization=tree.branch, reason="调整")
    Evidence.objects.create(entry=ProgressEntry.objects.first(), file="evidence/x.png", **stored)
    ReportAttachment.objects.create(report=MonthlyReport.objects.first(), file="reports/x.png", **stored)
    appeal = Appeal.objects.create(run=run, organization=tree.branch, reason="漏计")
    AppealEvidence.objects.create(appeal=appeal, file="appeals/x.png", **stored)
    Circular.objects.create(organization=tree.city_a, month=datetime.date(2026, 5, 1), kind=CircularKind.DOCX,
                            name="x.docx", file="circulars/x.docx", size=1, stamp="ab", made_at=timezone.now())
    OrganizationChannel.objects.create(organization=tree.city_a, channel="wecom",
                                       webhook="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=x")
    add_volunteer_rows(tree, people)
    for model in OWNERS:
        row = model._base_manager.order_by("pk").first()
        assert row is not None, f"add a row of {model.__name__} to this test"
        owner = row.scope_organization
        assert isinstance(owner, Organization), model
        assert model._base_manager.filter(pk=row.pk, **{model.scope_path_lookup: owner.path}).exists(), model
        assert can(people.root, Action.VIEW, row) and not can(people.outsider, Action.VIEW, row), model


def add_volunteer_rows(tree, people):
    from orgs.permissions import SYSTEM
    from tests.volunteers.conftest import activity_of, volunteer_of
    from volunteers import services as volunteer_services

    volunteer = volunteer_of(tree.branch)
    volunteer_services.move_volunteer(volunteer, by=SYSTEM, to=tree.district)
    volunteer_services.reveal_personal_data(volunteer, by=people.root, reason="核对")
    StarScale.objects.create(organization=tree.city_a)
    activity = activity_of(tree.district)
    volunteer_services.sign_up(activity, volunteer, by=SYSTEM)
    SignIn.objects.create(activity=activity, volunteer=volunteer, kind="in", at=activity.starts_at, window=1)
    volunteer_services.record_service(by=SYSTEM, activity=activity, volunteer=volunteer,
                                      date=datetime.date(2026, 3, 1), hours=2)
    Certificate.objects.create(volunteer=volunteer, organization=tree.district, code="C1", total_hours=2,
                               record_count=1)
    VolunteerStatistic.objects.create(organization=tree.city_a, month=datetime.date(2026, 3, 1))


def test_the_owning_organisation_of_a_row_is_read_along_the_same_path(tree):
    plan = Plan.objects.create(organization=tree.city_a, year=2026, title="计划")
    section = Section.objects.create(plan=plan, number="一", title="思想引领")
    assert section.scope_organization == tree.city_a
    assert tree.branch.scope_organization == tree.branch
    assert Section.objects.filter(**{Section.scope_path_lookup: tree.city_a.path}).get() == section


def test_get_visible_or_404_leaves_seeing_to_the_querysets_restrict(people, tree):
    """A plan handed down to a branch is seen there although the branch's reporter has no role at its owner."""
    from plans.models import Assignment

    plan = Plan.objects.create(organization=tree.city_a, year=2026, title="计划")
    point = WorkPoint.objects.create(section=Section.objects.create(plan=plan, title="思想引领"), title="青年大学习")
    Assignment.objects.create(plan=plan, point=point, organization=tree.branch)
    assert get_visible_or_404(request_by(people.reporter), Plan.objects.all(), plan.pk) == plan


def test_a_superuser_sees_everything_also_where_scopes_are_combined(people, tree):
    from assessment import services as assessment
    from assessment.models import AssessmentScheme
    from plans import services

    plan = services.create_plan(by=people.root, organization=tree.city_b, year=2026, title="无任务的计划")
    assert Plan.objects.restrict(people.root).filter(pk=plan.pk).exists()  # OR-ed with "where assigned"
    scheme = assessment.install_default_scheme(tree.city_b, 2026, by=people.root)
    assert AssessmentScheme.objects.restrict(people.root).filter(pk=scheme.pk).exists()
    assert Plan.objects.restrict(people.root, Action.EDIT_PLAN).filter(pk=plan.pk).exists()
