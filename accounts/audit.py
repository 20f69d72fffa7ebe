"""Audit rows for API tokens. accounts sits beside orgs in the layers and may not import its log (orgs.AuditEntry),
so a token write sends ``written`` and the roof (league_portal.apps) has orgs.audit record it — inside the service's
own transaction, like every other audited write. The key is never recorded: knox keeps only its hash, and the row
names the token by the first characters knox shows (``token_key``)."""
from django.dispatch import Signal

written = Signal()  # sent with by, action (an orgs.choices.AuditAction value), obj, changes

TOKEN_ISSUE = "token.issue"
TOKEN_REVOKE = "token.revoke"


def record(by, action, obj, *, changes=None):
    written.send(sender=type(obj), by=by, action=action, obj=obj, changes=changes or {})
