"""A published plan of city A with one counted target handed down to its district and branch; the month of
reports, entries and adjustments the assessment tests score (on the reports' ``report_setup`` of tests.conftest)."""
import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.test import TestCase
from freezegun import freeze_time

from orgs.permissions import SYSTEM
from plans import assessment, services
from plans.choices import AdjustmentKind, PlanStatus
from plans.models import AssessmentScheme, Assignment, Indicator
from reports import services as report_services
from tests.factories import OrganizationFactory
from tests.plans.scoring import MAY

D = datetime.date


def build_plan(tree):
    """City A's published plan: one point with a counted target of 40, handed down as 30 to A1 and 10 to A1a."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        plan = services.create_plan(by=SYSTEM, organization=tree.city_a, year=2026, title="2026年共青团甲市委工作要点",
                                    status=PlanStatus.PUBLISHED)
        section = services.add_section(plan, by=SYSTEM, number="一", title="旗帜鲜明讲政治")
        point = services.add_point(section, by=SYSTEM, number="1", title="深化青年大学习", text="全年开展宣讲不少于40场。",
                                   is_key=True)
        target = services.add_target(point, by=SYSTEM, metric="宣讲活动", value=Decimal(40), unit="场")
        root = Assignment.objects.get(target=target, parent=None)
        services.decompose(root, [(tree.district, Decimal(30), None), (tree.branch, Decimal(10), None)], by=SYSTEM)
    return SimpleNamespace(
        plan=plan, section=section, point=point, target=target, root=root,
        district=Assignment.objects.get(target=target, organization=tree.district),
        branch=Assignment.objects.get(target=target, organization=tree.branch),
    )


@pytest.fixture
def plan(tree):
    return build_plan(tree)


ON = datetime.date(2026, 7, 2)  # a little over half the year has passed


@pytest.fixture
def other_plan(tree):
    """A plan of city B: outside the reach of everyone in city A."""
    plan = services.create_plan(by=SYSTEM, organization=tree.city_b, year=2026, title="乙市工作要点")
    section = services.add_section(plan, by=SYSTEM, title="乙市部分")
    point = services.add_point(section, by=SYSTEM, title="乙市要点")
    target = services.add_target(point, by=SYSTEM, metric="活动", value=Decimal(5))
    return SimpleNamespace(plan=plan, section=section, point=point, target=target,
                           root=Assignment.objects.get(target=target, parent=None))


def build_month_data(tree, people, plan):
    """City A assesses its grassroots organisations: A1a (has the talks target), B1 and C1 (no targets).
    Needs the plan and city A's report fields (``tests.conftest.build_report_setup``).

    May: A1a approved on time, study rate 92, manual 8, bonuses 5+8 (cap 10), deduction 2;
    B1 submitted 2 days late, study rate 40, deduction 30 (cap 20); C1 missing.
    Expected: A1a 15+10+20+8+10−2 = 61; B1 30+4+10+0−20 = 24; C1 30+0+0+0 = 30.
    """
    b1 = OrganizationFactory(parent=tree.district, name="一区乙团支部", code="B1")
    c1 = OrganizationFactory(parent=tree.district, name="一区丙团支部", code="C1")
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.record_progress(plan.branch, by=SYSTEM, reported_on=D(2026, 5, 20), value=Decimal(5))
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
    assessment.set_manual_points(leaves.manual, tree.branch, MAY, by=people.assessor, points_given=8, comment="台账规范")
    for kind, value, who in [(AdjustmentKind.BONUS, 5, tree.branch), (AdjustmentKind.BONUS, 8, tree.branch),
                             (AdjustmentKind.DEDUCTION, 2, tree.branch), (AdjustmentKind.DEDUCTION, 30, b1)]:
        assessment.add_adjustment(scheme, who, MAY, by=people.assessor, kind=kind, points_given=value, reason="测试")
    return SimpleNamespace(scheme=scheme, leaves=leaves, a=tree.branch, b=b1, c=c1)


@pytest.fixture
def month_data(tree, people, plan, report_setup):
    return build_month_data(tree, people, plan)
