"""The floor of the roll-up rebuild: hand-written PostgreSQL, one UPDATE per target (own figures from the entries,
subtree combination, completion, expected progress and light) and one for every qualitative assignment.

It restates plans.rollups' rules in SQL only to measure what the database alone needs for the same figures;
bench/jobs.py checks that both give equal figures for every assignment. Quantizing follows Python's Decimal
(half to even) where the portal quantizes, and the column's own rounding where it stores an unquantized figure.
"""
from django.db import connection


def half_even(x):
    """SQL for ``x`` (non-negative) rounded to 4 places half to even, as Decimal.quantize does."""
    return (f"(CASE WHEN ({x}) * 20000 = FLOOR(({x}) * 20000) AND MOD(({x}) * 20000, 2) = 1 "
            f"THEN (FLOOR(({x}) * 10000) + MOD(FLOOR(({x}) * 10000), 2)) / 10000 ELSE ROUND(({x}), 4) END)")


TARGET_SQL = """
WITH own AS (
    SELECT a.id, a.organization_id, a.plan_id, a.assigned_value, a.deadline,
           CASE WHEN t.volunteer_figure <> '' THEN a.own_value ELSE lv.value END AS own_value,
           CASE WHEN t.volunteer_figure <> '' THEN a.own_value_on ELSE le.on_ END AS own_on,
           CASE WHEN t.volunteer_figure <> '' THEN a.last_progress_at ELSE le.at_ END AS own_at
    FROM plans_assignment a
    JOIN plans_target t ON t.id = a.target_id
    LEFT JOIN (SELECT e.assignment_id, MAX(e.reported_on) AS on_, MAX(e.entered_at) AS at_
               FROM plans_progressentry e JOIN plans_assignment x ON x.id = e.assignment_id
               WHERE x.target_id = %(target)s GROUP BY e.assignment_id) le ON le.assignment_id = a.id
    LEFT JOIN (SELECT DISTINCT ON (e.assignment_id) e.assignment_id, e.value
               FROM plans_progressentry e JOIN plans_assignment x ON x.id = e.assignment_id
               WHERE x.target_id = %(target)s AND e.value IS NOT NULL
               ORDER BY e.assignment_id, e.reported_on DESC, e.entered_at DESC, e.id DESC) lv ON lv.assignment_id = a.id
    WHERE a.target_id = %(target)s
),
placed AS (
    SELECT own.*, o.path, o.depth FROM own JOIN orgs_organization o ON o.id = own.organization_id
),
pairs AS (  -- every figure at each of its organisation's ancestors
    SELECT anc.id AS anc_id, d.own_value AS v, d.own_on, d.id
    FROM placed d
    JOIN generate_series(1, d.depth) k ON TRUE
    JOIN placed anc ON anc.path = SUBSTR(d.path, 1, k * %(step)s)
    WHERE d.own_value IS NOT NULL
),
combined AS (
    SELECT anc_id, COUNT(*) AS n, SUM(v) AS total, MIN(v) AS least,
           (ARRAY_AGG(v ORDER BY COALESCE(own_on, '0001-01-01') DESC, id DESC))[1] AS latest
    FROM pairs GROUP BY anc_id
),
actual AS (
    SELECT p.*, CASE WHEN t.volunteer_figure <> '' THEN ROUND(p.own_value, 4)
                     WHEN t.aggregation = 'sum' THEN c.total
                     WHEN t.aggregation = 'avg' THEN {avg}
                     WHEN t.aggregation = 'min' THEN c.least
                     ELSE c.latest END AS actual,
           t.comparator, t.progress_rule AS rule, pl.status AS plan_status, pl.yellow_threshold AS yellow,
           pl.red_threshold AS red, MAKE_DATE(pl.year, 1, 1) AS start,
           COALESCE(p.deadline, t.deadline, MAKE_DATE(pl.year, 12, 31)) AS "end"
    FROM placed p JOIN plans_target t ON t.id = %(target)s JOIN plans_plan pl ON pl.id = p.plan_id
    LEFT JOIN combined c ON c.anc_id = p.id
),
raw AS (
    SELECT actual.*, %(on)s::date > "end" AS overdue,
           CASE WHEN actual IS NULL OR assigned_value IS NULL THEN NULL
                WHEN comparator = 'lte' THEN CASE WHEN actual <= assigned_value THEN 1
                                                  WHEN actual <> 0 THEN assigned_value / actual ELSE 0 END
                WHEN assigned_value = 0 THEN CASE WHEN comparator = 'gte' OR actual = 0 THEN 1 ELSE 0 END
                WHEN comparator = 'eq' THEN GREATEST(1 - ABS(actual - assigned_value) / assigned_value, 0)
                ELSE actual / assigned_value END AS c,
           CASE WHEN rule = 'level' OR comparator = 'lte' THEN 1
                WHEN "end" <= start THEN CASE WHEN %(on)s::date >= "end" THEN 1 ELSE 0 END
                ELSE LEAST(GREATEST((%(on)s::date - start)::numeric / ("end" - start), 0), 1) END AS x
    FROM actual
),
judged AS (
    SELECT raw.*,
           CASE WHEN c IS NULL THEN CASE WHEN overdue THEN 'red' WHEN x * 100 <= yellow THEN 'not_started'
                                         WHEN x * 100 <= red THEN 'yellow' ELSE 'red' END
                WHEN c >= 1 AND ((rule = 'cumulative' AND comparator <> 'lte') OR overdue) THEN 'done'
                WHEN overdue AND c < 1 THEN 'red'
                WHEN (x - LEAST(c, 1)) * 100 <= yellow THEN 'green'
                WHEN (x - LEAST(c, 1)) * 100 <= red THEN 'yellow' ELSE 'red' END AS lit
    FROM raw
)
UPDATE plans_assignment a SET
    own_value = j.own_value, own_value_on = j.own_on, last_progress_at = j.own_at, actual_value = j.actual,
    completion = {completion},
    expected = CASE WHEN j.plan_status = 'draft' THEN NULL WHEN j.c IS NULL THEN j.x ELSE {expected} END,
    light = CASE WHEN j.plan_status = 'draft' THEN CASE WHEN j.lit = 'done' THEN 'done' ELSE 'not_started' END
                 ELSE j.lit END,
    rolled_up_at = NOW()
FROM judged j WHERE a.id = j.id
""".format(avg=half_even("c.total / c.n"), completion=half_even("j.c"), expected=half_even("j.x"))

