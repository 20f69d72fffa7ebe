"""Who sees which assessment rows is decided in one place, each model's ``restrict(user)``: pages, the API and
the selectors read it, so they cannot disagree (a provisional score used to come back from
``Score.objects.restrict(reporter)`` while the pages hid it)."""
import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from freezegun import freeze_time

from assessment import services
from assessment.models import (
    Adjustment,
    Appeal,
    AppealEvidence,
    AssessmentRun,
    AssessmentScheme,
    Indicator,
    ManualPoints,
    Score,
    ScoreItem,
)
from orgs.choices import Role
from orgs.permissions import Action, can
from tests.assessment.scoring import compute_may
from tests.factories import RoleAssignmentFactory, UserFactory

APRIL = datetime.date(2026, 4, 1)
PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 64
ENDPOINTS = {AssessmentScheme: "assessment-schemes", Indicator: "indicators", AssessmentRun: "assessment-runs",
             Score: "scores", ManualPoints: "manual-points", Adjustment: "adjustments", Appeal: "appeals"}


@pytest.fixture
def month(month_data, people, tree, django_capture_on_commit_callbacks, settings, tmp_path):
    """May open for appeal with the branch's appeal (and its evidence) pending; April provisional."""
    settings.MEDIA_ROOT = tmp_path
    month_data.scheme.appeal_days = 3
    month_data.scheme.save()
    may = compute_may(month_data.scheme, people.assessor, callbacks=django_capture_on_commit_callbacks)
    with freeze_time("2026-06-10 09:00:00+08:00"):
        with django_capture_on_commit_callbacks(execute=True):
            april = services.request_computation(month_data.scheme, APRIL, by=people.assessor)
        may = services.open_appeals(may, by=people.assessor)
        appeal = services.file_appeal(may, tree.branch, by=people.reporter, reason="团课记录漏计",
                                      files=[SimpleUploadedFile("记录.png", PNG)])
    april.refresh_from_db()
    district_staff = RoleAssignmentFactory(user=UserFactory(username="staff_a1"), organization=tree.district,
                                           role=Role.STAFF).user
    month_data.may, month_data.april, month_data.appeal, month_data.district_staff = may, april, appeal, district_staff
    return month_data


def codes(queryset):
    return sorted(queryset.values_list("organization__code", flat=True))


def test_the_assessed_see_the_schemes_above_them_and_the_runs_shown_to_them(month, people):
    for user in (people.reporter, people.leader, people.staff, month.district_staff):
        assert list(AssessmentScheme.objects.restrict(user)) == [month.scheme]
        assert Indicator.objects.restrict(user).count() == month.scheme.indicators.count() == 6
        assert list(AssessmentRun.objects.restrict(user)) == [month.may]  # April is provisional
    assert set(AssessmentRun.objects.restrict(people.assessor)) == {month.may, month.april}
    for model in (AssessmentScheme, Indicator, AssessmentRun, Score, ScoreItem, Appeal, AppealEvidence, ManualPoints,
                  Adjustment):
        assert not model.objects.restrict(people.outsider).exists(), model
        assert not model.objects.restrict(people.nobody).exists(), model


def test_provisional_scores_are_the_assessors_alone(month, people):
    assert codes(Score.objects.restrict(people.assessor).filter(run=month.april)) == ["A1a", "B1", "C1"]
    for user in (people.reporter, people.leader, people.staff, people.admin):
        if user is not people.admin:
            assert not Score.objects.restrict(user).filter(run=month.april).exists()
            assert not ScoreItem.objects.restrict(user).filter(score__run=month.april).exists()
    assert codes(Score.objects.restrict(people.reporter)) == ["A1a"]  # open for appeal: its own score
    assert codes(Score.objects.restrict(people.leader)) == ["A1a", "B1", "C1"]
    assert codes(Score.objects.restrict(month.district_staff)) == ["A1a", "B1", "C1"]  # all three are in district A1


