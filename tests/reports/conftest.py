"""The reports tests' fixtures: the plans tests' plan of city A (a report's lines are on its assignments) and,
from tests.conftest, ``report_setup`` (city A's reporting rule and two fields)."""
from tests.plans import conftest as plan_fixtures

plan, other_plan = plan_fixtures.plan, plan_fixtures.other_plan
