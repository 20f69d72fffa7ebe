"""Monthly assessment (月考核): computing a scheme's scores for a month, and the writes around it.

A computation reads everything it needs with one query per kind of fact (the group, the
assignments, the month's reports, manual points, bonuses and deductions, accepted appeals, the
earlier months' published totals), scores every organisation in Python, and replaces the run's
rows in one transaction. Running it again on the same data writes identical rows; a crash midway
leaves the rows of the last complete computation (the transaction rolls back), so a retry is safe.

Runs: computing → provisional → (open for appeal) → published. Published runs are frozen; a
recomputation of a published month makes a new version (with who asked and why) that supersedes
the old one when it is published in turn.
"""
import datetime
import math
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from notifications.models import Kind
from notifications.services import Message, send
from orgs.models import Organization
from orgs.permissions import Action, actor, can, require, require_write, role_assignments, scope_q

from . import reporting
from .choices import (
    AdjustmentKind,
    AppealStatus,
    FieldMode,
    Grade,
    GradeMode,
    PlanStatus,
    ReportStatus,
    RuleKind,
    RunStatus,
)
from .models import (
    Adjustment,
    Appeal,
    AppealEvidence,
    AssessmentRun,
    AssessmentScheme,
    Assignment,
    Indicator,
    ManualPoints,
    MonthlyReport,
    Score,
    ScoreItem,
)

ZERO, ONE, HUNDRED, CENT = Decimal(0), Decimal(1), Decimal(100), Decimal("0.01")
SENT = (ReportStatus.SUBMITTED, ReportStatus.RETURNED, ReportStatus.APPROVED)
ACCEPTED_FIGURES = (ReportStatus.SUBMITTED, ReportStatus.APPROVED)
LISTED_TASKS = 5  # tasks named in an explanation; the rest are counted
MAX_APPEAL_FILES = 10


def points(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def fmt(value) -> str:
    """A number as people write it: 85.50 → 85.5, 10.00 → 10."""
    value = Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP).normalize()
    return f"{value:f}"


def group_of(scheme):
    """The organisations a scheme assesses: active, strictly below its issuer, of its levels and kinds."""
    organizations = Organization.objects.filter(path__startswith=scheme.organization.path, is_active=True).exclude(
        pk=scheme.organization_id)
    if scheme.levels:
        organizations = organizations.filter(level__in=scheme.levels)
    if scheme.kinds:
        organizations = organizations.filter(kind__in=scheme.kinds)
    return organizations.order_by("path")


# --- what a computation reads -------------------------------------------------------------------


@dataclass
class Facts:
    tasks: dict = field(default_factory=lambda: defaultdict(list))  # org → [assignment values]
    reports: dict = field(default_factory=dict)  # org → MonthlyReport
    manual: dict = field(default_factory=dict)  # (indicator, org) → ManualPoints
    adjustments: dict = field(default_factory=lambda: defaultdict(list))  # org → [Adjustment]
    appeals: dict = field(default_factory=lambda: defaultdict(list))  # org → [accepted Appeal]
    last_month: dict = field(default_factory=dict)  # org → total of last month's published run
    earlier: dict = field(default_factory=lambda: defaultdict(list))  # org → totals of this year's published months
    labels: dict = field(default_factory=dict)  # report field key → its label (as the issuer's reports name it)


def published_runs(scheme, months):
    """The published run of each of ``months`` (the newest version when there were several)."""
    return AssessmentRun.objects.filter(scheme=scheme, month__in=months, status=RunStatus.PUBLISHED)


