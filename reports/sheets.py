"""Monthly reports as spreadsheets: a month's reports of a subtree, and the offline form a branch fills in.

Both use one layout — one row per organisation, one column per report field — so an exported
sheet can be filled in and uploaded again. The upload is checked row by row (organisation, right
to report, month, each figure against its field's type and bounds, a report that can still be
edited) and nothing is written unless every row is valid.
"""
from decimal import Decimal

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core import months
from core.spreadsheets import CheckedUpload, Column, Table, parse_month_cell, write_xlsx
from orgs.models import Organization
from orgs.permissions import Action, can

from . import grid, services
from .choices import FieldType
from .models import MonthlyReport
from .selectors import fields_defined_for, fields_for_many, one_per_key, owing_reports

CODE, NAME, MONTH = "组织编码", "组织名称", "月份"
NARRATIVE = {"work_done": "本月工作完成情况", "problems": "存在问题", "next_plan": "下月工作计划"}
INFO = [Column("状态", 8), Column("截止日期", 12, "yyyy-mm-dd"), Column("提交时间", 17, "yyyy-mm-dd hh:mm"),
        Column("迟报天数", 9), Column("审核人", 10), Column("审核时间", 17, "yyyy-mm-dd hh:mm"), Column("退回原因", 24)]
NUMBER_FORMATS = {FieldType.INTEGER: "0", FieldType.DECIMAL: "#,##0.##", FieldType.PERCENT: "0.#"}
# what the offline form checks as it is filled: a drop-down for yes/no, numbers within the field's bounds
CHECKS = {FieldType.INTEGER: {"kind": "whole"}, FieldType.DECIMAL: {"kind": "decimal"},
          FieldType.PERCENT: {"kind": "decimal"}, FieldType.BOOLEAN: {"choices": ("是", "否")}}
INSTRUCTIONS = [
    "本表是月度报告的离线填报表：每行是一个组织一个月的报告，已保存的内容已经填入。",
    "组织编码和月份（YYYY-MM）确定每一行，请勿修改；可以删除不填的行。",
    "在“月度报告”页面的“上传填报表”处上传本文件，各行保存为草稿（或直接提交）；已提交或已通过的报告不能再改。",
]


def field_columns(organizations):
    """The columns of ``organizations``' report fields: only fields defined on their own paths, so that a
    sheet never names a field of a part of the tree that is not in it."""
    return one_per_key(fields_defined_for(organizations))


def _columns(fields, with_info):
    return [Column(CODE, 16, help="必填，智慧团建组织编码。"), Column(NAME, 30, help="仅供核对，导入时不读。"),
            Column(MONTH, 9, help="必填，写作 YYYY-MM，例如 2026-05。"), *(INFO if with_info else []),
            *(Column(f.label, max(10, len(f.label) * 2), NUMBER_FORMATS.get(f.field_type), help=f.help_text or "",
                     minimum=f.minimum, maximum=f.maximum, **CHECKS.get(f.field_type, {})) for f in fields),
            *(Column(header, 36, help="文字，最多 5000 字。") for header in NARRATIVE.values())]


def _cell(field, value):
    if value in (None, ""):
        return None
    if field.field_type == FieldType.BOOLEAN:
        return "是" if value else "否"
    if field.field_type in (FieldType.DECIMAL, FieldType.PERCENT):
        return Decimal(str(value))
    return value


def _local(moment):
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def export_month(organizations, month, *, with_info=True, instructions=None, today=None) -> bytes:
    """A month's reports of ``organizations``: one row each, reports or not. The state column says what the grid's
    cell says (``grid.cell_state``): a report's status, 未报 once the deadline has passed, 未到期 before it, 无需报送
    for an organisation that does not owe the month (``selectors.owing_reports``)."""
    today = today or timezone.localdate()
    organizations = list(organizations.order_by("path"))
    fields = field_columns(organizations)
    reports = {r.organization_id: r for r in MonthlyReport.objects.filter(
        organization__in=organizations, month=month).select_related("reviewed_by")}
    owing = dict(owing_reports(month, Organization.objects.filter(pk__in=[o.pk for o in organizations]))
                 .values_list("pk", "due_day"))
    rows = []
    for organization in organizations:
        report = reports.get(organization.pk)
        info = []
        if with_info:
            due_day = owing.get(organization.pk)
            with translation.override("zh-hans"):
                state = grid.state_label(grid.cell_state(report, due_day, organization.pk in owing, month, today))
            due_on = report.due_on if report else months.due_date(month, due_day) if due_day else None
            info = [state, due_on,
                    _local(report.submitted_at) if report else None, report.days_late if report else None,
                    (report.reviewed_by.get_full_name() or report.reviewed_by.username) if report and report.reviewed_by else None,
                    _local(report.reviewed_at) if report else None, report.return_reason if report else None]
        values = report.values if report else {}
        rows.append([organization.code, organization.name, f"{month:%Y-%m}", *info,
                     *(_cell(f, values.get(f.key)) for f in fields),
                     *((getattr(report, name) or None) if report else None for name in NARRATIVE)])
    return write_xlsx(_columns(fields, with_info), rows, sheet_title=f"{month:%Y-%m}月度报告",
                      instructions=instructions)


