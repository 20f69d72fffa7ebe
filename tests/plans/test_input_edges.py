"""Dates, months and years at the edge of the calendar, and names that do not exist, answer 400 or 404 —
never a server error (each was a 500 that schemathesis found)."""
import datetime

import pytest

from reports.models import MonthlyReport

NOT_A_MOMENT = ["2026-01-01T00:00:00-19:00", "2026-01-01T00:00:00+15:30", "0001-01-01T00:00:00+01:00",
                "9999-12-31T23:59:59-01:00", "2026-13-01T00:00:00"]  # outside real time zones or the calendar
NOT_A_YEAR = ["1e-300", "0", "-1", "99999", "2026.5", "abc"]


@pytest.mark.parametrize("path, name, value", [
    *[(path, "updated_since", moment) for path in ["/api/v1/plans/", "/api/v1/assignments/", "/api/v1/progress-entries/"]
      for moment in NOT_A_MOMENT],
    *[(path, "year", year) for path in ["/api/v1/monthly-reports/", "/api/v1/monthly-reports/summary/", "/api/v1/plans/",
                                        "/api/v1/assignments/", "/api/v1/work-points/"] for year in NOT_A_YEAR],
])
def test_a_moment_or_a_year_that_is_not_one_is_a_400_naming_the_parameter(api, people, plan, path, name, value):
    response = api.login(people.staff).get(path, {name: value})
    assert response.status_code == 400
    assert name in response.json()["errors"]


def test_updated_since_with_a_real_offset_is_compared_in_utc(api, people, plan):
    api.login(people.admin)
    updated = plan.plan.updated_at.astimezone(datetime.timezone(datetime.timedelta(hours=-12)))
    since = {"updated_since": updated.replace(microsecond=0).isoformat()}
    assert api.get("/api/v1/plans/", since).json()["count"] == 1
    since = {"updated_since": (updated + datetime.timedelta(seconds=1)).replace(microsecond=0).isoformat()}
    assert api.get("/api/v1/plans/", since).json()["count"] == 0
    assert api.get("/api/v1/plans/", {"updated_since": "2099-12-31T23:00:00+14:00"}).json()["count"] == 0




def test_a_year_filter_still_filters(api, people, plan):
    api.login(people.staff)
    assert api.get("/api/v1/plans/", {"year": "2026"}).json()["count"] == 1
    assert api.get("/api/v1/plans/", {"year": "2025"}).json()["count"] == 0
    assert [c["month"] for c in api.get("/api/v1/monthly-reports/summary/", {"year": "2026"}).json()][0] == "2026-01-01"


@pytest.mark.parametrize("month", ["9999-12-01", "9999-12", "0001-01-01", "1999-12-01", "2101-01-01", "2026-13-01"])
def test_starting_a_report_for_a_month_outside_the_calendar_is_a_400(api, people, tree, month):
    response = api.login(people.reporter).post("/api/v1/monthly-reports/", {"organization": "A1a", "month": month})
    assert response.status_code == 400
    assert "month" in response.json()["errors"]
    assert not MonthlyReport.objects.exists()


@pytest.mark.parametrize("month", ["9999-12-01", "0001-01-01", "2026-13-01", "soon"])
def test_the_start_page_answers_a_bad_month_with_a_400_page(client, people, tree, month):
    client.force_login(people.reporter)
    response = client.post("/reports/start/", {"organization": tree.branch.pk, "month": month})
    assert response.status_code == 400
    assert not MonthlyReport.objects.exists()


def test_the_start_page_still_starts_a_report(client, people, tree):
    client.force_login(people.reporter)
    response = client.post("/reports/start/", {"organization": tree.branch.pk, "month": "2026-05-01"})
    assert response.status_code == 302
    assert MonthlyReport.objects.get().month.isoformat() == "2026-05-01"


@pytest.mark.parametrize("month", ["9999-12", "0001-01", "2026-13"])
def test_months_outside_the_calendar_are_a_400_wherever_they_are_typed(api, people, month_data, month):
    api.login(people.staff)
    assert api.get("/api/v1/monthly-reports/", {"month": month}).status_code == 400
    assert api.get("/api/v1/monthly-reports/export/", {"month": month}).status_code == 400
    api.login(people.assessor)
    assert api.get("/api/v1/scores/", {"month": month}).status_code == 400
    compute = api.post(f"/api/v1/assessment-schemes/{month_data.scheme.pk}/compute/", {"month": month})
    assert compute.status_code == 400 and "month" in compute.json()["errors"]


def test_deleting_report_settings_of_an_unknown_kind_is_a_404_page(client, people, report_setup):
    client.force_login(people.admin)
    response = client.post(f"/reports/settings/xyz/{report_setup.rule.pk}/delete/")
    assert response.status_code == 404


@pytest.mark.parametrize("value", ["-3.7388919492776875e+87", "99999999999999999999999", "1e-300", "2.5"])
@pytest.mark.parametrize("path, name", [("/api/v1/progress-entries/", "plan"), ("/api/v1/progress-entries/", "assignment"),
                                        ("/api/v1/work-points/", "plan"), ("/api/v1/targets/", "point"),
                                        ("/api/v1/assignments/", "plan"), ("/api/v1/scores/", "scheme"),
                                        ("/api/v1/departments/", "organization")])
def test_an_id_filter_takes_only_a_whole_number_an_id_can_be(api, people, plan, path, name, value):
    response = api.login(people.admin).get(path, {name: value})
    assert response.status_code == 400
    assert name in response.json()["errors"]


@pytest.mark.parametrize("year", ["0", "99999", "1e-300"])
def test_the_reviewers_grid_page_shows_this_years_months_for_a_year_that_is_not_one(client, people, report_setup, year):
    client.force_login(people.staff)
    response = client.get("/reports/grid/", {"year": year, "month": "2026-05"})
    assert response.status_code == 200
    assert response.context["year"] == 2026
