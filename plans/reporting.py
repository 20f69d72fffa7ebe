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

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, IntegerField, Q, Value, When
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from notifications.models import Kind
from notifications.services import notify
from orgs.models import Organization
from orgs.permissions import GRANTS, Action, actor, require, require_write, role_assignments

from . import services
from .choices import FieldType, PlanStatus, ReportAction, ReportStatus
from .models import Assignment, MonthlyReport, ReportAttachment, ReportEvent, ReportField, ReportingRule, ReportLine

DEFAULT_DUE_DAY = 5


# --- months and deadlines -------------------------------------------------------------------


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def month_end(month: datetime.date) -> datetime.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def previous_month(month: datetime.date) -> datetime.date:
    return month_start(month_start(month) - datetime.timedelta(days=1))


def last_month(today: datetime.date | None = None) -> datetime.date:
    """The month reported on now: the one before today's (in Asia/Shanghai)."""
    return previous_month(today or timezone.localdate())


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


def due_day_of(organization, month=None):
    """The due day of the rule ``organization`` reports on ``month`` under; None when it need not report."""
    return obligated(Organization.objects.filter(pk=organization.pk), month=month).values_list("due_day", flat=True).first()


def active_rules(month=None):
    """The active reporting rules in force for ``month`` (default: this month), nearest first, with exceptions."""
    month = month_start(month or timezone.localdate())
    return sorted(
        ReportingRule.objects.filter(is_active=True, since__lte=month).select_related("organization")
        .prefetch_related("exceptions"),
        key=lambda r: (-r.organization.depth, r.pk),
    )


def _covers(rule, prefix=""):
    """SQL condition: the organisation (reached through ``prefix``) lies below the rule's and matches it."""
    q = Q(**{f"{prefix}path__startswith": rule.organization.path}) & ~Q(**{f"{prefix}pk": rule.organization_id})
    if rule.levels:
        q &= Q(**{f"{prefix}level__in": rule.levels})
    if rule.kinds:
        q &= Q(**{f"{prefix}kind__in": rule.kinds})
    exceptions = [o.pk for o in rule.exceptions.all()]
    if exceptions:
        q &= ~Q(**{f"{prefix}pk__in": exceptions})
    return q


def due_day_expression(rules, prefix=""):
    """SQL: the due day of the nearest active rule that covers the organisation; NULL when none does."""
    if not rules:
        return Value(None, output_field=IntegerField())
    return Case(*[When(_covers(rule, prefix), then=Value(rule.due_day)) for rule in rules],
                default=None, output_field=IntegerField())


def obligated(organizations=None, rules=None, month=None):
    """The active organisations (of ``organizations``, default all) that must report on ``month`` (default this
    month), annotated ``due_day``. One SQL query (plus two for the rules); the nearest rule in force that covers
    an organisation decides."""
    rules = active_rules(month) if rules is None else rules
    organizations = Organization.objects.all() if organizations is None else organizations
    return organizations.filter(is_active=True).annotate(due_day=due_day_expression(rules)).filter(due_day__isnull=False)


def reviewer_scope(user):
    """The organisations whose reports ``user`` reviews: below their reviewing roles (not the role's own)."""
    own = [ra.organization_id for ra in role_assignments(user) if ra.role in GRANTS[Action.REVIEW_REPORT]]
    return Organization.objects.restrict(user, Action.REVIEW_REPORT).exclude(pk__in=own)


def reviewable(user, month=None):
    """Those of ``reviewer_scope`` that must report on ``month``."""
    return obligated(reviewer_scope(user), month=month)


def fillable(user, month=None):
    """The organisations that must report on ``month`` for which ``user`` may fill in the report."""
    return obligated(Organization.objects.restrict(user, Action.RECORD_PROGRESS), month=month)


def reviewers_by_organization(organizations):
    """{organisation id: user ids} — who reviews each one's reports: the holders of a reviewing role at the
    nearest organisation above it that has any (two queries)."""
    from orgs.models import RoleAssignment

    holders = {}
    for path, user_id in RoleAssignment.objects.filter(
        role__in=GRANTS[Action.REVIEW_REPORT], user__is_active=True
    ).values_list("organization__path", "user_id"):
        holders.setdefault(path, set()).add(user_id)
    steplen = Organization.steplen
    found = {}
    for organization in organizations:
        path = organization.path[:-steplen]
        while path and path not in holders:
            path = path[:-steplen]
        found[organization.pk] = holders.get(path, set())
    return found


def reporters_by_organization(organization_ids):
    """{organisation id: user ids} holding a role at that very organisation that fills in its report."""
    from orgs.models import RoleAssignment

    found = {}
    for organization_id, user_id in RoleAssignment.objects.filter(
        organization_id__in=organization_ids, role__in=GRANTS[Action.RECORD_PROGRESS], user__is_active=True
    ).values_list("organization_id", "user_id"):
        found.setdefault(organization_id, set()).add(user_id)
    return found


def fields_for(organization):
    """The report fields of ``organization``: defined by the organisations above it, the nearest winning a key."""
    return fields_for_many([organization])[organization.pk]


