"""Writes of the monthly assessment: computing a month, the appeal window, publishing, appeals, assessor
entries, schemes and indicators. Each checks the user's right, runs in one transaction and leaves its
side effects (the computation in Celery, notifications) until the commit.

Runs: computing → provisional → (open for appeal) → published. Published runs are frozen; a
recomputation of a published month makes a new version (with who asked and why) that supersedes
the old one when it is published in turn.
"""
import datetime
from decimal import Decimal

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core import months
from core.files import store_file, validate_evidence
from core.jobs import enqueue
from notifications.services import Message, Text, send
from orgs import audit
from orgs.choices import AuditAction
from orgs.permissions import Action, actor, require, require_write
from reports import selectors as report_selectors
from volunteers.choices import VolunteerFigure

from . import kinds, selectors
from .choices import AppealStatus, FieldMode, RuleKind, RunStatus
from .compute import progress_key
from .models import Adjustment, Appeal, AppealEvidence, AssessmentRun, AssessmentScheme, Indicator, ManualPoints
from .rules import ZERO, fmt, points
from .selectors import FROZEN, group_of, in_published_scores, latest_run

MAX_APPEAL_FILES = 10

# --- writes: runs -------------------------------------------------------------------------------


@transaction.atomic
def request_computation(scheme, month, *, by, reason=""):
    """Compute a month's scores: the open run again, or a new version after publication (a reason is
    needed then). The computation runs in Celery once this transaction commits."""
    require(by, Action.ASSESS, scheme)
    month = check_preview_month(scheme, month)
    check_month_closed(scheme, month)
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
    audit.record(by, AuditAction.SCORES_COMPUTE, run, note=reason,
                 changes={"month": [None, month], "version": [None, run.version]})
    cache.set(progress_key(run.pk), 0, 3600)
    enqueue("assessment.tasks.compute_scores", run.pk)
    return run


def check_preview_month(scheme, month):
    """A month a preview may show: of the scheme's year, begun already."""
    month = months.month_start(month)
    if month.year != scheme.year:
        raise ValidationError(_("The scheme is for %(year)d.") % {"year": scheme.year})
    if month > months.month_start(timezone.localdate()):
        raise ValidationError(_("%(month)s has not begun yet.") % {"month": f"{month:%Y-%m}"})
    return month


