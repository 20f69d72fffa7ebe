"""Writes to plans: structure, targets, decomposition down the tree, progress with evidence.

Every function takes ``by=``, checks the permission layer, runs in one transaction and defers
side effects (the roll-up refresh) until the transaction commits.
"""
import datetime
import re
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import ROUND_DOWN, Decimal

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from core import months
from core.files import store_file
from core.jobs import enqueue, send
from orgs import audit
from orgs.choices import AuditAction
from orgs.permissions import Action, actor, require

from .choices import Aggregation, PlanStatus, ProgressRule
from .models import Assignment, Evidence, Milestone, Plan, PointGroup, ProgressEntry, Section, Target, WorkPoint

REFRESH_DELAY_SECONDS = 3


# --- roll-up scheduling -------------------------------------------------------------------


class _EnqueueRefresh:
    """The on-commit callback that enqueues one roll-up refresh, unless one is already pending."""

    def __init__(self, key, kwargs):
        self.key, self.kwargs = key, kwargs

    def __call__(self):
        if cache.add(self.key, 1, timeout=300):
            send("plans.tasks.refresh_rollups", kwargs=self.kwargs, countdown=REFRESH_DELAY_SECONDS)


# The refreshes collected by the innermost ``refreshes_batched()`` block of this thread or task, if any.
_batch: ContextVar[dict | None] = ContextVar("rollup_refresh_batch", default=None)


@contextmanager
def refreshes_batched():
    """Within the block, schedule_refresh() only collects; when the block ends without an error each distinct
    roll-up is scheduled once (a ledger of thousands of rows for one target registers one callback)."""
    if _batch.get() is not None:  # nested: the outer block schedules
        yield
        return
    collected = {}
    token = _batch.set(collected)
    try:
        yield
    finally:
        _batch.reset(token)
    for key, kwargs in collected.items():
        transaction.on_commit(_EnqueueRefresh(key, kwargs))


def schedule_refresh(*, target_id=None, point_id=None, assignment_id=None):
    """Refresh a target's (or a qualitative point's) roll-up after commit, once per burst; after an entry on one
    assignment (``assignment_id``) only that assignment and its target's assignments above it.

    The first commit claims a cache key that the task releases when it starts, so all entries
    that arrive before the worker runs cost one refresh; a rolled-back transaction runs no callback
    and claims nothing. Loops over many rows run inside ``refreshes_batched()``, where entries on many assignments
    of a target cost one refresh of the whole target.
    """
    batch = _batch.get()
    if assignment_id is not None and batch is None:
        key = f"rollup-pending:a:{assignment_id}"
        kwargs = {"assignment_id": assignment_id, "pending_key": key}
    else:
        key = f"rollup-pending:{'t' if target_id else 'p'}:{target_id or point_id}"
        kwargs = {"target_id": target_id, "point_id": point_id, "pending_key": key}
    if batch is not None:
        batch[key] = kwargs
    else:
        transaction.on_commit(_EnqueueRefresh(key, kwargs))


def _audit_change(by, action, obj, before):
    """One row for an edit of ``obj`` whose fields were ``before`` (a snapshot); nothing when nothing changed."""
    changes = audit.diff(before, audit.snapshot(obj, before.keys()))
    if changes:
        audit.record(by, action, obj, changes=changes)


def _check_open(plan):
    if plan.status == PlanStatus.ARCHIVED:
        raise ValidationError(_("The plan is archived; it can no longer be changed."))


# --- plans and their structure ------------------------------------------------------------


@transaction.atomic
def create_plan(*, by, organization, year, title, **fields):
    require(by, Action.EDIT_PLAN, organization)
    plan = Plan(organization=organization, year=year, title=title, created_by=actor(by), **fields)
    plan.validate_constraints()
    plan.save()
    audit.record(by, AuditAction.PLAN_CREATE, plan, changes=audit.diff({}, audit.snapshot(plan, {"year", "title", *fields})))
    return plan


@transaction.atomic
def update_plan(plan, *, by, **fields):
    require(by, Action.EDIT_PLAN, plan)
    if plan.status == PlanStatus.ARCHIVED and fields.get("status", PlanStatus.ARCHIVED) == PlanStatus.ARCHIVED:
        raise ValidationError(_("The plan is archived; it can no longer be changed."))
    before = audit.stored(plan, fields)
    for name, value in fields.items():
        setattr(plan, name, value)
    plan.full_clean()
    plan.save()
    _audit_change(by, AuditAction.PLAN_EDIT, plan, before)
    if {"yellow_threshold", "red_threshold", "status"} & set(fields):  # a published draft gets its lights
        with refreshes_batched():
            for target_id in Target.objects.filter(point__section__plan=plan).values_list("pk", flat=True):
                schedule_refresh(target_id=target_id)
            for point_id in WorkPoint.objects.filter(section__plan=plan).values_list("pk", flat=True):
                schedule_refresh(point_id=point_id)
    return plan


