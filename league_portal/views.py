"""Project-wide pages: the dashboard, the organisation switch and error pages that speak JSON to the API."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q, Sum
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.http import require_POST

from core.api import json_error
from orgs.choices import Level
from orgs.models import Organization
from orgs.permissions import Action, has_any, role_assignments

from .middleware import SESSION_KEY


@login_required
def home(request):
    """工作台: the current organisation and what its subtree holds."""
    role = request.current_role
    context = {}
    if role:
        organization = role.organization
        subtree = Organization.objects.within(organization).restrict(request.user)
        context["organization"] = organization
        context["totals"] = subtree.aggregate(
            organizations=Count("pk"), members=Sum("member_count"), youth=Sum("youth_count")
        )
        counts = dict(subtree.order_by().values_list("level").annotate(n=Count("pk")))
        context["by_level"] = [{"label": label, "n": counts[value]} for value, label in Level.choices if value in counts]
        context.update(_reporting_and_scores(request.user, organization))
    return render(request, "home.html", context)


def _reporting_and_scores(user, organization):
    """Last month's reporting in the subtree (for reviewers) and the newest published ranking around it."""
    from assessment.choices import RunStatus
    from assessment.models import AssessmentRun, Score
    from core import months
    from reports import grid, selectors

    today = timezone.localdate()
    last_month = months.last_month(today)
    found = {}
    if has_any(user, Action.REVIEW_REPORT):
        scope = selectors.reviewer_scope(user).filter(path__startswith=organization.path)
        (found["reporting"],) = grid.month_columns(scope, [last_month], today)
    above = [organization.path[:end] for end in range(organization.steplen, len(organization.path) + 1, organization.steplen)]
    run = (AssessmentRun.objects.restrict(user).filter(status=RunStatus.PUBLISHED)
           .filter(Q(scheme__organization__path__in=above) | Q(scheme__organization__path__startswith=organization.path))
           .select_related("scheme").order_by("-month", "-scheme__organization__depth", "-version").first())
    if run is not None:
        found["ranking_run"] = run
        found["ranking"] = Score.objects.restrict(user).filter(run=run).select_related("organization").order_by(
            "rank", "organization__path")[:5]
    return found


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


def server_error(request):
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
