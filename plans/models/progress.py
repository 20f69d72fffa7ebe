"""Progress entries on assignments, with their evidence files."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.files import StoredFile
from orgs.permissions import RestrictedQuerySet, ScopedByOrganization

from ..choices import PointStatus
from .target import AMOUNT, Assignment


class ProgressEntry(ScopedByOrganization, models.Model):
    """A dated, cumulative figure (or a status, for qualitative points) reported for an assignment."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="entries", verbose_name=_("assignment"))
    # the assignment's point, copied (an assignment never changes its point): a work point's page lists the newest
    # entries of tens of thousands of assignments, which only an index on the point and the order can read at once
    point = models.ForeignKey("plans.WorkPoint", on_delete=models.CASCADE, related_name="+", editable=False,
                              verbose_name=_("work point"))
    reported_on = models.DateField(_("as of"))
    value = models.DecimalField(_("cumulative figure"), null=True, blank=True, **AMOUNT)
    numerator = models.DecimalField(_("numerator"), null=True, blank=True, **AMOUNT)
    denominator = models.DecimalField(_("denominator"), null=True, blank=True, **AMOUNT)
    status = models.CharField(_("status"), max_length=20, choices=PointStatus.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("entered by"),
    )
    entered_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["point"])
    scope_owner = "assignment__organization"

    class Meta:
        verbose_name = _("progress entry")
        verbose_name_plural = _("progress entries")
        ordering = ["-reported_on", "-entered_at", "-pk"]
        indexes = [
            # a work point's page shows its newest entries: read in this order from the index, never sorted
            models.Index(fields=["point", "-reported_on", "-entered_at", "-id"], name="progress_point_newest_idx"),
            # the dashboard's cache key reads the latest entry: an index makes that MAX one lookup
            models.Index(fields=["entered_at"], name="progress_entered_at_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(value__isnull=True) | Q(value__gte=0), name="progress_value_not_negative"),
            models.CheckConstraint(condition=Q(denominator__isnull=True) | Q(denominator__gt=0),
                                   name="progress_denominator_positive"),
        ]

    def save(self, *args, **kwargs):
        if self.point_id is None:
            self.point_id = self.assignment.point_id
        super().save(*args, **kwargs)

    def __str__(self):
        return f"{self.assignment} · {self.reported_on}: {self.value if self.value is not None else self.status}"


def evidence_path(instance, filename):
    return f"evidence/{instance.sha256[:2]}/{instance.sha256}/{filename}"


class Evidence(ScopedByOrganization, StoredFile):
    """A file backing a progress entry (佐证材料). The hash finds the same file used twice."""

    entry = models.ForeignKey(ProgressEntry, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("progress entry"))
    file = models.FileField(_("file"), upload_to=evidence_path, max_length=300)

    objects = RestrictedQuerySet.as_manager()
    scope_owner = "entry__assignment__organization"

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["entry", "pk"]

