"""Actions on several rows at once, all or none (the API's bulk endpoints; pages may share the services).

A bulk endpoint takes ``ids``, looks them up in the caller's scope (``chosen``: an id outside it refuses the whole
request as if it did not exist, 404), and calls one service in one transaction. A service that cannot act on some
of the rows raises ``Refused`` naming them, with the reason for each; the transaction rolls back, so nothing is
written, and the API answers ``{"detail", "refused": [ids], "reasons": {id: why}}`` with the refusal's status.
``Refused`` is a PermissionDenied, so a page that catches that shows its message as before.
"""
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

MAX_IDS = 1000


class Refused(PermissionDenied):
    """Some of the rows of a bulk action were refused: ``reasons`` maps each refused id to why; ``status`` is the
    HTTP answer (404 not in the caller's scope, 403 not the caller's to act on, 409 not in a state to act on)."""

    def __init__(self, message, reasons: dict, status: int = 403):
        super().__init__(message)
        self.message, self.reasons, self.status = str(message), {int(k): str(v) for k, v in reasons.items()}, status

    @property
    def refused(self):
        return sorted(self.reasons)

    def as_json(self):
        return {"detail": self.message, "refused": self.refused, "reasons": {str(k): v for k, v in sorted(self.reasons.items())}}


def chosen(queryset, ids, *, message=None):
    """The rows of ``queryset`` (the caller's scope) with these ids, in id order; an id not among them refuses the
    whole request (404 with ``message``, naming the ids, never what they are)."""
    ids = sorted(set(int(i) for i in ids))
    rows = list(queryset.filter(pk__in=ids).order_by("pk"))
    missing = set(ids) - {row.pk for row in rows}
    if missing:
        raise Refused(message or _("Some of these rows do not exist or are not yours to see; nothing was done."),
                      {pk: _("Not found.") for pk in missing}, status=404)
    return rows


class IdsSerializer(serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=2**63 - 1), min_length=1,
                                max_length=MAX_IDS, help_text=gettext_lazy("The ids of the rows to act on."))