@transaction.atomic
def add_section(plan, *, by, title, number="", order=None):
    require(by, Action.EDIT_PLAN, plan)
    _check_open(plan)
    order = plan.sections.count() if order is None else order
    section = Section.objects.create(plan=plan, number=number, title=title, order=order)
    audit.record(by, AuditAction.SECTION_SAVE, section, changes=audit.diff({}, audit.snapshot(section, ("number", "title"))))
    return section


@transaction.atomic
def update_section(section, *, by, **fields):
    """Rename, renumber or reorder a section; it stays in its plan."""
    require(by, Action.EDIT_PLAN, section)
    _check_open(section.plan)
    before = audit.stored(section, fields)
    for name, value in fields.items():
        setattr(section, name, value)
    section.save()
    _audit_change(by, AuditAction.SECTION_SAVE, section, before)
    return section


@transaction.atomic
def add_group(section, *, by, title, number=""):
    """A group of points inside a section (（一）…); naming an existing one returns it."""
    require(by, Action.EDIT_PLAN, section)
    _check_open(section.plan)
    group, _created = PointGroup.objects.get_or_create(
        section=section, number=number, title=title, defaults={"order": section.groups.count()}
    )
    if _created:
        audit.record(by, AuditAction.GROUP_ADD, group, changes=audit.diff({}, audit.snapshot(group, ("number", "title"))))
    return group


@transaction.atomic
def add_point(section, *, by, title, order=None, new_group=None, **fields):
    """Add a work point; ``new_group`` (number, title) puts it in a new or existing group."""
    require(by, Action.EDIT_PLAN, section)
    _check_open(section.plan)
    if new_group:
        fields["group"] = add_group(section, by=by, number=new_group[0], title=new_group[1])
    order = section.points.count() if order is None else order
    point = WorkPoint.objects.create(section=section, title=title, order=order, **fields)
    audit.record(by, AuditAction.POINT_SAVE, point, changes=audit.diff({}, audit.snapshot(point, {"title", *fields})))
    return point


@transaction.atomic
def update_point(point, *, by, new_group=None, **fields):
    require(by, Action.EDIT_PLAN, point)
    _check_open(point.section.plan)
    if new_group:
        fields["group"] = add_group(point.section, by=by, number=new_group[0], title=new_group[1])
    before = audit.stored(point, fields)
    for name, value in fields.items():
        setattr(point, name, value)
    point.save()
    _audit_change(by, AuditAction.POINT_SAVE, point, before)
    schedule_refresh(point_id=point.pk)
    return point


def root_assignment(point, target=None):
    """The assignment held by the plan's own organisation (created on first need)."""
    plan = point.section.plan
    assignment, _created = Assignment.objects.get_or_create(
        point=point, target=target, organization=plan.organization, parent=None,
        defaults={"plan": plan, "assigned_value": target.value if target else None, "deadline": target.deadline if target else point.deadline},
    )
    return assignment


@transaction.atomic
def add_target(point, *, by, metric, value, **fields):
    """Add a quantified target; the plan's organisation holds it with the full value."""
    require(by, Action.EDIT_PLAN, point)
    _check_open(point.section.plan)
    fields.setdefault("order", point.targets.count())
    target = Target.objects.create(point=point, metric=metric, value=value, **fields)
    audit.record(by, AuditAction.TARGET_SAVE, target, changes=audit.diff({}, audit.snapshot(
        target, {"metric", "value", *fields} - {"order"})))
    root_assignment(point, target)
    schedule_refresh(target_id=target.pk)
    if target.is_bound:
        enqueue("plans.tasks.fill_volunteer_targets")
    return target


