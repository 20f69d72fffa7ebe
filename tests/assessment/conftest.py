"""Fixtures of the assessment tests: city A's plan (built as in tests/plans; the reporting setup is
tests/conftest.py's) and the month of reports, entries and adjustments they score."""
import pytest

from tests.assessment.scoring import build_month_data
from tests.plans.conftest import build_plan


@pytest.fixture
def plan(tree):
    return build_plan(tree)


@pytest.fixture
def month_data(tree, people, plan, report_setup):
    return build_month_data(tree, people, plan)
