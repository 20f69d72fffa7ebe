"""The list pages' tables (core/tables.py): every sortable column sorts both ways (checked on the rows, not on the
links), the page size is one of 20/50/100, "export this list" is the filtered, sorted list as .xlsx with Chinese
headers and inert text, the bulk actions of the users and review lists act on the caller's rows only (an id from
elsewhere refuses the whole request), and a page costs the same number of queries for 5 rows as for 50."""
import datetime
import io
from decimal import Decimal
from operator import attrgetter

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from assessment.models import AssessmentRun, AssessmentScheme, Score
from orgs.choices import Role
from orgs.models import Organization, RoleAssignment
from orgs.permissions import SYSTEM
from plans.models import Plan
from reports import services as reporting
from reports.models import MonthlyReport
from tests.factories import OrganizationFactory, RoleAssignmentFactory, UserFactory
from tests.volunteers.conftest import activity_of, volunteer_of
from volunteers import services as volunteering
from volunteers.models import ServiceRecord

MONTH = datetime.date(2026, 3, 1)


def records(response):
    return [row.record for row in response.context["table"].paginated_rows]


def key_of(record, field):
    """The value a table sorts by, read from the record as the database would compare it."""
    value = record
    for part in field.lstrip("-").split("__"):
        value = getattr(value, part)
    return value


def assert_sorted_both_ways(client, url, table_rows=records, min_distinct=2, **query):
    """For every sortable column of the page's table: ascending and descending put the rows in the order of the
    column's first sort field (with at least ``min_distinct`` different values, so that the check means something)."""
    table = client.get(url, query).context["table"]
    param = table.prefixed_order_by_field
    checked = []
    for column in table.columns:
        if not column.orderable:
            continue
        field = column.column.order_by[0]  # as declared (the bound column's follows the current order)
        for direction in ("", "-"):
            response = client.get(url, {**query, param: f"{direction}{column.name}"})
            assert response.status_code == 200
            rows = table_rows(response)
            keys = [key_of(r, field) for r in rows]
            keys = [k for k in keys if k is not None]  # where the databases put empty values differs
            assert len(set(keys)) >= min_distinct, (column.name, keys)
            assert keys == sorted(keys, reverse=(direction == "-") != field.startswith("-")), (column.name, direction, keys)
            shown = response.content.decode()
            assert f'aria-sort="{"descending" if direction else "ascending"}"' in shown
        checked.append(column.name)
    return checked


def sheet(response):
    data = b"".join(response.streaming_content)
    return openpyxl.load_workbook(io.BytesIO(data)).active


# --- data ------------------------------------------------------------------------------------------------------------


@pytest.fixture
def branches(tree):
    """Five branches of city A's district with different names, codes and members."""
    return [OrganizationFactory(parent=tree.district, name=f"{name}团支部", code=f"A1{letter}", member_count=count)
            for name, letter, count in (("丁", "d", 3), ("甲", "b", 9), ("丙", "e", 1), ("乙", "c", 5), ("戊", "f", 7))]


@pytest.fixture
def accounts(tree, branches):
    for index, branch in enumerate(branches):
        user = UserFactory(username=f"user{index}", first_name=f"{'甲乙丙丁戊'[index]}某", is_active=index != 2,
                           last_login=timezone.now() - datetime.timedelta(days=index * 3 % 5))
        RoleAssignmentFactory(user=user, organization=branch, role=Role.REPORTER)


@pytest.fixture
def volunteers(tree, branches):
    made = []
    for index, branch in enumerate(branches):
        v = volunteer_of(branch, name=f"志愿者{'甲乙丙丁戊'[index]}", registered_on=datetime.date(2026, 1, 1 + index * 7 % 5))
        made.append(v)
    for index, v in enumerate(made):
        type(v).objects.filter(pk=v.pk).update(confirmed_hours=Decimal(index * 7 % 5), star=index % 3,
                                               status="active" if index % 2 else "inactive")
    return made


