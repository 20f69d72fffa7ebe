"""The start page of each role: the reporter's month report and tasks, the assessor's next step and appeals, the
administrator's unstaffed organisations, unused accounts and failed imports."""
import datetime

from freezegun import freeze_time

from orgs.models import ImportJob
from reports.models import MonthlyReport


def test_a_reporter_starts_the_months_report_from_the_start_page(client, people, tree, report_setup):
    client.force_login(people.reporter)
    with freeze_time("2026-06-03 10:00:00+08:00"):
        html = client.get("/").content.decode()
        assert "2026-05 月度报告" in html and "2026-06-05 截止" in html and "填写本月报告" in html
        assert "/api/docs/" not in html  # no API link in a reporter's menu
        response = client.post("/reports/start/", {"organization": tree.branch.pk, "month": "2026-05"})
        report = MonthlyReport.objects.get(organization=tree.branch)
        assert response["Location"] == f"/reports/{report.pk}/"
        html = client.get("/").content.decode()
    assert "继续填写" in html and f'href="/reports/{report.pk}/"' in html


def test_a_returned_report_asks_for_correction(client, people, tree, report_setup):
    from reports import services

    with freeze_time("2026-06-03 10:00:00+08:00"):
        report = services.start_report(tree.branch, datetime.date(2026, 5, 1), by=people.reporter)
        report = services.save_draft(report, by=people.reporter, values={"meetings": 1})
        services.return_report(services.submit_report(report, by=people.reporter), by=people.staff, reason="缺会议记录")
        client.force_login(people.reporter)
        html = client.get("/").content.decode()
    assert "修改后重新提交" in html and "缺会议记录" in html


def test_the_assessor_sees_what_to_do_next(client, people, known):
    client.force_login(people.assessor)
    with freeze_time("2026-06-10 09:00:00+08:00"):
        response = client.get("/")
    rows = response.context["schemes"]
    assert [(r["scheme"], r["step"]) for r in rows] == [(known.scheme, "done")]
    assert response.context["latest_run"] == known.appeal
    html = response.content.decode()
    assert 'id="start-appeals"' in html
    # last month is published: the page names this month's computation as what comes next
    assert rows[0]["next_month"] == datetime.date(2026, 6, 1)
    assert rows[0]["next_compute_on"] == datetime.date(2026, 7, known.scheme.compute_day)
    assert "2026-06" in html and f"2026-07-{known.scheme.compute_day:02d}" in html


def test_the_administrator_sees_gaps_in_the_tree(client, people, known, tree):
    ImportJob.objects.create(created_by=people.admin, original_name="坏文件.xlsx", status="failed")
    client.force_login(people.admin)
    response = client.get("/")
    unstaffed = {o.code for o in response.context["unstaffed"]}
    assert "A1a" not in unstaffed and "A" not in unstaffed and {"A1", "B1", "C1", "A2"} <= unstaffed
    assert "Bb" not in unstaffed
    html = response.content.decode()
    assert "坏文件.xlsx" in html
    never = {u.username for u in response.context["never_logged_in"]}
    assert "reporter_a1a" in never and "admin_b" not in never


def test_the_assessor_is_told_the_month_is_computed_after_its_deadline(client, people, known):
    known.scheme.compute_day = 3  # before the reports' due day (the 5th)
    known.scheme.save()
    with freeze_time("2026-12-01 09:00:00+08:00"):
        client.force_login(people.assessor)
        response = client.get("/")
    (row,) = response.context["schemes"]
    assert row["step"] == "compute" and row["compute_on"] == datetime.date(2026, 12, 6)  # not 12-03
    assert "2026-12-06" in response.content.decode()
