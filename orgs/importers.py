"""Import of the organisation tree from .xlsx/.csv with Chinese column headers.

``plan_import`` reads and validates the whole file and returns an ``ImportPlan``: one action per
row (create, update, move, unchanged) and every problem by row and column. It writes nothing.
``apply_import`` carries out a plan with no errors in one transaction. A re-import of the same
file finds every row unchanged and writes nothing. Files with more rows than ORG_IMPORT_SYNC_ROWS
become an ``ImportJob`` that Celery checks and carries out (``start_job``, ``run_job``) with progress.
"""
import uuid
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.jobs import enqueue
from core.spreadsheets import Column, SpreadsheetError, Table, read_table
from core.uploads import Deadline, sheet_limits

from . import audit, services
from .choices import AuditAction, ImportStatus, Kind, Level, Sector
from .models import ImportJob, Organization
from .permissions import Action, can, require_any
from .signals import import_job_finished

# The file format: (field, header). Headers are part of the format, not of the UI language.
COLUMNS = [
    ("code", "组织编码"),
    ("name", "组织名称"),
    ("parent_code", "上级组织编码"),
    ("level", "组织层级"),
    ("kind", "组织类型"),
    ("sector", "所属领域"),
    ("member_count", "团员数"),
    ("youth_count", "青年数"),
]
HEADER = dict(COLUMNS)
REQUIRED_HEADERS = ["组织编码", "组织名称", "上级组织编码", "组织层级", "组织类型"]
EXPORT_COLUMNS = [
    Column("组织编码", 16, help="必填，智慧团建组织编码；已有的编码更新该组织，新的编码新建组织。"),
    Column("组织名称", 36, help="必填。"),
    Column("上级组织编码", 16, help="必填（顶层组织除外）；上级可以在本表前面的行中新建。"),
    Column("组织层级", 10),
    Column("组织类型", 12),
    Column("所属领域", 10, help="可留空。"),
    Column("团员数", 10, "#,##0", kind="whole", minimum=0),
    Column("青年数", 10, "#,##0", kind="whole", minimum=0),
]
CHOICE_FIELDS = {"level": Level, "kind": Kind, "sector": Sector}
TEMPLATE_INSTRUCTIONS = [
    "本表是组织架构的导入模板，列与“导出”的文件相同：导出的文件也可以修改后再导入。",
    "每行一个组织；上级组织写在下级之前，或者已经在平台中。",
    "在“组织架构 → 导入”页面上传填好的本文件，先检查再确认导入。",
]


def sheet_columns() -> list[Column]:
    """The export's columns with drop-downs of the Chinese labels for 组织层级, 组织类型 and 所属领域."""
    choices = {HEADER[name]: tuple(choice_label(options, value) for value in options.values)
               for name, options in CHOICE_FIELDS.items()}
    return [replace(column, choices=choices.get(column.header)) for column in EXPORT_COLUMNS]
COMPARED_FIELDS = ("name", "level", "kind", "sector", "member_count", "youth_count")


def choice_label(choices, value) -> str:
    """The Chinese label a file carries for a choice value."""
    with translation.override("zh-hans"):
        return str(choices(value).label)


def _choice_lookup(choices) -> dict[str, str]:
    """Accept the Chinese label, the English label and the stored value, case-insensitively."""
    lookup = {}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            lookup.update({str(label).lower(): value for value, label in choices.choices})
    lookup.update({value: value for value in choices.values})
    return lookup


@dataclass
class CellError:
    row: int
    column: str
    message: str


@dataclass
class RowPlan:
    row: int
    code: str
    name: str
    parent_code: str
    action: str  # create | update | move | unchanged
    values: dict
    changes: list[str] = field(default_factory=list)
    valid: bool = True  # False when a cell of the row has an error; parents are still checked

    @property
    def action_label(self):
        return ACTION_LABELS.get(self.action, self.action)


ACTION_LABELS = {
    "create": gettext_lazy("new"),
    "update": gettext_lazy("changed"),
    "move": gettext_lazy("moved"),
    "unchanged": gettext_lazy("unchanged"),
}


@dataclass
class ImportPlan:
    rows: list[RowPlan] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)

    @property
    def is_valid(self):
        return not self.errors

    def count(self, action):
        return sum(1 for r in self.rows if r.action == action)

    @property
    def summary(self):
        return {action: self.count(action) for action in ACTION_LABELS}


