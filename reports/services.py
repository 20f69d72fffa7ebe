"""Writes of monthly reports: the reporting rules and fields, and the workflow.

The workflow: draft → submitted → approved, or → returned (with a reason) → submitted again.
An approved report is locked; a reviewer may reopen it with a reason (it goes back to returned).
Reviewers are staff, leaders or admins of an organisation above the reporting one. Every step
runs in one transaction on a row locked for update and checks the version the user saw, so two
reviewers acting at once cannot both win. On approval the report's lines become progress entries.
"""
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core.bulk_actions import Refused
from core.months import DEFAULT_DUE_DAY, days_late, due_date, month_end, month_start
from notifications.services import Text, notify
from orgs import audit
from orgs.choices import AuditAction
from orgs.permissions import Action, actor, require, require_write
from plans import services as plan_services
from volunteers import selectors as volunteer_selectors

from . import kinds
from .choices import FieldType, ReportAction, ReportStatus
from .models import MonthlyReport, ReportAttachment, ReportEvent, ReportField, ReportLine
from .selectors import (
    active_assignments,
    due_day_of,
    fields_for,
    may_review,
    previous_report,
    reporters_by_organization,
    reviewers_by_organization,
)

# --- figures ------------------------------------------------------------------------------------


def clean_values(fields, raw: dict) -> tuple[dict, dict]:
    """Typed values and {key: message} for bad ones: type, bounds and required fields."""
    values, errors = {}, {}
    for field in fields:
        value = raw.get(field.key)
        if value in (None, ""):
            if field.required:
                errors[field.key] = _("%(label)s is required.") % {"label": field.label}
            continue
        if field.field_type == FieldType.TEXT:
            values[field.key] = str(value)[:2000]
            continue
        if field.field_type == FieldType.BOOLEAN:
            if str(value).lower() not in ("true", "false", "1", "0", "yes", "no", "是", "否"):
                errors[field.key] = _("%(label)s: answer yes or no.") % {"label": field.label}
                continue
            values[field.key] = str(value).lower() in ("true", "1", "yes", "是")
            continue
        text = str(value).strip()
        if field.field_type == FieldType.PERCENT:
            text = text.removesuffix("%").removesuffix("％").strip()
        try:
            number = Decimal(text)
            if not number.is_finite():
                raise ValueError
        except (ArithmeticError, ValueError):
            errors[field.key] = _("%(label)s: “%(value)s” is not a number.") % {"label": field.label, "value": value}
            continue
        if field.field_type == FieldType.INTEGER and number != number.to_integral_value():
            errors[field.key] = _("%(label)s: a whole number, please.") % {"label": field.label}
            continue
        if field.minimum is not None and number < field.minimum:
            errors[field.key] = _("%(label)s: at least %(min)s.") % {"label": field.label, "min": f"{Decimal(field.minimum).normalize():f}"}
            continue
        if field.maximum is not None and number > field.maximum:
            errors[field.key] = _("%(label)s: at most %(max)s.") % {"label": field.label, "max": f"{Decimal(field.maximum).normalize():f}"}
            continue
        values[field.key] = int(number) if field.field_type == FieldType.INTEGER else str(number)
    return values, errors


# --- configuration ----------------------------------------------------------------------------


@transaction.atomic
def save_rule(rule, *, by, exceptions=None):
    """Create or change a reporting rule of an organisation the user may configure."""
    require_write(by, Action.CONFIGURE_REPORTS, rule)
    if not 1 <= rule.due_day <= 28:
        raise ValidationError({"due_day": _("The due day must be between 1 and 28.")})
    before = _stored(rule)
    rule.save()
    changes = audit.diff(before, audit.snapshot(rule))
    if exceptions is not None:
        outside = [o for o in exceptions if not o.path.startswith(rule.organization.path)]
        if outside:
            raise ValidationError({"exceptions": _("Exceptions must lie below the receiving organisation.")})
        old = sorted(rule.exceptions.values_list("pk", flat=True)) if before else []
        new = sorted(o.pk for o in exceptions)
        rule.exceptions.set(exceptions)
        if old != new:
            changes["exceptions"] = [old, new]
    if changes:
        audit.record(by, AuditAction.REPORT_RULE_SAVE, rule, changes=changes)
    return rule


def _stored(obj) -> dict:
    """The snapshot of ``obj`` as its row stands (empty for a new one): forms change the instance before the save."""
    stored = type(obj).objects.filter(pk=obj.pk).first() if obj.pk else None
    return audit.snapshot(stored) if stored is not None else {}