def gather(run, group) -> Facts:
    scheme, month = run.scheme, run.month
    facts = Facts()
    for task in Assignment.objects.filter(
        organization__in=group, target__isnull=False, plan__year=scheme.year, plan__status=PlanStatus.PUBLISHED,
    ).values("pk", "organization_id", "completion", "expected", "actual_value", "assigned_value", "point__is_key",
             "target__metric", "target__unit").order_by("organization_id", "point__section__order", "point__order", "pk"):
        facts.tasks[task["organization_id"]].append(task)
    facts.reports = {r.organization_id: r for r in MonthlyReport.objects.filter(organization__in=group, month=month)}
    facts.manual = {(m.indicator_id, m.organization_id): m for m in ManualPoints.objects.filter(
        indicator__scheme=scheme, month=month, organization__in=group).select_related("entered_by")}
    for adjustment in Adjustment.objects.filter(scheme=scheme, month=month, organization__in=group).order_by("pk"):
        facts.adjustments[adjustment.organization_id].append(adjustment)
    for appeal in Appeal.objects.filter(run__scheme=scheme, run__month=month, status=AppealStatus.ACCEPTED,
                                        organization__in=group).order_by("pk"):
        facts.appeals[appeal.organization_id].append(appeal)
    keys = {i.params.get("field") for i in scheme.indicators.all() if i.rule == RuleKind.REPORT_FIELD}
    facts.labels = {f.key: f.label for f in reporting.fields_for(scheme.organization) if f.key in keys}
    earlier_months = [datetime.date(month.year, m, 1) for m in range(1, month.month)]
    for run_month, organization_id, total in Score.objects.filter(
        run__in=published_runs(scheme, earlier_months), organization__in=group,
    ).values_list("run__month", "organization_id", "total"):
        facts.earlier[organization_id].append(total)
        if run_month == reporting.previous_month(month):
            facts.last_month[organization_id] = total
    return facts


# --- the rules ----------------------------------------------------------------------------------


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


def score_reporting(indicator, report):
    """Points for a report submitted, on time and approved, less points per day late; 0 when missing."""
    params = indicator.params
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
        "month": f"{report.month:%Y-%m}", "status": report.get_status_display(), "parts": "，".join(parts) or "0"}
    return Decimal(report.days_late) if report.days_late else None, min(max(total, ZERO), indicator.max_points), text


def score_field(indicator, report, labels=None):
    """A report figure against a standard: full points when met, in proportion, or by steps."""
    params = indicator.params
    key, standard = params.get("field", ""), Decimal(str(params.get("standard", 0)))
    label = (labels or {}).get(key, key)
    if report is None or report.status not in ACCEPTED_FIGURES or report.values.get(key) in (None, ""):
        return None, ZERO, _("No submitted figure for “%(field)s” this month: 0 points.") % {"field": label}
    value = Decimal(str(report.values[key]))
    mode = params.get("mode", FieldMode.FULL)
    if mode == FieldMode.PROPORTIONAL:
        share = ONE if standard <= 0 else min(value / standard, ONE)
        earned = indicator.max_points * share
        rule = _("in proportion to the standard %(standard)s") % {"standard": fmt(standard)}
    elif mode == FieldMode.STEPPED:
        steps = sorted(((Decimal(str(a)), Decimal(str(b))) for a, b in params.get("steps", [])), reverse=True)
        earned = next((min(p, indicator.max_points) for at_least, p in steps if value >= at_least), ZERO)
        rule = _("by steps %(steps)s") % {"steps": "，".join(f"≥{fmt(a)}→{fmt(b)}" for a, b in steps)}
    else:
        earned = indicator.max_points if value >= standard else ZERO
        rule = _("full points at %(standard)s or more") % {"standard": fmt(standard)}
    text = _("“%(field)s” = %(value)s in the report of %(month)s, %(rule)s") % {
        "field": label, "value": fmt(value), "month": f"{report.month:%Y-%m}", "rule": rule}
    return value, earned, text


def score_manual(indicator, entry):
    if entry is None:
        return None, ZERO, _("Not scored by an assessor yet: 0 points.")
    text = _("Given by %(who)s: %(comment)s") % {
        "who": (entry.entered_by.get_full_name() or entry.entered_by.username) if entry.entered_by else _("system"),
        "comment": entry.comment}
    return entry.points, min(entry.points, indicator.max_points), text


def score_leaf(indicator, organization_id, facts):
    if indicator.rule == RuleKind.TARGETS:
        return score_targets(indicator, facts.tasks.get(organization_id, []))
    if indicator.rule == RuleKind.REPORTING:
        return score_reporting(indicator, facts.reports.get(organization_id))
    if indicator.rule == RuleKind.REPORT_FIELD:
        return score_field(indicator, facts.reports.get(organization_id), facts.labels)
    return score_manual(indicator, facts.manual.get((indicator.pk, organization_id)))


def capped(entries, cap):
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


# --- the computation ----------------------------------------------------------------------------


def progress_key(run_id):
    return f"assessment-run-progress:{run_id}"


