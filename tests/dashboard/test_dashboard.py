"""The 工作台 on a known tree: the page, the chart endpoints and a direct computation agree; provisional scores never
show; only organisations that existed count; queries do not grow with the subtree; the cache follows changes."""
import datetime
import io
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.utils import timezone
from freezegun import freeze_time
from openpyxl import load_workbook

from orgs.models import Organization
from orgs.permissions import SYSTEM
from plans import services as plan_services
from plans.models import Assignment
from reports import services as report_services
from reports.models import MonthlyReport
from tests.factories import OrganizationFactory

from .conftest import JANUARY, NOW

MAY = datetime.date(2026, 5, 1)


def _get(client, url):
    with freeze_time(NOW):
        response = client.get(url)
    assert response.status_code == 200, response.content.decode()[-2000:]
    return response


def _chart(client, code, name, year=2026):
    return _get(client, f"/dashboard/{code}/charts/{name}.json?year={year}").json()


def test_the_page_the_chart_endpoints_and_the_stored_figures_agree(client, people, known, tree):
    client.force_login(people.leader)
    response = _get(client, "/")
    board, html = response.context["board"], response.content.decode()
    root = Assignment.objects.get(target=known.plan.target, organization=tree.city_a)
    district = Assignment.objects.get(target=known.plan.target, organization=tree.district)
    # the headline is the stored roll-up of what city A holds: 5 of 40 talks
    assert root.completion == Decimal("0.125")
    assert (board["headline"]["completion"], board["headline"]["expected"]) == (root.completion, root.expected)
    assert board["headline"]["light"] == root.light == "red" and board["headline"]["lights"] == {"red": 1}
    assert f'data-figure="completion">{round(float(root.completion) * 100):.0f}%' in html
    assert 'data-figure="light-red">1<' in html
    # May's reporting: A1a approved, B1 two days late, C1 missing, of three that must report
    assert {k: board["reporting"][k] for k in ("due", "sent", "late", "missing", "rate")} == {
        "due": 3, "sent": 2, "late": 1, "missing": 1, "rate": 66.7}
    for key, value in (("due", 3), ("sent", 2), ("late", 1), ("missing", 1)):
        assert f'data-figure="{key}">{value}<' in html
    assert 'data-figure="report-rate">66.7%<' in html
    rates = _chart(client, "A", "report-rate")
    assert rates["categories"][-1] == "2026-05" and rates["series"][0]["data"][-1] == 66.7
    assert [s["data"][-1] for s in rates["series"][1:]] == [3, 2, 1, 1]
    # the children: A1 holds 30 with A1a's 5 below it, A2 holds nothing
    completion = _chart(client, "A", "children-completion")
    assert completion["categories"] == ["共青团甲市一区委员会", "共青团甲市二区委员会"]
    assert completion["series"][0]["data"] == [round(float(district.completion) * 100, 1), None]
    assert completion["links"][0] == "/dashboard/A1/?year=2026"
    row = board["children"][0]
    assert (row["code"], row["completion"], row["red"], row["report_rate"]) == ("A1", district.completion, 1, 66.7)
    lights = _chart(client, "A", "lights")
    assert lights["series"][0]["data"] == [1, 0, 0, 0, 0]
    sections = _chart(client, "A", "sections")
    assert sections["categories"] == ["一、旗帜鲜明讲政治"] and sections["series"][0]["data"] == [12.5]
    # the lists: every red assignment of the subtree with whom it belongs to; C1 missing; B1 waiting
    assert [r["organization"]["code"] for r in board["lagging"]] == ["A", "A1", "A1a"]
    assert [o["code"] for o in board["missing"]] == ["C1"] and [r["organization"]["code"] for r in board["waiting"]] == ["B1"]
    assert board["entries"][0]["value"] == Decimal(5)


def test_scores_are_the_published_ones_and_the_childrens_average(client, people, known, tree):
    client.force_login(people.leader)
    board = _get(client, "/dashboard/A1/?year=2026").context["board"]
    scores = {row["code"]: row["score"] for row in board["children"]}
    assert scores == {"A1a": Decimal(61), "B1": Decimal(24), "C1": Decimal(30)}
    assert board["children_average"] == Decimal("38.33")
    by_score = _chart(client, "A1", "children-score")
    assert by_score["categories"] == ["一区幸福社区团支部", "一区丙团支部", "一区乙团支部"]
    assert by_score["series"][0]["data"] == [61.0, 30.0, 24.0] and by_score["series"][1]["data"] == [1, 2, 3]
    trend = _chart(client, "A1", "score-trend")
    assert trend["categories"] == ["2026-05"] and trend["series"][2]["data"] == [38.33]