@transaction.atomic
def save_field(field, *, by):
    """Create or change a report field of an organisation the user may configure."""
    require_write(by, Action.CONFIGURE_REPORTS, field)
    if field.minimum is not None and field.maximum is not None and field.minimum > field.maximum:
        raise ValidationError({"maximum": _("The maximum must not be below the minimum.")})
    try:
        field.validate_constraints()
    except ValidationError as exc:
        raise ValidationError({"key": exc.messages}) from exc
    before = _stored(field)
    field.save()
    changes = audit.diff(before, audit.snapshot(field))
    if changes:
        audit.record(by, AuditAction.REPORT_FIELD_SAVE, field, changes=changes)
    return field


@transaction.atomic
def delete_config(obj, *, by):
    require(by, Action.CONFIGURE_REPORTS, obj.organization)
    audit.record(by, AuditAction.REPORT_CONFIG_DELETE, obj, obj.organization, changes=audit.diff(audit.snapshot(obj), {}))
    obj.delete()


# --- the workflow -----------------------------------------------------------------------------


def _locked(report, version):
    """The report row locked for this transaction; a stale ``version`` means someone acted first."""
    fresh = MonthlyReport.objects.select_for_update().select_related("organization").get(pk=report.pk)
    if version is not None and fresh.version != version:
        raise ValidationError(_("Someone else changed this report in the meantime; reload it and try again."), code="stale")
    return fresh


def _event(report, action, by, reason=""):
    ReportEvent.objects.create(report=report, action=action, by=actor(by), reason=reason)
    _tell(report, action, reason)


def _tell(report, action, reason):
    """A submitted report goes to its reviewers' bell; a returned, approved or reopened one to its reporters'."""
    organization = report.organization
    if action == ReportAction.SUBMIT:
        users, kind = reviewers_by_organization([organization])[organization.pk], kinds.REPORT_SUBMITTED
    else:
        users = reporters_by_organization([organization.pk]).get(organization.pk, set())
        kind = kinds.REPORT_APPROVED if action == ReportAction.APPROVE else kinds.REPORT_RETURNED
    title = {  # translated for each reader when shown
        ReportAction.SUBMIT: gettext_noop("%(org)s submitted the report on %(month)s"),
        ReportAction.RETURN: gettext_noop("The report on %(month)s of %(org)s was returned"),
        ReportAction.APPROVE: gettext_noop("The report on %(month)s of %(org)s was approved"),
        ReportAction.REOPEN: gettext_noop("The report on %(month)s of %(org)s was reopened"),
    }[action]
    title = Text(title, {"org": organization.display_name, "month": f"{report.month:%Y-%m}"})
    notify(users, kind=kind, title=title, body=reason, url=reverse("reports:report_detail", args=[report.pk]))


@transaction.atomic
def start_report(organization, month, *, by):
    """This month's draft for ``organization`` (the existing report when there is one), with a line per assignment."""
    require(by, Action.RECORD_PROGRESS, organization)
    month = month_start(month)
    report, created = MonthlyReport.objects.get_or_create(
        organization=organization, month=month,
        defaults={"due_on": due_date(month, due_day_of(organization, month) or DEFAULT_DUE_DAY)},
    )
    if created:
        ReportLine.objects.bulk_create(
            [ReportLine(report=report, assignment=a) for a in active_assignments(organization, month)]
        )
        audit.record(by, AuditAction.REPORT_START, report, organization, changes={"status": [None, report.status]})
    if report.status in EDITABLE and _apply_volunteer_figures(report):
        report.save(update_fields=["values", "updated_at"])
    return report


def volunteer_figures(report) -> dict:
    """{report field key: value} of the report's volunteer fields that come from the confirmed service records
    (the organisation keeps its volunteering in the portal): one source for one number, never typed in."""
    found = volunteer_selectors.report_figures(report.organization, report.month)
    if not found:
        return {}
    keys = {f.key for f in fields_for(report.organization)}
    return {key: value for key, value in found.items() if key in keys}


def _apply_volunteer_figures(report) -> bool:
    """Put the record-based volunteer figures into ``report.values`` (whatever was typed); True if any changed."""
    figures = volunteer_figures(report)
    changed = any(report.values.get(key) != value for key, value in figures.items())
    report.values.update(figures)
    return changed


