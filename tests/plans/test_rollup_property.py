"""Property: after any sequence of entries, the incrementally refreshed roll-ups equal a full rebuild."""
import datetime
import uuid
from decimal import Decimal

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orgs import services as org_services
from orgs.choices import Kind, Level
from orgs.permissions import SYSTEM
from plans import rollups, services
from plans.choices import Aggregation, Comparator, PlanStatus, ProgressRule
from plans.models import Assignment

ROLLUP_FIELDS = ("actual_value", "completion", "expected", "light")


@st.composite
def scenarios(draw):
    size = draw(st.integers(2, 9))
    parents = [draw(st.integers(0, i - 1)) for i in range(1, size)]
    entries = draw(st.lists(
        st.tuples(st.integers(0, size - 1), st.integers(0, 60), st.integers(0, 330)), min_size=1, max_size=12
    ))
    return {
        "parents": parents,
        "entries": entries,
        "aggregation": draw(st.sampled_from(Aggregation.values)),
        "comparator": draw(st.sampled_from(Comparator.values)),
        "rule": draw(st.sampled_from(ProgressRule.values)),
        "value": draw(st.integers(0, 100)),
    }


def snapshot():
    return sorted(Assignment.objects.values_list("organization__code", *ROLLUP_FIELDS))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(scenario=scenarios())
def test_incremental_roll_up_equals_a_full_rebuild(tree, django_capture_on_commit_callbacks, scenario):
    with transaction.atomic():
        prefix = uuid.uuid4().hex[:6]
        nodes = [org_services.create_organization(by=SYSTEM, parent=tree.city_a, name=f"{prefix}根", code=f"{prefix}-0",
                                                  level=Level.COUNTY, kind=Kind.COMMITTEE)]
        for i, parent in enumerate(scenario["parents"], start=1):
            nodes.append(org_services.create_organization(by=SYSTEM, parent=nodes[parent], name=f"{prefix}{i}",
                                                          code=f"{prefix}-{i}", level=Level.GRASSROOTS, kind=Kind.BRANCH))
        with django_capture_on_commit_callbacks(execute=True):
            plan = services.create_plan(by=SYSTEM, organization=nodes[0], year=2026, title=prefix, status=PlanStatus.PUBLISHED)
            section = services.add_section(plan, by=SYSTEM, title="一")
            point = services.add_point(section, by=SYSTEM, title="要点")
            target = services.add_target(point, by=SYSTEM, metric="活动", value=Decimal(scenario["value"]),
                                         aggregation=scenario["aggregation"], comparator=scenario["comparator"],
                                         progress_rule=scenario["rule"])
        assignments = {0: Assignment.objects.get(target=target, parent=None)}
        for i, parent in enumerate(scenario["parents"], start=1):  # parents always come before children
            with django_capture_on_commit_callbacks(execute=True):
                services.decompose(assignments[parent], [(nodes[i], Decimal(i), None)], by=SYSTEM, confirm_mismatch=True)
            assignments[i] = Assignment.objects.get(target=target, organization=nodes[i])
        for node, value, day in scenario["entries"]:
            with django_capture_on_commit_callbacks(execute=True):
                services.record_progress(assignments[node], by=SYSTEM, value=Decimal(value),
                                         reported_on=datetime.date(2026, 1, 1) + datetime.timedelta(days=day))
        incremental = snapshot()
        rollups.rebuild()
        assert snapshot() == incremental
        transaction.set_rollback(True)