def check_month_closed(scheme, month):
    """A month is computed for real only once its reports are all due (the last due day of the group's reporting
    rules has passed, reports.selectors.reporting_closes); before, only a preview (compute.preview) may be shown."""
    closes = selectors.reporting_closes(scheme, month)
    if timezone.localdate() <= closes:
        raise ValidationError({"month": ValidationError(
            _("The reports on %(month)s are due by %(date)s: the month can be computed from %(next)s. Until then "
              "only a preview can be shown, which is not stored, published or sent.")
            % {"month": f"{month:%Y-%m}", "date": f"{closes:%Y-%m-%d}",
               "next": f"{closes + datetime.timedelta(days=1):%Y-%m-%d}"},
            code="month_open")})


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
    audit.record(by, AuditAction.APPEALS_OPEN, run, changes={"status": [RunStatus.PROVISIONAL, run.status],
                                                              "appeal_until": [None, run.appeal_until]})
    _tell_group(run, kinds.SCORES_PROVISIONAL,
                gettext_noop("Provisional %(month)s scores of “%(scheme)s” are out; appeals until %(until)s"),
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
    before = audit.snapshot(run, ("status",))
    run.status, run.published_at, run.published_by = RunStatus.PUBLISHED, timezone.now(), actor(by)
    run.save(update_fields=["status", "published_at", "published_by"])
    audit.record(by, AuditAction.SCORES_PUBLISH, run, changes=audit.diff(before, audit.snapshot(run, ("status",))))
    _tell_group(run, kinds.SCORES_PUBLISHED, gettext_noop("The %(month)s scores of “%(scheme)s” are published"))
    return run


def _tell_group(run, kind, msgid, **extra):
    """Tell the assessed group's reporters; ``msgid`` (marked with gettext_noop) is translated for each reader."""
    organizations = list(group_of(run.scheme).values_list("pk", flat=True))
    users = set().union(*report_selectors.reporters_by_organization(organizations).values()) if organizations else set()
    text = Text(msgid, {"month": f"{run.month:%Y-%m}", "scheme": run.scheme.title, **extra})
    send([Message(users, text, kind, url=reverse("assessment:my_scores"))])


# --- writes: appeals ----------------------------------------------------------------------------


@transaction.atomic
def file_appeal(run, organization, *, by, reason, files=()):
    """An assessed organisation objects to its provisional score, with a reason and evidence."""
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
    for upload in files:
        store_file(AppealEvidence(appeal=appeal), upload)
    audit.record(by, AuditAction.APPEAL_FILE, appeal, note=appeal.reason,
                 changes={"status": [None, appeal.status], **({"evidence": [None, len(files)]} if files else {})})
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
    audit.record(by, AuditAction.APPEAL_DECIDE, appeal, note=appeal.decision,
                 changes={"status": [AppealStatus.PENDING, appeal.status], "adjustment": [None, appeal.adjustment]})
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
    before = audit.snapshot(ManualPoints.objects.filter(indicator=indicator, organization=organization,
                                                       month=months.month_start(month)).first(), ("points", "comment"))
    entry, _created = ManualPoints.objects.update_or_create(
        indicator=indicator, organization=organization, month=months.month_start(month),
        defaults={"points": value, "comment": comment.strip(), "entered_by": actor(by)})
    audit.record(by, AuditAction.POINTS_SET, entry,
                 changes=audit.diff(before, audit.snapshot(entry, ("points", "comment"))))
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
    adjustment = Adjustment.objects.create(scheme=scheme, organization=organization, month=months.month_start(month),
                                           kind=kind, points=value, reason=reason.strip(), entered_by=actor(by))
    audit.record(by, AuditAction.ADJUSTMENT_ADD, adjustment, changes=audit.diff({}, audit.snapshot(
        adjustment, ("kind", "points", "month", "reason"))))
    return adjustment


@transaction.atomic
def remove_adjustment(adjustment, *, by):
    require(by, Action.ASSESS, adjustment.scheme)
    audit.record(by, AuditAction.ADJUSTMENT_REMOVE, adjustment, changes=audit.diff(
        audit.snapshot(adjustment, ("kind", "points", "month", "reason")), {}))
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
    if indicator.rule == RuleKind.VOLUNTEERS:
        if params.get("figure") not in VolunteerFigure.values:
            raise ValidationError({"params": _("Name the volunteer figure: one of %(figures)s.") % {
                "figures": ", ".join(VolunteerFigure.values)}})
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
    before = audit.snapshot(AssessmentScheme.objects.filter(pk=scheme.pk).first() if scheme.pk else None)
    scheme.save()
    audit.record(by, AuditAction.SCHEME_SAVE, scheme, changes=audit.diff(before, audit.snapshot(scheme)))
    return scheme


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
    before = audit.snapshot(Indicator.objects.filter(pk=indicator.pk).first() if indicator.pk else None)
    indicator.save()
    audit.record(by, AuditAction.INDICATOR_SAVE, indicator, changes=audit.diff(before, audit.snapshot(indicator)))
    return indicator


@transaction.atomic
def delete_indicator(indicator, *, by):
    require(by, Action.ASSESS, indicator)
    if in_published_scores(indicator):
        raise ValidationError(_("Published scores rest on this indicator; it cannot be deleted."))
    audit.record(by, AuditAction.INDICATOR_DELETE, indicator, changes=audit.diff(audit.snapshot(indicator), {}))
    indicator.delete()


@transaction.atomic
def delete_scheme(scheme, *, by):
    require(by, Action.ASSESS, scheme)
    if scheme.runs.filter(status__in=FROZEN).exists():
        raise ValidationError(_("The scheme has published scores; make it inactive instead."))
    audit.record(by, AuditAction.SCHEME_DELETE, scheme, changes=audit.diff(audit.snapshot(scheme), {}))
    scheme.delete()


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
