"""Django admin pieces shared by the apps: scoping by the same permission layer as pages and API."""
from .permissions import Action, can


class ScopedAdminMixin:
    """Non-superusers see and change in Django admin only what their roles cover."""

    def get_queryset(self, request):
        return super().get_queryset(request).restrict(request.user, Action.VIEW)

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or can(request.user, Action.CHANGE_ORG, obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or can(request.user, Action.CHANGE_ORG, obj))