@transaction.atomic
def update_target(target, *, by, **fields):
    require(by, Action.EDIT_PLAN, target)
    _check_open(target.point.section.plan)
    was_bound = Target.objects.filter(pk=target.pk).exclude(volunteer_figure="").exists()
    before = audit.stored(target, fields)
    for name, value in fields.items():
        setattr(target, name, value)
    target.save()
    _audit_change(by, AuditAction.TARGET_SAVE, target, before)
    Assignment.objects.filter(target=target, parent=None).update(assigned_value=target.value, deadline=target.deadline)
    if target.is_bound:  # its figures come from the volunteer statistics now
        enqueue("plans.tasks.fill_volunteer_targets")
    elif was_bound:  # typed in again from now on: the entries, if any, are its figures
        from .rollups import refresh_own_values

        refresh_own_values(target.assignments.values_list("pk", flat=True))
    schedule_refresh(target_id=target.pk)
    return target


# --- decomposition --------------------------------------------------------------------------


def split_evenly(total: Decimal, count: int, *, whole=True) -> list[Decimal]:
    """``total`` in ``count`` parts that add up exactly; whole numbers when ``whole``."""
    return split_by_weights(total, [1] * count, whole=whole)


def split_by_weights(total: Decimal, weights, *, whole=True) -> list[Decimal]:
    """Parts of ``total`` proportional to ``weights`` (e.g. member counts), by largest remainder."""
    weights = [Decimal(w) for w in weights]
    if not weights:
        return []
    if sum(weights) == 0:
        weights = [Decimal(1)] * len(weights)
    step = Decimal(1) if whole else Decimal("0.01")
    raw = [total * w / sum(weights) for w in weights]
    parts = [(r / step).to_integral_value(rounding=ROUND_DOWN) * step for r in raw]
    remainder = int(((total - sum(parts)) / step).to_integral_value())
    by_fraction = sorted(range(len(raw)), key=lambda i: raw[i] - parts[i], reverse=True)
    for i in by_fraction[:max(remainder, 0)]:
        parts[i] += step
    return parts


def parts_mismatch(parent: Assignment, values) -> Decimal | None:
    """For a summed target, how far the parts fall short of (or exceed) the whole; else None."""
    if parent.target is None or parent.target.aggregation != Aggregation.SUM or parent.assigned_value is None:
        return None
    difference = sum((v or Decimal(0)) for v in values) - parent.assigned_value
    return difference or None


@transaction.atomic
def decompose(parent: Assignment, parts, *, by, confirm_mismatch=False):
    """Hand ``parent`` down: ``parts`` is a list of (organisation, value, deadline).

    Each organisation must lie below the parent's; giving an organisation a part again changes
    its value. For a summed target, parts that do not add up to the whole need ``confirm_mismatch``.
    """
    require(by, Action.ASSIGN, parent)
    _check_open(parent.plan)
    errors = []
    for organization, value, _deadline in parts:
        if not organization.path.startswith(parent.organization.path) or organization.pk == parent.organization_id:
            errors.append(_("%(org)s is not below %(parent)s.") % {"org": organization.name, "parent": parent.organization.name})
        if parent.target_id and value is None:
            errors.append(_("%(org)s needs a value.") % {"org": organization.name})
        if value is not None and value < 0:
            errors.append(_("%(org)s: the value cannot be negative.") % {"org": organization.name})
    held_elsewhere = Assignment.objects.filter(
        point=parent.point, target=parent.target, organization__in=[org for org, _v, _d in parts]
    ).exclude(parent=parent).select_related("organization")
    for other in held_elsewhere:
        errors.append(_("%(org)s holds this task already.") % {"org": other.organization.name})
    if errors:
        raise ValidationError(errors)
    existing = {a.organization_id: a for a in parent.children.all()}
    values = {org.pk: value for org, value, _d in parts}
    all_values = [values.get(pk, a.assigned_value) for pk, a in existing.items()] + [
        v for pk, v in values.items() if pk not in existing
    ]
    mismatch = parts_mismatch(parent, all_values)
    if mismatch and not confirm_mismatch:
        raise ValidationError(
            _("The parts add up to %(sum)s, not %(whole)s. Confirm to save them anyway.")
            % {"sum": f"{(parent.assigned_value + mismatch).normalize():f}", "whole": f"{parent.assigned_value.normalize():f}"},
            code="mismatch",
        )
    created, changed = [], []
    existing_values = {a.pk: a.assigned_value for a in existing.values()}
    for organization, value, deadline in parts:
        child = existing.get(organization.pk)
        if child is None:
            created.append(Assignment(
                plan=parent.plan, point=parent.point, target=parent.target, organization=organization, parent=parent,
                assigned_value=value, deadline=deadline or parent.deadline, assigned_by=actor(by),
            ))
        elif child.assigned_value != value or (deadline and child.deadline != deadline):
            child.assigned_value, child.deadline = value, deadline or child.deadline
            child.save(update_fields=["assigned_value", "deadline"])
            changed.append(child)
    bulk_create_with_history(created, Assignment, default_user=actor(by))  # 修改记录 shows the decomposition
    if created or changed:  # one row for the whole decomposition: each part's organisation, old and new value
        names = {org.pk: org.name for org, _v, _d in parts}
        audit.record(by, AuditAction.DECOMPOSE, parent, changes={
            **{names[a.organization_id]: [None, a.assigned_value] for a in created},
            **{names[a.organization_id]: [existing_values[a.pk], a.assigned_value] for a in changed}})
    if parent.target_id:
        schedule_refresh(target_id=parent.target_id)
    else:
        schedule_refresh(point_id=parent.point_id)
    return created, changed


