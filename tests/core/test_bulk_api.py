"""The API's bulk actions (core.bulk_actions): approve several reports, grant a role to several accounts, confirm several
service records. Each is all or none: an id outside the caller's reach refuses the whole request, naming the ids,
and nothing is written; a row that cannot be acted on undoes the others."""
import pytest
from django.utils import timezone

from orgs.models import RoleAssignment
from orgs.permissions import SYSTEM
from reports import services as reporting
from reports.models import MonthlyReport
from tests.core.test_list_tables import MONTH, accounts, branches, reports  # noqa: F401 (fixtures)
from tests.factories import OrganizationFactory
from tests.matrix import snapshot
from tests.volunteers.conftest import activity_of, volunteer_of
from volunteers import services as volunteering
from volunteers.choices import RecordStatus
from volunteers.models import ServiceRecord

APPROVE = "/api/v1/monthly-reports/approve/"
GRANT = "/api/v1/role-assignments/grant/"
CONFIRM = "/api/v1/service-records/confirm/"


def submitted(reports):  # noqa: F811
    return [r.pk for r in reports if r.status == "submitted"]


def test_a_reviewer_approves_several_submitted_reports_at_once(api, people, reports):  # noqa: F811
    ids = [reports[0].pk, reports[1].pk]
    response = api.login(people.leader).post(APPROVE, {"ids": ids})
    assert response.status_code == 200, response.content
    assert sorted(response.json()["approved"]) == sorted(ids)
    assert set(MonthlyReport.objects.filter(pk__in=ids).values_list("status", flat=True)) == {"approved"}


def test_a_report_of_another_city_refuses_the_whole_approval_naming_its_id(api, people, tree, reports):  # noqa: F811
    foreign = reporting.start_report(OrganizationFactory(parent=tree.city_b, name="乙市支部", code="B9"), MONTH,
                                     by=SYSTEM)
    MonthlyReport.objects.filter(pk=foreign.pk).update(status="submitted", submitted_at=timezone.now())
    caller = api.login(people.leader)
    before = snapshot()
    response = caller.post(APPROVE, {"ids": [reports[0].pk, foreign.pk]})
    assert response.status_code == 404
    assert response.json()["refused"] == [foreign.pk] and "乙市" not in response.content.decode()
    assert snapshot() == before


def test_a_report_that_is_not_submitted_undoes_the_others(api, people, reports):  # noqa: F811
    draft = reports[2]
    caller = api.login(people.leader)
    before = snapshot()
    response = caller.post(APPROVE, {"ids": [reports[0].pk, reports[1].pk, draft.pk]})
    assert response.status_code == 409, response.content
    body = response.json()
    assert body["refused"] == [draft.pk] and body["reasons"][str(draft.pk)]
    assert snapshot() == before


def test_a_reporter_may_not_approve_its_own_branchs_reports(api, people, tree, report_setup):
    report = reporting.start_report(tree.branch, MONTH, by=SYSTEM)
    MonthlyReport.objects.filter(pk=report.pk).update(values={"meetings": 1})
    report = reporting.submit_report(MonthlyReport.objects.get(pk=report.pk), by=SYSTEM)
    caller = api.login(people.reporter)
    before = snapshot()
    response = caller.post(APPROVE, {"ids": [report.pk]})
    assert response.status_code == 403 and response.json()["refused"] == [report.pk]
    assert snapshot() == before


@pytest.mark.parametrize("ids", [[], ["x"], [0], [1.5], "1"])
def test_bad_ids_are_a_400(api, people, reports, ids):  # noqa: F811
    assert api.login(people.leader).post(APPROVE, {"ids": ids}).status_code == 400


def test_an_administrator_grants_a_role_to_several_accounts(api, people, tree, accounts):  # noqa: F811
    ids = list(RoleAssignment.objects.filter(user__username__in=["user0", "user1"]).values_list("user_id", flat=True))
    response = api.login(people.admin).post(GRANT, {"ids": ids, "organization": tree.district.code, "role": "leader"})
    assert response.status_code == 201, response.content
    assert {row["user"] for row in response.json()} == {"user0", "user1"}
    assert RoleAssignment.objects.filter(organization=tree.district, role="leader").count() == 2


