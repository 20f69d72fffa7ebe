"""Sending notifications (writes): in the portal always, and by the channels each user and organisation chose —
one Delivery per notification and channel, sent by a Celery task that retries with back-off."""
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from core.jobs import enqueue
from orgs import audit
from orgs.choices import AuditAction
from orgs.permissions import Action, actor, require

from . import channels, kinds
from .choices import DeliveryStatus
from .models import Delivery, Notification, OrganizationChannel, Preference


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
    """Create the notifications of many messages at once, and their deliveries by the channels each recipient
    chose; the deliveries are sent by Celery after the transaction commits. Returns how many were created."""
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
    unkeyed = [row for row in rows if not row.key]
    keyed = [row for row in rows if row.key]
    created = Notification.objects.bulk_create(unkeyed)  # their ids come back
    if keyed:  # a concurrent run: the constraint keeps one, and ignoring conflicts gives no ids, so read them
        Notification.objects.bulk_create(keyed, ignore_conflicts=True)
        mine = {(row.user_id, row.key) for row in keyed}
        created += [n for n in Notification.objects.filter(key__in={row.key for row in keyed},
                                                          user_id__in={row.user_id for row in keyed})
                    if (n.user_id, n.key) in mine]
    plan_deliveries(created)
    return len(rows)


def recipients(user_ids) -> dict:
    """A Recipient per user id: the account, their preference and their organisations' group robots (three
    queries, whatever the number of users)."""
    from orgs.models import RoleAssignment

    users = get_user_model().objects.in_bulk(list(user_ids))
    preferences = {p.user_id: p for p in Preference.objects.filter(user_id__in=users)}
    held = {}
    for user_id, organization_id in (RoleAssignment.objects.filter(user_id__in=users)
                                     .order_by("organization__path").values_list("user_id", "organization_id")):
        held.setdefault(user_id, []).append(organization_id)
    robots = {}
    for robot in OrganizationChannel.objects.filter(
            organization_id__in={o for ids in held.values() for o in ids}, enabled=True):
        robots.setdefault(robot.organization_id, []).append(robot)
    return {user_id: channels.Recipient(user, preferences.get(user_id),
                                        [r for o in dict.fromkeys(held.get(user_id, [])) for r in robots.get(o, [])])
            for user_id, user in users.items()}


def wants(recipient, channel, kind) -> bool:
    """Whether ``recipient`` chose ``channel`` for ``kind`` and the channel can reach them (never a closed account)."""
    if not recipient.user.is_active:
        return False
    if recipient.preference is None:
        chosen = None if channel.on_by_default else set()
    else:
        chosen = recipient.preference.kinds_for(channel)
    return (chosen is None or kind in chosen) and channel.reaches(recipient, kind)


def plan_deliveries(notifications):
    """A pending Delivery for each notification and each channel its user wants for its kind, each sent by its own
    task once the transaction commits."""
    if not notifications:
        return []
    found = recipients({n.user_id for n in notifications})
    enabled = channels.all_channels()
    rows = [Delivery(notification=n, channel=channel.name)
            for n in notifications if n.user_id in found
            for channel in enabled if wants(found[n.user_id], channel, n.kind)]
    Delivery.objects.bulk_create(rows, ignore_conflicts=True)
    made = list(Delivery.objects.filter(notification__in=[n.pk for n in notifications],
                                        status=DeliveryStatus.PENDING, attempts=0)
                .order_by("pk").values_list("pk", flat=True))
    for pk in made:
        enqueue("notifications.tasks.deliver", pk)
    return made


class DeliveryFailed(Exception):
    """A delivery failed and will be tried again (the task retries on it)."""


def deliver(delivery_id, *, last_try=False) -> str:
    """Send one delivery and record what happened; returns its status.

    The row is locked while it is sent, and a delivery sent already is never sent again (a retry, a second worker).
    A failure is recorded and raised as DeliveryFailed so that the task retries it; on the last try it is given up.
    """
    with transaction.atomic():
        delivery = (Delivery.objects.select_for_update(of=("self",)).select_related("notification")
                    .filter(pk=delivery_id).first())
        if delivery is None or delivery.status in (DeliveryStatus.SENT, DeliveryStatus.GAVE_UP):
            return delivery.status if delivery else "missing"
        channel = channels.get(delivery.channel)
        notification = delivery.notification
        delivery.attempts += 1
        delivery.attempted_at = timezone.now()
        error = ""
        if channel is None:
            error, last_try = "the channel is switched off", True
        else:
            try:
                recipient = recipients([notification.user_id])[notification.user_id]
                delivery.provider_message_id = channel.send(notification, recipient)[:200]
            except channels.DeliveryError as failure:
                error = str(failure)[:1000] or failure.__class__.__name__
        if error:
            delivery.last_error = error
            delivery.status = DeliveryStatus.GAVE_UP if last_try else DeliveryStatus.FAILED
        else:
            delivery.status, delivery.sent_at, delivery.last_error = DeliveryStatus.SENT, timezone.now(), ""
        delivery.save(update_fields=["attempts", "attempted_at", "status", "sent_at", "last_error",
                                     "provider_message_id"])
    if delivery.status == DeliveryStatus.FAILED:
        raise DeliveryFailed(error)
    return delivery.status


