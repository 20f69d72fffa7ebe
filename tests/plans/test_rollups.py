import datetime
from decimal import Decimal

import pytest

from orgs.permissions import SYSTEM
from plans import rollups, services
from plans.choices import Aggregation, Comparator, Light, PointStatus, ProgressRule
from plans.models import Assignment, Milestone

from .conftest import ON

D = Decimal
JAN1, DEC31 = datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)


def judge(actual, assigned=D(40), comparator=Comparator.AT_LEAST, rule=ProgressRule.CUMULATIVE, on=ON, end=DEC31):
    return rollups.judge_target(actual=actual, assigned=assigned, comparator=comparator, rule=rule,
                                start=JAN1, end=end, on=on, yellow=D(5), red=D(15))


def test_elapsed_share_runs_from_zero_to_one():
    assert rollups.elapsed_share(JAN1, DEC31, datetime.date(2025, 12, 1)) == 0
    assert rollups.elapsed_share(JAN1, DEC31, datetime.date(2027, 1, 1)) == 1
    assert rollups.elapsed_share(JAN1, DEC31, datetime.date(2026, 7, 2)) == D(182) / D(364)


@pytest.mark.parametrize(
    "actual, assigned, comparator, expected",
    [
        (D(20), D(40), Comparator.AT_LEAST, D("0.5")),
        (D(50), D(40), Comparator.AT_LEAST, D("1.25")),
        (D(25), D(30), Comparator.AT_MOST, D(1)),
        (D(30), D(30), Comparator.AT_MOST, D(1)),
        (D(40), D(30), Comparator.AT_MOST, D("0.75")),
        (D(36), D(40), Comparator.EXACTLY, D("0.9")),
        (D(44), D(40), Comparator.EXACTLY, D("0.9")),
        (D(5), D(0), Comparator.AT_LEAST, D(1)),
        (None, D(40), Comparator.AT_LEAST, None),
    ],
)
def test_completion_by_comparator(actual, assigned, comparator, expected):
    assert rollups.completion_of(actual, assigned, comparator) == expected


@pytest.mark.parametrize(
    "actual, light",
    [(D(20), Light.GREEN), (D(17), Light.YELLOW), (D(12), Light.RED), (D(40), Light.DONE), (D(45), Light.DONE)],
)
def test_a_cumulative_count_is_judged_against_the_elapsed_share(actual, light):
    # half the year: 20 of 40 expected; 17 is 7.5 points behind, 12 is 20 points behind
    assert judge(actual).light == light


def test_no_entry_is_not_started_early_and_behind_later():
    assert judge(None, on=datetime.date(2026, 1, 10)).light == Light.NOT_STARTED
    assert judge(None, on=datetime.date(2026, 3, 1)).light == Light.RED
    assert judge(None, on=datetime.date(2026, 1, 25)).light == Light.YELLOW


def test_an_unfinished_target_past_its_deadline_is_red():
    assert judge(D(39), on=datetime.date(2026, 7, 1), end=datetime.date(2026, 6, 30)).light == Light.RED


def test_a_level_is_checked_at_every_entry_and_done_only_at_the_end():
    assert judge(D(92), assigned=D(90), rule=ProgressRule.LEVEL).light == Light.GREEN
    assert judge(D(86), assigned=D(90), rule=ProgressRule.LEVEL).light == Light.GREEN  # 4.4 points behind
    assert judge(D(80), assigned=D(90), rule=ProgressRule.LEVEL).light == Light.YELLOW
    assert judge(D(60), assigned=D(90), rule=ProgressRule.LEVEL).light == Light.RED
    assert judge(D(92), assigned=D(90), rule=ProgressRule.LEVEL, on=datetime.date(2027, 1, 2)).light == Light.DONE
    assert judge(D(92), assigned=D(90), rule=ProgressRule.LEVEL).expected == 1


def test_an_at_most_bound_is_green_while_kept_and_red_when_broken():
    assert judge(D(20), assigned=D(30), comparator=Comparator.AT_MOST).light == Light.GREEN
    assert judge(D(45), assigned=D(30), comparator=Comparator.AT_MOST).light == Light.RED


