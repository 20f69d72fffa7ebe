"""The writes that crossed the tree when the portal was attacked (issue 10), each as it was found.

The generated matrix (test_write_matrix.py) closes the class; these keep the exact attacks readable.
"""
import datetime
import json
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from assessment.models import AssessmentScheme, Indicator
from orgs.choices import Role
from orgs.models import RoleAssignment
from orgs.permissions import SYSTEM
from plans import services
from plans.models import ProgressEntry, Section
from reports import services as report_services
from reports.choices import ReportStatus
from reports.models import ReportField, ReportingRule
from tests.factories import RoleAssignmentFactory, UserFactory

D = datetime.date


def patch(client, url, data):
    return client.patch(url, json.dumps(data), content_type="application/json")


@pytest.fixture
def province_plan(tree):
    plan = services.create_plan(by=SYSTEM, organization=tree.province, year=2026, title="省委工作要点")
    services.add_section(plan, by=SYSTEM, number="一", title="思想引领")
    services.add_section(plan, by=SYSTEM, number="二", title="组织建设")
    services.decompose(
        services.root_assignment(services.add_point(plan.sections.first(), by=SYSTEM, title="青年大学习")),
        [(tree.branch, None, None)], by=SYSTEM)
    return plan


@pytest.mark.parametrize("role", ["reporter", "leader", "assessor", "staff"])
def test_nobody_below_renames_or_moves_a_section_of_the_provinces_plan(client, people, tree, province_plan, role):
    section = province_plan.sections.get(number="一")
    client.force_login(getattr(people, role))
    own = services.create_plan(by=SYSTEM, organization=tree.city_a, year=2026, title="市委要点")
    for data in ({"title": "被改名"}, {"number": "九", "order": 9}, {"plan": own.pk}):
        response = patch(client, f"/api/v1/sections/{section.pk}/", data)
        assert response.status_code in (400, 403, 404)
    section.refresh_from_db()
    assert (section.plan_id, section.number, section.title, section.order) == (province_plan.pk, "一", "思想引领", 0)


def test_staff_of_the_plans_organisation_still_edit_its_sections(client, people, tree):
    plan = services.create_plan(by=SYSTEM, organization=tree.city_a, year=2026, title="市委要点")
    section = services.add_section(plan, by=SYSTEM, title="旧标题")
    client.force_login(people.staff)
    response = patch(client, f"/api/v1/sections/{section.pk}/", {"title": "新标题", "order": 2})
    assert response.status_code == 200
    section.refresh_from_db()
    assert (section.title, section.order) == ("新标题", 2)


@pytest.fixture
def province_scheme(tree):
    scheme = AssessmentScheme.objects.create(organization=tree.province, year=2026, title="省级考核",
                                             levels=["city"])
    indicator = Indicator.objects.create(scheme=scheme, name="组织建设", max_points=40, order=1)
    return scheme, indicator


def test_a_city_assessor_cannot_take_over_or_delete_a_scheme_issued_above(client, people, tree, province_scheme):
    scheme, _indicator = province_scheme
    client.force_login(people.assessor)
    assert patch(client, f"/api/v1/assessment-schemes/{scheme.pk}/", {"organization": "A"}).status_code == 403
    assert client.delete(f"/api/v1/assessment-schemes/{scheme.pk}/").status_code == 403
    scheme.refresh_from_db()
    assert scheme.organization == tree.province


def test_a_city_assessor_cannot_pull_an_indicator_out_of_a_scheme_above(client, people, tree, province_scheme):
    _scheme, indicator = province_scheme
    own = AssessmentScheme.objects.create(organization=tree.city_a, year=2026, title="市级考核", levels=["grassroots"])
    client.force_login(people.assessor)
    assert patch(client, f"/api/v1/indicators/{indicator.pk}/", {"scheme": own.pk}).status_code == 403
    indicator.refresh_from_db()
    assert indicator.scheme == _scheme


