"""The floor of the monthly scoring: one hand-written PostgreSQL statement computing every organisation's total.

It restates assessment.rules in SQL for the indicator kinds a generated province uses (report figures full,
proportional or stepped, reporting, targets, manual points, capped bonuses and deductions, accepted appeals) only to
measure what the database alone needs; bench/jobs.py checks the totals agree with the portal's for every
organisation. Who is assessed (selectors.group_of) and who owes a report (reports.selectors.owing_reports) are the
portal's own querysets, compiled into the statement.
"""
from decimal import Decimal

from django.db import connection

from assessment.choices import FieldMode, RuleKind
from assessment.models import Adjustment, Appeal, ManualPoints
from assessment.selectors import group_of
from plans.models import Assignment, Plan, WorkPoint
from reports import selectors as report_selectors
from reports.models import MonthlyReport


def _standard(ind, value):
    """SQL of the points for ``value`` against the indicator's standard (rules._against_standard)."""
    params, top = ind.params, ind.max_points
    mode = params.get("mode", FieldMode.FULL)
    standard = Decimal(str(params.get("standard", 0)))
    if mode == FieldMode.PROPORTIONAL:
        return f"{top} * {'1' if standard <= 0 else f'LEAST({value} / {standard}, 1)'}"
    if mode == FieldMode.STEPPED:
        steps = sorted(((Decimal(str(a)), Decimal(str(b))) for a, b in params.get("steps", [])), reverse=True)
        cases = " ".join(f"WHEN {value} >= {a} THEN {min(b, top)}" for a, b in steps)
        return f"CASE {cases} ELSE 0 END" if steps else "0"
    return f"CASE WHEN {value} >= {standard} THEN {top} ELSE 0 END"


def _term(ind):
    top, params = ind.max_points, ind.params
    if ind.rule == RuleKind.REPORT_FIELD:
        raw = f"r.values ->> '{params.get('field', '')}'"
        accepted = "r.status IN ('submitted', 'approved')"
        return (f"CASE WHEN NOT ow.owed AND NOT COALESCE({accepted}, FALSE) THEN {top} "
                f"WHEN r.id IS NULL OR NOT {accepted} OR COALESCE({raw}, '') = '' THEN 0 "
                f"ELSE {_standard(ind, f'({raw})::numeric')} END")
    if ind.rule == RuleKind.REPORTING:
        sent = "r.status IN ('submitted', 'returned', 'approved')"
        part = {k: Decimal(str(params.get(k, 0))) for k in ("submitted", "on_time", "approved", "per_day_late")}
        earned = (f"{part['submitted']} + CASE WHEN r.days_late = 0 THEN {part['on_time']} ELSE 0 END "
                  f"+ CASE WHEN r.status = 'approved' THEN {part['approved']} ELSE 0 END "
                  f"- {part['per_day_late']} * r.days_late")
        return (f"CASE WHEN NOT ow.owed AND NOT COALESCE({sent}, FALSE) THEN {top} "
                f"WHEN r.id IS NULL OR NOT {sent} THEN 0 ELSE LEAST(GREATEST({earned}, 0), {top}) END")
    if ind.rule == RuleKind.TARGETS:
        none = "0" if params.get("none", "full") == "zero" else str(top)
        return f"CASE WHEN t.weights IS NULL THEN {none} ELSE {top} * t.weighted / t.weights END"
    if ind.rule == RuleKind.MANUAL:
        return f"CASE WHEN m{ind.pk}.id IS NULL THEN 0 ELSE LEAST(m{ind.pk}.points, {top}) END"  # LEAST skips NULL
    raise NotImplementedError(f"no floor for {ind.rule}")