@pytest.mark.parametrize("role", ["leader", "staff", "assessor"])
def test_a_provisional_score_never_appears(client, people, known, tree, role):
    """A1a's June run is open for appeal with 99.5: the dashboard, its charts and its summary keep May's 61."""
    client.force_login(getattr(people, role))
    response = _get(client, "/dashboard/A1a/?year=2026")
    assert response.context["board"]["score"]["total"] == Decimal(61)
    assert "99.5" not in response.content.decode()
    for code, name in (("A1a", "score-trend"), ("A1", "children-score"), ("A1", "score-trend")):
        assert "99.5" not in str(_chart(client, code, name))
    sheet = load_workbook(io.BytesIO(_get(client, "/dashboard/A1a/export.xlsx?year=2026").content))
    values = [c for ws in sheet.worksheets for row in ws.iter_rows(values_only=True) for c in row]
    assert 61 in values and 99.5 not in values


def test_only_organisations_that_existed_in_the_month_must_report(client, people, known, tree):
    Organization.objects.filter(code="C1").update(created_at=timezone.make_aware(datetime.datetime(2026, 6, 2)),
                                                  reporting_from=None)  # joined in June: owes from July
    client.force_login(people.leader)
    board = _get(client, "/").context["board"]
    assert (board["reporting"]["due"], board["reporting"]["missing"]) == (2, 0) and board["missing"] == []
    assert board["children"][0]["report_rate"] == 100.0
    assert [m["due"] for m in board["report_months"]] == [2, 2, 2, 2, 2]


def _grow(tree, count, prefix):
    """``count`` more branches under the district, each holding a part of the talks and a draft report on May."""
    root = Assignment.objects.get(organization=tree.city_a, target__isnull=False)
    district = Assignment.objects.get(organization=tree.district, target=root.target)
    branches = [OrganizationFactory(parent=tree.district, code=f"{prefix}{i}", name=f"扩展团支部{prefix}{i}") for i in range(count)]
    plan_services.decompose(district, [(b, Decimal(1), None) for b in branches], by=SYSTEM, confirm_mismatch=True)
    for branch in branches:
        with freeze_time(NOW):
            report_services.start_report(branch, MAY, by=SYSTEM)
    Organization.objects.update(created_at=JANUARY)


def _queries(client, django_assert_max_num_queries, url, limit):
    """The number of queries of a first (uncached) request of ``url``, asserted at most ``limit``."""
    cache.clear()
    with django_assert_max_num_queries(limit) as captured:
        _get(client, url)
    return len(captured)


@pytest.mark.parametrize("url", ["/", "/dashboard/A1/?year=2026", "/dashboard/A/charts/children-score.json",
                                 "/dashboard/A/charts/volunteer-hours.json",
                                 "/dashboard/A/export.xlsx"])
def test_queries_do_not_grow_with_the_subtree(client, people, known, tree, django_assert_max_num_queries, url):
    client.force_login(people.leader)
    _volunteer_statistics(tree)
    _grow(tree, 3, "S")
    small = _queries(client, django_assert_max_num_queries, url, 40)
    _grow(tree, 30, "L")
    assert Organization.objects.count() > 40
    large = _queries(client, django_assert_max_num_queries, url, 40)
    print(f"{url}: {small} queries on the small tree, {large} on the ten-times-larger one")
    assert large == small


def test_the_figures_are_cached_until_something_they_read_changes(client, people, known, tree,
                                                                   django_assert_max_num_queries,
                                                                   django_capture_on_commit_callbacks):
    client.force_login(people.leader)
    first = _get(client, "/").context["board"]
    with django_assert_max_num_queries(14):  # the cached figures: session, roles, the change stamps, the page's own
        again = _get(client, "/").context["board"]
    assert again == first
    with django_capture_on_commit_callbacks(execute=True):
        plan_services.record_progress(known.plan.branch, by=SYSTEM, reported_on=datetime.date(2026, 6, 1),
                                      value=Decimal(10))
    changed = _get(client, "/").context["board"]
    assert changed["headline"]["completion"] == Decimal("0.25") != first["headline"]["completion"]
    report = MonthlyReport.objects.get(organization__code="B1")
    report_services.approve_report(report, by=people.leader)
    assert _get(client, "/").context["board"]["reporting"]["approved"] == 2