def test_a_provincial_leader_who_is_city_staff_cannot_move_or_delete_the_provinces_report_settings(client, tree):
    dual = RoleAssignmentFactory(user=UserFactory(username="dual"), organization=tree.province, role=Role.LEADER).user
    RoleAssignmentFactory(user=dual, organization=tree.city_a, role=Role.STAFF)
    rule = ReportingRule.objects.create(organization=tree.province, levels=["city"], due_day=5)
    field = ReportField.objects.create(organization=tree.province, key="meetings", label="会议")
    client.force_login(dual)
    assert patch(client, f"/api/v1/reporting-rules/{rule.pk}/", {"organization": "A"}).status_code == 403
    assert patch(client, f"/api/v1/report-fields/{field.pk}/", {"organization": "A"}).status_code == 403
    assert client.delete(f"/api/v1/reporting-rules/{rule.pk}/").status_code == 403
    assert client.delete(f"/api/v1/report-fields/{field.pk}/").status_code == 403
    rule.refresh_from_db(), field.refresh_from_db()
    assert rule.organization == field.organization == tree.province


def test_a_city_admin_cannot_attach_an_account_from_elsewhere_nor_tell_it_exists(client, people, tree):
    province_admin = RoleAssignmentFactory(user=UserFactory(username="province_admin", email="p@example.org"),
                                           organization=tree.province, role=Role.ADMIN).user
    client.force_login(people.admin)
    for username in ("province_admin", "root", "admin_b", "no_such_user"):
        response = client.post("/api/v1/role-assignments/", {"user": username, "organization": "A1a", "role": "reporter"},
                               content_type="application/json")
        assert response.status_code == 400
        assert response.json()["errors"]["user"] == ["没有您可管理的此用户名账号。"]
    assert not RoleAssignment.objects.filter(user=province_admin, organization=tree.branch).exists()
    # the browsable API's form offers only the accounts the admin fully covers
    html = client.get("/api/v1/role-assignments/", HTTP_ACCEPT="text/html").content.decode()
    assert "staff_a" in html and "province_admin" not in html and "admin_b" not in html and ">root<" not in html


def test_an_account_with_roles_elsewhere_shows_no_email_or_last_login(client, people, tree):
    shared = RoleAssignmentFactory(user=UserFactory(username="shared", email="s@example.org"),
                                   organization=tree.province, role=Role.LEADER).user
    RoleAssignmentFactory(user=shared, organization=tree.branch, role=Role.REPORTER)
    people.staff.email = "staff@example.org"
    people.staff.save()
    client.force_login(people.admin)
    users = {u["username"]: u for u in client.get("/api/v1/users/?page_size=100").json()["results"]}
    assert users["shared"]["email"] is None and users["shared"]["last_login"] is None
    assert users["staff_a"]["email"] == "staff@example.org"
    assert client.post(f"/orgs/users/{shared.pk}/", {"add_role": "1", "organization": "A1a", "role": "leader"}).status_code == 403


@pytest.fixture
def rule(tree):
    return ReportingRule.objects.create(organization=tree.city_a, levels=["grassroots"], due_day=5, since=D(2026, 1, 1))


def test_the_staff_member_who_submitted_a_report_cannot_approve_or_return_it(client, people, tree, rule):
    report = report_services.start_report(tree.branch, D(2026, 10, 1), by=people.staff)
    report = report_services.submit_report(report, by=people.staff)
    client.force_login(people.staff)
    for step in ("approve", "return"):
        response = client.post(f"/api/v1/monthly-reports/{report.pk}/{step}/", {"reason": "x"},
                               content_type="application/json")
        assert response.status_code == 403
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    client.force_login(people.leader)
    assert client.post(f"/api/v1/monthly-reports/{report.pk}/approve/").status_code == 200


def test_a_double_click_records_one_progress_entry(client, people, tree):
    plan = services.create_plan(by=SYSTEM, organization=tree.city_a, year=2026, title="市委要点")
    point = services.add_point(services.add_section(plan, by=SYSTEM, title="一"), by=SYSTEM, title="宣讲")
    target = services.add_target(point, by=SYSTEM, metric="宣讲", value=Decimal(10))
    root = services.root_assignment(point, target)
    services.decompose(root, [(tree.branch, Decimal(10), None)], by=SYSTEM)
    held = root.children.get()
    client.force_login(people.reporter)
    data = {"assignment": held.pk, "reported_on": "2026-10-01", "value": "4", "note": "两场"}
    first = client.post("/api/v1/progress-entries/", data, content_type="application/json")
    second = client.post("/api/v1/progress-entries/", data, content_type="application/json")
    assert first.status_code == second.status_code == 201 and first.json()["id"] == second.json()["id"]
    page = client.post(f"/plans/assignments/{held.pk}/progress/", {"reported_on": "2026-10-01", "value": "4", "note": "两场"})
    assert page.status_code in (200, 302)
    assert ProgressEntry.objects.filter(assignment=held).count() == 1
    client.post("/api/v1/progress-entries/", {**data, "value": "5"}, content_type="application/json")
    assert ProgressEntry.objects.filter(assignment=held).count() == 2