def progress_of(run):
    """Percent done of a run being computed (shared through the cache between worker and pages)."""
    return cache.get(progress_key(run.pk), 0) if run.status == RunStatus.COMPUTING else 100


def compute(run_id):
    """Compute (or compute again) a run that is not frozen; returns the number of scores written."""
    run = AssessmentRun.objects.select_related("scheme__organization").get(pk=run_id)
    if run.is_frozen:
        return run.scores.count()
    cache.set(progress_key(run.pk), 5, 3600)
    scheme = run.scheme
    leaves = [i for i in scheme.indicators.all() if i.rule]
    group = group_of(scheme)
    organizations = list(group.only("pk", "path", "name"))
    facts = gather(run, group)
    cache.set(progress_key(run.pk), 40, 3600)
    results = {}
    for organization in organizations:
        items = [(indicator, *score_leaf(indicator, organization.pk, facts)) for indicator in leaves]
        items = [(indicator, raw, points(earned), text) for indicator, raw, earned, text in items]
        adjustments = facts.adjustments.get(organization.pk, [])
        bonuses = [a for a in adjustments if a.kind == AdjustmentKind.BONUS]
        deductions = [a for a in adjustments if a.kind == AdjustmentKind.DEDUCTION]
        bonus, deduction = points(capped(bonuses, scheme.bonus_cap)), points(capped(deductions, scheme.deduction_cap))
        extra = []
        if bonuses:
            extra.append((None, None, bonus, adjustment_text(bonuses, scheme.bonus_cap, _("Bonus"))))
        if deductions:
            extra.append((None, None, -deduction, adjustment_text(deductions, scheme.deduction_cap, _("Deduction"))))
        for appeal in facts.appeals.get(organization.pk, []):
            extra.append((None, None, points(appeal.adjustment),
                          _("Appeal accepted: %(decision)s") % {"decision": appeal.decision or appeal.reason}))
        total = max(points(sum((p for _i, _r, p, _t in items + extra), start=ZERO)), ZERO)
        results[organization.pk] = (organization, total, bonus, deduction, items + extra)
    rank = ranks({pk: r[1] for pk, r in results.items()})
    cache.set(progress_key(run.pk), 70, 3600)
    with transaction.atomic():
        run = AssessmentRun.objects.select_for_update().get(pk=run.pk)
        if run.is_frozen:
            return run.scores.count()
        Score.objects.filter(run=run).delete()
        scores = Score.objects.bulk_create([
            Score(run=run, organization=organization, total=total, bonus=bonus, deduction=deduction, rank=rank[pk],
                  grade=grade(scheme, total, rank[pk], len(results)),
                  change=(total - facts.last_month[pk]) if pk in facts.last_month else None,
                  ytd_total=points(sum(facts.earlier.get(pk, []), start=total)),
                  ytd_average=points(sum(facts.earlier.get(pk, []), start=total) / (len(facts.earlier.get(pk, [])) + 1)))
            for pk, (organization, total, bonus, deduction, _items) in results.items()
        ])
        by_org = {s.organization_id: s for s in scores}
        ScoreItem.objects.bulk_create([
            ScoreItem(score=by_org[pk], indicator=indicator, raw=raw, points=earned, explanation=text)
            for pk, (_o, _t, _b, _d, items) in results.items() for indicator, raw, earned, text in items
        ])
        run.status = RunStatus.APPEAL if run.appeal_until else RunStatus.PROVISIONAL
        run.computed_at, run.error = timezone.now(), ""
        run.save(update_fields=["status", "computed_at", "error"])
    cache.set(progress_key(run.pk), 100, 3600)
    return len(scores)


def mark_failed(run_id, error):
    AssessmentRun.objects.filter(pk=run_id, status=RunStatus.COMPUTING).update(status=RunStatus.FAILED, error=str(error)[:2000])


# --- writes: runs -------------------------------------------------------------------------------


def latest_run(scheme, month):
    return AssessmentRun.objects.filter(scheme=scheme, month=month).order_by("-version").first()


