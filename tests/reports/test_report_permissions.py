"""Monthly report pages and endpoints × roles, inside city A and outside it (city B)."""
import datetime

import pytest

from reports import services
from reports.models import ReportField, ReportingRule

ROLES = ["admin", "staff", "reporter", "leader", "assessor"]
ALL = dict.fromkeys(ROLES, 200)
REVIEWERS = {"admin": 200, "staff": 200, "reporter": 403, "leader": 200, "assessor": 403}
FILLERS = {"admin": 200, "staff": 200, "reporter": 200, "leader": 403, "assessor": 403}
CONFIGURERS = {"admin": 200, "staff": 200, "reporter": 403, "leader": 403, "assessor": 403}
CONFIG_OBJECTS = {"admin": 200, "staff": 200, "reporter": 404, "leader": 404, "assessor": 404}

PAGES = [
    ("my-reports", "/reports/", ALL),
    ("report", "/reports/{report.pk}/", ALL),
    ("grid", "/reports/grid/", REVIEWERS),
    ("export", "/reports/export.xlsx?month=2026-05", REVIEWERS),
    ("template", "/reports/template.xlsx?month=2026-05", FILLERS),
    ("upload", "/reports/upload/", FILLERS),
    ("settings", "/reports/settings/?org=A", CONFIGURERS),
    ("rule-edit", "/reports/settings/rules/{rule.pk}/", CONFIG_OBJECTS),
    ("field-edit", "/reports/settings/fields/{field.pk}/", CONFIG_OBJECTS),
    ("rule-add", "/reports/settings/rules/new/?org=A", CONFIGURERS),
    ("notifications", "/notifications/", ALL),
    ("api-report", "/api/v1/monthly-reports/{report.pk}/", ALL),
    ("api-summary", "/api/v1/monthly-reports/summary/", REVIEWERS),
    ("api-export", "/api/v1/monthly-reports/export/?month=2026-05", REVIEWERS),
    ("api-notifications", "/api/v1/notifications/", ALL),
]


@pytest.fixture
def objects(tree, people, report_setup):
    report = services.start_report(tree.branch, datetime.date(2026, 5, 1), by=people.reporter)
    return {"report": report, "rule": report_setup.rule, "field": report_setup.meetings}


@pytest.fixture
def outside(tree, people):
    rule = ReportingRule.objects.create(organization=tree.city_b, since=datetime.date(2026, 1, 1))
    field = ReportField.objects.create(organization=tree.city_b, key="b", label="乙")
    report = services.start_report(tree.other_branch, datetime.date(2026, 5, 1), by=people.outsider)
    return {"report": report, "rule": rule, "field": field}


@pytest.mark.parametrize("name, template, expected", PAGES, ids=[p[0] for p in PAGES])
@pytest.mark.parametrize("role", ROLES)
def test_report_pages_inside(client, people, objects, role, name, template, expected):
    client.force_login(getattr(people, role))
    assert client.get(template.format(**objects)).status_code == expected[role]


OUTSIDE = [
    ("report", "/reports/{report.pk}/"),
    ("rule-edit", "/reports/settings/rules/{rule.pk}/"),
    ("field-edit", "/reports/settings/fields/{field.pk}/"),
    ("api-report", "/api/v1/monthly-reports/{report.pk}/"),
    ("autosave", "/reports/{report.pk}/autosave/"),
    ("copy", "/reports/{report.pk}/copy/"),
    ("attach", "/reports/{report.pk}/attachments/"),
]


@pytest.mark.parametrize("name, template", OUTSIDE, ids=[p[0] for p in OUTSIDE])
@pytest.mark.parametrize("role", ROLES)
def test_report_objects_outside_are_not_found(client, people, objects, outside, role, name, template):
    client.force_login(getattr(people, role))
    url = template.format(**outside)
    response = client.post(url, {"version": 1}) if name in ("autosave", "copy", "attach") else client.get(url)
    assert response.status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_lists_never_show_city_b(client, people, objects, outside, role):
    client.force_login(getattr(people, role))
    for url in ["/reports/", "/reports/grid/", "/api/v1/monthly-reports/", "/api/v1/reporting-rules/",
                "/api/v1/report-fields/"]:
        response = client.get(url)
        assert response.status_code in (200, 403), url
        assert "乙市" not in response.content.decode(), url


@pytest.mark.parametrize("role", ROLES)
def test_settings_of_another_city_are_not_found(client, people, outside, role):
    client.force_login(getattr(people, role))
    assert client.get("/reports/settings/?org=B").status_code in (403, 404)
    assert client.post(f"/reports/settings/rule/{outside['rule'].pk}/delete/").status_code == 404
    assert ReportingRule.objects.filter(pk=outside["rule"].pk).exists()
