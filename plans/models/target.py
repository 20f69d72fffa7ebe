"""Quantified targets and their assignments down the organisation tree, with stored roll-ups."""
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from orgs.permissions import RestrictedQuerySet, ScopedByOrganization, SeenWithQuerySet
from volunteers.choices import VolunteerFigure

from ..choices import Aggregation, Comparator, Light, ProgressRule
from .plan import Plan, WorkPoint

AMOUNT = {"max_digits": 16, "decimal_places": 4}


class Target(ScopedByOrganization, models.Model):
    """量化指标: a counted commitment inside a work point, e.g. 不少于40场宣讲活动."""

    point = models.ForeignKey(WorkPoint, on_delete=models.CASCADE, related_name="targets", verbose_name=_("work point"))
    metric = models.CharField(_("metric"), max_length=200, help_text=_("What is counted, e.g. 宣讲活动."))
    comparator = models.CharField(_("comparator"), max_length=3, choices=Comparator.choices, default=Comparator.AT_LEAST)
    value = models.DecimalField(_("value"), validators=[MinValueValidator(0)], **AMOUNT)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    baseline = models.DecimalField(_("baseline"), null=True, blank=True, **AMOUNT)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    aggregation = models.CharField(_("combination of child figures"), max_length=10, choices=Aggregation.choices,
                                   default=Aggregation.SUM)
    progress_rule = models.CharField(_("expected progress"), max_length=12, choices=ProgressRule.choices,
                                     default=ProgressRule.CUMULATIVE)
    volunteer_figure = models.CharField(
        _("filled from the volunteer figure"), max_length=30, choices=VolunteerFigure.choices, blank=True,
        help_text=_("Bound to a volunteer figure, the target's progress fills itself from the volunteer statistics of "
                    "each organisation's subtree and cannot be entered by hand."))
    order = models.PositiveIntegerField(_("order"), default=0)

    objects = SeenWithQuerySet.as_manager()  # seen wherever its plan is
    history = HistoricalRecords()
    scope_owner = "point__section__plan__organization"
    seen_with = "point__section__plan"

    class Meta:
        verbose_name = _("quantified target")
        verbose_name_plural = _("quantified targets")
        ordering = ["point", "order", "pk"]
        constraints = [models.CheckConstraint(condition=Q(value__gte=0), name="target_value_not_negative")]

    def __str__(self):
        value = Decimal(str(self.value))  # an int or a string until the row is read back from the database
        return f"{self.metric} {self.get_comparator_display()} {value.normalize():f}{self.unit}"

    @property
    def is_bound(self) -> bool:
        """Whether the progress comes from the volunteer statistics (never typed in)."""
        return bool(self.volunteer_figure)


class Assignment(ScopedByOrganization, models.Model):
    """A work point, or one of its targets, handed to an organisation (任务分解).

    The plan's own organisation holds the root assignment of every target; decomposition adds
    children with their own values. The roll-up fields are written only by plans.rollups.
    """

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("plan"))
    point = models.ForeignKey(WorkPoint, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("work point"))
    target = models.ForeignKey(
        Target, on_delete=models.CASCADE, null=True, blank=True, related_name="assignments", verbose_name=_("target")
    )
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="assignments", verbose_name=_("organisation")
    )
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children", verbose_name=_("handed down from")
    )
    assigned_value = models.DecimalField(_("assigned value"), null=True, blank=True,
                                         validators=[MinValueValidator(0)], **AMOUNT)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("assigned by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    # Stored roll-up, kept fresh by Celery (plans.tasks) and read by pages.
    own_value = models.DecimalField(_("own latest figure"), null=True, blank=True, **AMOUNT)
    own_value_on = models.DateField(_("own latest figure on"), null=True, blank=True)
    actual_value = models.DecimalField(_("actual"), null=True, blank=True, **AMOUNT)
    completion = models.DecimalField(_("completion"), null=True, blank=True, max_digits=9, decimal_places=4)
    expected = models.DecimalField(_("expected progress"), null=True, blank=True, max_digits=9, decimal_places=4)
    light = models.CharField(_("light"), max_length=12, choices=Light.choices, default=Light.NOT_STARTED)
    last_progress_at = models.DateTimeField(_("last progress"), null=True, blank=True)
    rolled_up_at = models.DateTimeField(_("rolled up at"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=[
        "own_value", "own_value_on", "actual_value", "completion", "expected", "light", "last_progress_at", "rolled_up_at",
    ])

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["plan", "point", "target", "organization__path"]
        constraints = [
            models.UniqueConstraint(fields=["target", "organization"], condition=Q(target__isnull=False),
                                    name="assignment_unique_target_org"),
            models.UniqueConstraint(fields=["point", "organization"], condition=Q(target__isnull=True),
                                    name="assignment_unique_point_org"),
            models.CheckConstraint(condition=Q(assigned_value__isnull=True) | Q(assigned_value__gte=0),
                                   name="assignment_value_not_negative"),
        ]
        indexes = [
            models.Index(fields=["target", "light"], name="assignment_target_light_idx"),
            # the dashboard's cache key reads the latest roll-up: an index makes that MAX one lookup
            models.Index(fields=["rolled_up_at"], name="assignment_rolled_up_at_idx"),
        ]

    def __str__(self):
        return f"{self.target or self.point} → {self.organization.display_name}"

    def get_absolute_url(self):
        return reverse("plans:point_detail", args=[self.point_id])

    @property
    def is_qualitative(self):
        return self.target_id is None