@transaction.atomic
def request_computation(scheme, month, *, by, reason=""):
    """Compute a month's scores: the open run again, or a new version after publication (a reason is
    needed then). The computation runs in Celery once this transaction commits."""
    require(by, Action.ASSESS, scheme)
    month = reporting.month_start(month)
    if month.year != scheme.year:
        raise ValidationError(_("The scheme is for %(year)d.") % {"year": scheme.year})
    if month > reporting.month_start(timezone.localdate()):
        raise ValidationError(_("%(month)s has not begun yet.") % {"month": f"{month:%Y-%m}"})
    AssessmentScheme.objects.select_for_update().get(pk=scheme.pk)  # one request at a time per scheme
    run = latest_run(scheme, month)
    reason = (reason or "").strip()
    if run is None or run.is_frozen:
        if run is not None and not reason:
            raise ValidationError(_("The month is published; say why it is computed again."))
        run = AssessmentRun.objects.create(scheme=scheme, month=month, version=(run.version + 1) if run else 1,
                                           reason=reason, requested_by=actor(by))
    else:
        run.status, run.requested_by = RunStatus.COMPUTING, actor(by)
        if reason:
            run.reason = reason
        run.save(update_fields=["status", "requested_by", "reason"])
    cache.set(progress_key(run.pk), 0, 3600)
    transaction.on_commit(lambda: _queue(run.pk))
    return run


def _queue(run_id):
    from .tasks import compute_scores

    compute_scores.delay(run_id)


def _assessor_run(run, by, *statuses):
    require(by, Action.ASSESS, run)
    run = AssessmentRun.objects.select_for_update().select_related("scheme__organization").get(pk=run.pk)
    if run.status not in statuses:
        raise ValidationError(_("The scores are %(status)s; that step is not possible now.") % {"status": run.get_status_display()})
    return run


@transaction.atomic
def open_appeals(run, *, by):
    """Show the provisional scores to the assessed organisations, who may appeal until the window closes."""
    run = _assessor_run(run, by, RunStatus.PROVISIONAL)
    run.status = RunStatus.APPEAL
    run.appeal_until = timezone.localdate() + datetime.timedelta(days=max(run.scheme.appeal_days, 1))
    run.save(update_fields=["status", "appeal_until"])
    _tell_group(run, _("Provisional %(month)s scores of “%(scheme)s” are out; appeals until %(until)s"),
                until=f"{run.appeal_until:%Y-%m-%d}")
    return run


@transaction.atomic
def publish(run, *, by):
    """Freeze the run and show it to the assessed organisations; an earlier published version is superseded."""
    run = _assessor_run(run, by, RunStatus.PROVISIONAL, RunStatus.APPEAL)
    if run.appeals.filter(status=AppealStatus.PENDING).exists():
        raise ValidationError(_("Decide the pending appeals first."))
    AssessmentRun.objects.filter(scheme=run.scheme, month=run.month, status=RunStatus.PUBLISHED).update(
        status=RunStatus.SUPERSEDED)
    run.status, run.published_at, run.published_by = RunStatus.PUBLISHED, timezone.now(), actor(by)
    run.save(update_fields=["status", "published_at", "published_by"])
    _tell_group(run, _("The %(month)s scores of “%(scheme)s” are published"))
    return run


def _tell_group(run, title, **extra):
    organizations = list(group_of(run.scheme).values_list("pk", flat=True))
    users = set().union(*reporting.reporters_by_organization(organizations).values()) if organizations else set()
    with translation.override(settings.LANGUAGE_CODE):
        text = str(title) % {"month": f"{run.month:%Y-%m}", "scheme": run.scheme.title, **extra}
    send([Message(users, text, Kind.OTHER, url=reverse("plans:my_scores"))])


# --- writes: appeals ----------------------------------------------------------------------------


@transaction.atomic
def file_appeal(run, organization, *, by, reason, files=()):
    """An assessed organisation objects to its provisional score, with a reason and evidence."""
    from .validators import validate_evidence

    require(by, Action.RECORD_PROGRESS, organization)
    run = AssessmentRun.objects.select_for_update().get(pk=run.pk)
    if run.status != RunStatus.APPEAL or timezone.localdate() > run.appeal_until:
        raise ValidationError(_("The appeal window is closed."))
    if not run.scores.filter(organization=organization).exists():
        raise PermissionDenied(_("%(org)s is not assessed in this run.") % {"org": organization.name})
    if not (reason or "").strip():
        raise ValidationError(_("Say why the score is wrong."))
    if run.appeals.filter(organization=organization, status=AppealStatus.PENDING).exists():
        raise ValidationError(_("An appeal of this organisation is waiting for a decision already."))
    if len(files) > MAX_APPEAL_FILES:
        raise ValidationError(_("An appeal takes at most %(n)d files.") % {"n": MAX_APPEAL_FILES})
    for upload in files:
        validate_evidence(upload)
    appeal = Appeal.objects.create(run=run, organization=organization, reason=reason.strip(), filed_by=actor(by))
    from .services import store_file

    for upload in files:
        store_file(AppealEvidence(appeal=appeal), upload)
    return appeal


