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

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from core.bulk import update_rows
from orgs.models import Organization

from .choices import Aggregation, Comparator, Light, PlanStatus, PointStatus, ProgressRule
from .models import Assignment, Milestone, ProgressEntry, Target

ONE = Decimal(1)
ZERO = Decimal(0)
HUNDRED = Decimal(100)
PLACES = Decimal("0.0001")
STATUS_COMPLETION = {PointStatus.NOT_STARTED: ZERO, PointStatus.IN_PROGRESS: Decimal("0.5"), PointStatus.DONE: ONE}


def today():
    return timezone.localdate()


# --- own figures --------------------------------------------------------------------------


def _no_jit(parallel=True):
    """On PostgreSQL, no JIT compilation for this transaction: the grouped queries over a province cost enough
    for the planner to compile them, which takes seconds (tens under load) and saves nothing on queries this size.
    Without ``parallel``, no parallel workers either: starting them costs more than a refresh after one entry."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
            if not parallel:
                cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")


def _in(column, ids):
    """`` AND column IN (%s, …)`` and its parameters, or nothing for ``ids=None`` (every row)."""
    if ids is None:
        return "", []
    ids = list(ids)
    return f" AND {column} IN ({', '.join(['%s'] * len(ids))})", ids


@transaction.atomic
def refresh_own_values(assignment_ids=None):
    """Store each assignment's latest own figure (by report date, then entry time), for the given assignments or
    all of them. Targets bound to a volunteer figure take theirs from the statistics (plans.volunteer_targets), not
    from entries.

    One UPDATE … FROM: the entries are grouped once (latest date, latest entry time) and ranked once (the latest
    entry with a figure), instead of three correlated subqueries per assignment; unchanged rows are not written.
    """
    if assignment_ids is not None:
        assignment_ids = list(assignment_ids)
        if not assignment_ids:
            return
    _no_jit()
    a, e, t = Assignment._meta.db_table, ProgressEntry._meta.db_table, Target._meta.db_table
    in_entries, entry_ids = _in("assignment_id", assignment_ids)
    in_rows, row_ids = _in("x.id", assignment_ids)
    sql = f"""
        UPDATE {a} SET own_value = n.value, own_value_on = n.on_, last_progress_at = n.at_
        FROM (
            SELECT x.id, lv.value, le.on_, le.at_
            FROM {a} x
            LEFT JOIN {t} t ON t.id = x.target_id
            LEFT JOIN (SELECT assignment_id, MAX(reported_on) AS on_, MAX(entered_at) AS at_
                       FROM {e} WHERE 1 = 1{in_entries} GROUP BY assignment_id) le ON le.assignment_id = x.id
            LEFT JOIN (SELECT assignment_id, value, ROW_NUMBER() OVER (
                           PARTITION BY assignment_id ORDER BY reported_on DESC, entered_at DESC, id DESC) AS rn
                       FROM {e} WHERE value IS NOT NULL{in_entries}) lv ON lv.assignment_id = x.id AND lv.rn = 1
            WHERE COALESCE(t.volunteer_figure, '') = ''{in_rows}
        ) n
        WHERE {a}.id = n.id AND ({a}.own_value IS DISTINCT FROM n.value OR {a}.own_value_on IS DISTINCT FROM n.on_
                                 OR {a}.last_progress_at IS DISTINCT FROM n.at_)
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, entry_ids + entry_ids + row_ids)


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


def unjudged_draft(plan_status, figures: Figures) -> Figures:
    """A draft plan is not under way yet: no expected progress and no lag light (a draft for a past year would
    otherwise show every target 严重滞后 before it is even published). Publishing refreshes its figures."""
    if plan_status != PlanStatus.DRAFT:
        return figures
    return Figures(figures.completion, None, Light.DONE if figures.light == Light.DONE else Light.NOT_STARTED)


# --- refresh ------------------------------------------------------------------------------


def _levels(depth):
    """A derived table of the numbers 1…depth (portable: no generate_series)."""
    return " UNION ALL ".join(f"SELECT {k} AS k" for k in range(1, max(depth, 1) + 1))