EDITABLE = (ReportStatus.DRAFT, ReportStatus.RETURNED)
NARRATIVE = ("work_done", "problems", "next_plan")
MAX_ATTACHMENTS = 20


def _editable(report, by, version):
    require(by, Action.RECORD_PROGRESS, report)
    report = _locked(report, version)
    if report.status not in EDITABLE:
        raise ValidationError(_("The report is %(status)s and cannot be edited.") % {"status": report.get_status_display()})
    return report


def _write_draft(report, by, version, values, lines, narrative, partial):
    report = _editable(report, by, version)
    before = audit.stored(report, DRAFT_FIELDS)
    errors = {}
    if values is not None:
        cleaned, errors = clean_values(fields_for(report.organization), values)
        if errors and not partial:
            raise ValidationError(errors)
        # while typing, a figure that is not valid yet keeps its last saved value
        report.values = {**{k: v for k, v in report.values.items() if k in errors}, **cleaned}
    _apply_volunteer_figures(report)  # whatever was sent for them
    for name in NARRATIVE:
        if name in narrative:
            setattr(report, name, narrative[name])
    for line_id, (value, note) in (lines or {}).items():
        ReportLine.objects.filter(report=report, pk=line_id).update(value=value, note=note or "")
    report.version += 1
    report.save()
    _audit_draft(by, report, before, lines=len(lines or {}))
    return report, errors


DRAFT_FIELDS = ("values", *NARRATIVE)  # what a draft's audit row compares


def _audit_draft(by, report, before, lines=0, note=""):
    """One row per saved draft that changed: the figures as one field (their keys' old and new values) and the
    narrative; line figures as how many lines were sent (each line keeps its own value)."""
    after = audit.snapshot(report, DRAFT_FIELDS)
    changes = audit.diff({k: v for k, v in before.items() if k != "values"},
                         {k: v for k, v in after.items() if k != "values"})
    old_values, new_values = before.get("values") or {}, after.get("values") or {}
    changes.update({f"values.{key}": [old_values.get(key), new_values.get(key)]
                    for key in sorted(set(old_values) | set(new_values)) if old_values.get(key) != new_values.get(key)})
    if lines:
        changes["lines"] = [None, lines]
    if changes:
        audit.record(by, AuditAction.REPORT_SAVE, report, changes=changes, note=note)


@transaction.atomic
def save_draft(report, *, by, values=None, lines=None, version=None, **narrative):
    """Save figures, narrative and line values of a draft or returned report (never of a submitted one)."""
    return _write_draft(report, by, version, values, lines, narrative, partial=False)[0]


@transaction.atomic
def autosave(report, *, by, values=None, lines=None, version=None, **narrative):
    """Save what the user has typed so far; figures that are not valid yet are left out and returned as errors."""
    return _write_draft(report, by, version, values, lines, narrative, partial=True)


@transaction.atomic
def copy_previous(report, *, by, version=None):
    """Fill what is still empty from the previous report: figures, narrative, line figures and notes.

    Nothing the user has entered is overwritten. Returns (report, number of items copied).
    """
    report = _editable(report, by, version)
    as_was = audit.snapshot(report, DRAFT_FIELDS)
    previous = previous_report(report)
    if previous is None:
        raise ValidationError(_("There is no earlier report to copy from."))
    copied = 0
    for key, value in previous.values.items():
        if report.values.get(key) in (None, ""):
            report.values[key] = value
            copied += 1
    for name in NARRATIVE:
        if not getattr(report, name).strip() and getattr(previous, name).strip():
            setattr(report, name, getattr(previous, name))
            copied += 1
    earlier = {line.assignment_id: line for line in previous.lines.all()}
    changed = []
    for line in report.lines.all():
        source = earlier.get(line.assignment_id)
        if source is None:
            continue
        before = (line.value, line.note)
        if line.value is None and source.value is not None:
            line.value = source.value
        if not line.note and source.note:
            line.note = source.note
        if (line.value, line.note) != before:
            changed.append(line)
    copied += len(changed)
    ReportLine.objects.bulk_update(changed, ["value", "note"])
    _apply_volunteer_figures(report)  # last month's figures are not this month's records
    report.version += 1
    report.save()
    _audit_draft(by, report, as_was, lines=len(changed), note="copy_previous")
    return report, copied


