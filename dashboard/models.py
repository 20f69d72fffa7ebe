"""The 工作通报 as made and kept (the dashboard's only table): one file per organisation, month and kind.

A stored circular is a copy, not a record: it is served while its ``stamp`` (what it was made from, see
``circular.stamp``) is still the current one and made again otherwise, so a change of figures never leaves an old
file in use. It is written only by ``services``, as the portal itself (the same text for every user who may see the
organisation's 工作台), and read only through the circular download, after that page's permission check.
"""
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from orgs.permissions import RestrictedQuerySet, ScopedByOrganization

from .choices import CircularKind


class Circular(ScopedByOrganization, models.Model):
    """A 工作通报 of ``organization`` and ``month`` as a .docx or PDF, with the stamp of the data it was made from
    and, when Celery beat issued it after a publication, the moment that publication was made."""

    organization = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE, related_name="circulars",
                                     verbose_name=_("organisation"))
    month = models.DateField(_("month"))
    kind = models.CharField(_("kind of file"), max_length=4, choices=CircularKind.choices)
    name = models.CharField(_("file name"), max_length=200)
    file = models.FileField(_("file"), upload_to="circulars/%Y/%m/", max_length=300)
    size = models.PositiveIntegerField(_("size"))
    stamp = models.CharField(_("stamp of the data"), max_length=64)
    made_at = models.DateTimeField(_("made at"))
    issued_for = models.DateTimeField(
        _("issued for the publication of"), null=True, blank=True,
        help_text=_("When the scores this circular was issued for were published (Celery beat tells the leaders)."))

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("stored work circular")
        verbose_name_plural = _("stored work circulars")
        ordering = ["-month", "organization__path", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "month", "kind"], name="circular_once_per_month_kind"),
            models.CheckConstraint(condition=Q(month__day=1), name="circular_month_first_day"),
        ]

    def __str__(self):
        return self.name