def retry_delivery(delivery, *, by):
    """Send a failed or given-up delivery again (an administrator of the recipient's organisation)."""
    if not Delivery.objects.restrict(by).filter(pk=delivery.pk).exists():
        raise PermissionDenied
    with transaction.atomic():
        updated = Delivery.objects.filter(pk=delivery.pk, status__in=[DeliveryStatus.FAILED, DeliveryStatus.GAVE_UP]
                                          ).update(status=DeliveryStatus.PENDING)
        if updated:
            enqueue("notifications.tasks.deliver", delivery.pk)
            audit.record(by, AuditAction.DELIVERY_RETRY, delivery, None, object_repr=f"{delivery.channel} #{delivery.pk}",
                         changes={"status": [delivery.status, DeliveryStatus.PENDING]})
    return bool(updated)


def emailed(users):
    """Those of ``users`` who get e-mail: active, with an address, not switched off."""
    return users.filter(is_active=True).exclude(email="").exclude(notification_preference__email=False)


def set_email(user, on: bool):
    """Switch e-mail on or off for ``user`` (the portal's own notifications always stay)."""
    with transaction.atomic():
        preference, _created = Preference.objects.update_or_create(user=user, defaults={"email": bool(on)})
        audit.record(user, AuditAction.PREFERENCES_SAVE, preference, None, object_repr=user.get_username(),
                     changes={"email": [None, bool(on)]})


def wants_email(user) -> bool:
    return emailed(get_user_model().objects.filter(pk=user.pk)).exists()


def set_preferences(user, *, channels_by_kind: dict, phone: str | None = None):
    """Save which channels ``user`` wants for which kinds ({channel: [kinds]}, every configured channel named) and,
    when given, their mobile number. E-mail is on while at least one kind goes by e-mail."""
    defaults = {"channels": {name: sorted(set(kinds_)) for name, kinds_ in channels_by_kind.items()}}
    if "email" in channels_by_kind:
        defaults["email"] = bool(channels_by_kind["email"])
    if phone is not None:
        defaults["phone"] = phone
    with transaction.atomic():
        preference, _created = Preference.objects.update_or_create(user=user, defaults=defaults)
        changes = {name: [None, value] for name, value in defaults.items() if name != "phone"}
        if phone is not None:
            changes["phone"] = audit.CHANGED  # a personal number: never its value
        audit.record(user, AuditAction.PREFERENCES_SAVE, preference, None, object_repr=user.get_username(),
                     changes=changes)
    return preference


def chosen_channels(user) -> dict:
    """{channel name: [kinds]} as ``user`` chose them (defaults filled in), for the settings page and the API."""
    preference = Preference.objects.filter(user=user).first()
    every = [code for code, _label in kinds.choices()]
    chosen = {}
    for channel in channels.all_channels():
        picked = preference.kinds_for(channel) if preference else (None if channel.on_by_default else set())
        chosen[channel.name] = every if picked is None else [k for k in every if k in picked]
    return chosen


def save_organization_channel(organization, *, by, channel, webhook, secret=None, enabled=True, kinds_=()):
    """Set up (or change) an organisation's group robot; an empty ``secret`` (None) keeps the stored one."""
    require(by, Action.CHANGE_ORG, organization)
    robot = OrganizationChannel.objects.filter(organization=organization, channel=channel).first() \
        or OrganizationChannel(organization=organization, channel=channel)
    before = audit.stored(robot, ROBOT_FIELDS)
    old_webhook = robot.webhook if robot.pk else None
    robot.webhook, robot.enabled, robot.kinds, robot.changed_by = webhook, enabled, sorted(set(kinds_)), actor(by)
    if secret is not None:
        robot.secret = secret
    with transaction.atomic():
        robot.save()
        changes = audit.diff(before, audit.snapshot(robot, ROBOT_FIELDS))
        # the webhook address and the signing secret are credentials: "changed", never their values
        if old_webhook != robot.webhook:
            changes["webhook"] = audit.CHANGED
        if secret is not None:
            changes["secret"] = audit.CHANGED
        if changes:
            audit.record(by, AuditAction.ROBOT_SAVE, robot, organization, object_repr=f"{organization.name} {channel}",
                         changes=changes)
    return robot


ROBOT_FIELDS = ("enabled", "kinds")  # what a robot's audit row shows with its values


def remove_organization_channel(robot, *, by):
    require(by, Action.CHANGE_ORG, robot.organization)
    with transaction.atomic():
        audit.record(by, AuditAction.ROBOT_REMOVE, robot, robot.organization,
                     object_repr=f"{robot.organization.name} {robot.channel}", changes={"enabled": [robot.enabled, None]})
        robot.delete()


def mark_read(user, ids=None):
    """Mark the user's notifications (all, or those in ``ids``) read; returns how many changed."""
    unread = Notification.objects.unread().filter(user=user)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())


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