def totals(scheme, month):
    """{organisation pk: total} for ``month``, in one statement."""
    leaves = [i for i in scheme.indicators.all() if i.rule]
    targets = next((i for i in leaves if i.rule == RuleKind.TARGETS), None)
    params = targets.params if targets else {}
    key_weight = Decimal(str(params.get("key_weight", 1)))
    completion = "LEAST(COALESCE(a.completion, 0), 1)"
    if params.get("against_expected"):
        completion = (f"CASE WHEN COALESCE(a.expected, 0) <= 0 THEN 1 "
                      f"ELSE LEAST({completion} / a.expected, 1) END")
    group_sql, group_params = group_of(scheme).order_by().values("pk").query.sql_with_params()
    owed_sql, owed_params = report_selectors.owing_reports(month, group_of(scheme)).order_by().values("pk") \
        .query.sql_with_params()
    manual = "".join(f" LEFT JOIN {ManualPoints._meta.db_table} m{i.pk} ON m{i.pk}.indicator_id = {i.pk} "
                     f"AND m{i.pk}.organization_id = g.id AND m{i.pk}.month = %(month)s"
                     for i in leaves if i.rule == RuleKind.MANUAL)
    cap = {"bonus": scheme.bonus_cap, "deduction": scheme.deduction_cap}
    capped = {k: f"LEAST(COALESCE(adj.{k}, 0), {v})" if v is not None else f"COALESCE(adj.{k}, 0)" for k, v in cap.items()}
    terms = " + ".join(f"ROUND({_term(i)}, 2)" for i in leaves)
    sql = f"""
        WITH grp(pk) AS ({group_sql}),
        owing(pk) AS ({owed_sql}),
        tasks AS (
            SELECT a.organization_id, SUM(w * c) AS weighted, SUM(w) AS weights FROM (
                SELECT a.organization_id, CASE WHEN p.is_key THEN {key_weight} ELSE 1 END AS w, {completion} AS c
                FROM {Assignment._meta.db_table} a
                JOIN {WorkPoint._meta.db_table} p ON p.id = a.point_id
                JOIN {Plan._meta.db_table} pl ON pl.id = a.plan_id
                WHERE a.target_id IS NOT NULL AND pl.year = %(year)s AND pl.status = 'published'
                  AND a.organization_id IN (SELECT pk FROM grp)) a
            GROUP BY a.organization_id),
        adj AS (
            SELECT organization_id, SUM(points) FILTER (WHERE kind = 'bonus') AS bonus,
                   SUM(points) FILTER (WHERE kind = 'deduction') AS deduction
            FROM {Adjustment._meta.db_table} WHERE scheme_id = %(scheme)s AND month = %(month)s
            GROUP BY organization_id),
        appeals AS (
            SELECT ap.organization_id, SUM(ROUND(ap.adjustment, 2)) AS points
            FROM {Appeal._meta.db_table} ap JOIN assessment_run_table r ON r.id = ap.run_id
            WHERE r.scheme_id = %(scheme)s AND r.month = %(month)s AND ap.status = 'accepted'
            GROUP BY ap.organization_id)
        SELECT g.pk, GREATEST(ROUND({terms} + ROUND({capped['bonus']}, 2) - ROUND({capped['deduction']}, 2)
                                    + COALESCE(appeals.points, 0), 2), 0)
        FROM grp g
        CROSS JOIN LATERAL (SELECT g.pk IN (SELECT pk FROM owing) AS owed) ow
        LEFT JOIN {MonthlyReport._meta.db_table} r ON r.organization_id = g.pk AND r.month = %(month)s
        LEFT JOIN tasks t ON t.organization_id = g.pk
        LEFT JOIN adj ON adj.organization_id = g.pk
        LEFT JOIN appeals ON appeals.organization_id = g.pk
        {manual.replace("g.id", "g.pk")}
    """
    from assessment.models import AssessmentRun

    sql = sql.replace("assessment_run_table", AssessmentRun._meta.db_table)
    # the compiled querysets use %s placeholders: number them into the named ones
    named = {"month": month, "year": scheme.year, "scheme": scheme.pk}
    for index, value in enumerate([*group_params, *owed_params]):
        named[f"p{index}"] = value
    counter = iter(range(len(group_params) + len(owed_params)))
    head, rest = sql.split("tasks AS (", 1)
    head = head.replace("%%", "\0").replace("%s", "\1")
    while "\1" in head:
        head = head.replace("\1", f"%(p{next(counter)})s", 1)
    sql = head.replace("\0", "%%") + "tasks AS (" + rest
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")  # inside the caller's transaction
        cursor.execute(sql, named)
        return dict(cursor.fetchall())