@pytest.fixture
def activities(tree, branches):
    made = [activity_of(branch, title=f"活动{'甲乙丙丁戊'[i]}", first=datetime.date(2026, 3, 1 + i * 3 % 5))
            for i, branch in enumerate(branches)]
    return made


@pytest.fixture
def service_records(tree, branches, activities):
    for index, branch in enumerate(branches):
        v = volunteer_of(branch, name=f"记录{'甲乙丙丁戊'[index]}")
        volunteering.record_service(activity=activities[index], volunteer=v, date=activities[index].starts_at.date(),
                                hours=Decimal(index * 2 % 5 + 1), by=SYSTEM)
    ServiceRecord.objects.filter(volunteer__name__in=["记录甲", "记录丙"]).update(status="confirmed")


@pytest.fixture
def reports(tree, branches, report_setup, people):
    """Reports of the five branches for March 2026: three submitted (one by city A's staff), one draft, one
    approved."""
    made = []
    for index, branch in enumerate(branches):
        report = reporting.start_report(branch, MONTH, by=SYSTEM)
        MonthlyReport.objects.filter(pk=report.pk).update(values={"meetings": 1})
        report.refresh_from_db()
        if index in (0, 1, 3, 4):
            report = reporting.submit_report(report, by=people.staff if index == 3 else SYSTEM)
        if index == 4:
            report = reporting.approve_report(report, by=SYSTEM)
        made.append(report)
    MonthlyReport.objects.filter(pk=made[1].pk).update(days_late=3)
    MonthlyReport.objects.filter(pk=made[0].pk).update(days_late=1)
    return made


@pytest.fixture
def scores(tree, branches):
    scheme = AssessmentScheme.objects.create(organization=tree.city_a, year=2026, title="支部考核")
    run = AssessmentRun.objects.create(scheme=scheme, month=MONTH, status="provisional")
    for index, branch in enumerate(branches):
        Score.objects.create(run=run, organization=branch, total=Decimal(90 - index * 7 % 5 * 3), rank=index + 1,
                             grade=("excellent", "good", "pass")[index % 3], bonus=Decimal(index % 2),
                             deduction=Decimal(index * 3 % 4), change=Decimal(index - 2), ytd_total=Decimal(index * 11 % 7),
                             ytd_average=Decimal(1))
    return run


@pytest.fixture
def plans(tree, branches):
    for index, branch in enumerate(branches):
        Plan.objects.create(organization=branch, year=2024 + index * 3 % 5, title=f"计划{'甲乙丙丁戊'[index]}",
                            status=("draft", "active")[index % 2])


# --- sorting ---------------------------------------------------------------------------------------------------------


def test_the_users_list_sorts_by_each_column(client, people, accounts):
    client.force_login(people.admin)
    assert assert_sorted_both_ways(client, reverse("orgs:user_list"), q="user") == [
        "username", "first_name", "last_login", "is_active"]


def test_the_organisation_search_sorts_by_each_column(client, people, branches):
    client.force_login(people.staff)
    assert assert_sorted_both_ways(client, reverse("orgs:tree"), q="团支部", min_distinct=1) == [
        "name", "code", "level", "kind", "subtree_members", "organizations_below", "is_active"]


def test_the_volunteer_registry_sorts_by_each_column(client, people, volunteers):
    client.force_login(people.staff)
    assert assert_sorted_both_ways(client, reverse("volunteers:volunteer_list")) == [
        "name", "organization", "registered_on", "hours", "star", "status"]


def test_the_activities_sort_by_each_column(client, people, activities):
    client.force_login(people.staff)
    assert assert_sorted_both_ways(client, reverse("volunteers:activity_list"), min_distinct=1) == [
        "title", "starts_at", "organization", "signups", "status"]


def test_the_service_records_sort_by_each_column(client, people, service_records):
    client.force_login(people.staff)
    assert assert_sorted_both_ways(client, reverse("volunteers:record_list")) == [
        "volunteer", "organization", "activity", "date", "hours", "status"]


