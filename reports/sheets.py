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

from . import services
from .choices import FieldType, ReportStatus
from .models import MonthlyReport
from .selectors import fields_defined_for, fields_for_many, one_per_key

CODE, NAME, MONTH = "组织编码", "组织名称", "月份"
NARRATIVE = {"work_done": "本月工作完成情况", "problems": "存在问题", "next_plan": "下月工作计划"}
INFO = [Column("状态", 8), Column("截止日期", 12, "yyyy-mm-dd"), Column("提交时间", 17, "yyyy-mm-dd hh:mm"),
        Column("迟报天数", 9), Column("审核人", 10), Column("审核时间", 17, "yyyy-mm-dd hh:mm"), Column("退回原因", 24)]
NUMBER_FORMATS = {FieldType.INTEGER: "0", FieldType.DECIMAL: "#,##0.##", FieldType.PERCENT: "0.#"}


def field_columns(organizations):
    """The columns of ``organizations``' report fields: only fields defined on their own paths, so that a
    sheet never names a field of a part of the tree that is not in it."""
    return one_per_key(fields_defined_for(organizations))


def _columns(fields, with_info):
    return [Column(CODE, 16), Column(NAME, 30), Column(MONTH, 9), *(INFO if with_info else []),
            *(Column(f.label, max(10, len(f.label) * 2), NUMBER_FORMATS.get(f.field_type)) for f in fields),
            *(Column(header, 36) for header in NARRATIVE.values())]


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


def export_month(organizations, month, *, with_info=True) -> bytes:
    """A month's reports of ``organizations`` (annotated ``due_day``): one row each, reports or not."""
    organizations = list(organizations.order_by("path"))
    fields = field_columns(organizations)
    reports = {r.organization_id: r for r in MonthlyReport.objects.filter(
        organization__in=organizations, month=month).select_related("reviewed_by")}
    with translation.override("zh-hans"):
        statuses = {value: str(label) for value, label in ReportStatus.choices}
        missing = _("missing")
    rows = []
    for organization in organizations:
        report = reports.get(organization.pk)
        info = []
        if with_info:
            due_on = report.due_on if report else months.due_date(month, organization.due_day)
            info = [statuses[report.status] if report else missing, due_on,
                    _local(report.submitted_at) if report else None, report.days_late if report else None,
                    (report.reviewed_by.get_full_name() or report.reviewed_by.username) if report and report.reviewed_by else None,
                    _local(report.reviewed_at) if report else None, report.return_reason if report else None]
        values = report.values if report else {}
        rows.append([organization.code, organization.name, f"{month:%Y-%m}", *info,
                     *(_cell(f, values.get(f.key)) for f in fields),
                     *((getattr(report, name) or None) if report else None for name in NARRATIVE)])
    return write_xlsx(_columns(fields, with_info), rows, sheet_title=f"{month:%Y-%m}月度报告")


def template(organizations, month) -> bytes:
    """The offline form: the export's layout without the review columns, what is saved already filled in."""
    return export_month(organizations, month, with_info=False)


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
