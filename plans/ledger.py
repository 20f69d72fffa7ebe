"""The ledger (台账) of a plan as a spreadsheet: export, and import of figures filled in offline.

Export: one row per target (or qualitative point) per organisation, with assigned value,
actual, completion, light and last update. Import: the same layout with 本次填报数 (the new
cumulative figure), 截至日期 and 说明 filled in; every row is checked and nothing is written
unless all rows are valid.
"""
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.spreadsheets import CheckedUpload, Column, Table, parse_amount, parse_date, write_xlsx
from orgs import audit
from orgs.choices import AuditAction
from orgs.permissions import Action, can

from . import services
from .choices import Light, PlanStatus
from .models import Assignment

TASK, FIGURE, AS_OF, NOTE = "任务编号", "本次填报数", "截至日期", "说明"
COLUMNS = [
    Column(TASK, 10), Column("部分", 22), Column("工作要点", 36), Column("量化指标", 24), Column("单位", 7),
    Column("组织编码", 16), Column("组织名称", 30), Column("分解目标", 11, "#,##0.##"), Column("完成数", 11, "#,##0.##"),
    Column("完成率", 9, "0%"), Column("状态灯", 10), Column("最近更新", 18, "yyyy-mm-dd hh:mm"),
    Column(FIGURE, 12, "#,##0.##", kind="decimal", minimum=0, help="新的累计数（截至该日期的总数，不是本月增量）。"),
    Column(AS_OF, 12, "yyyy-mm-dd", kind="date", help="留空即为上传当天。"),
    Column(NOTE, 30, help="可选，最多 2000 字。"),
]
INSTRUCTIONS = [
    "本表是工作计划的台账：每行是一个组织的一项量化指标（任务编号标识该行，请勿修改）。",
    "离线填报时只需填写最后三列：本次填报数、截至日期、说明；本次填报数为空的行导入时跳过。",
    "在计划页面的“导入台账”处上传填好的本文件，填报数记为进度。",
]


def ledger_assignments(plan, user, organization=None):
    assignments = Assignment.objects.filter(plan=plan).restrict(user)
    if organization is not None:
        assignments = assignments.filter(organization__path__startswith=organization.path)
    return assignments.select_related("point__section", "target", "organization").order_by(
        "point__section__order", "point__order", "point_id", "target__order", "target_id", "organization__path"
    )


def export_ledger(plan, user, organization=None) -> bytes:
    with translation.override("zh-hans"):
        lights = {value: str(label) for value, label in Light.choices}
    local = timezone.get_current_timezone()
    rows = (
        (
            a.pk, str(a.point.section), str(a.point), a.target.metric if a.target else "", a.target.unit if a.target else "",
            a.organization.code, a.organization.name, a.assigned_value, a.actual_value,
            a.completion, lights.get(a.light, a.light),
            a.last_progress_at.astimezone(local).replace(tzinfo=None) if a.last_progress_at else None,
            None, None, None,
        )
        for a in ledger_assignments(plan, user, organization)
    )
    return write_xlsx(COLUMNS, rows, sheet_title="台账", instructions=INSTRUCTIONS)


def check_ledger(table: Table, plan, user) -> CheckedUpload:
    """Check every filled row; rows without 本次填报数 are skipped. The rows to write: (assignment, figure, as_of, note)."""
    result = CheckedUpload()
    for header in (TASK, FIGURE):
        if header not in table.headers:
            result.errors.append((1, header, _("The column is missing from the header row.")))
    if result.errors:
        return result
    if plan.status == PlanStatus.ARCHIVED:
        result.errors.append((1, TASK, _("The plan is archived; progress can no longer be entered.")))
        return result
    visible = {a.pk: a for a in Assignment.objects.filter(plan=plan).restrict(user).select_related("target", "plan", "organization")}
    seen = {}
    for row, cells in table.rows:
        figure, message = parse_amount(cells.get(FIGURE))
        if message:
            result.errors.append((row, FIGURE, message))
            continue
        if figure is None:
            continue
        raw_task = cells.get(TASK)
        try:
            task = int(Decimal(str(raw_task).strip()))
        except (InvalidOperation, ValueError, TypeError):
            result.errors.append((row, TASK, _("“%(value)s” is not a task number of this plan.") % {"value": raw_task}))
            continue
        assignment = visible.get(task)
        if assignment is None:
            result.errors.append((row, TASK, _("“%(value)s” is not a task number of this plan.") % {"value": raw_task}))
            continue
        if not can(user, Action.RECORD_PROGRESS, assignment):
            result.errors.append((row, TASK, _("You may not enter progress for %(org)s.") % {"org": assignment.organization.name}))
            continue
        if assignment.target_id is None:
            result.errors.append((row, FIGURE, _("A work point without targets takes a status, not a figure.")))
            continue
        if assignment.target.is_bound:
            result.errors.append((row, FIGURE, _("This target fills itself from the volunteer statistics; leave "
                                                 "the figure empty.")))
            continue
        if task in seen:
            result.errors.append((row, TASK, _("Task %(task)s appears twice, first in row %(row)d.") % {"task": task, "row": seen[task]}))
            continue
        seen[task] = row
        as_of, message = parse_date(cells.get(AS_OF))
        if message:
            result.errors.append((row, AS_OF, message))
            continue
        note = str(cells.get(NOTE) or "")[:2000]
        result.rows.append((assignment, figure, as_of, note))
    return result


@transaction.atomic
def apply_ledger(checked: CheckedUpload, *, by) -> int:
    with services.refreshes_batched():
        for assignment, figure, as_of, note in checked.rows:
            services.record_progress(assignment, by=by, reported_on=as_of, value=figure, note=note, audited=False)
    if checked.rows:  # one summary row for the upload, not one per line
        plan = checked.rows[0][0].plan
        audit.record(by, AuditAction.LEDGER_APPLY, plan, changes={"entries": [None, len(checked.rows)]})
    return len(checked.rows)