def _subtree_figures(target_ids=None, ancestors=None):
    """{assignment pk: (count, sum, minimum, latest)} of the own figures in each assignment's subtree.

    Set-based: each assignment with a figure is joined to the assignments of its target at every ancestor of its
    organisation (the prefixes of its materialized path, found through the path index), so one grouped query
    combines every subtree; rows × depth pairs, not rows × rows. ``ancestors`` ((assignment pk, organisation path),
    a handful, of one of ``target_ids``: an entry's ancestors) limits the result to those: the target's rows are
    read once by its index and compared with each ancestor's path.
    The latest figure (the latest date, then the newest assignment) needs a ranking, so it is read only for
    targets combined by their latest figure.
    """
    a, o, t = Assignment._meta.db_table, Organization._meta.db_table, Target._meta.db_table
    in_targets, target_params = _in("d.target_id", target_ids)
    if ancestors is None:
        depth = Organization.objects.aggregate(depth=Max("depth"))["depth"] or 1
        pairs = f"""
            FROM {a} d
            JOIN {o} od ON od.id = d.organization_id
            JOIN ({_levels(depth)}) lv ON lv.k <= od.depth
            JOIN {o} oa ON oa.path = SUBSTR(od.path, 1, lv.k * {Organization.steplen})
            JOIN {a} anc ON anc.organization_id = oa.id AND anc.target_id = d.target_id
            WHERE d.own_value IS NOT NULL{in_targets}"""
    else:  # the target's rows (by its index) against a handful of ancestors
        chain = " UNION ALL ".join(["SELECT %s AS id, %s AS path"] * len(ancestors))
        pairs = f"""
            FROM (SELECT x.id, x.own_value, x.own_value_on, x.target_id, ox.path FROM {a} x
                  JOIN {o} ox ON ox.id = x.organization_id WHERE x.own_value IS NOT NULL{in_targets.replace("d.", "x.")}
                 ) d
            JOIN ({chain}) anc ON SUBSTR(d.path, 1, LENGTH(anc.path)) = anc.path
            WHERE 1 = 1"""
        target_params = target_params + [value for ancestor in ancestors for value in ancestor]
    params = target_params
    latest = f"AND d.target_id IN (SELECT id FROM {t} WHERE aggregation = %s)"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT anc.id, COUNT(*), SUM(d.own_value), MIN(d.own_value) {pairs} GROUP BY anc.id", params)
        figures = {pk: [count, total, least, None] for pk, count, total, least in cursor.fetchall()}
        cursor.execute(f"""
            SELECT anc_id, v FROM (
                SELECT anc.id AS anc_id, d.own_value AS v, ROW_NUMBER() OVER (
                    PARTITION BY anc.id ORDER BY COALESCE(d.own_value_on, '0001-01-01') DESC, d.id DESC) AS rn
                {pairs} {latest}
            ) x WHERE rn = 1""", [*params, Aggregation.LATEST])
        for pk, latest in cursor.fetchall():
            figures[pk][3] = latest
    return figures


def _combined(aggregation, figures):
    """The subtree's figure by the target's rule, from (count, sum, minimum, latest); None without figures."""
    if figures is None:
        return None
    count, total, minimum, latest = (Decimal(str(v)) if isinstance(v, (int, float, str)) else v for v in figures)
    if aggregation == Aggregation.SUM:
        value = total
    elif aggregation == Aggregation.AVERAGE:
        value = (Decimal(total) / count).quantize(PLACES)
    elif aggregation == Aggregation.MINIMUM:
        value = minimum
    else:
        value = latest
    return Decimal(value).quantize(PLACES)


TARGET_ROW = ("pk", "target_id", "own_value", "assigned_value", "deadline", "actual_value", "completion", "expected",
              "light", "rolled_up_at", "target__aggregation", "target__comparator", "target__progress_rule",
              "target__deadline", "target__volunteer_figure", "plan__year", "plan__status", "plan__yellow_threshold",
              "plan__red_threshold")


def _judged_targets(rows, subtree, on, now):
    """(actual, completion, expected, light, rolled_up_at, pk) of every row whose figures changed."""
    changed = []
    for (pk, _target, own, assigned, deadline, *old, rolled_up_at, aggregation, comparator, rule, target_deadline,
         volunteer_figure, year, status, yellow, red) in rows:
        if volunteer_figure:  # the statistic of each organisation covers its subtree already
            actual = None if own is None else Decimal(own).quantize(PLACES)
        else:
            actual = _combined(aggregation, subtree.get(pk))
        start, end = datetime.date(year, 1, 1), deadline or target_deadline or datetime.date(year, 12, 31)
        figures = judge_target(actual=actual, assigned=assigned, comparator=comparator, rule=rule, start=start,
                               end=end, on=on, yellow=yellow, red=red)
        figures = unjudged_draft(status, figures)
        new = [actual, figures.completion, figures.expected, figures.light]
        if new != old or rolled_up_at is None:
            changed.append((*new, now, pk))
    return changed


