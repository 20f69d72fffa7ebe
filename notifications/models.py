"""Notifications: what the bell lists, how each user and organisation wants to be told, and the delivery of each
notification by each channel (e-mail, 企业微信 and 钉钉 group robots, SMS)."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.crypto import EncryptedTextField
from orgs.permissions import Action, RestrictedQuerySet, ScopedByOrganization, scope_q

from . import kinds
from .choices import DeliveryStatus, RobotChannel


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
    """How a user wants to be told: in the portal always, and by the channels they chose for each kind."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference",
                                verbose_name=_("user"))
    email = models.BooleanField(_("also by e-mail"), default=True)
    # {channel name: [kind codes]}; a channel not named here follows its default (e-mail: every kind, the others none)
    channels = models.JSONField(_("channels by kind"), default=dict, blank=True)
    phone = EncryptedTextField(_("mobile number for SMS"), blank=True)
    changed_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self):
        return f"{self.user} · {self.email}"

    def kinds_for(self, channel) -> set | None:
        """The kinds the user chose for ``channel`` (a Channel), None for "every kind"."""
        if channel.name == "email" and not self.email:
            return set()
        if channel.name in self.channels:
            return set(self.channels[channel.name])
        return None if channel.on_by_default else set()


class OrganizationChannel(ScopedByOrganization, models.Model):
    """An organisation's group robot (企业微信 or 钉钉): where it posts the notifications of its people.

    The webhook address carries the robot's access token, so it is as secret as the signing secret: both are
    stored encrypted and shown to nobody but the organisation's administrators (and then masked).
    """

    organization = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE, related_name="notification_channels",
                                     verbose_name=_("organisation"))
    channel = models.CharField(_("channel"), max_length=20, choices=RobotChannel.choices)
    enabled = models.BooleanField(_("enabled"), default=True)
    webhook = EncryptedTextField(_("robot webhook address"))
    secret = EncryptedTextField(_("signing secret"), blank=True)
    # the kinds it posts; empty: every kind
    kinds = models.JSONField(_("kinds of notification"), default=list, blank=True)
    changed_at = models.DateTimeField(_("changed at"), auto_now=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("changed by"))

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation notification channel")
        verbose_name_plural = _("organisation notification channels")
        ordering = ["organization__path", "channel"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "channel"], name="organization_channel_once"),
            models.CheckConstraint(condition=Q(channel__in=RobotChannel.values), name="organization_channel_valid"),
        ]

    def __str__(self):
        return f"{self.organization} · {self.get_channel_display()}"

    def posts(self, kind: str) -> bool:
        return self.enabled and bool(self.webhook) and (not self.kinds or kind in self.kinds)


class DeliveryQuerySet(models.QuerySet):
    def restrict(self, user, action: str = Action.VIEW):
        """Deliveries are personal data of their recipients: seen by the administrators of an organisation at which
        the recipient holds a role (its subtree's), and by superusers."""
        from orgs.models import RoleAssignment

        if getattr(user, "is_superuser", False) and user.is_active:
            return self
        roles = RoleAssignment.objects.filter(scope_q(user, Action.MANAGE_USERS, "organization__path"))
        return self.filter(notification__user__in=roles.values("user_id"))


class Delivery(models.Model):
    """One notification sent by one channel: its state, the attempts made and what the provider answered."""

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="deliveries",
                                     verbose_name=_("notification"))
    channel = models.CharField(_("channel"), max_length=20)
    status = models.CharField(_("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    attempted_at = models.DateTimeField(_("last attempt at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    provider_message_id = models.CharField(_("provider's message id"), max_length=200, blank=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["notification", "channel"], name="delivery_once_per_channel"),
            models.CheckConstraint(condition=Q(status__in=DeliveryStatus.values), name="delivery_valid_status"),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="delivery_status")]

    def __str__(self):
        return f"{self.notification} · {self.channel} · {self.get_status_display()}"

    @property
    def channel_label(self):
        from .channels import label

        return label(self.channel)
