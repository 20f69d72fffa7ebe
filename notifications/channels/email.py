"""E-mail: one message per notification to the account's address, through Django's mail backend."""
import smtplib
from email.utils import make_msgid

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .base import Channel, DeliveryError, link


class EmailChannel(Channel):
    label = pgettext_lazy("channel", "E-mail")
    on_by_default = True
    needs = _("an e-mail address on your account")

    def reaches(self, recipient, kind):
        return bool(recipient.user.is_active and recipient.user.email)

    def send(self, notification, recipient):
        message_id = make_msgid(domain="league-portal")
        message = EmailMessage(
            subject=f"[{settings.PORTAL_NAME}] {notification.title}",
            body="\n\n".join(part for part in (notification.body, link(notification)) if part),
            to=[recipient.user.email], headers={"Message-ID": message_id},
        )
        try:
            get_connection().send_messages([message])
        except (smtplib.SMTPException, OSError) as error:
            raise DeliveryError(f"{error.__class__.__name__}: {error}") from error
        type(notification).objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
        return message_id
