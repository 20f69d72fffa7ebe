"""Template context every page needs: the roles for the organisation switch and the menu rights."""
from django.conf import settings

from orgs.permissions import Action, has_any, role_assignments
from volunteers.selectors import own_volunteer


def portal(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"portal_name": settings.PORTAL_NAME}
    role = getattr(request, "current_role", None)
    return {
        "portal_name": settings.PORTAL_NAME,
        "my_roles": role_assignments(user),
        "current_role": role if role else None,
        "can_manage_users": has_any(user, Action.MANAGE_USERS),
        "can_view_audit": has_any(user, Action.VIEW_AUDIT),
        "can_change_orgs": has_any(user, Action.CHANGE_ORG),
        # called by the template only when the menu asks: whether the account is a registered volunteer's
        "is_volunteer": lambda: own_volunteer(user) is not None,
    }
