"""Roll-up of progress: actual figures, completion, time-based expected progress and lights.

Every assignment stores its own latest figure (``own_value``). A target's figure at an
organisation combines the own figures of every assignment of that target in the
organisation's subtree, by the target's rule (sum, average, minimum, latest): the assignments
are read in path order in one query and combined in one pass. Completion compares that figure with the assigned value by the comparator;
expected progress follows the target's rule (a cumulative count grows with the elapsed share of
its period, a level is due at every entry); the light says how far behind it is.

``refresh`` recomputes the given targets (or points, for qualitative assignments), or all of
them; the incremental refresh after an entry and the nightly full rebuild run the same code,
so their results are equal by construction (a property test checks it on random trees).
"""
import datetime
from dataclasses import dataclass
from decimal import Decimal
from itertools import groupby

from django.db import connection, transaction
from django.db.models import Max, OuterRef, Subquery
from django.utils import timezone

from .choices import Aggregation, Comparator, Light, PlanStatus, PointStatus, ProgressRule
from .models import Assignment, ProgressEntry

ONE = Decimal(1)
ZERO = Decimal(0)
HUNDRED = Decimal(100)
PLACES = Decimal("0.0001")
STATUS_COMPLETION = {PointStatus.NOT_STARTED: ZERO, PointStatus.IN_PROGRESS: Decimal("0.5"), PointStatus.DONE: ONE}


def today():
    return timezone.localdate()


# --- own figures --------------------------------------------------------------------------


@transaction.atomic
def refresh_own_values(assignment_ids):
    """Store each assignment's latest own figure (by report date, then entry time). Targets bound to a volunteer
    figure take theirs from the statistics (plans.volunteer_targets), not from entries."""
    latest = ProgressEntry.objects.filter(assignment=OuterRef("pk")).order_by("-reported_on", "-entered_at", "-pk")
    with_value = latest.filter(value__isnull=False)
    rows = Assignment.objects.filter(pk__in=assignment_ids).exclude(target__volunteer_figure__gt="").annotate(
        new_value=Subquery(with_value.values("value")[:1]),
        new_on=Subquery(latest.values("reported_on")[:1]),
        new_at=Subquery(ProgressEntry.objects.filter(assignment=OuterRef("pk")).order_by().values("assignment")
                        .annotate(m=Max("entered_at")).values("m")[:1]),
    ).values_list("pk", "new_value", "new_on", "new_at", "own_value", "own_value_on", "last_progress_at")
    _write(
        ["own_value", "own_value_on", "last_progress_at"],
        [(v, on, at, pk) for pk, v, on, at, *old in rows if [v, on, at] != old],
    )


def _write(fields, rows):
    """Write many rows' fields at once: one prepared UPDATE run for every (values…, pk) tuple.

    Much cheaper than bulk_update's CASE expressions for thousands of rows, on SQLite and PostgreSQL.
    """
    if not rows:
        return
    meta = Assignment._meta
    quote = connection.ops.quote_name
    columns = [meta.get_field(name) for name in fields]
    assignments = ", ".join(f"{quote(c.column)} = %s" for c in columns)
    sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(meta.pk.column)} = %s"
    prepared = [
        [c.get_db_prep_save(v, connection) for c, v in zip(columns, row[:-1])] + [row[-1]] for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, prepared)


# --- the arithmetic -----------------------------------------------------------------------


def elapsed_share(start: datetime.date, end: datetime.date, on: datetime.date) -> Decimal:
    """How much of the period [start, end] has passed on ``on``, from 0 to 1."""
    if end <= start:
        return ONE if on >= end else ZERO
    share = Decimal((on - start).days) / Decimal((end - start).days)
    return min(max(share, ZERO), ONE)


def completion_of(actual, assigned, comparator) -> Decimal | None:
    """How far ``actual`` fulfils ``assigned`` under the comparator, 1 meaning fulfilled."""
    if actual is None:
        return None
    if assigned is None:
        return None
    if comparator == Comparator.AT_MOST:
        # Meeting the bound is complete; exceeding it is judged by how far it went over.
        return ONE if actual <= assigned else (assigned / actual if actual else ZERO)
    if assigned == 0:
        return ONE if comparator == Comparator.AT_LEAST or actual == 0 else ZERO
    if comparator == Comparator.EXACTLY:
        return max(ONE - abs(actual - assigned) / assigned, ZERO)
    return actual / assigned