def test_names_meant_to_be_unique_are_unique_whatever_their_case(client, people, tree):
    client.force_login(people.admin)
    services.create_plan(by=SYSTEM, organization=tree.city_a, year=2026, title="RaceCase")
    response = client.post("/api/v1/plans/", {"organization": "A", "year": 2026, "title": "racecase"},
                           content_type="application/json")
    assert response.status_code == 400
    assert client.post("/api/v1/users/", {"username": "STAFF_A", "password": "a-long-password", "organization": "A1a",
                                          "role": "reporter"}, content_type="application/json").status_code == 400
    assert client.post("/api/v1/departments/", {"organization": "A", "name": "Youth"},
                       content_type="application/json").status_code == 201
    assert client.post("/api/v1/departments/", {"organization": "A", "name": "YOUTH"},
                       content_type="application/json").status_code == 400
    client.force_login(people.staff)
    assert client.post("/api/v1/report-fields/", {"organization": "A", "key": "Meetings", "label": "会议"},
                       content_type="application/json").status_code == 201
    assert client.post("/api/v1/report-fields/", {"organization": "A", "key": "meetings", "label": "会议"},
                       content_type="application/json").status_code == 400


def test_the_database_refuses_case_twins_that_race_past_the_checks(db):
    UserFactory(username="RaceCase")
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(username="racecase")


def test_a_section_stays_in_its_plan(client, people, tree):
    plan = services.create_plan(by=SYSTEM, organization=tree.city_a, year=2026, title="甲")
    other = services.create_plan(by=SYSTEM, organization=tree.city_a, year=2026, title="乙")
    section = services.add_section(plan, by=SYSTEM, title="一")
    client.force_login(people.staff)
    assert patch(client, f"/api/v1/sections/{section.pk}/", {"plan": other.pk}).status_code == 400
    assert Section.objects.get(pk=section.pk).plan == plan


# --- found by the page write matrix (tests/test_page_write_matrix.py) and its probes --------------------------


def test_revoking_a_role_that_is_not_a_number_is_404_not_500(client, people, tree):
    account = RoleAssignmentFactory(user=UserFactory(username="holder"), organization=tree.branch,
                                    role=Role.REPORTER).user
    client.force_login(people.admin)
    for value in ("abc", "", "1.5"):
        response = client.post(f"/orgs/users/{account.pk}/", {"revoke_role": value})
        assert response.status_code == 404
    assert account.role_assignments.count() == 1


@pytest.fixture
def city_plan(tree):
    plan = services.create_plan(by=SYSTEM, organization=tree.city_a, year=2026, title="市委要点")
    point = services.add_point(services.add_section(plan, by=SYSTEM, title="思想引领"), by=SYSTEM, title="宣讲")
    target = services.add_target(point, by=SYSTEM, metric="宣讲", value=Decimal(10), unit="场")
    return plan, services.root_assignment(point, target)


@pytest.mark.parametrize("value", ["1e20", "1e999", "1000000000000"])
def test_a_figure_too_large_for_the_database_is_an_error_on_the_page(client, people, tree, city_plan, value):
    """It used to be stored (SQLite) or answer 500 (PostgreSQL), and then the page answered 500 for good."""
    _plan, root = city_plan
    client.force_login(people.staff)
    response = client.post(f"/plans/assignments/{root.pk}/decompose/", {f"value-{tree.district.pk}": value,
                                                                       "confirm_mismatch": "on"})
    assert response.status_code == 200
    assert not root.children.exists()
    assert client.get(f"/plans/assignments/{root.pk}/decompose/").status_code == 200


def test_the_largest_figure_that_fits_is_taken(client, people, tree, city_plan):
    _plan, root = city_plan
    client.force_login(people.staff)
    response = client.post(f"/plans/assignments/{root.pk}/decompose/", {f"value-{tree.district.pk}": "999999999999",
                                                                       "confirm_mismatch": "on"})
    assert response.status_code == 302
    assert root.children.get().assigned_value == Decimal("999999999999")