POINT_SQL = """
WITH latest AS (
    SELECT DISTINCT ON (e.assignment_id) e.assignment_id, e.status
    FROM plans_progressentry e JOIN plans_assignment x ON x.id = e.assignment_id
    WHERE x.target_id IS NULL AND e.status <> ''
    ORDER BY e.assignment_id, e.reported_on DESC, e.entered_at DESC, e.id DESC
),
marks AS (
    SELECT point_id, COUNT(*) AS n, COUNT(*) FILTER (WHERE due_on <= %(on)s) AS due,
           COUNT(*) FILTER (WHERE due_on <= %(on)s AND done_on IS NULL) AS late
    FROM plans_milestone GROUP BY point_id
),
judged AS (
    SELECT a.id, pl.status AS plan_status, s.status, m.n, m.due, COALESCE(m.late, 0) AS late,
           COALESCE(a.deadline, p.deadline) AS deadline
    FROM plans_assignment a
    JOIN plans_workpoint p ON p.id = a.point_id JOIN plans_plan pl ON pl.id = a.plan_id
    LEFT JOIN latest l ON l.assignment_id = a.id
    LEFT JOIN marks m ON m.point_id = a.point_id
    CROSS JOIN LATERAL (SELECT COALESCE(NULLIF(l.status, ''),
                                        CASE WHEN a.parent_id IS NULL THEN p.status ELSE 'not_started' END) AS status) s
    WHERE a.target_id IS NULL
),
lit AS (
    SELECT judged.*,
           CASE status WHEN 'done' THEN 1 WHEN 'in_progress' THEN 0.5 ELSE 0 END AS c,
           CASE WHEN status = 'done' THEN 1 WHEN n > 0 THEN {expected} END AS x,
           CASE WHEN status = 'done' THEN 'done' WHEN deadline IS NOT NULL AND %(on)s::date > deadline THEN 'red'
                WHEN late >= 2 THEN 'red' WHEN late = 1 THEN 'yellow' WHEN status = 'not_started' THEN 'not_started'
                ELSE 'green' END AS light
    FROM judged
)
UPDATE plans_assignment a SET actual_value = NULL, completion = l.c,
    expected = CASE WHEN l.plan_status = 'draft' THEN NULL ELSE l.x END,
    light = CASE WHEN l.plan_status <> 'draft' THEN l.light WHEN l.light = 'done' THEN 'done' ELSE 'not_started' END,
    rolled_up_at = NOW()
FROM lit l WHERE a.id = l.id
""".format(expected=half_even("due::numeric / n"))


def rebuild(on, step):
    """Every roll-up rebuilt by the floor's statements: one per target, one for the qualitative assignments."""
    with connection.cursor() as cursor:
        # the planner overestimates generate_series (1,000 rows) and JIT-compiles for tens of seconds otherwise
        cursor.execute("SET LOCAL jit = off")
        cursor.execute("SELECT id FROM plans_target ORDER BY id")
        for (target,) in cursor.fetchall():
            cursor.execute(TARGET_SQL, {"target": target, "on": on, "step": step})
        cursor.execute(POINT_SQL, {"on": on})