def light_for_gap(behind, yellow, red) -> str:
    """The light of a figure ``behind`` percentage points behind its expected progress, by a plan's thresholds."""
    return Light.GREEN if behind <= yellow else Light.YELLOW if behind <= red else Light.RED


@dataclass
class Figures:
    completion: Decimal | None
    expected: Decimal | None
    light: str


def judge_target(*, actual, assigned, comparator, rule, start, end, on, yellow, red) -> Figures:
    """Completion, expected progress and light of one target at one organisation."""
    completion = completion_of(actual, assigned, comparator)
    overdue = on > end
    if rule == ProgressRule.LEVEL:
        expected = ONE
    elif comparator == Comparator.AT_MOST:
        expected = ONE  # a bound holds all along
    else:
        expected = elapsed_share(start, end, on)
    if completion is None:
        behind = expected * HUNDRED
        light = Light.RED if overdue else Light.NOT_STARTED if behind <= yellow else Light.YELLOW if behind <= red else Light.RED
        return Figures(None, expected, light)
    # A count reaches its goal once; a level or a bound is only done when its period is over.
    done = completion >= ONE and (rule == ProgressRule.CUMULATIVE and comparator != Comparator.AT_MOST or overdue)
    if done:
        light = Light.DONE
    elif overdue and completion < ONE:
        light = Light.RED
    else:
        light = light_for_gap((expected - min(completion, ONE)) * HUNDRED, yellow, red)
    return Figures(completion.quantize(PLACES), expected.quantize(PLACES), light)


def judge_point(*, status, milestones, deadline, on) -> Figures:
    """A qualitative point: its status, and its milestones' dates as expected progress."""
    completion = STATUS_COMPLETION.get(status, ZERO)
    if status == PointStatus.DONE:
        return Figures(ONE, ONE, Light.DONE)
    due = [m for m in milestones if m.due_on <= on]
    overdue = [m for m in due if m.done_on is None]
    expected = (Decimal(len(due)) / Decimal(len(milestones))).quantize(PLACES) if milestones else None
    if deadline and on > deadline:
        light = Light.RED
    elif len(overdue) >= 2:
        light = Light.RED
    elif overdue:
        light = Light.YELLOW
    elif status == PointStatus.NOT_STARTED:
        light = Light.NOT_STARTED
    else:
        light = Light.GREEN
    return Figures(completion, expected, light)


def unjudged_draft(plan, figures: Figures) -> Figures:
    """A draft plan is not under way yet: no expected progress and no lag light (a draft for a past year would
    otherwise show every target 严重滞后 before it is even published). Publishing refreshes its figures."""
    if plan.status != PlanStatus.DRAFT:
        return figures
    return Figures(figures.completion, None, Light.DONE if figures.light == Light.DONE else Light.NOT_STARTED)


# --- refresh ------------------------------------------------------------------------------


def _subtree_figures(rows):
    """{assignment pk: combined own figure of its subtree}, for rows of one target sorted by path.

    In a materialized path tree a subtree is the run of rows that follows its root in path
    order, so one pass costs the sum of the subtree sizes: the rows times the tree's depth.
    """
    figures = {}
    for i, (pk, path, _value, _on, aggregation) in enumerate(rows):
        values = []
        for other_pk, other_path, value, value_on, _agg in rows[i:]:
            if not other_path.startswith(path):
                break
            if value is not None:
                values.append((value_on, other_pk, value))
        if not values:
            figures[pk] = None
        elif aggregation == Aggregation.SUM:
            figures[pk] = sum(v for _o, _p, v in values)
        elif aggregation == Aggregation.AVERAGE:
            figures[pk] = (sum(v for _o, _p, v in values) / len(values)).quantize(PLACES)
        elif aggregation == Aggregation.MINIMUM:
            figures[pk] = min(v for _o, _p, v in values)
        else:  # latest: the figure with the latest date (then the newest assignment)
            figures[pk] = max(values, key=lambda item: (item[0] or datetime.date.min, item[1]))[2]
    return figures


