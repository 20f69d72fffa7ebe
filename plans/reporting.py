"""Monthly reports: who must report, deadlines, the fields a report has, and the workflow (writes).

The workflow: draft → submitted → approved, or → returned (with a reason) → submitted again.
An approved report is locked; a reviewer may reopen it with a reason (it goes back to returned).
Reviewers are staff, leaders or admins of an organisation above the reporting one. Every step
runs in one transaction on a row locked for update and checks the version the user saw, so two
reviewers acting at once cannot both win. On approval the report's lines become progress entries.
"""
import calendar
import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from league_portal.permissions import GRANTS, Action, actor, require, role_assignments
from orgs.models import Organization

from . import services
from .choices import FieldType, PlanStatus, ReportAction, ReportStatus
from .models import Assignment, MonthlyReport, ReportEvent, ReportField, ReportingRule, ReportLine

DEFAULT_DUE_DAY = 5


# --- months and deadlines -------------------------------------------------------------------


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def month_end(month: datetime.date) -> datetime.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def next_month(month: datetime.date) -> datetime.date:
    return (month_end(month) + datetime.timedelta(days=1)).replace(day=1)


def due_date(month: datetime.date, due_day: int = DEFAULT_DUE_DAY) -> datetime.date:
    """The report on ``month`` is due on ``due_day`` of the following month (clamped to its length)."""
    following = next_month(month_start(month))
    return following.replace(day=min(due_day, calendar.monthrange(following.year, following.month)[1]))


def days_late(submitted_at: datetime.datetime, due_on: datetime.date) -> int:
    """Whole days after the due date, counted in the portal's time zone (Asia/Shanghai)."""
    return max((timezone.localdate(submitted_at) - due_on).days, 0)


# --- who reports, and on what -----------------------------------------------------------------


def rule_for(organization):
    """The reporting rule that applies to ``organization``: the nearest active rule above it that covers it."""
    ancestors = Organization.objects.get_ancestors(organization)
    rules = (
        ReportingRule.objects.filter(organization__in=ancestors, is_active=True)
        .select_related("organization").prefetch_related("exceptions").order_by("-organization__depth")
    )
    for rule in rules:
        if (not rule.levels or organization.level in rule.levels) and (not rule.kinds or organization.kind in rule.kinds) \
                and organization not in rule.exceptions.all():
            return rule
    return None


def organizations_due(rule):
    """Every organisation below the rule's organisation that must report under it."""
    organizations = Organization.objects.within(rule.organization, include_self=False).filter(is_active=True)
    if rule.levels:
        organizations = organizations.filter(level__in=rule.levels)
    if rule.kinds:
        organizations = organizations.filter(kind__in=rule.kinds)
    return organizations.exclude(pk__in=rule.exceptions.values("pk"))


def fields_for(organization):
    """The report fields of ``organization``: defined by the organisations above it, the nearest winning a key."""
    ancestors = [*Organization.objects.get_ancestors(organization), organization]
    fields = {}
    for field in ReportField.objects.filter(organization__in=ancestors).select_related("organization").order_by(
        "organization__depth", "order", "pk"
    ):
        fields[field.key] = field
    return sorted(fields.values(), key=lambda f: (f.order, f.pk))


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
        try:
            number = Decimal(str(value).strip())
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


def active_assignments(organization, month):
    """The organisation's assignments on targets of published plans of the month's year."""
    return Assignment.objects.filter(
        organization=organization, target__isnull=False, plan__status=PlanStatus.PUBLISHED, plan__year=month.year
    ).select_related("target", "point")


# --- configuration ----------------------------------------------------------------------------


@transaction.atomic
def save_rule(rule, *, by, exceptions=None):
    """Create or change a reporting rule of an organisation the user may configure."""
    require(by, Action.CONFIGURE_REPORTS, rule.organization)
    if not 1 <= rule.due_day <= 28:
        raise ValidationError({"due_day": _("The due day must be between 1 and 28.")})
    rule.save()
    if exceptions is not None:
        outside = [o for o in exceptions if not o.path.startswith(rule.organization.path)]
        if outside:
            raise ValidationError({"exceptions": _("Exceptions must lie below the receiving organisation.")})
        rule.exceptions.set(exceptions)
    return rule


@transaction.atomic
def save_field(field, *, by):
    """Create or change a report field of an organisation the user may configure."""
    require(by, Action.CONFIGURE_REPORTS, field.organization)
    if field.minimum is not None and field.maximum is not None and field.minimum > field.maximum:
        raise ValidationError({"maximum": _("The maximum must not be below the minimum.")})
    if ReportField.objects.filter(organization=field.organization, key=field.key).exclude(pk=field.pk).exists():
        raise ValidationError({"key": _("This organisation has a field with this key already.")})
    field.save()
    return field


