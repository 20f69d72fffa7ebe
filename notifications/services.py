"""Sending notifications (writes): in the portal always, by e-mail to users who have an address."""
from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils import timezone

from .models import Kind, Notification


def notify(users, *, title, kind=Kind.OTHER, body="", url="", key=""):
    """Give each of ``users`` a notification; with a ``key``, a user who has it already gets no second one.

    Returns how many were created. E-mail goes out after the transaction commits, through Celery.
    """
    user_ids = {getattr(u, "pk", u) for u in users} - {None}
    if key:
        user_ids -= set(Notification.objects.filter(key=key, user_id__in=user_ids).values_list("user_id", flat=True))
    if not user_ids:
        return 0
    Notification.objects.bulk_create(
        [Notification(user_id=uid, kind=kind, title=title[:200], body=body, url=url[:300], key=key[:120])
         for uid in sorted(user_ids)],
        ignore_conflicts=bool(key),  # a concurrent run of the same reminder: the constraint keeps one
    )
    transaction.on_commit(_queue_email)
    return len(user_ids)


def _queue_email():
    from .tasks import send_pending_email

    send_pending_email.delay()


def mark_read(user, ids=None):
    """Mark the user's notifications (all, or those in ``ids``) read; returns how many changed."""
    unread = Notification.objects.unread().filter(user=user)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())


def send_pending_email(limit=500):
    """E-mail the notifications not e-mailed yet to users with an address, over one connection.

    Each row is claimed (``emailed_at`` set) in the same transaction that sends it, so a retry
    after a crash sends what is left and never a message twice.
    """
    with transaction.atomic():
        pending = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(emailed_at__isnull=True, user__is_active=True).exclude(user__email="")
            .select_related("user").order_by("pk")[:limit]
        )
        if not pending:
            return 0
        base = settings.PORTAL_BASE_URL.rstrip("/")
        messages = [
            EmailMessage(
                subject=f"[{settings.PORTAL_NAME}] {n.title}",
                body="\n\n".join(part for part in (n.body, f"{base}{n.url}" if n.url else "") if part),
                to=[n.user.email],
            )
            for n in pending
        ]
        get_connection().send_messages(messages)
        Notification.objects.filter(pk__in=[n.pk for n in pending]).update(emailed_at=timezone.now())
    return len(pending)