@transaction.atomic
def attach_files(report, uploads, *, by):
    """Attach photos or documents (each checked by content) to a report that can still be edited: all or none."""
    from core.files import store_file, validate_evidence

    report = _editable(report, by, None)
    if report.attachments.count() + len(uploads) > MAX_ATTACHMENTS:
        raise ValidationError(_("A report takes at most %(n)d attachments.") % {"n": MAX_ATTACHMENTS})
    for upload in uploads:
        validate_evidence(upload)  # every file is checked before any is stored
    stored = [store_file(ReportAttachment(report=report, uploaded_by=actor(by)), upload) for upload in uploads]
    if stored:
        audit.record(by, AuditAction.REPORT_ATTACH, report, changes={"files": [None, [a.file.name for a in stored]]})
    return stored
    return [plan_services.store_file(ReportAttachment(report=report, uploaded_by=actor(by)), upload) for upload in uploads]


@transaction.atomic
def remove_attachment(attachment, *, by):
    report = _editable(attachment.report, by, None)
    audit.record(by, AuditAction.REPORT_DETACH, report, changes={"files": [[attachment.file.name], None]})
    attachment.file.delete(save=False)
    attachment.delete()


@transaction.atomic
def submit_report(report, *, by, version=None):
    require(by, Action.RECORD_PROGRESS, report)
    report = _locked(report, version)
    if report.status not in EDITABLE:
        raise ValidationError(_("The report is %(status)s already.") % {"status": report.get_status_display()})
    before = report.status
    _apply_volunteer_figures(report)  # as the records stand when it is sent
    _cleaned, errors = clean_values(fields_for(report.organization), report.values)
    if errors:
        raise ValidationError(errors)
    report.status = ReportStatus.SUBMITTED
    report.submitted_at = timezone.now()
    report.days_late = days_late(report.submitted_at, report.due_on)
    report.version += 1
    report.save()
    _event(report, ReportAction.SUBMIT, by)
    audit.record(by, AuditAction.REPORT_SUBMIT, report, changes={"status": [before, report.status]})
    return report


def _last_submission(report):
    return report.events.filter(action=ReportAction.SUBMIT).order_by("-at", "-pk").first()


def _review(report, by, version, expected_status):
    """The locked report, ready for a reviewer's step: never the person who submitted it (four eyes)."""
    if not may_review(by, report):
        raise PermissionDenied(_("Only staff and leaders of the organisations above may review this report."))
    report = _locked(report, version)
    if report.status != expected_status:
        raise ValidationError(_("The report is %(status)s; that step is not possible now.") % {"status": report.get_status_display()})
    submitted, reviewer = _last_submission(report), actor(by)
    if reviewer is not None and submitted is not None and submitted.by_id == reviewer.pk:
        raise PermissionDenied(_("You submitted this report yourself; another reviewer must return or approve it."))
    return report


AUDITED = {ReportAction.RETURN: AuditAction.REPORT_RETURN, ReportAction.REOPEN: AuditAction.REPORT_REOPEN}


def _send_back(report, *, by, reason, version, expected_status, action):
    """Return a submitted report, or reopen an approved one: it goes back as returned, with the reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say why the report goes back."))
    report = _review(report, by, version, expected_status)
    report.status, report.return_reason = ReportStatus.RETURNED, reason
    report.reviewed_by, report.reviewed_at = actor(by), timezone.now()
    report.version += 1
    report.save()
    _event(report, action, by, reason)
    audit.record(by, AUDITED[action], report, changes={"status": [expected_status, report.status]}, note=reason)
    return report


@transaction.atomic
def return_report(report, *, by, reason, version=None):
    return _send_back(report, by=by, reason=reason, version=version,
                      expected_status=ReportStatus.SUBMITTED, action=ReportAction.RETURN)


@transaction.atomic
def approve_report(report, *, by, version=None):
    """Approve and lock the report; its lines with a figure become progress entries at the month's end."""
    report = _review(report, by, version, ReportStatus.SUBMITTED)
    report.status, report.return_reason = ReportStatus.APPROVED, ""
    report.reviewed_by, report.reviewed_at = actor(by), timezone.now()
    report.version += 1
    report.save()
    _event(report, ReportAction.APPROVE, by)
    audit.record(by, AuditAction.REPORT_APPROVE, report, changes={"status": [ReportStatus.SUBMITTED, report.status]})
    as_of = min(month_end(report.month), timezone.localdate())
    submitted = _last_submission(report)
    for line in report.lines.filter(value__isnull=False).select_related("assignment__plan", "assignment__organization"):
        plan_services.record_progress_from_report(
            line, submitted_by=submitted.by if submitted else None, reported_on=as_of,
            note=line.note or _("Monthly report %(month)s") % {"month": f"{report.month:%Y-%m}"},
        )
    return report