@pytest.mark.parametrize("intruder", ["outside", "unknown", "above"])
def test_an_account_outside_the_admins_reach_refuses_the_whole_grant(api, people, tree, accounts, intruder):  # noqa: F811
    mine = RoleAssignment.objects.get(user__username="user0").user_id
    if intruder == "outside":
        odd, status = people.outsider.pk, 404
    elif intruder == "unknown":
        odd, status = 10**9, 404
    else:  # an account the admin sees (a role in city A) that also holds one above: not the admin's to change
        odd, status = people.staff.pk, 403
        RoleAssignment.objects.create(user=people.staff, organization=tree.province, role="staff")
    caller = api.login(people.admin)
    before = snapshot()
    response = caller.post(GRANT, {"ids": [mine, odd], "organization": tree.district.code,
                                                    "role": "leader"})
    assert response.status_code == status, response.content
    assert response.json()["refused"] == [odd]
    assert snapshot() == before


def test_an_organisation_outside_the_admins_subtree_is_a_400(api, people, tree, accounts):  # noqa: F811
    mine = RoleAssignment.objects.get(user__username="user0").user_id
    for code in ("Bb", "P"):
        response = api.login(people.admin).post(GRANT, {"ids": [mine], "organization": code, "role": "leader"})
        assert response.status_code in (400, 403), response.content
    assert not RoleAssignment.objects.filter(role="leader", user__username="user0").exists()


def test_only_administrators_grant(api, people, tree, accounts):  # noqa: F811
    mine = RoleAssignment.objects.get(user__username="user0").user_id
    for user in (people.staff, people.leader, people.reporter, people.nobody):
        response = api.login(user).post(GRANT, {"ids": [mine], "organization": tree.branch.code, "role": "leader"})
        assert response.status_code == 403
    assert not RoleAssignment.objects.filter(role="leader", user__username="user0").exists()


def test_confirming_records_names_the_ids_outside_the_subtree(api, people, tree):
    ours_activity = activity_of(tree.branch, title="清洁")
    ours = volunteering.record_service(by=SYSTEM, activity=ours_activity, volunteer=volunteer_of(tree.branch, name="甲"),
                                       date=ours_activity.starts_at.date(), hours=2)
    theirs_activity = activity_of(tree.city_b, title="乙市活动")
    theirs = volunteering.record_service(by=SYSTEM, activity=theirs_activity,
                                         volunteer=volunteer_of(tree.other_branch, name="乙"),
                                         date=theirs_activity.starts_at.date(), hours=2)
    caller = api.login(people.staff)
    before = snapshot()
    response = caller.post(CONFIRM, {"ids": [ours.pk, theirs.pk]})
    assert response.status_code == 404 and response.json()["refused"] == [theirs.pk]
    assert snapshot() == before
    response = api.login(people.leader).post(CONFIRM, {"ids": [ours.pk]})
    assert response.status_code == 403 and response.json()["refused"] == [ours.pk]
    assert ServiceRecord.objects.get(pk=ours.pk).status == RecordStatus.PENDING
    assert api.login(people.staff).post(CONFIRM, {"ids": [ours.pk]}).json() == {"changed": 1}


def test_the_bulk_endpoints_are_in_the_openapi_document_with_their_refusals():
    from drf_spectacular.generators import SchemaGenerator

    document = SchemaGenerator().get_schema(request=None, public=True)
    for path, codes in ((APPROVE, {"200", "403", "404", "409"}), (GRANT, {"201", "403", "404"}),
                        (CONFIRM, {"200", "403", "404"})):
        responses = document["paths"][path]["post"]["responses"]
        assert codes <= set(responses), (path, set(responses))
    assert {"refused", "reasons"} <= set(document["components"]["schemas"]["Error"]["properties"])
