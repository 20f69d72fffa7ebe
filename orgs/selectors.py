"""Reads of the organisation app that are more than a filter."""
from django.contrib.auth import get_user_model

from league_portal.permissions import Action, scopes

from .models import Organization, RoleAssignment

User = get_user_model()


def visible_users(user, action=Action.MANAGE_USERS):
    """Accounts that hold at least one role inside the part of the tree ``user`` covers for ``action``."""
    if user.is_superuser:
        return User.objects.order_by("username")
    holders = RoleAssignment.objects.restrict(user, action).values("user_id")
    return User.objects.filter(pk__in=holders).order_by("username")


def scope_roots(user, action=Action.VIEW):
    """The topmost organisations of the user's scopes: where a tree browser starts."""
    if user.is_superuser:
        return Organization.objects.filter(depth=1)
    return Organization.objects.filter(path__in=[s.path for s in scopes(user, action)])