# --- progress -------------------------------------------------------------------------------


REPEAT_WINDOW = datetime.timedelta(seconds=30)


@transaction.atomic
def record_progress(assignment, *, by, reported_on, value=None, numerator=None, denominator=None, status="", note="", files=(),
                    audited=True):
    """Record a dated figure (or a status) with evidence files; the roll-up follows on commit.

    For a percentage with numerator and denominator and no value, the value is their ratio. The same
    entry sent again by the same user within ``REPEAT_WINDOW`` (a double click, a retried request)
    returns the first one instead of recording it twice; the assignment's row lock orders the two. A bulk write
    (the ledger) passes ``audited=False`` and leaves one summary row of its own.
    """
    require(by, Action.RECORD_PROGRESS, assignment)
    refuse_bound(assignment)
    value = _value(value, numerator, denominator)
    list(Assignment.objects.select_for_update().filter(pk=assignment.pk).order_by().values_list("pk", flat=True))
    repeat = ProgressEntry.objects.filter(
        assignment=assignment, entered_by=actor(by), reported_on=reported_on, value=value, numerator=numerator,
        denominator=denominator, status=status, note=note, entered_at__gte=timezone.now() - REPEAT_WINDOW,
    ).order_by("-pk").first()
    if repeat is not None and actor(by) is not None:
        return repeat
    entry = _record(assignment, entered_by=by, reported_on=reported_on, value=value, numerator=numerator,
                    denominator=denominator, status=status, note=note, files=files)
    if audited:
        audit.record(by, AuditAction.PROGRESS_RECORD, entry, assignment.organization, object_repr=str(assignment),
                     changes={**audit.diff({}, audit.snapshot(entry, ("reported_on", "value", "status", "note"))),
                              **({"evidence": [None, [f.name for f in files]]} if files else {})})
    return entry


@transaction.atomic
def record_progress_from_report(line, *, submitted_by, reported_on, note):
    """A monthly report's line becomes a progress entry when the report is approved.

    The right was checked twice already: the reporter's when the line was filled in, the
    reviewer's when the report was approved; the entry is the reporter's. A line on a target bound to a
    volunteer figure (bound after the report was started) records nothing.
    """
    if line.assignment.target_id and line.assignment.target.is_bound:
        return None
    return _record(line.assignment, entered_by=submitted_by, reported_on=reported_on, value=line.value, note=note)


def _value(value, numerator, denominator):
    """The figure itself, or for a percentage given as numerator and denominator their ratio."""
    if value is None and numerator is not None and denominator:
        return (Decimal(numerator) / Decimal(denominator) * 100).quantize(Decimal("0.01"))
    return value


def refuse_bound(assignment):
    """A target bound to a volunteer figure takes no progress by hand: ValidationError saying where it comes from."""
    if assignment.target_id and assignment.target.is_bound:
        raise ValidationError(_("This target fills itself from the volunteer statistics (%(figure)s); progress "
                                "cannot be entered by hand.") % {"figure": assignment.target.get_volunteer_figure_display()})


def _record(assignment, *, entered_by, reported_on, value=None, numerator=None, denominator=None, status="", note="", files=()):
    if assignment.plan.status == PlanStatus.ARCHIVED:
        raise ValidationError(_("The plan is archived; progress can no longer be entered."))
    refuse_bound(assignment)
    value = _value(value, numerator, denominator)
    entry = ProgressEntry.objects.create(
        assignment=assignment, reported_on=reported_on, value=value, numerator=numerator, denominator=denominator,
        status=status, note=note, entered_by=actor(entered_by) if entered_by else None,
    )
    for upload in files:
        attach_evidence(entry, upload)
    from .rollups import refresh_own_values

    refresh_own_values([assignment.pk])
    schedule_refresh(target_id=assignment.target_id, point_id=None if assignment.target_id else assignment.point_id,
                     assignment_id=assignment.pk)
    return entry