def _judged_points(assignments, on, now, ids=None):
    """The same for qualitative assignments (``ids`` when they are a few named ones): the latest own status, ranked
    once for all, and the point's milestones."""
    e = ProgressEntry._meta.db_table
    statuses = {}
    for start in range(0, len(ids), 5000) if ids is not None else [None]:
        in_entries, params = _in("assignment_id", None if start is None else ids[start:start + 5000])
        with connection.cursor() as cursor:
            cursor.execute(f"""
                SELECT assignment_id, status FROM (
                    SELECT assignment_id, status, ROW_NUMBER() OVER (
                        PARTITION BY assignment_id ORDER BY reported_on DESC, entered_at DESC, id DESC) AS rn
                    FROM {e} WHERE status <> ''{in_entries}) x
                WHERE rn = 1""", params)
            statuses.update(cursor.fetchall())
    milestones = {}
    for milestone in Milestone.objects.filter(point_id__in=assignments.values("point_id")).order_by("pk"):
        milestones.setdefault(milestone.point_id, []).append(milestone)
    changed = []
    for (pk, point_id, parent_id, deadline, *old, rolled_up_at, point_status, point_deadline, status) in assignments.order_by().values_list(
        "pk", "point_id", "parent_id", "deadline", "actual_value", "completion", "expected", "light", "rolled_up_at",
        "point__status", "point__deadline", "plan__status",
    ).iterator(chunk_size=5000):
        own = statuses.get(pk) or (point_status if parent_id is None else PointStatus.NOT_STARTED)
        figures = judge_point(status=own, milestones=milestones.get(point_id, []), deadline=deadline or point_deadline,
                              on=on)
        figures = unjudged_draft(status, figures)
        new = [None, figures.completion, figures.expected, figures.light]
        if new != old or rolled_up_at is None:
            changed.append((*new, now, pk))
    return changed


ROLLUP_FIELDS = ["actual_value", "completion", "expected", "light", "rolled_up_at"]


@transaction.atomic
def refresh(*, target_ids=None, point_ids=None, on=None) -> int:
    """Recompute the stored roll-up of the given targets' and points' assignments (all if None).

    Combines every subtree in one grouped query, judges each row in Python (the rules above stay the one
    definition) and writes only the rows that changed, set-based; returns how many rows changed.
    """
    _no_jit()
    on = on or today()
    now = timezone.now()
    targeted = Assignment.objects.filter(target__isnull=False)
    if target_ids is not None:
        targeted = targeted.filter(target_id__in=target_ids)
    changed = []
    if target_ids is None or target_ids:
        subtree = _subtree_figures(target_ids=target_ids)
        changed += _judged_targets(targeted.order_by().values_list(*TARGET_ROW).iterator(chunk_size=5000), subtree,
                                   on, now)
    qualitative = Assignment.objects.filter(target__isnull=True)
    if point_ids is not None:
        qualitative = qualitative.filter(point_id__in=point_ids)
    if point_ids is None or point_ids:
        changed += _judged_points(qualitative, on, now, ids=None if point_ids is None else list(qualitative.values_list("pk", flat=True)))
    update_rows(Assignment, ROLLUP_FIELDS, changed)
    return len(changed)


@transaction.atomic
def refresh_ancestors(assignment_id, on=None) -> int:
    """After an entry on one assignment: recompute only it and the assignments of its target at its organisation's
    ancestors (a qualitative assignment combines nothing, so only itself); returns how many rows changed."""
    _no_jit(parallel=False)
    on = on or today()
    now = timezone.now()
    assignment = Assignment.objects.select_related("organization").filter(pk=assignment_id).first()
    if assignment is None:
        return 0
    if assignment.target_id is None:
        changed = _judged_points(Assignment.objects.filter(pk=assignment_id), on, now, ids=[assignment_id])
    else:
        path, step = assignment.organization.path, Organization.steplen
        prefixes = [path[:k] for k in range(step, len(path) + 1, step)]
        chain = Assignment.objects.filter(target_id=assignment.target_id, organization__path__in=prefixes)
        ancestors = list(chain.order_by().values_list("pk", "organization__path"))
        subtree = _subtree_figures(target_ids=[assignment.target_id], ancestors=ancestors)
        changed = _judged_targets(chain.order_by().values_list(*TARGET_ROW), subtree, on, now)
    update_rows(Assignment, ROLLUP_FIELDS, changed)
    return len(changed)


@transaction.atomic
def rebuild(on=None) -> int:
    """The nightly full rebuild: own figures of every assignment, then every roll-up."""
    refresh_own_values()
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

