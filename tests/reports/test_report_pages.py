"""The monthly report pages: the reporter fills and submits, the reviewer returns and approves."""
import datetime

import pytest
from freezegun import freeze_time

from plans.models import ProgressEntry
from reports import services
from reports.models import MonthlyReport, ReportField, ReportingRule


@pytest.fixture
def fields(tree):
    ReportingRule.objects.create(organization=tree.city_a, levels=["grassroots"], since=datetime.date(2026, 1, 1))
    return ReportField.objects.create(organization=tree.city_a, key="meetings", label="支部委员会（次）", required=True, maximum=31)


@freeze_time("2026-06-03 10:00:00")
def test_the_reporter_fills_in_saves_and_submits(client, people, plan, fields):
    client.force_login(people.reporter)
    html = client.get("/reports/").content.decode()
    assert "2026-05" in html and "2026-06" in html
    client.post("/reports/start/", {"organization": people.reporter.role_assignments.get().organization_id, "month": "2026-05-01"})
    report = MonthlyReport.objects.get()
    line = report.lines.get()
    form = {"version": report.version, "field-meetings": "40", f"line-{line.pk}": "6", "work_done": "团日活动", "submit": "1"}
    html = client.post(f"/reports/{report.pk}/", form).content.decode()
    assert "不能大于 31" in html and MonthlyReport.objects.get().status == "draft"
    form["field-meetings"] = "1"
    response = client.post(f"/reports/{report.pk}/", form)
    report.refresh_from_db()
    assert response.status_code == 302 and report.status == "submitted" and report.days_late == 0
    assert report.values == {"meetings": 1} and report.lines.get().value == 6


def test_the_reviewer_returns_then_approves_and_progress_follows(client, people, plan, fields):
    report = services.start_report(plan.branch.organization, plan.plan.period_start.replace(month=5), by=people.reporter)
    services.save_draft(report, by=people.reporter, values={"meetings": "2"}, lines={report.lines.get().pk: (6, "")})
    report = services.submit_report(MonthlyReport.objects.get(), by=people.reporter)
    client.force_login(people.leader)
    html = client.get(f"/reports/{report.pk}/").content.decode()
    assert 'id="review-box"' in html
    client.post(f"/reports/{report.pk}/review/", {"step": "return", "version": report.version, "reason": ""})
    assert MonthlyReport.objects.get().status == "submitted"  # a return needs a reason
    client.post(f"/reports/{report.pk}/review/", {"step": "return", "version": report.version, "reason": "补充照片"})
    report.refresh_from_db()
    assert report.status == "returned"
    client.force_login(people.reporter)
    assert "补充照片" in client.get(f"/reports/{report.pk}/").content.decode()
    client.post(f"/reports/{report.pk}/", {"version": report.version, "field-meetings": "2",
                                                  f"line-{report.lines.get().pk}": "7", "submit": "1"})
    report.refresh_from_db()
    client.force_login(people.staff)
    client.post(f"/reports/{report.pk}/review/", {"step": "approve", "version": report.version})
    assert MonthlyReport.objects.get().status == "approved" and ProgressEntry.objects.get().value == 7


def test_report_pages_follow_the_tree(client, people, plan, other_plan, tree):
    report = services.start_report(tree.branch, plan.plan.period_start.replace(month=5), by=people.reporter)
    client.force_login(people.outsider)
    assert client.get(f"/reports/{report.pk}/").status_code == 404
    assert client.post(f"/reports/{report.pk}/review/", {"step": "approve"}).status_code == 404
    client.force_login(people.assessor)
    assert client.get(f"/reports/{report.pk}/").status_code == 200
    client.post(f"/reports/{report.pk}/", {"version": report.version, "work_done": "改"})
    assert MonthlyReport.objects.get().work_done == ""  # an assessor reads but does not write
    client.force_login(people.reporter)
    assert client.post("/reports/start/", {"organization": tree.other_branch.pk, "month": "2026-05-01"}).status_code == 403
