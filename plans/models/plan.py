"""A year's plan of an organisation and its structure: sections, groups, work points, milestones."""
import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from orgs.permissions import Action, RestrictedQuerySet, ScopedByOrganization, SeenWithQuerySet, scope_q

from ..choices import PlanStatus, PointStatus


class PlanQuerySet(RestrictedQuerySet):
    def restrict(self, user, action=Action.VIEW):
        """A plan is visible in its own organisation's reach, and wherever a part of it was assigned."""
        own = scope_q(user, action, "organization__path")
        if action != Action.VIEW:
            return self.filter(own)
        from .target import Assignment

        # EXISTS stops at the first visible assignment; ``pk IN (…)`` read every assignment of every plan
        assigned = Assignment.objects.restrict(user).filter(plan=OuterRef("pk"))
        return self.filter(own | Exists(assigned))


class Plan(ScopedByOrganization, models.Model):
    """年度工作要点: what an organisation means to do in a year."""

    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="plans", verbose_name=_("organisation")
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(_("status"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    yellow_threshold = models.DecimalField(
        _("yellow light after (percentage points behind)"), max_digits=5, decimal_places=2, default=Decimal("5")
    )
    red_threshold = models.DecimalField(
        _("red light after (percentage points behind)"), max_digits=5, decimal_places=2, default=Decimal("15")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = PlanQuerySet.as_manager()
    history = HistoricalRecords()


    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["-year", "organization__path", "title"]
        constraints = [
            models.UniqueConstraint(
                "organization", "year", Lower("title"), name="plan_unique_title_per_org_year",
                violation_error_message=_("This organisation has a plan with this title for that year already."),
            ),
            # one check for the page, the API and the import (a form's full_clean and the services validate it)
            models.CheckConstraint(condition=Q(yellow_threshold__lte=models.F("red_threshold")), name="plan_thresholds_ordered",
                                   violation_error_message=_("The red threshold must not be below the yellow one.")),
        ]

    def __str__(self):
        return f"{self.year} {self.title}"

    def get_absolute_url(self):
        return reverse("plans:plan_detail", args=[self.pk])

    @property
    def period_start(self):
        return datetime.date(self.year, 1, 1)

    @property
    def period_end(self):
        return datetime.date(self.year, 12, 31)


class Section(ScopedByOrganization, models.Model):
    """A top-level section of a plan (一、…)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="sections", verbose_name=_("plan"))
    number = models.CharField(_("number"), max_length=10, blank=True)
    title = models.CharField(_("title"), max_length=300)
    order = models.PositiveIntegerField(_("order"), default=0)

    objects = SeenWithQuerySet.as_manager()  # seen wherever its plan is
    scope_owner = "plan__organization"
    seen_with = "plan"

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering = ["plan", "order", "pk"]

    def __str__(self):
        return f"{self.number}、{self.title}" if self.number else self.title

    def get_absolute_url(self):
        return f"{self.plan.get_absolute_url()}#section-{self.pk}"


class PointGroup(models.Model):
    """A group of points inside a section (（一）…), where the document has that level."""

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="groups", verbose_name=_("section"))
    number = models.CharField(_("number"), max_length=10, blank=True)
    title = models.CharField(_("title"), max_length=300)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        ordering = ["section", "order", "pk"]

    def __str__(self):
        return f"（{self.number}）{self.title}" if self.number else self.title


class WorkPoint(ScopedByOrganization, models.Model):
    """A work point (工作要点 item): a numbered task with a lead department and, maybe, targets.

    A point without targets is qualitative: its status and milestones tell its progress.
    """

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="points", verbose_name=_("section"))
    group = models.ForeignKey(
        PointGroup, on_delete=models.SET_NULL, null=True, blank=True, related_name="points", verbose_name=_("group")
    )
    number = models.CharField(_("number"), max_length=10, blank=True)
    title = models.CharField(_("title"), max_length=500)
    text = models.TextField(_("full text"), blank=True)
    lead_department = models.ForeignKey(
        "orgs.Department", on_delete=models.SET_NULL, null=True, blank=True, related_name="work_points",
        verbose_name=_("lead department"),
    )
    responsible_person = models.CharField(_("responsible person"), max_length=100, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    is_key = models.BooleanField(_("key task"), default=False)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=PointStatus.choices, default=PointStatus.NOT_STARTED)
    order = models.PositiveIntegerField(_("order"), default=0)

    objects = SeenWithQuerySet.as_manager()  # seen wherever its plan is
    history = HistoricalRecords()
    scope_owner = "section__plan__organization"
    seen_with = "section__plan"

    class Meta:
        verbose_name = _("work point")
        verbose_name_plural = _("work points")
        ordering = ["section", "order", "pk"]

    def __str__(self):
        return f"{self.number}. {self.title}" if self.number else self.title

    def get_absolute_url(self):
        return reverse("plans:point_detail", args=[self.pk])

    @property
    def plan(self):
        return self.section.plan


class Milestone(models.Model):
    """A dated step of a qualitative point; expected progress follows the milestone dates."""

    point = models.ForeignKey(WorkPoint, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("work point"))
    title = models.CharField(_("title"), max_length=300)
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["point", "due_on", "pk"]

    def __str__(self):
        return f"{self.title} ({self.due_on})"