def _set(assignment, updated, actual, figures, now):
    """Put new figures on ``assignment``; collect it for writing only when something changed."""
    new = (actual, figures.completion, figures.expected, figures.light)
    old = (assignment.actual_value, assignment.completion, assignment.expected, assignment.light)
    if new != old or assignment.rolled_up_at is None:
        assignment.actual_value, assignment.completion, assignment.expected, assignment.light = new
        assignment.rolled_up_at = now
        updated.append(assignment)


@transaction.atomic
def refresh(*, target_ids=None, point_ids=None, on=None) -> int:
    """Recompute the stored roll-up of the given targets' and points' assignments (all if None).

    Reads the assignments in two queries, combines subtree figures in one pass per target
    and writes only the rows that changed; returns how many rows changed.
    """
    on = on or today()
    now = timezone.now()
    targeted = Assignment.objects.filter(target__isnull=False)
    if target_ids is not None:
        targeted = targeted.filter(target_id__in=target_ids)
    rows = list(targeted.select_related("target", "plan", "organization").order_by("target_id", "organization__path"))
    subtree = {}
    for _target_id, group in groupby(rows, key=lambda a: a.target_id):
        group = list(group)
        if group[0].target.volunteer_figure:  # the statistic of each organisation covers its subtree already
            subtree.update({a.pk: a.own_value for a in group})
            continue
        subtree.update(_subtree_figures([
            (a.pk, a.organization.path, a.own_value, a.own_value_on, a.target.aggregation) for a in group
        ]))
    updated = []
    for a in rows:
        actual = subtree[a.pk] if subtree[a.pk] is None else Decimal(subtree[a.pk]).quantize(PLACES)
        target = a.target
        end = a.deadline or target.deadline or a.plan.period_end
        figures = judge_target(
            actual=actual, assigned=a.assigned_value, comparator=target.comparator, rule=target.progress_rule,
            start=a.plan.period_start, end=end, on=on, yellow=a.plan.yellow_threshold, red=a.plan.red_threshold,
        )
        _set(a, updated, actual, unjudged_draft(a.plan, figures), now)

    qualitative = Assignment.objects.filter(target__isnull=True)
    if point_ids is not None:
        qualitative = qualitative.filter(point_id__in=point_ids)
    latest_status = ProgressEntry.objects.filter(assignment=OuterRef("pk")).exclude(status="").order_by("-reported_on", "-entered_at", "-pk")
    rows = (
        qualitative.annotate(own_status=Subquery(latest_status.values("status")[:1]))
        .select_related("point", "plan")
        .prefetch_related("point__milestones")
    )
    for a in rows:
        status = a.own_status or (a.point.status if a.parent_id is None else PointStatus.NOT_STARTED)
        figures = judge_point(status=status, milestones=list(a.point.milestones.all()),
                              deadline=a.deadline or a.point.deadline, on=on)
        _set(a, updated, None, unjudged_draft(a.plan, figures), now)

    fields = ["actual_value", "completion", "expected", "light", "rolled_up_at"]
    _write(fields, [[getattr(a, f) for f in fields] + [a.pk] for a in updated])
    return len(updated)


@transaction.atomic
def rebuild(on=None) -> int:
    """The nightly full rebuild: own figures of every assignment, then every roll-up."""
    refresh_own_values(Assignment.objects.values("pk"))
    return refresh(on=on)


WORST_FIRST = [Light.RED, Light.YELLOW, Light.GREEN, Light.NOT_STARTED, Light.DONE]


def combined_light(lights) -> str:
    """The light of a point, section or plan: done when all are done, else the worst of the rest."""
    lights = [light for light in lights if light]
    if not lights:
        return Light.NOT_STARTED
    if all(light == Light.DONE for light in lights):
        return Light.DONE
    if all(light in (Light.NOT_STARTED, Light.DONE) for light in lights):
        return Light.NOT_STARTED if Light.NOT_STARTED in lights else Light.DONE
    return next(light for light in WORST_FIRST if light in lights)


def mean_completion(values) -> Decimal | None:
    """The mean of completions, each counted at most 100 % so that one overshoot hides no gap."""
    values = [min(v, ONE) for v in values if v is not None]
    if not values:
        return None
    return (sum(values) / len(values)).quantize(PLACES)

