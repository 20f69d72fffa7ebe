"""Assessment pages and endpoints × roles, inside city A (its scheme, a published run) and outside (city B's)."""
import datetime

import pytest

from assessment import compute, services
from assessment.models import AssessmentRun, AssessmentScheme, Indicator, Score

ROLES = ["admin", "staff", "reporter", "leader", "assessor"]
ALL = dict.fromkeys(ROLES, 200)
ASSESSORS = {"admin": 200, "staff": 403, "reporter": 403, "leader": 403, "assessor": 200}
ASSESSOR_OBJECTS = {"admin": 200, "staff": 404, "reporter": 404, "leader": 404, "assessor": 200}
SHEET = {"admin": 200, "staff": 200, "reporter": 403, "leader": 200, "assessor": 200}

PAGES = [
    ("schemes", "/assessment/schemes/", ALL),
    ("scheme", "/assessment/schemes/{scheme.pk}/", ALL),
    ("scheme-new", "/assessment/schemes/new/", ASSESSORS),
    ("scheme-edit", "/assessment/schemes/{scheme.pk}/edit/", ASSESSOR_OBJECTS),
    ("indicator-add", "/assessment/schemes/{scheme.pk}/indicators/new/", ASSESSOR_OBJECTS),
    ("indicator-edit", "/assessment/indicators/{indicator.pk}/", ASSESSOR_OBJECTS),
    ("year-sheet", "/assessment/schemes/{scheme.pk}/year.xlsx", ASSESSORS),
    ("run", "/assessment/runs/{run.pk}/", ALL),
    ("run-sheet", "/assessment/runs/{run.pk}/sheet.xlsx", SHEET),
    ("run-entries", "/assessment/runs/{run.pk}/entries/", ASSESSORS),
    ("score", "/assessment/scores/{score.pk}/", ALL),
    ("my-scores", "/assessment/scores/mine/", ALL),
    ("api-scheme", "/api/v1/assessment-schemes/{scheme.pk}/", ALL),
    ("api-run", "/api/v1/assessment-runs/{run.pk}/", ALL),
    ("api-score", "/api/v1/scores/{score.pk}/", ALL),
    ("api-run-sheet", "/api/v1/assessment-runs/{run.pk}/sheet/", {**ASSESSORS}),
]


def published(scheme, user):
    run = AssessmentRun.objects.create(scheme=scheme, month=datetime.date(2026, 5, 1))
    compute.compute(run.pk)
    return services.publish(run, by=user)


@pytest.fixture
def inside(tree, people):
    scheme = services.install_default_scheme(tree.city_a, 2026, by=people.assessor)
    run = published(scheme, people.assessor)
    return {"scheme": scheme, "run": run, "indicator": scheme.indicators.filter(parent__isnull=False).first(),
            "score": Score.objects.get(run=run, organization=tree.branch)}


@pytest.fixture
def outside(tree, people):
    scheme = services.install_default_scheme(tree.city_b, 2026, by=people.outsider)
    run = published(scheme, people.outsider)
    return {"scheme": scheme, "run": run, "indicator": Indicator.objects.filter(scheme=scheme).first(),
            "score": Score.objects.get(run=run)}


@pytest.mark.parametrize("name, template, expected", PAGES, ids=[p[0] for p in PAGES])
@pytest.mark.parametrize("role", ROLES)
def test_assessment_pages_inside(client, people, inside, role, name, template, expected):
    client.force_login(getattr(people, role))
    assert client.get(template.format(**inside)).status_code == expected[role]


@pytest.mark.parametrize("name, template, _expected", [p for p in PAGES if "{" in p[1]], ids=[p[0] for p in PAGES if "{" in p[1]])
@pytest.mark.parametrize("role", ROLES)
def test_assessment_objects_outside_are_not_found(client, people, inside, outside, role, name, template, _expected):
    client.force_login(getattr(people, role))
    assert client.get(template.format(**outside)).status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_lists_never_show_city_b(client, people, inside, outside, role):
    client.force_login(getattr(people, role))
    for url in ["/assessment/schemes/", "/assessment/scores/mine/", "/api/v1/assessment-schemes/", "/api/v1/assessment-runs/",
                "/api/v1/scores/", "/api/v1/indicators/", "/api/v1/appeals/", "/api/v1/adjustments/",
                "/api/v1/manual-points/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "乙市" not in response.content.decode(), url


@pytest.mark.parametrize("role", ROLES)
def test_writes_outside_are_refused(client, people, inside, outside, role):
    client.force_login(getattr(people, role))
    assert client.post(f"/assessment/schemes/{outside['scheme'].pk}/compute/", {"month": "2026-05"}).status_code == 404
    assert client.post(f"/assessment/runs/{outside['run'].pk}/step/", {"step": "publish"}).status_code == 404
    assert client.post(f"/assessment/scores/{outside['score'].pk}/appeal/", {"reason": "x"}).status_code == 404
    assert AssessmentScheme.objects.get(pk=outside["scheme"].pk).runs.count() == 1
