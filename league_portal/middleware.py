"""Request plumbing: the current role assignment and the interface language.

The user's current role assignment goes on the request (``request.current_role``).

A user may hold several roles; the page header offers a switch, kept in the session. The
current role decides where pages start (the dashboard, the tree browser, forms' default
organisation); what a user may see is always the union of all their roles.
"""
from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_supported_language_variant

from orgs.permissions import role_assignments

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


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    """Chinese unless the user chose another language with the switch (kept in a cookie).

    Django's LocaleMiddleware would follow the browser's Accept-Language; a league portal speaks
    Chinese to everyone by default, whatever language the office computer's browser was set to.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        try:
            language = get_supported_language_variant(chosen) if chosen else settings.LANGUAGE_CODE
        except LookupError:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