@transaction.atomic
def decide_appeal(appeal, *, by, accept, decision, adjustment=ZERO):
    """Accept (with an adjustment of the total, recomputed at once) or reject an appeal, with the reason."""
    require(by, Action.ASSESS, appeal.run)
    appeal = Appeal.objects.select_for_update().select_related("run__scheme").get(pk=appeal.pk)
    if appeal.status != AppealStatus.PENDING:
        raise ValidationError(_("The appeal was decided already."))
    if appeal.run.is_frozen:
        raise ValidationError(_("The scores are published; the appeal can no longer change them."))
    if not (decision or "").strip():
        raise ValidationError(_("Give the reason for the decision."))
    appeal.status = AppealStatus.ACCEPTED if accept else AppealStatus.REJECTED
    appeal.adjustment = points(adjustment) if accept else ZERO
    appeal.decision, appeal.decided_by, appeal.decided_at = decision.strip(), actor(by), timezone.now()
    appeal.save()
    if accept:
        request_computation(appeal.run.scheme, appeal.run.month, by=by)
    return appeal


# --- writes: assessor entries -------------------------------------------------------------------


def _in_group(scheme, organization):
    if not group_of(scheme).filter(pk=organization.pk).exists():
        raise ValidationError(_("%(org)s is not assessed by this scheme.") % {"org": organization.name})


@transaction.atomic
def set_manual_points(indicator, organization, month, *, by, points_given, comment):
    require(by, Action.ASSESS, indicator)
    if indicator.rule != RuleKind.MANUAL:
        raise ValidationError(_("Points are entered only on indicators scored by an assessor."))
    _in_group(indicator.scheme, organization)
    value = Decimal(str(points_given))
    if not ZERO <= value <= indicator.max_points:
        raise ValidationError(_("Between 0 and %(max)s points.") % {"max": fmt(indicator.max_points)})
    if not (comment or "").strip():
        raise ValidationError(_("A comment is required."))
    entry, _created = ManualPoints.objects.update_or_create(
        indicator=indicator, organization=organization, month=reporting.month_start(month),
        defaults={"points": value, "comment": comment.strip(), "entered_by": actor(by)})
    return entry


@transaction.atomic
def add_adjustment(scheme, organization, month, *, by, kind, points_given, reason):
    require(by, Action.ASSESS, scheme)
    _in_group(scheme, organization)
    value = Decimal(str(points_given))
    if value <= 0:
        raise ValidationError(_("The points must be more than 0."))
    if not (reason or "").strip():
        raise ValidationError(_("A reason is required."))
    return Adjustment.objects.create(scheme=scheme, organization=organization, month=reporting.month_start(month),
                                     kind=kind, points=value, reason=reason.strip(), entered_by=actor(by))


@transaction.atomic
def remove_adjustment(adjustment, *, by):
    require(by, Action.ASSESS, adjustment.scheme)
    adjustment.delete()


# --- writes: schemes ----------------------------------------------------------------------------


