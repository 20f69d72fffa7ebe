"""Monthly reports of grassroots organisations: who must report, the fields, the reports, their history.

The models came from the plans app and keep its tables (``db_table``): moving them changed no schema.
"""
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from core.files import StoredFile
from core.months import this_month  # ReportingRule.since's default; migrations name it reports.models.this_month
from orgs.permissions import RestrictedQuerySet, ScopedByOrganization
from plans.models import Assignment
from plans.models.target import AMOUNT

from .choices import FieldType, ReportAction, ReportStatus


class ReportingRule(ScopedByOrganization, models.Model):
    """Which organisations below ``organization`` report to it each month, and by which day."""

    organization = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE, related_name="reporting_rules",
                                     verbose_name=_("receiving organisation"))
    levels = models.JSONField(_("levels"), default=list, blank=True, help_text=_("Empty: every level."))
    kinds = models.JSONField(_("kinds"), default=list, blank=True, help_text=_("Empty: every kind."))
    due_day = models.PositiveSmallIntegerField(_("due day of the following month"), default=5,
                                               validators=[MinValueValidator(1), MaxValueValidator(28)])
    since = models.DateField(_("reporting since"), default=this_month,
                             help_text=_("The first month reported on under this rule (its first day)."))
    exceptions = models.ManyToManyField("orgs.Organization", blank=True, related_name="+", verbose_name=_("exceptions"))
    is_active = models.BooleanField(_("active"), default=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        db_table = "plans_reportingrule"
        verbose_name = _("reporting rule")
        verbose_name_plural = _("reporting rules")
        ordering = ["organization__path", "pk"]
        constraints = [models.CheckConstraint(condition=Q(due_day__gte=1, due_day__lte=28), name="reporting_rule_due_day_range")]

    def __str__(self):
        return f"{self.organization.display_name} · {self.due_day}"


class ReportField(ScopedByOrganization, models.Model):
    """An indicator field of the monthly report, defined by a receiving organisation and inherited below it."""

    organization = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE, related_name="report_fields",
                                     verbose_name=_("defined by"))
    key = models.SlugField(_("key"), max_length=50)
    label = models.CharField(_("label"), max_length=100)
    field_type = models.CharField(_("field type"), max_length=10, choices=FieldType.choices, default=FieldType.INTEGER)
    required = models.BooleanField(_("required"), default=False)
    minimum = models.DecimalField(_("minimum"), null=True, blank=True, **AMOUNT)
    maximum = models.DecimalField(_("maximum"), null=True, blank=True, **AMOUNT)
    help_text = models.CharField(_("help text"), max_length=300, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        db_table = "plans_reportfield"
        verbose_name = _("report field")
        verbose_name_plural = _("report fields")
        ordering = ["organization__path", "order", "pk"]
        constraints = [models.UniqueConstraint(
            "organization", Lower("key"), name="report_field_unique_key",
            violation_error_message=_("This organisation has a field with this key already."),
        )]

    def __str__(self):
        return self.label


class MonthlyReport(ScopedByOrganization, models.Model):
    """月度报告 of one organisation for one month: figures, narrative, lines on its assignments."""

    organization = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="monthly_reports",
                                     verbose_name=_("organisation"))
    month = models.DateField(_("month"), help_text=_("The first day of the month reported on."))
    status = models.CharField(_("status"), max_length=12, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    values = models.JSONField(_("figures"), default=dict, blank=True)
    work_done = models.TextField(_("work done this month"), blank=True)
    problems = models.TextField(_("problems"), blank=True)
    next_plan = models.TextField(_("plan for next month"), blank=True)
    due_on = models.DateField(_("due on"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    days_late = models.PositiveSmallIntegerField(_("days late"), default=0)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("reviewed by"))
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    return_reason = models.TextField(_("reason for return"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        db_table = "plans_monthlyreport"
        verbose_name = _("monthly report")
        verbose_name_plural = _("monthly reports")
        ordering = ["-month", "organization__path"]
        # the review list's sort columns (reports.tables.ReportTable); organisation-first orders use the unique index;
        # the cache keys of the dashboard and the grid's counts read the latest change (updated_at)
        indexes = [
            models.Index(fields=["updated_at"], name="monthly_report_updated_at_idx"),
            models.Index(fields=["month"], name="report_month_idx"),
            models.Index(fields=["status", "month"], name="report_status_month_idx"),
            models.Index(fields=["due_on"], name="report_due_on_idx"),
            models.Index(fields=["submitted_at"], name="report_submitted_at_idx"),
            models.Index(fields=["days_late", "month"], name="report_days_late_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["organization", "month"], name="monthly_report_one_per_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="monthly_report_month_is_first_day"),
        ]

    def __str__(self):
        return f"{self.organization.display_name} · {self.month:%Y-%m}"

    @property
    def is_locked(self):
        return self.status == ReportStatus.APPROVED


class ReportLine(models.Model):
    """This month's figure for one of the organisation's assignments; it becomes a progress entry on approval."""

    report = models.ForeignKey(MonthlyReport, on_delete=models.CASCADE, related_name="lines", verbose_name=_("report"))
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="report_lines", verbose_name=_("assignment"))
    value = models.DecimalField(_("cumulative figure"), null=True, blank=True, **AMOUNT)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        db_table = "plans_reportline"
        verbose_name = _("report line")
        verbose_name_plural = _("report lines")
        ordering = ["report", "assignment__point__order", "pk"]
        constraints = [models.UniqueConstraint(fields=["report", "assignment"], name="report_line_unique_assignment")]

    def __str__(self):
        return f"{self.report} · {self.assignment}"


class ReportEvent(models.Model):
    """The history of a report's workflow: who submitted, returned (why), approved, reopened (why)."""

    report = models.ForeignKey(MonthlyReport, on_delete=models.CASCADE, related_name="events", verbose_name=_("report"))
    action = models.CharField(_("action"), max_length=12, choices=ReportAction.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("by"))
    at = models.DateTimeField(_("at"), auto_now_add=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        db_table = "plans_reportevent"
        verbose_name = _("report event")
        verbose_name_plural = _("report events")
        ordering = ["report", "at", "pk"]

    def __str__(self):
        return f"{self.report} · {self.get_action_display()}"


def report_file_path(instance, filename):
    return f"reports/{instance.sha256[:2]}/{instance.sha256}/{filename}"


class ReportAttachment(ScopedByOrganization, StoredFile):
    """A photo or file attached to a monthly report (活动照片, 会议记录 …)."""

    report = models.ForeignKey(MonthlyReport, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("report"))
    file = models.FileField(_("file"), upload_to=report_file_path, max_length=300)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("uploaded by"))

    objects = RestrictedQuerySet.as_manager()
    scope_owner = "report__organization"

    class Meta:
        db_table = "plans_reportattachment"
        verbose_name = _("report attachment")
        verbose_name_plural = _("report attachments")
        ordering = ["report", "pk"]
