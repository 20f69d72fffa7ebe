"""A published plan of city A with one counted target handed down to its district and branch."""
import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.test import TestCase

from orgs.permissions import SYSTEM
from plans import services
from plans.choices import PlanStatus
from plans.models import Assignment
from tests.assessment.scoring import build_month_data

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


@pytest.fixture
def month_data(tree, people, plan, report_setup):
    """The assessment month (tests/assessment/scoring.py), for the tests here that cross into assessment."""
    return build_month_data(tree, people, plan)
