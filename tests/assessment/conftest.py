"""Fixtures of the assessment tests: city A's plan and reporting setup (built as in tests/plans) and the
month of reports, entries and adjustments they score."""
import pytest

from tests.assessment.scoring import build_month_data
from tests.plans.conftest import build_plan, build_report_setup


@pytest.fixture
def plan(tree):
    return build_plan(tree)


@pytest.fixture
def report_setup(tree):
    return build_report_setup(tree)


@pytest.fixture
def month_data(tree, people, plan, report_setup):
    return build_month_data(tree, people, plan)
