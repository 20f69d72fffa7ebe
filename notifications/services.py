"""Sending notifications (writes): in the portal always, by e-mail to users who have an address."""
import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext

from core import jobs

from . import kinds
from .models import Notification


@dataclass(frozen=True)
class Text:
    """A message of the catalogue (mark its msgid with gettext_noop) with its values: stored as such and translated
    into each reader's language when shown, so that a notification reads in English for an English reader."""

    msgid: str
    params: dict = field(default_factory=dict)

    def __str__(self):
        return gettext(self.msgid) % self.params

    def in_portal_language(self) -> str:
        with translation.override(settings.LANGUAGE_CODE):
            return str(self)


def title_fields(title) -> dict:
    """The stored fields of a title given as plain text (shown as it is) or as a Text (translated when shown)."""
    if isinstance(title, Text):
        return {"title": title.in_portal_language()[:200], "title_source": {"msgid": title.msgid, "params": title.params}}
    return {"title": str(title)[:200]}


@dataclass
class Message:
    """One notification to send to ``users``; with a ``key``, a user who has that key already gets none."""

    users: Iterable
    title: "str | Text"
    kind: str = kinds.OTHER  # a code registered in notifications.kinds
    body: str = ""
    url: str = ""
    key: str = ""


def notify(users, *, title, kind=kinds.OTHER, body="", url="", key=""):
    """Give each of ``users`` a notification (see ``Message``). Returns how many were created."""
    return send([Message(users, title, kind, body, url, key)])


def send(messages):
    """Create the notifications of many messages at once (two queries), then e-mail them through Celery
    after the transaction commits. Returns how many were created."""
    wanted = {}
    for message in messages:
        for user in message.users:
            user_id = getattr(user, "pk", user)
            if user_id is not None:  # a keyed message reaches a user once, unkeyed ones each time
                key = message.key[:120]
                wanted.setdefault((user_id, key) if key else (user_id, id(message)), (key, message))
    keys = {key for key, _m in wanted.values() if key}
    taken = set(Notification.objects.filter(key__in=keys).values_list("user_id", "key")) if keys else set()
    rows = [
        Notification(user_id=user_id, kind=m.kind, body=m.body, url=m.url[:300], key=key, **title_fields(m.title))
        for (user_id, _k), (key, m) in wanted.items() if not (key and (user_id, key) in taken)
    ]
    if not rows:
        return 0
    Notification.objects.bulk_create(rows, ignore_conflicts=bool(keys))  # a concurrent run: the constraint keeps one
    if emailed(get_user_model().objects.filter(pk__in={r.user_id for r in rows})).exists():
        transaction.on_commit(_queue_email)
    return len(rows)


def _queue_email():
    jobs.send("notifications.tasks.send_pending_email")


def emailed(users):
    """Those of ``users`` who get e-mail: active, with an address, not switched off."""
    return users.filter(is_active=True).exclude(email="").exclude(notification_preference__email=False)


def set_email(user, on: bool):
    """Switch e-mail on or off for ``user`` (the portal's own notifications always stay)."""
    from .models import Preference

    Preference.objects.update_or_create(user=user, defaults={"email": bool(on)})


def wants_email(user) -> bool:
    return emailed(get_user_model().objects.filter(pk=user.pk)).exists()


def mark_read(user, ids=None):
    """Mark the user's notifications (all, or those in ``ids``) read; returns how many changed."""
    unread = Notification.objects.unread().filter(user=user)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())


EMAIL_WITHIN = datetime.timedelta(days=1)  # older unsent messages (e-mail was off, the mail server down) stay in the portal


def send_pending_email(limit=500):
    """E-mail the notifications of the last day not e-mailed yet to users who get e-mail, over one connection.

    Each row is claimed (``emailed_at`` set) in the same transaction that sends it, so a retry
    after a crash sends what is left and never a message twice.
    """
    with transaction.atomic():
        pending = list(
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(emailed_at__isnull=True, user__in=emailed(get_user_model().objects.all()),
                    created_at__gte=timezone.now() - EMAIL_WITHIN)
            # what arrived while e-mail was off stays in the portal
            .filter(Q(user__notification_preference__isnull=True)
                    | Q(created_at__gt=F("user__notification_preference__changed_at")))
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


@transaction.atomic
def offer_download(user_id, name, content: bytes, title):
    """Keep ``content`` for the user and tell them it is ready, with a link to fetch it.

    One transaction: a worker killed while its INSERT waits leaves a statement that PostgreSQL still finishes after
    the client is gone; outside a transaction it would commit a download the redelivered task offers again."""
    from django.core.files.base import ContentFile
    from django.urls import reverse

    from .models import Download

    download = Download(user_id=user_id, name=name)
    download.file.save(name, ContentFile(content), save=False)
    download.save()
    notify([user_id], title=title, url=reverse("notifications:download", args=[download.pk]))
    return download
