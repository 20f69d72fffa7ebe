"""Reads of the organisation app that are more than a filter."""
from django.contrib.auth import get_user_model
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, Value

from .models import Organization, RoleAssignment
from .permissions import Action, scope_q, scopes

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
