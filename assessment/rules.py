"""The scoring rules of the monthly assessment: pure functions, one per rule kind, plus ranks and grades.

Each rule takes an indicator and the facts of one organisation (plain values or unsaved model
instances) and returns ``(raw figure, points, explanation)``; none of them reads the database, so
they are tested alone. ``compute.py`` gathers the facts and writes the results.
"""
import math
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from reports.choices import ReportStatus
from volunteers.choices import VolunteerFigure

from .choices import FieldMode, Grade, GradeMode

ZERO, ONE, HUNDRED, CENT = Decimal(0), Decimal(1), Decimal(100), Decimal("0.01")
SENT = (ReportStatus.SUBMITTED, ReportStatus.RETURNED, ReportStatus.APPROVED)
ACCEPTED_FIGURES = (ReportStatus.SUBMITTED, ReportStatus.APPROVED)
LISTED_TASKS = 5  # tasks named in an explanation; the rest are counted


def points(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def fmt(value) -> str:
    """A number as people write it: 85.50 → 85.5, 10.00 → 10."""
    value = Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP).normalize()
    return f"{value:f}"


def score_targets(indicator, tasks):
    """Weighted completion of the organisation's targets (重点 points weigh ``key_weight``), optionally
    against the time-based expected progress; points = maximum × that share."""
    params = indicator.params
    if not tasks:
        if params.get("none", "full") == "zero":
            return None, ZERO, _("No targets assigned: no points.")
        return None, indicator.max_points, _("No targets assigned: full points.")
    key_weight = Decimal(str(params.get("key_weight", 1)))
    against_expected = bool(params.get("against_expected", False))
    weighted = weights = ZERO
    listed = []
    for task in tasks:
        completion = min(task["completion"] or ZERO, ONE)
        if against_expected:
            expected = task["expected"] or ZERO
            completion = ONE if expected <= 0 else min(completion / expected, ONE)
        weight = key_weight if task["point__is_key"] else ONE
        weighted += completion * weight
        weights += weight
        listed.append(f"{task['target__metric']} {fmt(task['actual_value'] or 0)}/{fmt(task['assigned_value'] or 0)}"
                      f"{task['target__unit']} {fmt(completion * HUNDRED)}%{'（重点）' if task['point__is_key'] else ''}")
    share = weighted / weights
    more = len(listed) - LISTED_TASKS
    tasks_text = "；".join(listed[:LISTED_TASKS]) + (_("; and %(n)d more") % {"n": more} if more > 0 else "")
    text = _("%(n)d targets, weighted %(basis)s %(share)s%% × %(max)s points: %(tasks)s") % {
        "n": len(tasks), "share": fmt(share * HUNDRED), "max": fmt(indicator.max_points), "tasks": tasks_text,
        "basis": _("completion against expected progress") if against_expected else _("completion"),
    }
    return share * HUNDRED, indicator.max_points * share, text


def not_owed(indicator, month):
    """An organisation that owes no report on the month (it joined after the month began, or no rule covers it:
    reports.selectors.owing_reports) is not marked down for having none."""
    return None, indicator.max_points, _("No report owed on %(month)s (not reporting yet): full points.") % {
        "month": f"{month:%Y-%m}"}


def score_reporting(indicator, report, owed=True, month=None):
    """Points for a report submitted, on time and approved, less points per day late; 0 when missing (full points
    when no report was owed)."""
    params = indicator.params
    if not owed and (report is None or report.status not in SENT):
        return not_owed(indicator, month)
    if report is None or report.status not in SENT:
        return ZERO, ZERO, _("No report submitted for the month (未报): 0 points.")
    parts, total = [], ZERO
    for key, label, earned in (("submitted", _("submitted"), True),
                               ("on_time", _("on time"), report.days_late == 0),
                               ("approved", _("approved"), report.status == ReportStatus.APPROVED)):
        value = Decimal(str(params.get(key, 0)))
        if earned and value:
            total += value
            parts.append(f"{label} +{fmt(value)}")
    per_day = Decimal(str(params.get("per_day_late", 0)))
    if report.days_late and per_day:
        total -= per_day * report.days_late
        parts.append(_("%(days)d days late −%(points)s") % {"days": report.days_late, "points": fmt(per_day * report.days_late)})
    text = _("Report of %(month)s, %(status)s: %(parts)s") % {
        "month": f"{report.month:%Y-%m}", "status": ReportStatus(report.status).label, "parts": "，".join(parts) or "0"}
    return Decimal(report.days_late) if report.days_late else None, min(max(total, ZERO), indicator.max_points), text