@transaction.atomic
def delete_config(obj, *, by):
    require(by, Action.CONFIGURE_REPORTS, obj.organization)
    obj.delete()


# --- the workflow -----------------------------------------------------------------------------


def may_review(user, report) -> bool:
    """Staff, leaders and admins of an organisation strictly above the reporting one (or superusers)."""
    if user.is_superuser:
        return True
    path = report.organization.path
    return any(
        ra.role in GRANTS[Action.REVIEW_REPORT] and path.startswith(ra.organization.path) and path != ra.organization.path
        for ra in role_assignments(user)
    )


def _locked(report, version):
    """The report row locked for this transaction; a stale ``version`` means someone acted first."""
    fresh = MonthlyReport.objects.select_for_update().select_related("organization").get(pk=report.pk)
    if version is not None and fresh.version != version:
        raise ValidationError(_("Someone else changed this report in the meantime; reload it and try again."), code="stale")
    return fresh


def _event(report, action, by, reason=""):
    ReportEvent.objects.create(report=report, action=action, by=actor(by), reason=reason)


@transaction.atomic
def start_report(organization, month, *, by):
    """This month's draft for ``organization`` (the existing report when there is one), with a line per assignment."""
    require(by, Action.RECORD_PROGRESS, organization)
    month = month_start(month)
    rule = rule_for(organization)
    report, created = MonthlyReport.objects.get_or_create(
        organization=organization, month=month,
        defaults={"due_on": due_date(month, rule.due_day if rule else DEFAULT_DUE_DAY)},
    )
    if created:
        ReportLine.objects.bulk_create(
            [ReportLine(report=report, assignment=a) for a in active_assignments(organization, month)]
        )
    return report


@transaction.atomic
def save_draft(report, *, by, values=None, lines=None, version=None, **narrative):
    """Save figures, narrative and line values of a draft or returned report (never of a submitted one)."""
    require(by, Action.RECORD_PROGRESS, report)
    report = _locked(report, version)
    if report.status not in (ReportStatus.DRAFT, ReportStatus.RETURNED):
        raise ValidationError(_("The report is %(status)s and cannot be edited.") % {"status": report.get_status_display()})
    if values is not None:
        cleaned, errors = clean_values(fields_for(report.organization), values)
        if errors:
            raise ValidationError(errors)
        report.values = cleaned
    for name in ("work_done", "problems", "next_plan"):
        if name in narrative:
            setattr(report, name, narrative[name])
    for line_id, (value, note) in (lines or {}).items():
        ReportLine.objects.filter(report=report, pk=line_id).update(value=value, note=note or "")
    report.version += 1
    report.save()
    return report


@transaction.atomic
def submit_report(report, *, by, version=None):
    require(by, Action.RECORD_PROGRESS, report)
    report = _locked(report, version)
    if report.status not in (ReportStatus.DRAFT, ReportStatus.RETURNED):
        raise ValidationError(_("The report is %(status)s already.") % {"status": report.get_status_display()})
    _cleaned, errors = clean_values(fields_for(report.organization), report.values)
    if errors:
        raise ValidationError(errors)
    report.status = ReportStatus.SUBMITTED
    report.submitted_at = timezone.now()
    report.days_late = days_late(report.submitted_at, report.due_on)
    report.version += 1
    report.save()
    _event(report, ReportAction.SUBMIT, by)
    return report


def _review(report, by, version, expected_status):
    if not may_review(by, report):
        raise PermissionDenied(_("Only staff and leaders of the organisations above may review this report."))
    report = _locked(report, version)
    if report.status != expected_status:
        raise ValidationError(_("The report is %(status)s; that step is not possible now.") % {"status": report.get_status_display()})
    return report


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
    as_of = min(month_end(report.month), timezone.localdate())
    submitted = report.events.filter(action=ReportAction.SUBMIT).order_by("-at", "-pk").first()
    for line in report.lines.filter(value__isnull=False).select_related("assignment__plan", "assignment__organization"):
        services.record_progress_from_report(
            line, submitted_by=submitted.by if submitted else None, reported_on=as_of,
            note=line.note or _("Monthly report %(month)s") % {"month": f"{report.month:%Y-%m}"},
        )
    return report


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
    ReportField.objects.bulk_create([
        ReportField(organization=organization, key=key, label=label, field_type=kind, minimum=minimum, maximum=maximum,
                    help_text=help_text, order=order, required=key in ("committee_meetings", "study_rate"))
        for order, (key, label, kind, minimum, maximum, help_text) in enumerate(DEFAULT_FIELDS)
        if key not in existing
    ])
