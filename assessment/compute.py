"""Computing a scheme's scores for a month.

A computation reads everything it needs with one query per kind of fact (the group, the
assignments, the month's reports, manual points, bonuses and deductions, accepted appeals, the
earlier months' published totals), scores every organisation with the rules of ``rules.py``, and
updates the run's rows in one transaction (a score keeps its row, and so its address, across recomputations; its
breakdown is replaced). Running it again on the same data writes identical rows;
a crash midway leaves the rows of the last complete computation (the transaction rolls back), so a
retry is safe.
"""
import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import NamedTuple

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import months
from core.bulk import insert_rows, update_rows
from plans.choices import PlanStatus
from plans.models import Assignment
from reports import selectors as report_selectors
from reports.models import MonthlyReport
from volunteers import selectors as volunteer_selectors

from .choices import AdjustmentKind, AppealStatus, Grade, ItemKind, RuleKind, RunStatus
from .models import Adjustment, Appeal, AssessmentRun, ManualPoints, Score, ScoreItem
from .rules import (
    ZERO,
    adjustment_text,
    capped,
    grade,
    points,
    ranks,
    score_field,
    score_manual,
    score_reporting,
    score_targets,
    score_volunteers,
)
from .selectors import group_of, published_runs

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
    volunteers: dict = field(default_factory=dict)  # org → volunteers.selectors.Figures at the month's end
    owed: set = field(default_factory=set)  # the orgs that owe a report on the month (reports.selectors.owing_reports)
    month: datetime.date | None = None


def gather(scheme, month, group) -> Facts:
    facts = Facts(month=month)
    for task in Assignment.objects.filter(
        organization__in=group, target__isnull=False, plan__year=scheme.year, plan__status=PlanStatus.PUBLISHED,
    ).values("pk", "organization_id", "completion", "expected", "actual_value", "assigned_value", "point__is_key",
             "target__metric", "target__unit").order_by("organization_id", "point__section__order", "point__order", "pk"):
        facts.tasks[task["organization_id"]].append(task)
    facts.reports = {r.organization_id: r for r in MonthlyReport.objects.filter(organization__in=group, month=month)
                     .only("organization_id", "month", "status", "values", "days_late")}  # not the long texts
    facts.owed = set(report_selectors.owing_reports(month, group).values_list("pk", flat=True))
    facts.manual = {(m.indicator_id, m.organization_id): m for m in ManualPoints.objects.filter(
        indicator__scheme=scheme, month=month, organization__in=group).select_related("entered_by")}
    for adjustment in Adjustment.objects.filter(scheme=scheme, month=month, organization__in=group).order_by("pk"):
        facts.adjustments[adjustment.organization_id].append(adjustment)
    for appeal in Appeal.objects.filter(run__scheme=scheme, run__month=month, status=AppealStatus.ACCEPTED,
                                        organization__in=group).order_by("pk"):
        facts.appeals[appeal.organization_id].append(appeal)
    keys = {i.params.get("field") for i in scheme.indicators.all() if i.rule == RuleKind.REPORT_FIELD}
    facts.labels = {f.key: f.label for f in report_selectors.fields_for(scheme.organization) if f.key in keys}
    if any(i.rule == RuleKind.VOLUNTEERS for i in scheme.indicators.all()):
        facts.volunteers = volunteer_selectors.figures_for(group.values_list("pk", flat=True), month)
    earlier_months = [datetime.date(month.year, m, 1) for m in range(1, month.month)]
    for run_month, organization_id, total in Score.objects.filter(
        run__in=published_runs(scheme, earlier_months), organization__in=group,
    ).values_list("run__month", "organization_id", "total"):
        facts.earlier[organization_id].append(total)
        if run_month == months.previous_month(month):
            facts.last_month[organization_id] = total
    return facts


class Line(NamedTuple):
    """A line of a score's breakdown, as its ScoreItem stores it: the kind says what it is, the text explains it."""

    kind: str
    indicator: object
    raw: object
    points: object
    explanation: str


def score_leaf(indicator, organization_id, facts):
    """The rule of the indicator's kind, given this organisation's facts."""
    if indicator.rule == RuleKind.TARGETS:
        return score_targets(indicator, facts.tasks.get(organization_id, []))
    if indicator.rule == RuleKind.REPORTING:
        return score_reporting(indicator, facts.reports.get(organization_id), organization_id in facts.owed, facts.month)
    if indicator.rule == RuleKind.REPORT_FIELD:
        return score_field(indicator, facts.reports.get(organization_id), facts.labels, organization_id in facts.owed,
                           facts.month)
    if indicator.rule == RuleKind.VOLUNTEERS:
        return score_volunteers(indicator, facts.volunteers.get(organization_id), facts.month)
    return score_manual(indicator, facts.manual.get((indicator.pk, organization_id)))


# --- the computation ----------------------------------------------------------------------------


def progress_key(run_id):
    return f"assessment-run-progress:{run_id}"


def progress_of(run):
    """Percent done of a run being computed (shared through the cache between worker and pages)."""
    return cache.get(progress_key(run.pk), 0) if run.status == RunStatus.COMPUTING else 100


@dataclass
class Result:
    """One organisation's score as computed, before it is stored (or shown as a preview)."""

    organization: object
    total: object
    bonus: object
    deduction: object
    items: list
    rank: int = 0
    grade: str = ""
    change: object = None
    ytd_total: object = None
    ytd_average: object = None

    @property
    def grade_label(self):
        return Grade(self.grade).label if self.grade else ""