def fields_defined_for(organizations):
    """The report fields defined at or above any of ``organizations`` (on their own paths), shallow first: the
    only ones their forms, sheets and exports may show, whoever looks at them."""
    steplen = Organization.steplen
    prefixes = {o.path[:end] for o in organizations for end in range(steplen, len(o.path) + 1, steplen)}
    return list(ReportField.objects.filter(organization__path__in=prefixes).select_related("organization")
                .order_by("organization__depth", "order", "pk"))


def fields_for_many(organizations):
    """{organisation id: its report fields} for several organisations, in one query."""
    defined = fields_defined_for(organizations)
    found = {}
    for organization in organizations:
        fields = {}
        for field in defined:  # shallow first: a nearer definition replaces a farther one
            if organization.path.startswith(field.organization.path):
                fields[field.key] = field
        found[organization.pk] = sorted(fields.values(), key=lambda f: (f.order, f.pk))
    return found


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


def active_assignments(organization, month):
    """The organisation's assignments on targets of published plans of the month's year."""
    return Assignment.objects.filter(
        organization=organization, target__isnull=False, plan__status=PlanStatus.PUBLISHED, plan__year=month.year
    ).select_related("target", "point")


# --- configuration ----------------------------------------------------------------------------


@transaction.atomic
def save_rule(rule, *, by, exceptions=None):
    """Create or change a reporting rule of an organisation the user may configure."""
    require_write(by, Action.CONFIGURE_REPORTS, rule)
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
    require_write(by, Action.CONFIGURE_REPORTS, field)
    if field.minimum is not None and field.maximum is not None and field.minimum > field.maximum:
        raise ValidationError({"maximum": _("The maximum must not be below the minimum.")})
    try:
        field.validate_constraints()
    except ValidationError as exc:
        raise ValidationError({"key": exc.messages}) from exc
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
    _tell(report, action, reason)


def _tell(report, action, reason):
    """A submitted report goes to its reviewers' bell; a returned, approved or reopened one to its reporters'."""
    organization = report.organization
    if action == ReportAction.SUBMIT:
        users, kind = reviewers_by_organization([organization])[organization.pk], Kind.REPORT_SUBMITTED
    else:
        users = reporters_by_organization([organization.pk]).get(organization.pk, set())
        kind = Kind.REPORT_APPROVED if action == ReportAction.APPROVE else Kind.REPORT_RETURNED
    with translation.override(settings.LANGUAGE_CODE):
        texts = {"org": organization.display_name, "month": f"{report.month:%Y-%m}"}
        title = {
            ReportAction.SUBMIT: _("%(org)s submitted the report on %(month)s"),
            ReportAction.RETURN: _("The report on %(month)s of %(org)s was returned"),
            ReportAction.APPROVE: _("The report on %(month)s of %(org)s was approved"),
            ReportAction.REOPEN: _("The report on %(month)s of %(org)s was reopened"),
        }[action] % texts
    notify(users, kind=kind, title=title, body=reason, url=reverse("plans:report_detail", args=[report.pk]))


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
    return report


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
    errors = {}
    if values is not None:
        cleaned, errors = clean_values(fields_for(report.organization), values)
        if errors and not partial:
            raise ValidationError(errors)
        # while typing, a figure that is not valid yet keeps its last saved value
        report.values = {**{k: v for k, v in report.values.items() if k in errors}, **cleaned}
    for name in NARRATIVE:
        if name in narrative:
            setattr(report, name, narrative[name])
    for line_id, (value, note) in (lines or {}).items():
        ReportLine.objects.filter(report=report, pk=line_id).update(value=value, note=note or "")
    report.version += 1
    report.save()
    return report, errors


@transaction.atomic
def save_draft(report, *, by, values=None, lines=None, version=None, **narrative):
    """Save figures, narrative and line values of a draft or returned report (never of a submitted one)."""
    return _write_draft(report, by, version, values, lines, narrative, partial=False)[0]


@transaction.atomic
def autosave(report, *, by, values=None, lines=None, version=None, **narrative):
    """Save what the user has typed so far; figures that are not valid yet are left out and returned as errors."""
    return _write_draft(report, by, version, values, lines, narrative, partial=True)


def previous_report(report):
    """The organisation's latest report before this one's month."""
    return MonthlyReport.objects.filter(organization_id=report.organization_id, month__lt=report.month).order_by("-month").first()


@transaction.atomic
def copy_previous(report, *, by, version=None):
    """Fill what is still empty from the previous report: figures, narrative, line figures and notes.

    Nothing the user has entered is overwritten. Returns (report, number of items copied).
    """
    report = _editable(report, by, version)
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
    report.version += 1
    report.save()
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
    return [store_file(ReportAttachment(report=report, uploaded_by=actor(by)), upload) for upload in uploads]


@transaction.atomic
def remove_attachment(attachment, *, by):
    _editable(attachment.report, by, None)
    attachment.file.delete(save=False)
    attachment.delete()


@transaction.atomic
def submit_report(report, *, by, version=None):
    require(by, Action.RECORD_PROGRESS, report)
    report = _locked(report, version)
    if report.status not in EDITABLE:
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
    submitted = _last_submission(report)
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