def check_indicator(indicator):
    """Rules belong to 二级指标 only; their parameters must make sense."""
    if indicator.parent_id is None and indicator.rule:
        if indicator.pk and indicator.children.exists():
            raise ValidationError({"rule": _("A 一级指标 with 二级指标 below it is the sum of them and has no rule.")})
    if indicator.parent_id is not None:
        if indicator.parent.parent_id is not None:
            raise ValidationError({"parent": _("Indicators have two levels.")})
        if indicator.parent.scheme_id != indicator.scheme_id:
            raise ValidationError({"parent": _("The 一级指标 belongs to another scheme.")})
        if not indicator.rule:
            raise ValidationError({"rule": _("A 二级指标 needs a scoring rule.")})
    params = indicator.params or {}
    if indicator.rule == RuleKind.REPORT_FIELD:
        if not params.get("field"):
            raise ValidationError({"params": _("Name the report field (its key).")})
        if params.get("mode", FieldMode.FULL) not in FieldMode.values:
            raise ValidationError({"params": _("The mode is full, proportional or stepped.")})
        if params.get("mode") == FieldMode.STEPPED and not params.get("steps"):
            raise ValidationError({"params": _("Give the steps as [[at least, points], …].")})
    try:
        for value in (params.get(k) for k in ("standard", "key_weight", "submitted", "on_time", "approved", "per_day_late")):
            if value is not None and Decimal(str(value)) < 0:
                raise ValidationError({"params": _("Numbers in the parameters must not be negative.")})
        numbers = [Decimal(str(value)) for value in params.values()
                   if isinstance(value, (int, float)) and not isinstance(value, bool)]
        for step in params.get("steps", []):
            numbers += [Decimal(str(step[0])), Decimal(str(step[1]))]
        if not all(number.is_finite() for number in numbers):  # infinity is no JSON: the row could not be saved
            raise ArithmeticError
    except (ArithmeticError, ValueError, TypeError, IndexError) as exc:
        raise ValidationError({"params": _("The parameters have a value that is not a number.")}) from exc


@transaction.atomic
def save_scheme(scheme, *, by):
    require_write(by, Action.ASSESS, scheme)
    thresholds = scheme.thresholds or {}
    try:
        values = [Decimal(str(thresholds[k])) for k in ("excellent", "good", "pass")]
    except (KeyError, ArithmeticError, ValueError) as exc:
        raise ValidationError({"thresholds": _("Give the lowest scores of 优秀, 良好 and 合格.")}) from exc
    if not all(value.is_finite() for value in values):
        raise ValidationError({"thresholds": _("Give the lowest scores of 优秀, 良好 and 合格.")})
    if not values[0] >= values[1] >= values[2] >= 0:
        raise ValidationError({"thresholds": _("优秀 ≥ 良好 ≥ 合格 ≥ 0, please.")})
    scheme.save()
    return scheme


FROZEN = (RunStatus.PUBLISHED, RunStatus.SUPERSEDED)


def in_published_scores(indicator):
    return ScoreItem.objects.filter(indicator=indicator, score__run__status__in=FROZEN).exists() or \
        ScoreItem.objects.filter(indicator__parent=indicator, score__run__status__in=FROZEN).exists()


@transaction.atomic
def save_indicator(indicator, *, by):
    """Save an indicator; once published scores rest on it, its points and rule stay as they were."""
    require_write(by, Action.ASSESS, indicator)
    check_indicator(indicator)
    if indicator.pk and in_published_scores(indicator):
        stored = Indicator.objects.get(pk=indicator.pk)
        if (stored.max_points, stored.rule, stored.params, stored.parent_id) != (
                indicator.max_points, indicator.rule, indicator.params, indicator.parent_id):
            raise ValidationError(_("Published scores rest on this indicator: its points and rule can no longer "
                                    "change (the name and standard text can). Issue a new scheme for new rules."))
    indicator.save()
    return indicator


@transaction.atomic
def delete_indicator(indicator, *, by):
    require(by, Action.ASSESS, indicator)
    if in_published_scores(indicator):
        raise ValidationError(_("Published scores rest on this indicator; it cannot be deleted."))
    indicator.delete()


@transaction.atomic
def delete_scheme(scheme, *, by):
    require(by, Action.ASSESS, scheme)
    if scheme.runs.filter(status__in=FROZEN).exists():
        raise ValidationError(_("The scheme has published scores; make it inactive instead."))
    scheme.delete()


# --- reads ----------------------------------------------------------------------------------------


def visible_scores(user):
    """Scores a user may see: every run of the schemes they assess; of the rest, the runs shown to the
    assessed (open for appeal or published) for organisations in their part of the tree."""
    assessing = scope_q(user, Action.ASSESS, "run__scheme__organization__path")
    shown = scope_q(user, Action.VIEW, "organization__path") & Q(run__status__in=[RunStatus.APPEAL, RunStatus.PUBLISHED])
    return Score.objects.filter(assessing | shown)


def visible_schemes(user):
    """Schemes a user may read: issued in their part of the tree, or by an organisation above one of their
    organisations (a scheme's rules and weights are open to those it assesses)."""
    steplen = Organization.steplen
    above = {ra.organization.path[:end] for ra in role_assignments(user)
             for end in range(steplen, len(ra.organization.path) + 1, steplen)}
    return AssessmentScheme.objects.filter(scope_q(user, Action.VIEW, "organization__path") | Q(organization__path__in=above))