def _parse_count(value):
    """A non-negative whole number; empty means 0. Returns (number, error message)."""
    if value in (None, ""):
        return 0, None
    try:
        number = Decimal(str(value).replace(",", "").strip())
    except InvalidOperation:
        return None, _("“%(value)s” is not a number.") % {"value": value}
    if number != number.to_integral_value():
        return None, _("“%(value)s” is not a whole number.") % {"value": value}
    if number < 0:
        return None, _("“%(value)s” is negative.") % {"value": value}
    return int(number), None


def _text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # codes typed as numbers in Excel come back as floats
    return str(value).strip()


def plan_import(table: Table, *, by) -> ImportPlan:
    """Validate every row of ``table`` against the tree and the user's rights; write nothing."""
    plan = ImportPlan()
    missing = [h for h in REQUIRED_HEADERS if h not in table.headers]
    for header in missing:
        plan.errors.append(CellError(1, header, _("The column is missing from the header row.")))
    if missing:
        return plan

    lookups = {name: _choice_lookup(choices) for name, choices in CHOICE_FIELDS.items()}
    parsed: dict[str, RowPlan] = {}
    for row_number, cells in table.rows:
        values, ok = {}, True

        def error(column, message, row=row_number):
            nonlocal ok
            ok = False
            plan.errors.append(CellError(row, column, message))

        code = _text(cells.get(HEADER["code"]))
        name = _text(cells.get(HEADER["name"]))
        parent_code = _text(cells.get(HEADER["parent_code"]))
        if not code:
            error(HEADER["code"], _("The code is missing."))
        elif len(code) > 40:
            error(HEADER["code"], _("The code is longer than 40 characters."))
        elif code in parsed:
            error(HEADER["code"], _("Duplicate code, first used in row %(row)d.") % {"row": parsed[code].row})
        if not name:
            error(HEADER["name"], _("The name is missing."))
        elif len(name) > 200:
            error(HEADER["name"], _("The name is longer than 200 characters."))
        values["name"] = name
        for field_name, lookup in lookups.items():
            raw = _text(cells.get(HEADER[field_name]))
            if not raw and field_name == "sector":
                values[field_name] = Sector.OTHER
            elif not raw:
                error(HEADER[field_name], _("The value is missing."))
            elif raw.lower() not in lookup:
                choices = "、".join(choice_label(CHOICE_FIELDS[field_name], v) for v in CHOICE_FIELDS[field_name].values)
                error(
                    HEADER[field_name],
                    _("“%(value)s” is not one of: %(choices)s.") % {"value": raw, "choices": choices},
                )
            else:
                values[field_name] = lookup[raw.lower()]
        for field_name in ("member_count", "youth_count"):
            number, message = _parse_count(cells.get(HEADER[field_name]))
            if message:
                error(HEADER[field_name], message)
            values[field_name] = number
        if code and code == parent_code:
            error(HEADER["parent_code"], _("An organisation cannot be its own parent (cycle)."))
        elif code and code not in parsed and len(code) <= 40:
            parsed[code] = RowPlan(row_number, code, name, parent_code, "", values, valid=ok)

    _resolve_against_tree(plan, parsed, by)
    if plan.errors:
        plan.errors.sort(key=lambda e: (e.row, e.column))
    return plan