def test_appeals_are_seen_by_the_appellant_and_the_assessors(month, people, tree):
    for user in (people.reporter, people.leader, people.assessor, month.district_staff):
        assert list(Appeal.objects.restrict(user)) == [month.appeal], user
        assert AppealEvidence.objects.restrict(user).count() == 1, user
    other = RoleAssignmentFactory(user=UserFactory(username="reporter_b1"), organization=month.b, role=Role.REPORTER).user
    assert not Appeal.objects.restrict(other).exists() and not AppealEvidence.objects.restrict(other).exists()
    assert Score.objects.restrict(other).count() == 1


def test_assessor_entries_are_the_assessors_working_papers(month, people):
    assert ManualPoints.objects.restrict(people.assessor).count() == 1
    assert Adjustment.objects.restrict(people.assessor).count() == 4
    for user in (people.reporter, people.leader, people.staff, month.district_staff):
        assert not ManualPoints.objects.restrict(user).exists() and not Adjustment.objects.restrict(user).exists()


def test_manual_points_and_adjustments_answer_who_owns_them(month, people):
    for entry in (ManualPoints.objects.first(), Adjustment.objects.first()):
        assert entry.scope_organization == month.scheme.organization
        assert can(people.assessor, Action.ASSESS, entry)
        assert not can(people.staff, Action.ASSESS, entry) and not can(people.outsider, Action.VIEW, entry)


@pytest.mark.parametrize("role", ["admin", "staff", "reporter", "leader", "assessor", "outsider", "district_staff"])
def test_the_api_lists_exactly_what_restrict_returns(month, people, api, role):
    user = month.district_staff if role == "district_staff" else getattr(people, role)
    client = api.login(user)
    for model, route in ENDPOINTS.items():
        listed = client.get(f"/api/v1/{route}/?page_size=500").json()
        rows = listed["results"] if isinstance(listed, dict) else listed
        assert sorted(row["id"] for row in rows) == sorted(model.objects.restrict(user).values_list("pk", flat=True)), route


@pytest.mark.parametrize("role", ["staff", "reporter", "leader", "assessor", "district_staff"])
def test_pages_show_exactly_what_restrict_returns(month, people, client, role):
    user = month.district_staff if role == "district_staff" else getattr(people, role)
    client.force_login(user)
    for run in (month.may, month.april):
        response = client.get(f"/assessment/runs/{run.pk}/")
        assert response.status_code == (200 if AssessmentRun.objects.restrict(user).filter(pk=run.pk).exists() else 404)
        if response.status_code == 200:
            shown = {row.record.pk for row in response.context["table"].paginated_rows}
            assert shown == set(Score.objects.restrict(user).filter(run=run).values_list("pk", flat=True))
    for score in Score.objects.all():
        seen = Score.objects.restrict(user).filter(pk=score.pk).exists()
        response = client.get(f"/assessment/scores/{score.pk}/", follow=True)  # sent on to its stable address
        assert response.status_code == (200 if seen else 404)
        if seen:
            assert response.context["score"].pk == score.pk
    evidence = AppealEvidence.objects.get()
    response = client.get(f"/assessment/appeals/evidence/{evidence.pk}/")
    assert response.status_code == (200 if AppealEvidence.objects.restrict(user).exists() else 404)


def test_the_dashboard_shows_published_scores_only(month, people, client, django_capture_on_commit_callbacks):
    """The district's 工作台 (its staff's start page) compares its branches by April's published scores: May, open
    for appeal, is not shown to the assessed."""
    services.publish(AssessmentRun.objects.get(pk=month.april.pk), by=people.assessor)
    client.force_login(month.district_staff)
    board = client.get("/?year=2026").context["board"]
    april = {s.organization.code: s.total for s in Score.objects.filter(run=month.april)}
    assert {row["code"]: row["score"] for row in board["children"] if row["score"] is not None} == april
    may = set(Score.objects.filter(run=month.may).values_list("total", flat=True)) - set(april.values())
    assert not may & {row["score"] for row in board["children"]}