def template(organizations, month) -> bytes:
    """The offline form: the export's layout without the review columns, what is saved already filled in; a
    template (drop-downs and checks, a locked header, the 说明 sheet)."""
    return export_month(organizations, month, with_info=False, instructions=INSTRUCTIONS)


def check_upload(table: Table, user) -> CheckedUpload:
    """Check every row of an uploaded form; the result holds either the rows to save, as (organization, month,
    values, narrative), or every problem."""
    result = CheckedUpload()
    for header in (CODE, MONTH):
        if header not in table.headers:
            result.errors.append((1, header, _("The column is missing from the header row.")))
    if result.errors:
        return result
    codes = {str(cells.get(CODE) or "").strip() for _row, cells in table.rows}
    organizations = {o.code: o for o in Organization.objects.filter(code__in=codes - {""})}
    fields = fields_for_many(list(organizations.values()))
    existing = {(r.organization_id, r.month): r for r in MonthlyReport.objects.filter(organization__in=organizations.values())}
    this_month = months.this_month()
    narrative_headers = {header: name for name, header in NARRATIVE.items()}
    seen = {}
    for row, cells in table.rows:
        code = str(cells.get(CODE) or "").strip()
        organization = organizations.get(code)
        if organization is None or not can(user, Action.VIEW, organization):
            result.errors.append((row, CODE, _("“%(code)s” is not an organisation you can see.") % {"code": code}))
            continue
        if not can(user, Action.RECORD_PROGRESS, organization):
            result.errors.append((row, CODE, _("You may not fill in reports for %(org)s.") % {"org": organization.name}))
            continue
        month, message = parse_month_cell(cells.get(MONTH))
        if message:
            result.errors.append((row, MONTH, message))
            continue
        if month > this_month:
            result.errors.append((row, MONTH, _("%(month)s has not begun yet.") % {"month": f"{month:%Y-%m}"}))
            continue
        if (code, month) in seen:
            result.errors.append((row, CODE, _("%(code)s appears twice for %(month)s, first in row %(row)d.")
                                  % {"code": code, "month": f"{month:%Y-%m}", "row": seen[(code, month)]}))
            continue
        seen[(code, month)] = row
        report = existing.get((organization.pk, month))
        if report is not None and report.status not in services.EDITABLE:
            result.errors.append((row, MONTH, _("The report on %(month)s is %(status)s and cannot be changed.")
                                  % {"month": f"{month:%Y-%m}", "status": report.get_status_display()}))
            continue
        own = {f.label: f for f in fields[organization.pk]}
        raw, stray = {}, []
        for header, value in cells.items():
            if header in (CODE, NAME, MONTH) or header in narrative_headers or header in {c.header for c in INFO}:
                continue
            if header in own:
                raw[own[header].key] = "" if value is None else value
            elif value not in (None, ""):
                stray.append(header)
        for header in stray:
            result.errors.append((row, header, _("The report of %(org)s has no such item.") % {"org": organization.name}))
        values, errors = services.clean_values(fields[organization.pk], raw)
        label_of = {f.key: f.label for f in fields[organization.pk]}
        for key, message in errors.items():
            result.errors.append((row, label_of[key], message))
        if stray or errors:
            continue
        narrative = {name: str(cells.get(header) or "")[:5000] for header, name in narrative_headers.items() if header in cells}
        result.rows.append((organization, month, values, narrative))
    return result


@transaction.atomic
def apply_upload(checked: CheckedUpload, *, by, submit=False) -> int:
    """Save every checked row as the organisation's draft (and submit it when asked); all or nothing."""
    for organization, month, values, narrative in checked.rows:
        report = services.start_report(organization, month, by=by)
        report = services.save_draft(report, by=by, values=values, **narrative)
        if submit:
            services.submit_report(report, by=by)
    return len(checked.rows)
