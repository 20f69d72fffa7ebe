"""Project-wide pages: the organisation switch and error pages that speak JSON to the API."""
import sys

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template import loader
from django.templatetags.static import static
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.http import require_GET, require_POST

from core.api import json_error
from orgs.permissions import role_assignments

from .middleware import SESSION_KEY


@require_GET
def favicon(request):
    """Browsers ask every site for /favicon.ico whatever the page links: send them to the static icon (a temporary
    redirect, since the static address changes with the icon's content)."""
    return redirect(static("img/favicon.ico"))


@login_required
@require_POST
def switch_role(request):
    """Make another of the user's role assignments the current one."""
    try:
        chosen = int(request.POST.get("role", ""))
    except ValueError:
        chosen = None
    if any(ra.pk == chosen for ra in role_assignments(request.user)):
        request.session[SESSION_KEY] = chosen
    else:
        messages.error(request, _("That role is not yours."))
    target = request.POST.get("next") or "home"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "home"
    return redirect(target)


def _is_api(request):
    return request.path.startswith("/api/")


def page_not_found(request, exception=None):
    if _is_api(request):
        return json_error(request, 404, _("Not found."))
    return defaults.page_not_found(request, exception)


def _database_unavailable():
    """True while the error being handled is the database not answering (restarting, failing over, refusing)."""
    from django.db import InterfaceError, OperationalError

    return isinstance(sys.exc_info()[1], (OperationalError, InterfaceError))


def server_error(request):
    # A database that is restarting is no bug of the page: 503 and a message to try again, not "internal error";
    # the next request opens a new connection (CONN_HEALTH_CHECKS), so no restart of the portal is needed.
    if _database_unavailable():
        if _is_api(request):
            response = json_error(request, 503, _("The database is not answering just now; please try again in a "
                                                  "minute."))
        else:
            response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = "30"
        return response
    if _is_api(request):
        return json_error(request, 500, _("Internal error; it has been logged."))
    return defaults.server_error(request)


def permission_denied(request, exception=None):
    if _is_api(request):
        return json_error(request, 403, _("You do not have permission to perform this action."))
    return defaults.permission_denied(request, exception)


def bad_request(request, exception=None):
    if _is_api(request):
        return json_error(request, 400, _("Bad request."))
    return defaults.bad_request(request, exception)
