"""Reads of the organisation app that are more than a filter."""
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import BooleanField, Case, Exists, ExpressionWrapper, IntegerField, OuterRef, Q, Value, When
from django.utils.translation import gettext as _

from .models import Organization, RoleAssignment
from .permissions import GRANTS, Action, scope_q, scopes

User = get_user_model()


def visible_users(user, action=Action.MANAGE_USERS):
    """Accounts that hold at least one role inside the part of the tree ``user`` covers for ``action``."""
    users = User.objects.annotate(is_manageable=manageable(user)).order_by("username")
    if user.is_superuser:
        return users
    return users.filter(pk__in=RoleAssignment.objects.restrict(user, action).values("user_id"))


def manageable(user):
    """An expression: whether ``user`` fully covers an account (``User`` rows) for managing it.

    True when every role the account holds lies in ``user``'s scopes for managing users, it holds at
    least one, and it is no superuser. Otherwise an administrator of a county could take over — or
    read the e-mail of — a provincial leader who also holds a role in the county.
    """
    if user.is_superuser:
        return Value(True, output_field=BooleanField())
    roles = RoleAssignment.objects.filter(user=OuterRef("pk"))
    outside = roles.exclude(scope_q(user, Action.MANAGE_USERS, "organization__path"))
    return ExpressionWrapper(Q(is_superuser=False) & Exists(roles) & ~Exists(outside), output_field=BooleanField())


def manageable_users(user):
    """Accounts ``user`` may change and grant roles to (see ``manageable``)."""
    return User.objects.filter(manageable(user)).order_by("username")


def scope_roots(user, action=Action.VIEW):
    """The topmost organisations of the user's scopes: where a tree browser starts."""
    if user.is_superuser:
        return Organization.objects.filter(depth=1)
    return Organization.objects.filter(path__in=[s.path for s in scopes(user, action)])


PICKER_LIMIT = 20  # a picker offers at most this many matches: the caller types more to narrow them


def picker_organizations(user, action=Action.VIEW, *, within=None):
    """The organisations a picker may offer (and its form accept) for ``action``: ``restrict(user, action)``,
    narrowed to the subtree below ``within`` when given (a scheme's assessed organisations lie below its issuer)."""
    organizations = Organization.objects.restrict(user, action)
    return organizations.within(within, include_self=False) if within is not None else organizations


def picker_query(user, params):
    """(the organisations to search, the one whose subtree to leave out) from a picker's query (``purpose``,
    ``within``, ``exclude``: codes among those ``user`` sees). ValidationError, by field, for a purpose that is
    no action or a code the user does not see — the same answer as for a code that does not exist."""
    action = params.get("purpose") or Action.VIEW
    if action not in GRANTS:
        raise ValidationError({"purpose": _("Unknown purpose.")})
    visible = Organization.objects.restrict(user)
    found = {}
    for name in ("within", "exclude"):
        code = (params.get(name) or "").strip()[:40]
        found[name] = visible.filter(code=code).first() if code else None
        if code and found[name] is None:
            raise ValidationError({name: _("No organisation with the code “%(code)s” in your organisations.") % {"code": code}})
    return picker_organizations(user, action, within=found["within"]), found["exclude"]


def search_organizations(organizations, query, *, exclude=None, user=None, limit=PICKER_LIMIT):
    """At most ``limit`` of ``organizations`` matching ``query`` — a code's beginning, or a part of the name or
    short name — best first (the exact code, codes beginning so, names beginning so, then the tree's order), as
    dictionaries for a picker: id, code, name, short_name and ``path_label``, the names above it that ``user`` sees.

    Two queries whatever the tree's size: the matches (a code prefix uses the code's unique index; a name is
    looked for inside the caller's part of the tree only) and their ancestors. ``exclude`` (an organisation)
    leaves out its subtree: a subtree cannot move below itself."""
    query = (query or "").strip()[:100]
    matches = organizations
    if exclude is not None:
        matches = matches.exclude(path__startswith=exclude.path)
    if query:
        matches = matches.filter(Q(code__startswith=query) | Q(name__icontains=query) | Q(short_name__icontains=query))
        rank = Case(When(code=query, then=Value(0)), When(code__startswith=query, then=Value(1)),
                    When(Q(name__startswith=query) | Q(short_name__startswith=query), then=Value(2)),
                    default=Value(3), output_field=IntegerField())
        matches = matches.annotate(rank=rank).order_by("rank", "depth", "path")
    else:
        matches = matches.order_by("path")
    rows = list(matches.values("id", "code", "name", "short_name", "path", "depth")[:limit])
    steplen = Organization.steplen
    above = {row["path"][:end] for row in rows for end in range(steplen, len(row["path"]), steplen)}
    names = {}
    if above:
        seen = Organization.objects.restrict(user) if user is not None else Organization.objects.all()
        names = {o["path"]: o["short_name"] or o["name"]
                 for o in seen.filter(path__in=above).values("path", "name", "short_name")}
    return [{
        "id": row["id"], "code": row["code"], "name": row["name"], "short_name": row["short_name"],
        "path_label": " / ".join(names[row["path"][:end]] for end in range(steplen, len(row["path"]), steplen)
                                 if row["path"][:end] in names),
    } for row in rows]


def search_users(users, query, *, limit=PICKER_LIMIT):
    """At most ``limit`` of ``users`` whose user name begins with ``query`` or whose name holds it, for a picker."""
    query = (query or "").strip()[:100]
    if query:
        users = users.filter(Q(username__istartswith=query) | Q(first_name__icontains=query)
                             | Q(last_name__icontains=query))
    return [{"id": u["id"], "username": u["username"], "name": u["first_name"] or u["last_name"]}
            for u in users.order_by("username").values("id", "username", "first_name", "last_name")[:limit]]