def test_a_qualitative_point_follows_its_milestones():
    m = [Milestone(title="a", due_on=datetime.date(2026, 3, 1)), Milestone(title="b", due_on=datetime.date(2026, 6, 1)),
         Milestone(title="c", due_on=datetime.date(2026, 11, 1))]
    assert rollups.judge_point(status=PointStatus.IN_PROGRESS, milestones=m, deadline=None, on=ON).light == Light.RED
    m[0].done_on = datetime.date(2026, 2, 20)
    figures = rollups.judge_point(status=PointStatus.IN_PROGRESS, milestones=m, deadline=None, on=ON)
    assert figures.light == Light.YELLOW and figures.expected == D("0.6667")
    m[1].done_on = datetime.date(2026, 5, 20)
    assert rollups.judge_point(status=PointStatus.IN_PROGRESS, milestones=m, deadline=None, on=ON).light == Light.GREEN
    assert rollups.judge_point(status=PointStatus.DONE, milestones=m, deadline=None, on=ON).light == Light.DONE
    assert rollups.judge_point(status=PointStatus.NOT_STARTED, milestones=[], deadline=None, on=ON).light == Light.NOT_STARTED


def enter(assignment, value, on):
    services.record_progress(assignment, by=SYSTEM, reported_on=on, value=D(value))


@pytest.mark.parametrize(
    "aggregation, city_actual, district_actual",
    [(Aggregation.SUM, D(23), D(18)), (Aggregation.AVERAGE, D("7.6667"), D(9)), (Aggregation.MINIMUM, D(3), D(3)),
     (Aggregation.LATEST, D(5), D(3))],
)
def test_children_figures_combine_by_the_targets_rule(plan, aggregation, city_actual, district_actual):
    plan.target.aggregation = aggregation
    plan.target.save()
    enter(plan.district, 15, datetime.date(2026, 5, 1))
    enter(plan.branch, 3, datetime.date(2026, 6, 1))
    enter(plan.root, 5, datetime.date(2026, 6, 15))  # the city's own work counts too
    rollups.refresh(on=ON)
    city, district = Assignment.objects.get(pk=plan.root.pk), Assignment.objects.get(pk=plan.district.pk)
    assert (city.actual_value, district.actual_value) == (city_actual, district_actual)


def test_the_latest_own_entry_counts_not_the_latest_typed(plan):
    enter(plan.branch, 8, datetime.date(2026, 6, 1))
    enter(plan.branch, 5, datetime.date(2026, 4, 1))  # typed later, but for an earlier date
    rollups.refresh(on=ON)
    assert Assignment.objects.get(pk=plan.branch.pk).actual_value == 8


def test_roll_up_runs_on_commit_after_an_entry(plan, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        enter(plan.branch, 10, datetime.date(2026, 6, 1))
    branch = Assignment.objects.get(pk=plan.branch.pk)
    assert branch.actual_value == 10 and branch.light == Light.DONE
    assert Assignment.objects.get(pk=plan.root.pk).actual_value == 10


def test_a_burst_of_entries_costs_one_refresh(plan, django_capture_on_commit_callbacks, monkeypatch):
    from plans import tasks

    sent = []
    monkeypatch.setattr(tasks.refresh_rollups, "apply_async", lambda **kw: sent.append(kw))
    for value in (1, 2, 3, 4):  # four requests, each its own transaction, before the worker starts
        with django_capture_on_commit_callbacks(execute=True):
            enter(plan.branch, value, datetime.date(2026, 6, value))
    assert len(sent) == 1
    tasks.refresh_rollups(**sent[0]["kwargs"])  # the worker starts: the next entry schedules anew
    with django_capture_on_commit_callbacks(execute=True):
        enter(plan.branch, 5, datetime.date(2026, 6, 5))
    assert len(sent) == 2
    assert Assignment.objects.get(pk=plan.branch.pk).own_value == 5


def test_a_loop_of_entries_in_one_transaction_registers_one_refresh_per_target(plan, django_capture_on_commit_callbacks):
    """A ledger import records many rows in one transaction: refreshes_batched() schedules each target once,
    through transaction.on_commit alone (no reading of Django's private list of callbacks)."""
    district = Assignment.objects.get(target=plan.target, organization__code="A1")
    with django_capture_on_commit_callbacks() as callbacks:
        with services.refreshes_batched():
            for day, assignment in enumerate([plan.branch, district, plan.branch, district], start=1):
                services.record_progress(assignment, by=SYSTEM, reported_on=datetime.date(2026, 6, day), value=day)
    refreshes = [c for c in callbacks if isinstance(c, services._EnqueueRefresh)]
    assert [c.kwargs["target_id"] for c in refreshes] == [plan.target.pk]


def test_a_batch_that_fails_schedules_nothing(plan, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(ValueError):
        with services.refreshes_batched():
            services.record_progress(plan.branch, by=SYSTEM, reported_on=datetime.date(2026, 6, 1), value=1)
            raise ValueError
    assert not [c for c in callbacks if isinstance(c, services._EnqueueRefresh)]


def test_the_services_use_no_private_transaction_state():
    import inspect

    assert "run_on_commit" not in inspect.getsource(services)