def test_the_review_list_sorts_by_each_column(client, people, reports):
    client.force_login(people.leader)
    assert assert_sorted_both_ways(client, reverse("reports:report_list"), min_distinct=1) == [
        "month", "organization", "code", "status", "due_on", "submitted_at", "days_late"]


def test_the_score_table_sorts_by_each_figure(client, people, scores):
    client.force_login(people.assessor)
    assert assert_sorted_both_ways(client, reverse("assessment:run_detail", args=[scores.pk])) == [
        "rank", "organization", "total", "grade", "change", "bonus", "deduction", "ytd"]


def test_the_plans_sort_by_each_column(client, people, plans):
    client.force_login(people.staff)
    assert assert_sorted_both_ways(client, reverse("plans:plan_list")) == ["year", "title", "organization", "status"]


def test_an_unknown_sort_column_is_ignored(client, people, volunteers):
    client.force_login(people.staff)
    response = client.get(reverse("volunteers:record_list"), {"sort": "volunteer__id_number"})
    assert response.status_code == 200


# --- page size -------------------------------------------------------------------------------------------------------


def test_the_page_size_is_one_of_those_offered(client, people, tree):
    for index in range(25):
        volunteer_of(tree.branch, name=f"志愿者{index:02}")
    client.force_login(people.staff)
    url = reverse("volunteers:volunteer_list")
    response = client.get(url, {"page_size": "20", "sort": "name"})
    assert len(records(response)) == 20 and response.context["table"].paginator.num_pages == 2
    second = client.get(url, {"page_size": "20", "sort": "name", "page": "2"})
    assert [v.name for v in records(second)] == [f"志愿者{i:02}" for i in range(20, 25)]
    assert len(records(client.get(url, {"page_size": "50"}))) == 25
    for odd in ("7", "100000", "-1", "x"):
        assert client.get(url, {"page_size": odd}).context["table"].paginator.per_page == 50
    assert records(client.get(url, {"page": "99", "page_size": "20", "sort": "name"}))[0].name == "志愿者20"
    assert 'page_size=100' in response.content.decode()


# --- export this list ------------------------------------------------------------------------------------------------


