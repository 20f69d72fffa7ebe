"""In-portal notifications: what the bell lists, and what is e-mailed to users with an address."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import kinds


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One message to one user. ``key`` makes a scheduled message idempotent: one per user and key."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications",
                             verbose_name=_("user"))
    # an open value: a code that the sending app registers with its label (notifications.kinds), shown as kind_label
    kind = models.CharField(_("kind of notification"), max_length=kinds.MAX_LENGTH, default=kinds.OTHER)
    title = models.CharField(_("title"), max_length=200)
    # the title as a message of the catalogue with its values ({"msgid", "params"}), translated for each reader when
    # shown (shown_title); ``title`` keeps it in the portal's language for e-mail, the admin and older rows
    title_source = models.JSONField(_("title to translate"), default=dict, blank=True)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    key = models.CharField(_("key"), max_length=120, blank=True,
                           help_text=_("Messages with the same key reach a user once (scheduled reminders)."))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], condition=~Q(key=""), name="notification_once_per_key"),
        ]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_user_unread")]

    def __str__(self):
        return self.title

    @property
    def kind_label(self):
        return kinds.label(self.kind)

    @property
    def shown_title(self) -> str:
        """The title in the language of whoever reads it now (English for an English reader)."""
        source = self.title_source or {}
        if source.get("msgid"):
            try:
                return gettext(source["msgid"]) % (source.get("params") or {})
            except (KeyError, TypeError, ValueError):  # a message changed since: the stored title still reads
                pass
        return self.title


class Download(models.Model):
    """A file the portal prepared for a user in the background (a large spreadsheet); only they may fetch it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="downloads",
                             verbose_name=_("user"))
    name = models.CharField(_("file name"), max_length=200)
    file = models.FileField(_("file"), upload_to="downloads/%Y/%m/", max_length=300)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("download")
        verbose_name_plural = _("downloads")
        ordering = ["-created_at"]

    def __str__(self):
        return self.name


class Preference(models.Model):
    """How a user wants to be told: in the portal always, by e-mail unless switched off."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference",
                                verbose_name=_("user"))
    email = models.BooleanField(_("also by e-mail"), default=True)
    changed_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self):
        return f"{self.user} · {self.email}"
