"""The roof's app: it wires what two apps beside each other in the layers may not wire themselves."""
from django.apps import AppConfig


def record_account_write(sender, *, by, action, obj, changes, **kwargs):
    """An API token's issue or revocation (accounts.audit) as a row of orgs' log, under the account's organisation
    (the one nearest the root at which it holds a role), so that organisation's administrators see it."""
    from orgs import audit
    from orgs.models import RoleAssignment

    user = getattr(obj, "user", obj)
    home = (RoleAssignment.objects.filter(user=user).select_related("organization")
            .order_by("organization__depth", "pk").first())
    key = getattr(obj, "token_key", "")
    # the row is about the account (a token's key is its hash, not a number a row can point at)
    audit.record(by, action, user, home.organization if home else None, changes=changes,
                 object_repr=f"{user} · {key}…" if key else str(user))


class LeaguePortalConfig(AppConfig):
    name = "league_portal"

    def ready(self):
        from accounts import audit as accounts_audit

        accounts_audit.written.connect(record_account_write, dispatch_uid="league_portal.record_account_write")