def attach_evidence(entry, upload):
    return store_file(Evidence(entry=entry), upload)


# --- milestones -----------------------------------------------------------------------------


@transaction.atomic
def add_milestone(point, *, by, title, due_on):
    require(by, Action.EDIT_PLAN, point)
    _check_open(point.section.plan)
    milestone = Milestone.objects.create(point=point, title=title, due_on=due_on)
    audit.record(by, AuditAction.MILESTONE_SAVE, milestone, changes={"title": [None, title], "due_on": [None, due_on]})
    schedule_refresh(point_id=point.pk)
    return milestone


@transaction.atomic
def complete_milestone(milestone, *, by, done_on):
    """Mark a milestone done (or not done again, with ``done_on=None``)."""
    require(by, Action.EDIT_PLAN, milestone.point)
    _check_open(milestone.point.section.plan)
    before = milestone.done_on
    milestone.done_on = done_on
    milestone.save(update_fields=["done_on"])
    if before != done_on:
        audit.record(by, AuditAction.MILESTONE_SAVE, milestone, changes={"done_on": [before, done_on]})
    schedule_refresh(point_id=milestone.point_id)
    return milestone


# --- plans from documents -------------------------------------------------------------------

COMPARATORS = {">=": "gte", "<=": "lte", "=": "eq"}
# at module level, where tests/plans/test_parser_linear.py checks them with the parser's patterns
DEADLINE_MONTH = re.compile(r"(\d{1,2}+)月(底)?")
DEADLINE_YEAR = re.compile(r"到(20\d\d)年")


def deadline_from_phrase(phrase, year):
    """年内/到年底 → 31 Dec; 6月底(前) → 30 Jun; 6月前 → 31 May; 上半年 → 30 Jun; otherwise None."""
    if not phrase or not year:
        return None
    if phrase in ("年内", "全年", "今年", "到年底", "年底前", "年底", "下半年"):
        return datetime.date(year, 12, 31)
    if phrase == "上半年":
        return datetime.date(year, 6, 30)
    match = DEADLINE_MONTH.match(phrase)
    if match and 1 <= int(match.group(1)) <= 12:
        month = int(match.group(1)) if match.group(2) else int(match.group(1)) - 1
        if month < 1:
            return None
        return months.month_end(datetime.date(year, month, 1))
    match = DEADLINE_YEAR.match(phrase)
    if match and int(match.group(1)) == year:
        return datetime.date(year, 12, 31)
    return None


@transaction.atomic
def create_plan_from_structure(*, by, organization, year, title, sections):
    """A draft plan from a parsed (and reviewed) structure: sections → groups → points → targets."""
    plan = create_plan(by=by, organization=organization, year=year, title=title, status=PlanStatus.DRAFT)
    for s_order, section_data in enumerate(sections):
        section = add_section(plan, by=by, number=section_data.get("number", ""), title=section_data["title"], order=s_order)
        group_titles = {g["number"]: g["title"] for g in section_data.get("groups", [])}
        for p_order, point_data in enumerate(section_data.get("points", [])):
            group = point_data.get("group")
            point = add_point(
                section, by=by, number=point_data.get("number", ""), title=point_data["title"],
                text=point_data.get("text", ""), order=p_order,
                new_group=(group, group_titles.get(group, "")) if group else None,
            )
            for t_order, target_data in enumerate(point_data.get("targets", [])):
                unit = target_data.get("unit", "")
                add_target(
                    point, by=by, metric=target_data.get("metric") or target_data.get("text", "")[:200],
                    value=Decimal(str(target_data["value"])), unit=unit,
                    comparator=COMPARATORS.get(target_data.get("comparator"), "gte"),
                    deadline=deadline_from_phrase(target_data.get("deadline"), year),
                    aggregation=Aggregation.AVERAGE if unit == "%" else Aggregation.SUM,
                    progress_rule=ProgressRule.LEVEL if unit == "%" else ProgressRule.CUMULATIVE, order=t_order,
                )
    audit.record(by, AuditAction.PLAN_IMPORT, plan, changes={"sections": [None, len(sections)]})
    return plan
