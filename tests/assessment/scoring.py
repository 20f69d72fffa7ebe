"""Helpers of the assessment tests: the month of reports, entries and adjustments they score (the
``month_data`` fixture), and computing it."""
import datetime
from decimal import Decimal
from types import SimpleNamespace

from django.test import TestCase
from freezegun import freeze_time

from assessment import services
from assessment.choices import AdjustmentKind
from assessment.models import AssessmentScheme, Indicator
from orgs.permissions import SYSTEM
from plans import services as plan_services
from reports import services as report_services
from tests.factories import OrganizationFactory

MAY = datetime.date(2026, 5, 1)


def compute_may(scheme, by, reason="", callbacks=None):
    with freeze_time("2026-06-10 09:00:00+08:00"):
        with callbacks(execute=True):
            run = services.request_computation(scheme, MAY, by=by, reason=reason)
    run.refresh_from_db()
    return run


def build_month_data(tree, people, plan):
    """City A assesses its grassroots organisations: A1a (has the talks target), B1 and C1 (no targets).
    Needs the plan and city A's report fields (``build_report_setup``).

    May: A1a approved on time, study rate 92, manual 8, bonuses 5+8 (cap 10), deduction 2;
    B1 submitted 2 days late, study rate 40, deduction 30 (cap 20); C1 missing.
    Expected: A1a 15+10+20+8+10−2 = 61; B1 30+4+10+0−20 = 24; C1 30+0+0+0 = 30.
    """
    b1 = OrganizationFactory(parent=tree.district, name="一区乙团支部", code="B1")
    c1 = OrganizationFactory(parent=tree.district, name="一区丙团支部", code="C1")
    with TestCase.captureOnCommitCallbacks(execute=True):
        plan_services.record_progress(plan.branch, by=SYSTEM, reported_on=datetime.date(2026, 5, 20), value=Decimal(5))
    scheme = AssessmentScheme.objects.create(organization=tree.city_a, year=2026, title="2026年团支部月度考核",
                                             levels=["grassroots"], bonus_cap=Decimal(10), deduction_cap=Decimal(20))
    work = Indicator.objects.create(scheme=scheme, name="工作", max_points=70, order=1)
    daily = Indicator.objects.create(scheme=scheme, name="日常", max_points=10, order=2)
    leaves = SimpleNamespace(
        targets=Indicator.objects.create(scheme=scheme, parent=work, name="任务完成", max_points=30, rule="targets", order=3),
        reporting=Indicator.objects.create(scheme=scheme, parent=work, name="月报", max_points=10, rule="reporting", order=4,
                                           params={"submitted": 6, "on_time": 2, "approved": 2, "per_day_late": 1}),
        study=Indicator.objects.create(scheme=scheme, parent=work, name="青年大学习", max_points=20, rule="report_field",
                                       order=5, params={"field": "study_rate", "standard": 80, "mode": "proportional"}),
        manual=Indicator.objects.create(scheme=scheme, parent=daily, name="日常评价", max_points=10, rule="manual", order=6),
    )
    with freeze_time("2026-06-03 10:00:00+08:00"):
        a = report_services.start_report(tree.branch, MAY, by=people.reporter)
        report_services.save_draft(a, by=people.reporter, values={"meetings": 1, "study_rate": "92"})
        report_services.approve_report(report_services.submit_report(a, by=people.reporter), by=people.staff)
    with freeze_time("2026-06-07 10:00:00+08:00"):
        b = report_services.start_report(b1, MAY, by=people.staff)
        report_services.save_draft(b, by=people.staff, values={"meetings": 1, "study_rate": "40"})
        report_services.submit_report(b, by=people.staff)
    services.set_manual_points(leaves.manual, tree.branch, MAY, by=people.assessor, points_given=8, comment="台账规范")
    for kind, value, who in [(AdjustmentKind.BONUS, 5, tree.branch), (AdjustmentKind.BONUS, 8, tree.branch),
                             (AdjustmentKind.DEDUCTION, 2, tree.branch), (AdjustmentKind.DEDUCTION, 30, b1)]:
        services.add_adjustment(scheme, who, MAY, by=people.assessor, kind=kind, points_given=value, reason="测试")
    return SimpleNamespace(scheme=scheme, leaves=leaves, a=tree.branch, b=b1, c=c1)
