"""The one table of the floor: background jobs that could not be sent to the broker yet (the outbox).

A write commits in PostgreSQL whether or not Redis answers; the job it asked for waits here and
``core.tasks.send_pending_jobs`` (beat, every minute) sends it once the broker is back.
"""
from django.db import models
from django.utils.translation import gettext_lazy as _


class PendingJob(models.Model):
    """A Celery task a committed write asked for, kept because the broker refused it."""

    name = models.CharField(_("task"), max_length=200)
    args = models.JSONField(_("arguments"), default=list, blank=True)
    kwargs = models.JSONField(_("keyword arguments"), default=dict, blank=True)
    options = models.JSONField(_("send options"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=1)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("pending job")
        verbose_name_plural = _("pending jobs")
        ordering = ["pk"]

    def __str__(self):
        return self.name