def visible_runs(user):
    """Every run of the schemes the user assesses; of other visible schemes, the runs shown to the assessed."""
    assessing = scope_q(user, Action.ASSESS, "scheme__organization__path")
    shown = Q(scheme__in=visible_schemes(user), status__in=[RunStatus.APPEAL, RunStatus.PUBLISHED, RunStatus.SUPERSEDED])
    return AssessmentRun.objects.filter(assessing | shown)


def may_assess(user, scheme):
    return can(user, Action.ASSESS, scheme)


def trend(organization, scheme, user):
    """The organisation's published totals and ranks of the scheme's year, month by month."""
    newest = AssessmentRun.objects.filter(scheme=scheme, month=OuterRef("run__month"), status=RunStatus.PUBLISHED)
    return (visible_scores(user).filter(organization=organization, run__scheme=scheme, run__status=RunStatus.PUBLISHED,
                                        run=Subquery(newest.values("pk")[:1]))
            .select_related("run").order_by("run__month"))


# --- the ready scheme (DOMAIN.md: 团支部月度考核, 100 points) ------------------------------------

DEFAULT_SCHEME = [
    ("组织建设", 40, [
        ("支部委员会", 10, RuleKind.REPORT_FIELD, {"field": "committee_meetings", "standard": 1, "mode": "full"},
         "每月召开支部委员会至少1次，得10分；未召开不得分。"),
        ("团课与团员大会", 10, RuleKind.REPORT_FIELD,
         {"field": "league_lessons", "mode": "stepped", "steps": [[2, 10], [1, 6]]},
         "每月开展团课2次及以上得10分，1次得6分，未开展不得分。"),
        ("青年大学习参学率", 20, RuleKind.REPORT_FIELD, {"field": "study_rate", "standard": 80, "mode": "proportional"},
         "参学率达到80%得满分，不足按比例得分（参学率可超过100%）。"),
    ]),
    ("重点工作", 40, [
        ("工作任务完成", 30, RuleKind.TARGETS, {"against_expected": True, "key_weight": 2},
         "按分解到本组织的量化任务加权完成情况（对照时序进度）计分，重点任务权重为2。"),
        ("主题团日活动", 10, RuleKind.REPORT_FIELD,
         {"field": "theme_days", "mode": "stepped", "steps": [[2, 10], [1, 7]]},
         "每月开展主题团日活动2次及以上得10分，1次得7分。"),
    ]),
    ("报送与日常工作", 20, [
        ("月度报告报送", 10, RuleKind.REPORTING, {"submitted": 6, "on_time": 2, "approved": 2, "per_day_late": 1},
         "按时报送得8分，审核通过再得2分；每迟报1天扣1分，扣完为止；未报不得分。"),
        ("日常工作评价", 10, RuleKind.MANUAL, {}, "由考核员根据日常工作情况评分并说明理由。"),
    ]),
]


@transaction.atomic
def install_default_scheme(organization, year, *, by, levels=("grassroots",)):
    """The ready scheme modelled on DOMAIN.md, issued by ``organization`` for its grassroots organisations."""
    scheme = save_scheme(AssessmentScheme(
        organization=organization, year=year, title=f"{year}年团支部工作月度考核", levels=list(levels),
        bonus_cap=Decimal(10), deduction_cap=Decimal(20), appeal_days=3), by=by)
    for order, (name, maximum, children) in enumerate(DEFAULT_SCHEME):
        parent = Indicator.objects.create(scheme=scheme, name=name, max_points=Decimal(maximum), order=order * 10)
        for position, (child, child_max, rule, params, standard) in enumerate(children, start=1):
            Indicator.objects.create(scheme=scheme, parent=parent, name=child, max_points=Decimal(child_max), rule=rule,
                                     params=params, standard=standard, order=order * 10 + position)
    return scheme


def schemes_due(today):
    """Active schemes whose compute day is today, with last month to compute (beat, every morning)."""
    month = reporting.last_month(today)
    return [(scheme, month) for scheme in AssessmentScheme.objects.filter(is_active=True, compute_day=today.day,
                                                                          year=month.year)
            if latest_run(scheme, month) is None]
