"""Friction in the review of monthly reports (issue 14): what a return or approval says, a returned report is read
only for its reviewer, the grid's organisation names open the report and its totals follow the filters."""
import datetime
import re

from freezegun import freeze_time

from reports import services
from reports.models import MonthlyReport
from tests.reports.test_report_grid import branches  # noqa: F401 (a fixture)

D = datetime.date


def _submitted(plan, people):
    report = services.start_report(plan.branch.organization, D(2026, 5, 1), by=people.reporter)
    services.save_draft(report, by=people.reporter, values={"meetings": "2"}, lines={report.lines.get().pk: (6, "")})
    return services.submit_report(MonthlyReport.objects.get(), by=people.reporter)


def _message(response):
    return " ".join(str(m) for m in response.context["messages"])


def test_returning_and_approving_say_what_happened(client, people, plan, report_setup):
    report = _submitted(plan, people)
    client.force_login(people.leader)
    response = client.post(f"/reports/{report.pk}/review/", {"step": "return", "version": report.version,
                                                             "reason": "补充照片"}, follow=True)
    assert "已退回 一区幸福社区团支部 2026-05 月报" in _message(response)
    report.refresh_from_db()
    client.force_login(people.reporter)
    client.post(f"/reports/{report.pk}/", {"version": report.version, "field-meetings": "2",
                                          f"line-{report.lines.get().pk}": "7", "submit": "1"})
    report.refresh_from_db()
    client.force_login(people.leader)
    response = client.post(f"/reports/{report.pk}/review/", {"step": "approve", "version": report.version}, follow=True)
    assert "已通过 一区幸福社区团支部 2026-05 月报" in _message(response) and "操作完成" not in _message(response)
    report.refresh_from_db()
    response = client.post(f"/reports/{report.pk}/review/", {"step": "reopen", "version": report.version,
                                                             "reason": "数据有误"}, follow=True)
    assert "已重新打开 一区幸福社区团支部 2026-05 月报" in _message(response)


def test_after_returning_a_report_the_reviewer_reads_it_and_the_reporter_fills_it_in(client, people, plan, report_setup):
    report = _submitted(plan, people)
    client.force_login(people.staff)  # staff of the city may also enter progress below: still a reviewer here
    client.post(f"/reports/{report.pk}/review/", {"step": "return", "version": report.version, "reason": "补充照片"})
    html = client.get(f"/reports/{report.pk}/").content.decode()
    assert "<fieldset disabled>" in html and 'id="autosave-status"' not in html and 'name="save"' not in html
    before = MonthlyReport.objects.get().version
    client.post(f"/reports/{report.pk}/", {"version": before, "field-meetings": "9", "save": "1"})
    assert MonthlyReport.objects.get().version == before  # a post from the reviewer changes nothing
    client.force_login(people.reporter)
    html = client.get(f"/reports/{report.pk}/").content.decode()
    assert "<fieldset>" in html and 'id="autosave-status"' in html


@freeze_time("2026-06-10 10:00:00+08:00")
def test_in_the_grid_the_organisation_name_opens_its_report(client, branches, people, report_setup):  # noqa: F811
    client.force_login(people.leader)
    html = client.get("/reports/grid/?year=2026&month=2026-05").content.decode()
    may = {r.organization.code: r for r in MonthlyReport.objects.filter(month=D(2026, 5, 1)).select_related("organization")}
    link = re.search(r'<a class="grid-org" href="(/reports/\d+/)"[^>]*>一区第1团支部</a>', html)
    assert link and link.group(1) == f"/reports/{may['A11'].pk}/"
    # no report at all: the name is plain text (its code still links to the organisation)
    assert '<span class="grid-org">一区幸福社区团支部</span>' in html


@freeze_time("2026-06-10 10:00:00+08:00")
def test_the_grid_totals_follow_the_filters(client, branches, people, report_setup):  # noqa: F811
    client.force_login(people.leader)

    def may_rate(query):
        html = client.get(f"/reports/grid/?year=2026&{query}").content.decode()
        row = re.search(r'<tr class="table-light" id="grid-rates">(.*?)</tr>', html, re.S).group(1)
        return re.findall(r'<td class="text-center">([^<]*)</td>', row)[4]  # January … May: the fifth month

    assert may_rate("") == "60.0%"  # 3 of 5 sent
    assert may_rate("q=一区第1团支部") == "100.0%"  # the approved one alone
    assert may_rate("month=2026-05&state=missing") == "0.0%"
    assert may_rate("month=2026-05&state=late") == "100.0%"


def test_an_english_reader_sees_a_returned_report_in_english_on_every_page(client, api, people, plan, report_setup):
    report = services.start_report(plan.branch.organization, plan.plan.period_start.replace(month=5),
                                          by=people.reporter)
    services.save_draft(report, by=people.reporter, values={"meetings": "2"})
    report = services.submit_report(report, by=people.reporter)
    client.force_login(people.leader)  # the reviewer works in Chinese
    client.post(f"/reports/{report.pk}/review/", {"step": "return", "version": report.version, "reason": "补充照片"})
    client.force_login(people.reporter)
    client.cookies["django_language"] = "en"
    english = "The report on 2026-05 of 一区幸福社区团支部 was returned"
    assert english in client.get("/notifications/").content.decode()
    assert english in client.get("/notifications/menu/").content.decode()
    assert english in client.get("/").content.decode()  # the reporter's start page
    api.login(people.reporter)
    titles = [n["title"] for n in api.get("/api/v1/notifications/", HTTP_ACCEPT_LANGUAGE="en").json()["results"]]
    assert english in titles
    client.cookies["django_language"] = "zh-hans"
    html = client.get("/notifications/").content.decode()
    assert "一区幸福社区团支部 的 2026-05 月度报告被退回" in html and ">未读<" in html and ">新增<" not in html
