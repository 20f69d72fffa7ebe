"""Who owes a monthly report: one rule (``reports.selectors.owing_reports``) for the grid, the month's export, the
reminders, the assessment and the dashboard. An organisation owes reports from the month after it joined, or from
the month an administrator sets (issue 14: a branch created or imported today counted as 未报 for last month and
lowered the dashboard's rate)."""
import datetime
import io

import pytest
from django.utils import timezone
from freezegun import freeze_time
from openpyxl import load_workbook

from notifications.models import Notification
from orgs.choices import Kind, Level, Role
from orgs.models import Organization
from reports import grid, reminders, selectors, services
from tests.factories import OrganizationFactory, RoleAssignmentFactory, UserFactory

D = datetime.date
NOVEMBER = D(2026, 11, 1)
ESTABLISHED = timezone.make_aware(datetime.datetime(2025, 6, 1))


@pytest.fixture
def newcomer(tree, report_setup, people):
    """The tree has existed for long; a branch is set up on 12-08, after November, with a reporter of its own."""
    Organization.objects.update(created_at=ESTABLISHED)
    with freeze_time("2026-12-08 10:00:00+08:00"):
        branch = OrganizationFactory(parent=tree.district, name="一区新建团支部", code="A1new", reporting_from=None)
        RoleAssignmentFactory(user=UserFactory(username="reporter_new"), organization=branch, role=Role.REPORTER)
    return branch


def _export_states(client, user, month):
    client.force_login(user)
    sheet = load_workbook(io.BytesIO(client.get(f"/reports/export.xlsx?month={month}").content)).active
    rows = list(sheet.iter_rows(values_only=True))
    return {row[0]: dict(zip(rows[0], row))["状态"] for row in rows[1:]}


@freeze_time("2026-12-10 10:00:00+08:00")
def test_a_branch_set_up_after_the_month_owes_no_report_on_it(client, newcomer, people, tree):
    today = D(2026, 12, 10)
    scope = selectors.reviewer_scope(people.staff)
    assert set(selectors.owing_reports(NOVEMBER, scope).values_list("code", flat=True)) == {"A1a"}
    (november,) = grid.month_columns(scope, [NOVEMBER], today)
    assert (november.due, november.missing) == (1, 1)  # A1a only
    assert list(grid.missing_reports(scope, NOVEMBER, today).values_list("code", flat=True)) == ["A1a"]
    rows = dict(grid.grid_rows(Organization.objects.filter(code__in=["A1a", "A1new"]).order_by("path"), [NOVEMBER], today))
    states = {org.code: cells[0].state for org, cells in rows.items()}
    assert states == {"A1a": grid.MISSING, "A1new": grid.NOT_REQUIRED}
    assert _export_states(client, people.staff, "2026-11") == {"A1a": "未报", "A1new": "无需报送"}
    # December, the month it joined in, is not owed either; January is
    assert not selectors.owing_reports(D(2026, 12, 1), scope).filter(code="A1new").exists()
    assert selectors.owing_reports(D(2027, 1, 1), scope).filter(code="A1new").exists()


def test_reminders_follow_the_rule(newcomer, people):
    with freeze_time("2026-12-06 07:00:00+08:00"):
        reminders.send_report_reminders()
    reminded = set(Notification.objects.values_list("user__username", flat=True))
    assert "reporter_a1a" in reminded and "reporter_new" not in reminded


def test_the_dashboard_rate_is_not_lowered_by_a_newcomer(client, newcomer, people, tree):
    with freeze_time("2026-12-03 10:00:00+08:00"):
        report = services.start_report(tree.branch, NOVEMBER, by=people.reporter)
        services.submit_report(services.save_draft(report, by=people.reporter, values={"meetings": 1}),
                               by=people.reporter)
    with freeze_time("2026-12-10 10:00:00+08:00"):
        client.force_login(people.leader)
        response = client.get("/")
        assert response.status_code == 200, response.status_code
        board = response.context["board"]
    assert board["month"] == NOVEMBER
    assert (board["reporting"]["due"], board["reporting"]["sent"], board["reporting"]["rate"]) == (1, 1, 100.0)
    assert board["missing_count"] == 0
    assert board["report_months"][-1]["due"] == 1