@pytest.fixture
def city_scheme(tree):
    scheme = AssessmentScheme.objects.create(organization=tree.city_a, year=2026, title="市考核", levels=["grassroots"])
    top = Indicator.objects.create(scheme=scheme, name="日常", max_points=10, order=1)
    leaf = Indicator.objects.create(scheme=scheme, parent=top, name="评价", max_points=10, rule="manual", order=2)
    return scheme, top, leaf


SCHEME_FORM = {"title": "市考核", "year": "2026", "levels": "grassroots", "grade_mode": "threshold", "appeal_days": "3",
               "compute_day": "8", "excellent_from": "90", "good_from": "80", "pass_from": "60",
               "excellent_share": "20", "good_share": "30"}


@pytest.mark.parametrize("field", ["excellent_from", "good_from", "pass_from"])
def test_a_threshold_that_is_not_a_finite_number_is_a_form_error(client, people, city_scheme, field):
    scheme, _top, _leaf = city_scheme
    before = scheme.thresholds
    client.force_login(people.assessor)
    response = client.post(f"/assessment/schemes/{scheme.pk}/edit/", {**SCHEME_FORM, field: "1e999"})
    assert response.status_code == 200
    scheme.refresh_from_db()
    assert scheme.thresholds == before


@pytest.mark.parametrize("extra", [
    {"rule": "report_field", "field_key": "meetings", "standard_value": "1e999"},
    {"rule": "report_field", "field_key": "meetings", "mode": "stepped", "steps": "1e999:5"},
    {"rule": "report_field", "field_key": "meetings", "mode": "stepped", "steps": "5:1e999"},
    {"rule": "targets", "key_weight": "1e999"},
    {"rule": "reporting", "per_day_late": "1e999"},
])
def test_indicator_parameters_that_are_not_finite_are_a_form_error(client, people, tree, city_scheme, extra):
    scheme, top, leaf = city_scheme
    ReportField.objects.create(organization=tree.city_a, key="meetings", label="会议", order=1)
    client.force_login(people.assessor)
    data = {"parent": top.pk, "name": "评价", "max_points": "10", "order": "2", **extra}
    response = client.post(f"/assessment/indicators/{leaf.pk}/", data)
    assert response.status_code == 200
    leaf.refresh_from_db()
    assert (leaf.rule, leaf.params) == ("manual", {})


def test_an_adjustment_too_large_for_the_database_is_a_form_error(client, people, tree, city_scheme):
    from assessment.models import Adjustment, AssessmentRun

    scheme, _top, _leaf = city_scheme
    run = AssessmentRun.objects.create(scheme=scheme, month=D(2026, 5, 1))
    client.force_login(people.assessor)
    for points in ("1e20", "1e999", "1000000"):
        response = client.post(f"/assessment/runs/{run.pk}/entries/", {
            "adjustment": "1", "a-organization": tree.branch.code, "a-kind": "bonus", "a-points": points,
            "a-reason": "表彰"})
        assert response.status_code == 200
    assert not Adjustment.objects.exists()
    assert client.get(f"/assessment/runs/{run.pk}/entries/").status_code == 200


@pytest.mark.parametrize("adjustment", ["Infinity", "-Infinity", "NaN", "1e999", "1000000"])
def test_an_appeal_adjustment_that_is_not_a_sane_number_is_refused_with_a_message(client, people, tree, city_scheme,
                                                                                   adjustment):
    from assessment.models import Appeal, AssessmentRun, Score

    scheme, _top, _leaf = city_scheme
    run = AssessmentRun.objects.create(scheme=scheme, month=D(2026, 5, 1), status="appeal",
                                       appeal_until=D(2099, 1, 1))
    Score.objects.create(run=run, organization=tree.branch, total=8, rank=1, grade="good", ytd_total=8, ytd_average=8)
    appeal = Appeal.objects.create(run=run, organization=tree.branch, reason="有误")
    client.force_login(people.assessor)
    response = client.post(f"/assessment/appeals/{appeal.pk}/decide/", {"decision_step": "accept", "decision": "属实",
                                                                    "adjustment": adjustment})
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == "pending"