def test_the_summary_is_a_printable_workbook_with_the_figures(client, people, known):
    client.force_login(people.leader)
    response = _get(client, "/dashboard/A1/export.xlsx?year=2026")
    assert response["Content-Disposition"].endswith(".xlsx")
    workbook = load_workbook(io.BytesIO(response.content))
    assert len(workbook.worksheets) == 6
    for ws in workbook.worksheets:
        assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
        assert ws.print_title_rows == "$1:$2" and ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
        assert ws.oddFooter.center.text == "第 &P 页 共 &N 页"
    children = [row for row in workbook.worksheets[1].iter_rows(min_row=3, values_only=True)]
    assert [(r[0], r[8], r[9]) for r in children] == [("A1a", 61, 1), ("B1", 24, 3), ("C1", 30, 2)]
    overview = {row[0]: row[1] for row in workbook.worksheets[0].iter_rows(min_row=3, values_only=True)}
    assert overview["应报"] == 3 and overview["未报"] == 1


def test_drill_down_breadcrumbs_and_the_year_switch(client, people, known, tree):
    client.force_login(people.leader)
    html = _get(client, "/dashboard/A1/?year=2026").content.decode()
    assert 'href="/dashboard/A/?year=2026"' in html  # up to city A, the leader's own
    assert "共青团测试省委员会" not in html  # never above the user's own organisation
    assert 'href="/dashboard/A1a/?year=2026"' in html
    assert _get(client, "/dashboard/A1/?year=2025").context["board"]["headline"]["held"] == 0
    assert _get(client, f"/dashboard/{tree.district.pk}/").context["organization"] == tree.district


@pytest.mark.parametrize("url", ["/dashboard/B/", "/dashboard/B/charts/lights.json", "/dashboard/B/export.xlsx",
                                 "/dashboard/Bb/", "/dashboard/nowhere/", "/dashboard/A/charts/nothing.json"])
def test_a_leader_of_one_city_never_reaches_another(client, people, known, url):
    client.force_login(people.leader)
    with freeze_time(NOW):
        response = client.get(url)
    assert response.status_code == 404 and "乙市" not in response.content.decode()


def test_a_reporter_has_no_dashboard_of_a_subtree_and_bad_years_are_refused(client, people, known):
    client.force_login(people.reporter)
    assert client.get("/dashboard/A1a/").status_code == 403
    assert client.get("/dashboard/").status_code == 403
    client.force_login(people.leader)
    for year in ("1e3", "0", "99999", "二〇二六"):
        assert client.get(f"/dashboard/A/?year={year}").status_code == 400
        assert client.get(f"/dashboard/A/charts/lights.json?year={year}").status_code == 400


def _volunteer_statistics(tree):
    """City A: 12 of 40 members registered, 30 hours in April and 7.5 in June (this month); district A1: 20 in June."""
    from volunteers.models import VolunteerStatistic
    for organization, month, hours, registered in ((tree.city_a, datetime.date(2026, 4, 1), "30", 10),
                                                   (tree.city_a, datetime.date(2026, 6, 1), "7.5", 12),
                                                   (tree.district, datetime.date(2026, 6, 1), "20", 5)):
        VolunteerStatistic.objects.create(organization=organization, month=month, hours=Decimal(hours),
                                          registered=registered, registered_members=registered, members=40)


def test_the_volunteer_panel_reads_the_stored_statistics(client, people, known, tree):
    _volunteer_statistics(tree)
    client.force_login(people.leader)
    response = _get(client, "/")
    board, html = response.context["board"], response.content.decode()
    volunteers = board["volunteers"]
    assert (volunteers["month"], volunteers["share"], volunteers["hours"], volunteers["year_hours"]) == (
        datetime.date(2026, 6, 1), Decimal("30.00"), Decimal("7.5"), Decimal("37.5"))
    assert 'data-figure="volunteer-share">30%<' in html and 'data-figure="volunteer-hours">7.5<' in html
    assert [(r["code"], r["volunteer_hours"]) for r in board["children"]] == [("A1", Decimal(20)), ("A2", 0)]
    chart = _chart(client, "A", "volunteer-hours")
    assert chart["categories"] == ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06"]
    assert chart["series"][0]["data"] == [0.0, 0.0, 0.0, 30.0, 0.0, 7.5]
    assert (chart["kind"], chart["draw"]) == ("bar", ["hours"])
    # a statistic computed again shows at once (the cache key follows it)
    from volunteers.models import VolunteerStatistic
    VolunteerStatistic.objects.filter(organization=tree.city_a, month=datetime.date(2026, 6, 1)).update(
        hours=Decimal(9), computed_at=timezone.now())
    assert _get(client, "/").context["board"]["volunteers"]["hours"] == Decimal(9)
