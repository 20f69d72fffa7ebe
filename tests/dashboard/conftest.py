"""A known tree for the dashboard: city A's plan with progress, its grassroots reporting on May, the May scores of
its branches computed and published, and a newer run still open for appeal (which the assessed must not see)."""
import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone

from assessment import services as assessment_services
from assessment.choices import RunStatus
from assessment.models import AssessmentRun, Score
from orgs.choices import Kind, Level, Sector
from orgs.models import Organization
from tests.assessment.scoring import build_month_data, compute_may
from tests.factories import OrganizationFactory
from tests.plans.conftest import build_plan

NOW = "2026-06-10 09:00:00+08:00"
JANUARY = timezone.make_aware(datetime.datetime(2026, 1, 1))


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Stored circulars go to a temporary MEDIA_ROOT."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return settings.MEDIA_ROOT


@pytest.fixture
def known(tree, people, report_setup, django_capture_on_commit_callbacks):
    """City A → district A1 → A1a, B1, C1 (reporting on May: approved, 2 days late, missing); city A → district A2
    (nothing below it). A1a holds 10 of the 40 talks and reported 5."""
    plan = build_plan(tree)
    month = build_month_data(tree, people, plan)
    run = compute_may(month.scheme, people.assessor, callbacks=django_capture_on_commit_callbacks)
    run = assessment_services.publish(run, by=people.assessor)
    second = OrganizationFactory(parent=tree.city_a, name="共青团甲市二区委员会", code="A2", level=Level.COUNTY,
                                 kind=Kind.COMMITTEE, sector=Sector.AGENCY, member_count=2)
    appeal = AssessmentRun.objects.create(scheme=month.scheme, month=datetime.date(2026, 6, 1), status=RunStatus.APPEAL,
                                          appeal_until=datetime.date(2026, 7, 20))
    Score.objects.create(run=appeal, organization=tree.branch, total=Decimal("99.5"), rank=1, grade="excellent",
                         ytd_total=0, ytd_average=0)
    Organization.objects.update(created_at=JANUARY)
    return SimpleNamespace(**vars(month), run=run, second=second, appeal=appeal, plan=plan)