def score_field(indicator, report, labels=None, owed=True, month=None):
    """A report figure against a standard: full points when met, in proportion, or by steps (full points when no
    report was owed and none was sent)."""
    params = indicator.params
    key, standard = params.get("field", ""), Decimal(str(params.get("standard", 0)))
    label = (labels or {}).get(key, key)
    if not owed and (report is None or report.status not in ACCEPTED_FIGURES):
        return not_owed(indicator, month)
    if report is None or report.status not in ACCEPTED_FIGURES or report.values.get(key) in (None, ""):
        return None, ZERO, _("No submitted figure for “%(field)s” this month: 0 points.") % {"field": label}
    value = Decimal(str(report.values[key]))
    earned, rule = _against_standard(indicator, value, standard)
    text = _("“%(field)s” = %(value)s in the report of %(month)s, %(rule)s") % {
        "field": label, "value": fmt(value), "month": f"{report.month:%Y-%m}", "rule": rule}
    return value, earned, text


def _against_standard(indicator, value, standard):
    """Points for ``value`` against the indicator's standard by its mode (full, proportional, stepped), and the rule
    in words."""
    params = indicator.params
    mode = params.get("mode", FieldMode.FULL)
    if mode == FieldMode.PROPORTIONAL:
        share = ONE if standard <= 0 else min(value / standard, ONE)
        return indicator.max_points * share, _("in proportion to the standard %(standard)s") % {"standard": fmt(standard)}
    if mode == FieldMode.STEPPED:
        steps = sorted(((Decimal(str(a)), Decimal(str(b))) for a, b in params.get("steps", [])), reverse=True)
        earned = next((min(p, indicator.max_points) for at_least, p in steps if value >= at_least), ZERO)
        return earned, _("by steps %(steps)s") % {"steps": "，".join(f"≥{fmt(a)}→{fmt(b)}" for a, b in steps)}
    earned = indicator.max_points if value >= standard else ZERO
    return earned, _("full points at %(standard)s or more") % {"standard": fmt(standard)}


def score_volunteers(indicator, figures, month):
    """A volunteer figure of the organisation's subtree (volunteers.selectors.Figures at the month's end) against a
    standard: full points when met, in proportion, or by steps. The explanation names the figure, its value and
    the standard."""
    params = indicator.params
    figure, standard = params.get("figure", ""), Decimal(str(params.get("standard", 0)))
    label = VolunteerFigure(figure).label if figure in VolunteerFigure.values else figure
    value = figures.value(figure) if figures is not None and figures.computed and figure in VolunteerFigure.values \
        else None
    if value is None:
        return None, ZERO, _("No value of “%(figure)s” in the volunteer statistics of %(month)s: 0 points.") % {
            "figure": label, "month": f"{month:%Y-%m}"}
    earned, rule = _against_standard(indicator, value, standard)
    text = _("“%(figure)s” = %(value)s in the volunteer statistics of %(month)s, standard %(standard)s: %(rule)s") % {
        "figure": label, "value": fmt(value), "month": f"{month:%Y-%m}", "standard": fmt(standard), "rule": rule}
    return value, earned, text


def score_manual(indicator, entry):
    """The points an assessor entered, capped at the indicator's maximum; 0 until entered."""
    if entry is None:
        return None, ZERO, _("Not scored by an assessor yet: 0 points.")
    text = _("Given by %(who)s: %(comment)s") % {
        "who": (entry.entered_by.get_full_name() or entry.entered_by.username) if entry.entered_by else _("system"),
        "comment": entry.comment}
    return entry.points, min(entry.points, indicator.max_points), text


def capped(entries, cap):
    """The sum of bonus (or deduction) entries, at most ``cap`` when the scheme has one."""
    total = sum((e.points for e in entries), start=ZERO)
    return min(total, cap) if cap is not None else total


def adjustment_text(entries, cap, label):
    listed = "；".join(f"{e.reason} {fmt(e.points)}" for e in entries)
    text = f"{label}：{listed}"
    if cap is not None and sum((e.points for e in entries), start=ZERO) > cap:
        text += _(" (capped at %(cap)s)") % {"cap": fmt(cap)}
    return text


# --- ranks and grades ---------------------------------------------------------------------------


def ranks(totals: dict) -> dict:
    """Competition ranking: equal totals share a rank, the next rank skips (1, 1, 3)."""
    ordered = sorted(totals.values(), reverse=True)
    first = {}
    for position, total in enumerate(ordered, start=1):
        first.setdefault(total, position)
    return {key: first[total] for key, total in totals.items()}


def grade(scheme, total, rank, size):
    """优秀/良好/合格 by the scheme's thresholds, or by rank within shares of the group; 不合格 below 合格."""
    thresholds = {k: Decimal(str(v)) for k, v in scheme.thresholds.items()}
    if total < thresholds.get("pass", ZERO):
        return Grade.FAIL
    if scheme.grade_mode == GradeMode.SHARE:
        excellent = math.floor(size * Decimal(str(scheme.shares.get("excellent", 0))) / HUNDRED)
        good = math.floor(size * Decimal(str(scheme.shares.get("good", 0))) / HUNDRED)
        if rank <= excellent:
            return Grade.EXCELLENT
        if rank <= excellent + good:
            return Grade.GOOD
        return Grade.PASS
    if total >= thresholds.get("excellent", HUNDRED + 1):
        return Grade.EXCELLENT
    if total >= thresholds.get("good", HUNDRED + 1):
        return Grade.GOOD
    return Grade.PASS