def score_group(scheme, month, progress=None) -> list[Result]:
    """Every organisation of the scheme's group scored for ``month``, ranked and graded: reads only, writes nothing
    (``compute`` stores the results; ``preview`` shows them)."""
    progress = progress or (lambda percent: None)
    leaves = [i for i in scheme.indicators.all() if i.rule]
    group = group_of(scheme)
    organizations = list(group.only("pk", "path", "name", "short_name", "code"))
    facts = gather(scheme, month, group)
    progress(40)
    results = {}
    for organization in organizations:
        items = []
        for indicator in leaves:
            raw, earned, text = score_leaf(indicator, organization.pk, facts)
            items.append(Line(ItemKind.INDICATOR, indicator, raw, points(earned), text))
        adjustments = facts.adjustments.get(organization.pk, [])
        bonuses = [a for a in adjustments if a.kind == AdjustmentKind.BONUS]
        deductions = [a for a in adjustments if a.kind == AdjustmentKind.DEDUCTION]
        bonus, deduction = points(capped(bonuses, scheme.bonus_cap)), points(capped(deductions, scheme.deduction_cap))
        if bonuses:
            items.append(Line(ItemKind.BONUS, None, None, bonus, adjustment_text(bonuses, scheme.bonus_cap, _("Bonus"))))
        if deductions:
            items.append(Line(ItemKind.DEDUCTION, None, None, -deduction,
                              adjustment_text(deductions, scheme.deduction_cap, _("Deduction"))))
        for appeal in facts.appeals.get(organization.pk, []):
            items.append(Line(ItemKind.APPEAL, None, None, points(appeal.adjustment),
                              _("Appeal accepted: %(decision)s") % {"decision": appeal.decision or appeal.reason}))
        total = max(points(sum((line.points for line in items), start=ZERO)), ZERO)
        results[organization.pk] = Result(organization, total, bonus, deduction, items)
    rank = ranks({pk: r.total for pk, r in results.items()})
    for pk, result in results.items():
        earlier = facts.earlier.get(pk, [])
        result.rank = rank[pk]
        result.grade = grade(scheme, result.total, rank[pk], len(results))
        result.change = (result.total - facts.last_month[pk]) if pk in facts.last_month else None
        result.ytd_total = points(sum(earlier, start=result.total))
        result.ytd_average = points(sum(earlier, start=result.total) / (len(earlier) + 1))
    progress(70)
    return list(results.values())


def preview(scheme, month) -> list[Result]:
    """预览: the month scored as it stands, in rank order; nothing is stored, published or sent, so it counts nowhere
    (no run, no score, no year to date, no notification)."""
    return sorted(score_group(scheme, month), key=lambda r: (r.rank, r.organization.path))


ITEM_FIELDS = ["kind", "indicator", "raw", "points", "explanation"]  # a Line, as ScoreItem stores it
SCORE_FIELDS = ["total", "bonus", "deduction", "rank", "grade", "change", "ytd_total", "ytd_average"]


def compute(run_id):
    """Compute (or compute again) a run that is not frozen; returns the number of scores written. A score row is
    kept across recomputations (updated in place, its breakdown replaced), so links to it stay valid."""
    run = AssessmentRun.objects.select_related("scheme__organization").get(pk=run_id)
    if run.is_frozen:
        return run.scores.count()
    cache.set(progress_key(run.pk), 5, 3600)
    results = score_group(run.scheme, run.month, lambda percent: cache.set(progress_key(run.pk), percent, 3600))
    with transaction.atomic():
        run = AssessmentRun.objects.select_for_update().get(pk=run.pk)
        if run.is_frozen:
            return run.scores.count()
        kept = {s.organization_id: s for s in Score.objects.filter(run=run)}
        fresh, changed = [], []
        for result in results:
            values = {name: getattr(result, name) for name in SCORE_FIELDS}
            score = kept.pop(result.organization.pk, None)
            if score is None:
                fresh.append(Score(run=run, organization=result.organization, **values))
            else:
                for name, value in values.items():
                    setattr(score, name, value)
                changed.append(score)
        Score.objects.filter(pk__in=[s.pk for s in kept.values()]).delete()  # no longer in the group
        # set-based writes (core.bulk): bulk_update's CASE expressions took most of a province's computation
        update_rows(Score, SCORE_FIELDS, [[getattr(s, name) for name in SCORE_FIELDS] + [s.pk] for s in changed])
        Score.objects.bulk_create(fresh)
        by_org = {s.organization_id: s.pk for s in [*changed, *fresh]}
        # by the kept scores' ids, not a join on the run: an index scan whatever the planner believes of the tables
        # (freshly filled inside one transaction, the join's semi-join plan took minutes a month)
        kept_ids = [s.pk for s in changed]
        for start in range(0, len(kept_ids), 900):  # SQLite's bound on query parameters
            ScoreItem.objects.filter(score_id__in=kept_ids[start:start + 900]).delete()
        insert_rows(ScoreItem, ["score", *ITEM_FIELDS], [
            (by_org[result.organization.pk], line.kind, line.indicator.pk if line.indicator else None, line.raw,
             line.points, line.explanation)
            for result in results for line in result.items
        ])
        run.status = RunStatus.APPEAL if run.appeal_until else RunStatus.PROVISIONAL
        run.computed_at, run.error = timezone.now(), ""
        run.save(update_fields=["status", "computed_at", "error"])
    cache.set(progress_key(run.pk), 100, 3600)
    return len(results)


def mark_failed(run_id, error):
    AssessmentRun.objects.filter(pk=run_id, status=RunStatus.COMPUTING).update(status=RunStatus.FAILED, error=str(error)[:2000])