def approve_reports(reports, *, by, together=False):
    """Approve several submitted reports at once. Who may review is checked for every report first, and one the
    caller may not review refuses the whole request before anything is written (``core.bulk_actions.Refused``, 403,
    naming the ids).

    On the reviewers' list (``together=False``) every report then goes through ``approve_report`` in a transaction
    of its own, so that one a colleague returned a moment ago, or one the reviewer submitted personally, does not
    hold back the others; those are returned with the reason, by name. The API (``together=True``) approves all or
    none: in one transaction, and a report that cannot be approved undoes the others (``Refused``, 409, naming
    each with its reason). Returns (approved reports, [(report, why it was not approved)])."""
    reports = list(reports)
    not_theirs = [r for r in reports if not may_review(by, r)]
    if not_theirs:
        raise Refused(_("You may not review these reports: %(names)s. Nothing was approved.")
                      % {"names": "、".join(str(r) for r in not_theirs)},
                      {r.pk: _("You may not review this report.") for r in not_theirs}, status=403)
    if together:
        with transaction.atomic():
            approved, refused = _approve_each(reports, by)
            if refused:
                raise Refused(_("%(n)s of these reports cannot be approved: %(names)s. Nothing was approved.")
                              % {"n": len(refused), "names": "、".join(str(r) for r, _why in refused)},
                              {r.pk: why for r, why in refused}, status=409)
        return approved, refused
    return _approve_each(reports, by)


def _approve_each(reports, by):
    approved, refused = [], []
    for report in reports:
        try:
            approved.append(approve_report(report, by=by))
        except (ValidationError, PermissionDenied) as exc:
            messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
            refused.append((report, " ".join(messages)))
    return approved, refused


@transaction.atomic
def reopen_report(report, *, by, reason, version=None):
    """A reviewer unlocks an approved report (it goes back as returned); the reason is kept."""
    return _send_back(report, by=by, reason=reason, version=version,
                      expected_status=ReportStatus.APPROVED, action=ReportAction.REOPEN)


# --- the default form ---------------------------------------------------------------------------

# What a branch reports each month (DOMAIN.md): 三会两制一课, 主题团日, new members, dues, 青年大学习,
# volunteering, activities. Labels are Chinese because they are the organisation's own words, editable.
DEFAULT_FIELDS = [
    ("general_meetings", "支部团员大会（次）", "integer", 0, 31, "本月召开支部团员大会次数，每季度至少一次"),
    ("committee_meetings", "支部委员会（次）", "integer", 0, 31, "本月召开支部委员会次数，每月一次"),
    ("group_meetings", "团小组会（次）", "integer", 0, 100, ""),
    ("league_lessons", "团课（次）", "integer", 0, 31, ""),
    ("theme_days", "主题团日活动（次）", "integer", 0, 31, ""),
    ("new_members", "发展团员（人）", "integer", 0, 10000, ""),
    ("dues_collected", "收缴团费（元）", "decimal", 0, None, "学生团员每人每月0.2元"),
    ("study_rate", "青年大学习参学率（%）", "percent", 0, None, "参学人数÷团员数，可超过100%"),
    ("volunteer_activities", "志愿服务活动（次）", "integer", 0, 1000, ""),
    ("volunteer_hours", "志愿服务时长（小时）", "decimal", 0, None, ""),
    ("activities", "开展其他活动（次）", "integer", 0, 1000, ""),
]


@transaction.atomic
def install_default_fields(organization, *, by):
    """Give ``organization`` the default report fields (those it has already are left as they are)."""
    require(by, Action.CONFIGURE_REPORTS, organization)
    existing = set(organization.report_fields.values_list("key", flat=True))
    added = ReportField.objects.bulk_create([
        ReportField(organization=organization, key=key, label=label, field_type=kind, minimum=minimum, maximum=maximum,
                    help_text=help_text, order=order, required=key in ("committee_meetings", "study_rate"))
        for order, (key, label, kind, minimum, maximum, help_text) in enumerate(DEFAULT_FIELDS)
        if key not in existing
    ])
    if added:
        audit.record(by, AuditAction.REPORT_FIELDS_INSTALL, None, organization, object_repr=organization.name,
                     changes={"fields": [None, [f.key for f in added]]})