def _resolve_against_tree(plan: ImportPlan, parsed: dict[str, RowPlan], by):
    """Check parents, cycles and rights against the stored tree; decide each row's action."""
    referenced = set(parsed) | {r.parent_code for r in parsed.values() if r.parent_code}
    existing = {o.code: o for o in Organization.objects.filter(code__in=referenced)}
    # Codes of the stored ancestors of every referenced organisation, to follow chains upward.
    prefixes = {o.path[:i] for o in existing.values() for i in range(o.steplen, len(o.path), o.steplen)}
    by_path = {o.path: o for o in existing.values()}
    for ancestor in Organization.objects.filter(path__in=prefixes - set(by_path)).only("path", "code"):
        by_path[ancestor.path] = ancestor

    stored_by_code = {o.code: o for o in by_path.values()}

    def stored_parent_code(org):
        parent = by_path.get(org.parent_path)
        return parent.code if parent else ""

    def parent_of(code):
        if code in parsed:
            return parsed[code].parent_code
        org = stored_by_code.get(code)
        return stored_parent_code(org) if org else ""

    for code, row in parsed.items():
        parent_header = HEADER["parent_code"]
        if row.parent_code and row.parent_code not in parsed and row.parent_code not in existing:
            plan.errors.append(
                CellError(row.row, parent_header, _("Unknown parent code “%(code)s”.") % {"code": row.parent_code})
            )
            continue
        seen, current = {code}, row.parent_code
        while current:
            if current in seen:
                plan.errors.append(
                    CellError(row.row, parent_header, _("The parent chain of “%(code)s” forms a cycle.") % {"code": code})
                )
                break
            seen.add(current)
            current = parent_of(current)
        else:
            _decide_action(plan, row, existing, stored_parent_code, by)


def _decide_action(plan, row, existing, stored_parent_code, by):
    plan.rows.append(row)
    if not row.valid:
        return
    org = existing.get(row.code)
    parent = existing.get(row.parent_code)

    def deny(column, obj_name):
        plan.errors.append(
            CellError(row.row, column, _("You have no right to change “%(name)s”.") % {"name": obj_name})
        )

    if org is None:
        row.action = "create"
        if not row.parent_code and not by.is_superuser:
            plan.errors.append(
                CellError(row.row, HEADER["parent_code"], _("Only a superuser can create a top-level organisation."))
            )
        elif parent is not None and not can(by, Action.CHANGE_ORG, parent):
            deny(HEADER["parent_code"], parent.name)
        return
    if not can(by, Action.CHANGE_ORG, org):
        deny(HEADER["code"], org.name)
        return
    row.changes = [f for f in COMPARED_FIELDS if getattr(org, f) != row.values[f]]
    if row.parent_code != stored_parent_code(org):
        if not row.parent_code:
            plan.errors.append(
                CellError(row.row, HEADER["parent_code"], _("An existing organisation cannot become top-level."))
            )
            return
        if parent is not None and not can(by, Action.CHANGE_ORG, parent):
            deny(HEADER["parent_code"], parent.name)
            return
        row.action = "move"
    else:
        row.action = "update" if row.changes else "unchanged"


def _final_depth(rows: dict[str, RowPlan]):
    depth = {}

    def walk(code):
        if code not in depth:
            parent = rows[code].parent_code
            depth[code] = walk(parent) + 1 if parent in rows else 0
        return depth[code]

    for code in rows:
        walk(code)
    return depth


@transaction.atomic
def apply_import(plan: ImportPlan, *, by) -> dict:
    """Carry out a valid plan through the tree's services: parents before children, all or nothing."""
    if not plan.is_valid:
        raise ValidationError(_("The file has errors; nothing was imported."))
    rows = {r.code: r for r in plan.rows}
    depth = _final_depth(rows)

    def parent_of(row):
        return Organization.objects.get(code=row.parent_code) if row.parent_code else None

    for row in sorted(plan.rows, key=lambda r: (depth[r.code], r.row)):
        if row.action == "create":
            services.create_organization(by=by, parent=parent_of(row), code=row.code, **row.values)
            continue
        if row.action == "unchanged":
            continue
        org = Organization.objects.get(code=row.code)
        services.update_organization(org, by=by, **{name: row.values[name] for name in row.changes})
        if row.action == "move":
            services.move_organization(org, parent_of(row), by=by, reason=_("Spreadsheet import"))
    _record_import(plan, by, depth)
    return plan.summary


def _record_import(plan, by, depth):
    """One audit row for the import as a whole (each organisation's own change has its row too), under the
    highest organisation it touched."""
    touched = sorted((r for r in plan.rows if r.action != "unchanged"), key=lambda r: (depth[r.code], r.row))
    if not touched:
        return
    top = Organization.objects.get(code=touched[0].code)
    audit.record(by, AuditAction.ORG_IMPORT, None, top, object_repr=str(top),
                 changes={action: [None, count] for action, count in plan.summary.items() if count})


# --- large files: checked and carried out by Celery -------------------------------------------------

MAX_STORED_ERRORS = 1000


