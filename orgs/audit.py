"""The audit log: one row per write through a service (who, when, from where, what changed).

Services call ``record()`` inside their own transaction, so a write that fails leaves no row and a row never
outlives its write. Where the request came from (the client's address as TrustedProxyMiddleware computed it, and
the request id) is read from ``core.context``, so services need no parameter for it; outside a request (Celery,
commands) it is empty. ``snapshot()`` and ``diff()`` give the field changes; secret fields (encrypted personal
data, hashes, passwords) are recorded as changed, never with their values.
"""
import datetime
import decimal
import uuid

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone

from core import context

from .models import AuditEntry
from .permissions import actor as recorded_actor

CHANGED = "changed"  # what a secret field's change is recorded as
SECRET_SUFFIXES = ("_encrypted", "_hash", "password")
SKIPPED = {"updated_at", "version"}  # bookkeeping that every save changes


def is_secret(name: str) -> bool:
    return name.endswith(SECRET_SUFFIXES)


def _plain(value):
    """A value as JSON holds it."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, decimal.Decimal):
        return format(value.normalize(), "f") if value.is_finite() else str(value)
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, models.Model):
        return value.pk
    return str(value)


def stored(obj, fields=None) -> dict:
    """The snapshot of ``obj`` as the database holds it: the "before" of an edit, which the instance itself may no
    longer tell (a ModelForm bound to it has already set the new values when the service is called)."""
    if obj is None or obj.pk is None:
        return {}
    return snapshot(type(obj)._base_manager.filter(pk=obj.pk).first(), fields)


def snapshot(obj, fields=None) -> dict:
    """The concrete fields of ``obj`` (by name; a foreign key as its id), as JSON holds them."""
    if obj is None:
        return {}
    result = {}
    for field in obj._meta.concrete_fields:
        if field.primary_key or field.name in SKIPPED or (fields is not None and field.name not in fields):
            continue
        value = getattr(obj, field.attname)
        if isinstance(field, models.FileField):
            value = value.name if value else ""
        elif isinstance(field, models.DecimalField) and value is not None:
            value = field.to_python(value)  # a form may have set an int or a string: compare as the column holds it
        result[field.name] = _plain(value)
    return result


def diff(before: dict, after: dict) -> dict:
    """``{field: [old, new]}`` for every field whose value differs; a secret field as ``{field: "changed"}``."""
    changes = {}
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name), after.get(name)
        if old != new:
            changes[name] = CHANGED if is_secret(name) else [old, new]
    return changes


def record(by, action, obj=None, organization=None, *, changes=None, note="", object_repr=None) -> AuditEntry:
    """Leave one audit row for ``action`` (an ``AuditAction``) done by ``by`` to ``obj`` in ``organization``
    (the organisation whose administrators may read the row; ``obj``'s own when not given)."""
    if organization is None and obj is not None:
        organization = getattr(obj, "scope_organization", None)
    who = recorded_actor(by)
    where = context.current()
    return AuditEntry.objects.create(
        actor=who if getattr(who, "pk", None) else None,
        actor_name=(who.get_username() if who is not None and hasattr(who, "get_username") else "")[:150],
        address=where.address, request_id=where.request_id, action=action,
        content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=obj.pk if obj is not None else None,
        object_repr=(str(obj) if object_repr is None else object_repr)[:300],
        organization=organization,
        changes=_clean(changes or {}),
        note=(note or "")[:500],
    )


def _clean(changes: dict) -> dict:
    """Changes as given by a service, with secret values replaced (whatever the caller passed)."""
    return {name: CHANGED if is_secret(name) else _plain(value) for name, value in changes.items()}


def forget(querysets, old: str, new: str) -> int:
    """Take ``old`` (a person's name, when their record is anonymised) out of the rows about the objects of
    ``querysets``: in the object's name and the note it becomes ``new``, and a recorded value holding it becomes
    "changed". The one change ever made to audit rows, as the law on personal data asks; returns how many."""
    if not old:
        return 0
    about = Q(pk__in=[])
    for queryset in querysets:
        about |= Q(content_type=ContentType.objects.get_for_model(queryset.model),
                   object_id__in=queryset.values("pk"))
    changed = 0
    for entry in AuditEntry.objects.filter(about).only("pk", "object_repr", "note", "changes"):
        changes = {name: CHANGED if old in str(value) else value for name, value in entry.changes.items()}
        AuditEntry.objects.filter(pk=entry.pk).update(  # update(), not save(): a saved row refuses to change
            object_repr=entry.object_repr.replace(old, new)[:300], note=entry.note.replace(old, new)[:500],
            changes=changes)
        changed += 1
    return changed


def prune(now=None) -> int:
    """Delete the rows older than ``AUDIT_RETENTION_DAYS``; returns how many went."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.AUDIT_RETENTION_DAYS)
    deleted, _by_model = AuditEntry.objects.filter(at__lt=cutoff).delete()
    return deleted