def test_export_this_list_holds_the_filtered_sorted_rows_with_chinese_headers_and_inert_text(client, people, tree,
                                                                                             activities):
    activity_of(tree.branch, title='=HYPERLINK("http://x","点我")', first=datetime.date(2026, 4, 9))
    activity_of(tree.city_b, title="乙市活动")
    client.force_login(people.staff)
    url = reverse("volunteers:activity_list")
    page = client.get(url, {"q": "活动", "sort": "-starts_at", "page_size": "20"})
    assert "export=xlsx" in page.content.decode() and "page_size" not in page.context["export_query"]
    response = client.get(url, {"q": "活动", "sort": "title", "export": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(sheet(response).iter_rows(values_only=True))
    assert rows[0] == ("标题", "开始时间", "结束", "组织单位", "类别", "报名记录", "待确认", "状态")
    assert [r[0] for r in rows[1:]] == ["活动丁", "活动丙", "活动乙", "活动戊", "活动甲"]  # filtered, sorted, not 乙市
    assert isinstance(rows[1][1], datetime.datetime) and rows[1][5] == 0
    formula = client.get(url, {"q": "HYPERLINK", "export": "xlsx"})
    cells = list(sheet(formula)["A"])
    assert cells[1].value.startswith("=HYPERLINK") and cells[1].data_type == "s"


def test_the_users_export_names_roles_and_shows_last_login_only_of_covered_accounts(client, people, tree, accounts):
    straddler = UserFactory(username="user_straddler", last_login=timezone.now())
    RoleAssignmentFactory(user=straddler, organization=tree.branch, role=Role.REPORTER)
    RoleAssignmentFactory(user=straddler, organization=tree.province, role=Role.REPORTER)
    client.force_login(people.admin)
    rows = list(sheet(client.get(reverse("orgs:user_list"), {"q": "user", "sort": "-username", "export": "xlsx"}))
                .iter_rows(values_only=True))
    assert rows[0] == ("用户名", "姓名", "角色", "最近登录", "有效")
    assert [r[0] for r in rows[1:]] == ["user_straddler", "user4", "user3", "user2", "user1", "user0"]
    assert rows[1][3] is None and isinstance(rows[2][3], datetime.datetime)  # the straddler's log-in stays hidden
    assert rows[1][2] == "一区幸福社区团支部 · 填报员"  # only the roles the admin sees


def test_the_registry_export_this_list_stays_masked(client, people, tree, volunteers):
    client.force_login(people.staff)
    response = client.get(reverse("volunteers:volunteer_list"), {"sort": "-hours", "status": "active", "export": "xlsx"})
    rows = list(sheet(response).iter_rows(values_only=True))
    assert rows[0][:5] == ("姓名", "性别", "证件类型", "证件号码", "手机号")
    hours = [r[12] for r in rows[1:]]
    assert hours == sorted(hours, reverse=True) and len(hours) == 2
    assert {row[3] for row in rows[1:]} <= {v.id_number_masked for v in volunteers}
    assert all(row[3].count("*") >= 8 and row[4] in (None, "") or "*" in row[4] for row in rows[1:])


def test_a_long_list_is_exported_up_to_the_cap_and_the_page_says_so(client, people, tree, volunteers, settings):
    settings.LIST_EXPORT_MAX_ROWS = 3
    client.force_login(people.staff)
    url = reverse("volunteers:volunteer_list")
    page = client.get(url)
    assert "前 3 行" in page.content.decode()
    rows = list(sheet(client.get(url, {"export": "xlsx", "sort": "name"})).iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == [v.name for v in sorted(volunteers, key=attrgetter("name"))][:3]
    settings.LIST_EXPORT_MAX_ROWS = 50000
    assert "前 50000 行" not in client.get(url).content.decode()


def test_the_review_list_export_is_scoped_like_the_page(client, people, tree, reports):
    other = OrganizationFactory(parent=tree.city_b, name="乙市支部", code="B9")
    reporting.start_report(other, MONTH, by=SYSTEM)
    client.force_login(people.leader)
    rows = list(sheet(client.get(reverse("reports:report_list"), {"export": "xlsx", "status": "submitted"}))
                .iter_rows(values_only=True))
    assert rows[0][:4] == ("月份", "组织", "组织编码", "状态")
    assert sorted(r[2] for r in rows[1:]) == ["A1b", "A1c", "A1d"]


# --- bulk actions ----------------------------------------------------------------------------------------------------


def test_a_reviewer_approves_several_reports_and_is_told_which_could_not_be(client, people, reports):
    client.force_login(people.staff)
    ticked = [reports[0].pk, reports[1].pk, reports[3].pk]  # the last one staff submitted personally
    response = client.post(reverse("reports:report_bulk_approve"), {"selected": ticked, "query": "status=submitted"},
                           follow=True)
    assert response.redirect_chain[-1][0].endswith("?status=submitted")
    statuses = dict(MonthlyReport.objects.filter(pk__in=ticked).values_list("pk", "status"))
    assert statuses == {reports[0].pk: "approved", reports[1].pk: "approved", reports[3].pk: "submitted"}
    text = [str(m) for m in response.context["messages"]]
    assert any("丁团支部" in m and "甲团支部" in m for m in text if m.startswith("已通过"))
    assert any("乙团支部" in m and "本人提交" in m for m in text), text


def test_a_report_of_another_city_among_the_ticked_refuses_the_whole_request(client, people, tree, reports):
    other = OrganizationFactory(parent=tree.city_b, name="乙市支部", code="B9")
    foreign = reporting.start_report(other, MONTH, by=SYSTEM)
    MonthlyReport.objects.filter(pk=foreign.pk).update(status="submitted", submitted_at=timezone.now())
    client.force_login(people.staff)
    response = client.post(reverse("reports:report_bulk_approve"), {"selected": [reports[0].pk, foreign.pk]},
                           follow=True)
    assert MonthlyReport.objects.filter(status="approved").count() == 1  # the fixture's own, nothing new
    assert any(str(foreign.pk) in str(m) and "未通过任何" in str(m) for m in response.context["messages"])


@pytest.mark.parametrize("selected", [[], ["x"], ["1.5"]])
def test_a_bulk_approval_without_proper_ids_does_nothing(client, people, reports, selected):
    client.force_login(people.staff)
    client.post(reverse("reports:report_bulk_approve"), {"selected": selected})
    assert MonthlyReport.objects.filter(status="approved").count() == 1


def test_an_administrator_grants_a_role_to_several_accounts_at_once(client, people, tree, branches, accounts):
    client.force_login(people.admin)
    chosen = list(RoleAssignment.objects.filter(user__username__in=["user0", "user1"]).values_list("user_id", flat=True))
    response = client.post(reverse("orgs:user_bulk_grant"), {"selected": chosen, "organization": tree.district.code,
                                                             "role": "leader"}, follow=True)
    assert set(RoleAssignment.objects.filter(organization=tree.district, role="leader")
               .values_list("user__username", flat=True)) == {"user0", "user1"}
    assert any("user0" in str(m) for m in response.context["messages"])


@pytest.mark.parametrize("intruder", ["outside", "above", "unknown"])
def test_one_account_not_the_admins_among_the_ticked_refuses_the_whole_grant(client, people, tree, accounts, intruder):
    if intruder == "outside":
        odd = people.outsider.pk
    elif intruder == "above":
        straddler = UserFactory(username="straddler")
        RoleAssignmentFactory(user=straddler, organization=tree.branch, role=Role.REPORTER)
        RoleAssignmentFactory(user=straddler, organization=tree.province, role=Role.REPORTER)
        odd = straddler.pk
    else:
        odd = 10**9
    before = RoleAssignment.objects.count()
    client.force_login(people.admin)
    mine = RoleAssignment.objects.get(user__username="user0").user_id
    response = client.post(reverse("orgs:user_bulk_grant"), {"selected": [mine, odd], "organization": tree.district.code,
                                                             "role": "leader"}, follow=True)
    assert RoleAssignment.objects.count() == before
    text = " ".join(str(m) for m in response.context["messages"])
    assert ("straddler" in text) if intruder == "above" else (str(odd) in text), text


def test_a_grant_at_an_organisation_outside_is_refused(client, people, tree, accounts):
    before = RoleAssignment.objects.count()
    client.force_login(people.admin)
    mine = RoleAssignment.objects.get(user__username="user0").user_id
    for code in (tree.city_b.code, tree.province.code, "NOPE"):
        client.post(reverse("orgs:user_bulk_grant"), {"selected": [mine], "organization": code, "role": "leader"})
    assert RoleAssignment.objects.count() == before


def test_only_administrators_grant_and_only_reviewers_approve(client, people, reports, accounts):
    for user in (people.staff, people.leader, people.reporter):
        client.force_login(user)
        assert client.post(reverse("orgs:user_bulk_grant"), {"selected": [1], "organization": "A",
                                                             "role": "leader"}).status_code == 403
    for user in (people.reporter, people.assessor, people.outsider):
        client.force_login(user)
        response = client.post(reverse("reports:report_bulk_approve"), {"selected": [reports[0].pk]})
        assert response.status_code in (302, 403)
    assert MonthlyReport.objects.filter(status="approved").count() == 1


# --- queries ---------------------------------------------------------------------------------------------------------


def _grow(tree, count):
    """``count`` branches, each with a volunteer, an activity with a record, a reporter, a report and a plan."""
    from tests.conftest import build_report_setup  # noqa: F401  (the rule is the fixture's)

    for index in range(count):
        branch = OrganizationFactory(parent=tree.district, name=f"支部{index}", code=f"Q{count}-{index}")
        v = volunteer_of(branch, name=f"人{index}")
        activity = activity_of(branch, title=f"活动{index}")
        volunteering.record_service(activity=activity, volunteer=v, date=activity.starts_at.date(), hours=Decimal(2), by=SYSTEM)
        RoleAssignmentFactory(user=UserFactory(username=f"q{count}-{index}"), organization=branch, role=Role.REPORTER)
        report = reporting.start_report(branch, MONTH, by=SYSTEM)
        MonthlyReport.objects.filter(pk=report.pk).update(values={"meetings": 1})
        report.refresh_from_db()
        reporting.submit_report(report, by=SYSTEM)
        Plan.objects.create(organization=branch, year=2026, title=f"计划{index}")


LIST_PAGES = ["orgs:user_list", "volunteers:volunteer_list", "volunteers:activity_list", "volunteers:record_list",
              "reports:report_list", "plans:plan_list"]


@pytest.mark.parametrize("name", LIST_PAGES)
def test_a_list_page_costs_the_same_queries_for_5_rows_as_for_50(client, people, tree, report_setup, name,
                                                                   django_assert_max_num_queries):
    user = people.admin if name == "orgs:user_list" else people.staff
    client.force_login(user)
    _grow(tree, 5)
    client.get(reverse(name))  # warm the caches a first request fills (roles, current organisation)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as five:
        assert len(records(client.get(reverse(name), {"page_size": "100"}))) >= 5
    _grow(tree, 45)
    with django_assert_max_num_queries(len(five)):
        assert len(records(client.get(reverse(name), {"page_size": "100"}))) >= 50


def test_the_score_table_costs_the_same_queries_for_5_rows_as_for_50(client, people, tree, scores,
                                                                      django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(people.assessor)
    url = reverse("assessment:run_detail", args=[scores.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as five:
        client.get(url)
    for index in range(45):
        branch = Organization.objects.get(pk=OrganizationFactory(parent=tree.district, code=f"S{index}").pk)
        Score.objects.create(run=scores, organization=branch, total=1, rank=10, grade="pass", ytd_total=1,
                             ytd_average=1)
    with django_assert_max_num_queries(len(five)):
        assert len(records(client.get(url, {"page_size": "100"}))) == 50


# --- an organisation's children on its detail page ---------------------------------------------------------------

def test_an_organisations_children_sort_by_each_column(client, people, tree, branches):
    client.force_login(people.staff)
    assert assert_sorted_both_ways(client, reverse("orgs:organization_detail", args=[tree.district.pk]),
                                   min_distinct=1) == [
        "name", "code", "level", "kind", "subtree_members", "organizations_below", "is_active"]


def test_an_organisations_children_are_paged_and_exported_sorted(client, people, tree, branches):
    client.force_login(people.staff)
    url = reverse("orgs:organization_detail", args=[tree.district.pk])
    page = client.get(url, {"sort": "-subtree_members", "page_size": "20"})
    assert [o.code for o in records(page)] == ["A1a", "A1b", "A1f", "A1c", "A1d", "A1e"]
    assert 'id="children"' in page.content.decode() and page.context["total_rows"] == 6
    response = client.get(url, {"sort": "code", "export": "xlsx"})
    rows = list(sheet(response).iter_rows(values_only=True))
    assert rows[0][:3] == ("名称", "组织编码", "组织层级")
    assert [r[1] for r in rows[1:]] == ["A1a", "A1b", "A1c", "A1d", "A1e", "A1f"]
    assert "attachment" in response["Content-Disposition"]


def test_the_children_of_another_city_are_neither_shown_nor_exported(client, people, tree):
    client.force_login(people.staff)
    url = reverse("orgs:organization_detail", args=[tree.city_b.pk])
    assert client.get(url).status_code == 404
    assert client.get(url, {"export": "xlsx"}).status_code == 404
    page = client.get(reverse("orgs:organization_detail", args=[tree.province.pk]))
    if page.status_code == 200:  # the staff of city A do not see the province; if they did, city B stays out
        assert "B" not in [o.code for o in records(page)]
