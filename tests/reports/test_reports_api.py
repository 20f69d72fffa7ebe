"""The monthly report API: configuration, the workflow, filters, JSON errors and reach."""
import pytest

from plans.models import ProgressEntry
from reports.models import MonthlyReport, ReportField


@pytest.fixture
def report_url(api, people, plan):
    response = api.login(people.reporter).post("/api/v1/monthly-reports/", {"organization": "A1a", "month": "2026-05-01"})
    assert response.status_code == 201, response.json()
    return f"/api/v1/monthly-reports/{response.json()['id']}/"


def test_the_workflow_through_the_api(api, people, plan, report_url):
    reporter = api.login(people.reporter)
    report = reporter.get(report_url).json()
    line = report["lines"][0]
    assert line["assigned_value"] == "10.0000"
    report = reporter.post(f"{report_url}draft/", {"version": report["version"], "work_done": "开展团日",
                                                     "lines": [{"id": line["id"], "value": "6", "note": "五月"}]}).json()
    report = reporter.post(f"{report_url}submit/", {"version": report["version"]}).json()
    assert report["status"] == "submitted"
    leader = api.login(people.leader)
    response = leader.post(f"{report_url}return/", {"version": report["version"]})
    assert response.status_code == 400 and response.json()["detail"]
    report = leader.post(f"{report_url}return/", {"version": report["version"], "reason": "缺照片"}).json()
    report = api.login(people.reporter).post(f"{report_url}submit/", {"version": report["version"]}).json()
    report = api.login(people.staff).post(f"{report_url}approve/", {"version": report["version"]}).json()
    assert report["status"] == "approved" and ProgressEntry.objects.get().value == 6
    stale = api.login(people.leader).post(f"{report_url}reopen/", {"version": report["version"] - 1, "reason": "x"})
    assert stale.status_code == 400


def test_bad_figures_and_steps_are_json_errors(api, people, plan, report_url):
    ReportField.objects.create(organization=plan.plan.organization, key="meetings", label="会议次数", required=True, maximum=31)
    reporter = api.login(people.reporter)
    version = reporter.get(report_url).json()["version"]
    response = reporter.post(f"{report_url}draft/", {"version": version, "values": {"meetings": "99"}})
    assert response.status_code == 400 and "meetings" in response.json()["errors"]
    response = reporter.post(f"{report_url}submit/", {"version": version})
    assert response.status_code == 400 and "meetings" in response.json()["errors"]
    assert reporter.post(f"{report_url}approve/", {}).status_code == 403
    response = reporter.post("/api/v1/monthly-reports/", {"organization": "Bb", "month": "2026-05-01"})
    assert response.status_code == 400
    response = reporter.post(f"{report_url}draft/", {"version": version, "lines": [{"value": "x"}]})
    assert response.status_code == 400


def test_a_second_report_for_the_same_month_is_the_same_report(api, people, plan, report_url):
    again = api.login(people.reporter).post("/api/v1/monthly-reports/", {"organization": "A1a", "month": "2026-05-01"})
    assert again.json()["id"] == int(report_url.rstrip("/").split("/")[-1]) and MonthlyReport.objects.count() == 1


def test_filters_by_status_month_and_subtree(api, people, plan, report_url):
    client = api.login(people.leader)
    assert len(client.get("/api/v1/monthly-reports/?status=draft&within=A1").json()["results"]) == 1
    assert client.get("/api/v1/monthly-reports/?status=approved").json()["results"] == []
    assert len(client.get("/api/v1/monthly-reports/?month=2026-05-01&late=false").json()["results"]) == 1
    assert api.login(people.outsider).get("/api/v1/monthly-reports/").json()["results"] == []


def test_configuration_errors(api, people, tree):
    client = api.login(people.staff)
    assert client.post("/api/v1/reporting-rules/", {"organization": "A", "due_day": 31}).status_code == 400
    assert client.post("/api/v1/report-fields/", {"organization": "A", "key": "k", "label": "x", "minimum": 5, "maximum": 1}).status_code == 400
    client.post("/api/v1/report-fields/", {"organization": "A", "key": "k", "label": "x"})
    assert client.post("/api/v1/report-fields/", {"organization": "A", "key": "k", "label": "y"}).status_code == 400
    rule = client.post("/api/v1/reporting-rules/", {"organization": "A", "due_day": 5, "exceptions": ["Bb"]})
    assert rule.status_code == 400