def test_an_administrator_sets_the_first_month_on_the_page_and_in_the_api(client, api, newcomer, people):
    client.force_login(people.admin)
    page = client.get(f"/orgs/{newcomer.pk}/edit/").content.decode()
    assert 'name="reporting_from"' in page
    data = {"name": newcomer.name, "code": newcomer.code, "level": Level.GRASSROOTS, "kind": Kind.BRANCH,
            "sector": newcomer.sector, "member_count": 10, "youth_count": 30, "display_order": 0, "is_active": "on",
            "reporting_from": "2026-11"}
    assert client.post(f"/orgs/{newcomer.pk}/edit/", data).status_code == 302
    newcomer.refresh_from_db()
    assert newcomer.reporting_from == NOVEMBER
    with freeze_time("2026-12-10 10:00:00+08:00"):
        assert selectors.owing_reports(NOVEMBER, Organization.objects.filter(pk=newcomer.pk)).exists()
    assert client.post(f"/orgs/{newcomer.pk}/edit/", {**data, "reporting_from": "2026-13"}).status_code == 200
    response = api.login(people.admin).patch(f"/api/v1/organizations/{newcomer.pk}/", {"reporting_from": "2027-02"})
    assert response.status_code == 200 and response.json()["reporting_from"] == "2027-02-01"
    assert api.patch(f"/api/v1/organizations/{newcomer.pk}/", {"reporting_from": "soon"}).status_code == 400
    response = api.login(people.staff).patch(f"/api/v1/organizations/{newcomer.pk}/", {"reporting_from": "2026-01"})
    assert response.status_code in (403, 404)
    newcomer.refresh_from_db()
    assert newcomer.reporting_from == D(2027, 2, 1)
    response = api.login(people.admin).patch(f"/api/v1/organizations/{newcomer.pk}/", {"reporting_from": None})
    assert response.status_code == 200 and response.json()["reporting_from"] is None


def test_the_sql_and_the_python_forms_of_the_rule_agree(tree, report_setup):
    moments = [ESTABLISHED, timezone.make_aware(datetime.datetime(2026, 3, 31, 23, 30)),  # 23:30 in Shanghai: March
               timezone.make_aware(datetime.datetime(2026, 4, 1, 0, 0)), timezone.make_aware(datetime.datetime(2026, 7, 15))]
    starts = [None, D(2026, 1, 1), D(2026, 5, 1), D(2027, 1, 1)]
    for i, (moment, start) in enumerate((m, s) for m in moments for s in starts):
        branch = OrganizationFactory(parent=tree.district, code=f"R{i}", reporting_from=start)
        Organization.objects.filter(pk=branch.pk).update(created_at=moment)
    branches = list(Organization.objects.filter(code__startswith="R"))
    for month in [D(2026, m, 1) for m in range(1, 13)]:
        by_sql = set(selectors.owing_reports(month, Organization.objects.filter(code__startswith="R"))
                     .values_list("code", flat=True))
        assert by_sql == {b.code for b in branches if selectors.owes(b, month)}, month
    april = {b.code for b in branches if selectors.owes(b, D(2026, 4, 1))}
    assert "R4" in april and "R8" not in april  # created on 03-31 owes April; created on 04-01 does not


def test_the_export_and_the_grid_agree_on_not_due_and_missing(client, newcomer, people, tree):
    organizations = Organization.objects.filter(code__in=["A1a", "A1new"]).order_by("path")
    for moment, expected, label in (("2026-12-03 10:00:00+08:00", grid.PENDING, "未到期"),
                                    ("2026-12-06 10:00:00+08:00", grid.MISSING, "未报")):
        with freeze_time(moment):
            today = timezone.localdate()
            rows = dict(grid.grid_rows(organizations, [NOVEMBER], today))
            cell = {org.code: cells[0].state for org, cells in rows.items()}["A1a"]
            assert cell == expected and grid.state_label(cell) == label
            assert _export_states(client, people.staff, "2026-11")["A1a"] == label
            client.force_login(people.leader)
            html = client.get("/reports/grid/?year=2026").content.decode()
            assert label in html