def read_for_request(upload):
    """The table of an upload small enough to import inside the request, or None when it has more rows
    than ORG_IMPORT_SYNC_ROWS and belongs to a background job. Other refusals raise SpreadsheetError."""
    limits = sheet_limits("org_import")
    small = sheet_limits("org_import", max_rows=min(settings.ORG_IMPORT_SYNC_ROWS, limits.max_rows))
    try:
        return read_table(upload, limits=small)
    except SpreadsheetError as exc:
        if exc.code == "rows" and small.max_rows < limits.max_rows:
            return None
        raise


@transaction.atomic
def start_job(upload, *, by, apply: bool) -> ImportJob:
    """Keep ``upload`` and have Celery check it (and, with ``apply``, import it whole) after the commit."""
    require_any(by, Action.CHANGE_ORG)
    upload.seek(0)
    name = (upload.name or "import.csv")[-200:]
    suffix = ".xlsx" if name.lower().endswith(".xlsx") else ".csv"
    job = ImportJob(created_by=by, original_name=name, apply=apply)
    job.file.save(f"{uuid.uuid4().hex}{suffix}", File(upload), save=False)
    job.save()
    enqueue("orgs.tasks.run_import_job", job.pk)
    return job


@transaction.atomic
def apply_checked_job(job: ImportJob, *, by) -> ImportJob:
    """Import the file of a finished, valid dry run: a new job checks it again against the tree as it is now."""
    if job.created_by_id != by.pk or job.status != ImportStatus.DONE or job.apply or not job.file:
        raise ValidationError(_("Only a checked file without problems can be imported."))
    require_any(by, Action.CHANGE_ORG)
    again = ImportJob.objects.create(created_by=by, original_name=job.original_name, apply=True, file=job.file.name)
    job.file = ""  # the new job owns the stored file now
    job.save(update_fields=["file"])
    enqueue("orgs.tasks.run_import_job", again.pk)
    return again


def _progress(job, percent, **fields):
    ImportJob.objects.filter(pk=job.pk).update(progress=percent, **fields)


def run_job(job_id: int) -> str:
    """Read, check and (if asked and valid) import the job's file; all rows or none. Idempotent: a
    finished job is left as it is, and an import that failed half-way has rolled back."""
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if job.finished:
        return job.status
    _progress(job, 5, status=ImportStatus.RUNNING)
    by = job.created_by
    try:
        with job.file.open("rb") as stored:
            stored.name = job.file.name
            table = read_table(stored, use="org_import", deadline=Deadline(settings.IMPORT_TASK_SECONDS))
    except SpreadsheetError as exc:
        return _finish(job, ImportStatus.FAILED, detail=exc.message[:500])
    _progress(job, 40)
    plan = plan_import(table, by=by)
    _progress(job, 70)
    if not plan.is_valid:
        errors = [{"row": e.row, "column": e.column, "message": str(e.message)} for e in plan.errors[:MAX_STORED_ERRORS]]
        return _finish(job, ImportStatus.INVALID, summary=plan.summary, errors=errors, error_count=len(plan.errors))
    if job.apply:
        try:
            apply_import(plan, by=by)
        except (ValidationError, PermissionDenied) as exc:  # the tree or a right changed since the check
            return _finish(job, ImportStatus.INVALID, summary=plan.summary, error_count=1,
                           errors=[{"row": 0, "column": "", "message": " ".join(getattr(exc, "messages", [str(exc)]))}])
    return _finish(job, ImportStatus.DONE, summary=plan.summary)


def _finish(job, status, **fields) -> str:
    keep_file = status == ImportStatus.DONE and not job.apply  # a checked file waits to be imported
    with transaction.atomic():
        _progress(job, 100, status=status, finished_at=timezone.now(), **fields)
        job.refresh_from_db()
        if not keep_file and job.file:
            job.file.delete(save=True)
        import_job_finished.send(sender=ImportJob, job=job)  # the bell tells whoever started it
    return status


def mark_job_failed(job_id: int, error) -> None:
    """A crash of the task (time limit, lost database) ends the job with a message, not a spinner forever."""
    job = ImportJob.objects.filter(pk=job_id).first()
    if job is not None and not job.finished:
        _finish(job, ImportStatus.FAILED, detail=_("The import stopped unexpectedly; nothing was imported. Please try again."))
