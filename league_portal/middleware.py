"""Puts the user's current role assignment on the request (``request.current_role``).

A user may hold several roles; the page header offers a switch, kept in the session. The
current role decides where pages start (the dashboard, the tree browser, forms' default
organisation); what a user may see is always the union of all their roles.
"""
from django.utils.functional import SimpleLazyObject

from .permissions import role_assignments

SESSION_KEY = "current_role_id"


def current_role(request):
    assignments = role_assignments(request.user)
    if not assignments:
        return None
    chosen = request.session.get(SESSION_KEY)
    return next((ra for ra in assignments if ra.pk == chosen), assignments[0])


class CurrentOrganizationMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.current_role = SimpleLazyObject(lambda: current_role(request))
        return self.get_response(request)
