"""The volunteer statistics page of an organisation in the user's part of the tree, for a year: headline figures,
its children in a sortable table, and charts (hours by month, star levels, registered share by child) drawn by
static/js/charts.js (the portal's chart helper) from the JSON of ``statistics_data``, each with an accessible table beside it.

Both read the stored statistics (volunteers.selectors), a fixed number of queries whatever the size of the tree;
the organisation is looked up among those the user sees (404 otherwise), so the page, the JSON and the API
(``volunteer-statistics/``) share one scoping.
"""
import datetime

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.months import month_start
from orgs.forms import OrganizationSwitchForm
from orgs.models import Organization

from .. import selectors

YEARS_BACK = 5
SORTS = {
    "name": lambda child, f: child.path,
    "registered": lambda child, f: f.registered,
    "share": lambda child, f: f.registered_share if f.registered_share is not None else -1,
    "active": lambda child, f: f.active,
    "hours": lambda child, f: f.year_hours,
    "per_volunteer": lambda child, f: f.year_hours_per_volunteer if f.year_hours_per_volunteer is not None else -1,
}


def _number(value):
    return None if value is None else float(value)


def _scope(request):
    """(organisation, year, month) from ``?org=<code>&year=YYYY``: an organisation the
    user sees (404 otherwise; by default the current role's), the year's last month that has begun."""
    visible = Organization.objects.restrict(request.user)
    code = (request.GET.get("org") or "").strip()
    if code:
        organization = visible.filter(code=code).first()
        if organization is None:
            raise Http404
    else:
        role = getattr(request, "current_role", None)
        organization = role.organization if role else visible.order_by("path").first()
        if organization is None:
            raise PermissionDenied(_("You hold no role in any organisation."))
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year") or today.year)
    except ValueError:
        year = today.year
    year = min(max(year, today.year - YEARS_BACK), today.year)
    month = month_start(today) if year == today.year else datetime.date(year, 12, 1)
    return organization, year, month


def _ancestors(organization, user):
    """The organisations above ``organization`` that the user sees, top first (the way back up)."""
    steplen = organization.steplen
    paths = [organization.path[:end] for end in range(steplen, len(organization.path), steplen)]
    return list(Organization.objects.restrict(user).filter(path__in=paths).order_by("path"))


@login_required
def statistics(request):
    organization, year, month = _scope(request)
    figures = selectors.figures(organization, month)
    children = selectors.children_figures(organization, month)
    sort = request.GET.get("sort", "name")
    key = sort.lstrip("-")
    if key in SORTS:
        children.sort(key=lambda pair: SORTS[key](*pair), reverse=sort.startswith("-"))
    series = selectors.year_series(organization, year)
    today = timezone.localdate()
    base = f"org={organization.code}&year={year}"
    sort_links = {k: (f"{base}&sort={'-' if sort == k else ''}{k}", "asc" if sort == k else "desc" if sort == f"-{k}"
                      else "") for k in SORTS}
    return render(request, "volunteers/statistics.html", {
        "organization": organization, "year": year, "month": month, "figures": figures, "children": children,
        "series": series, "stars": list(enumerate(figures.star_counts())), "sort": sort,
        "switch": OrganizationSwitchForm(user=request.user, organization=organization, label=_("Organisation")).field,
        "ancestors": _ancestors(organization, request.user),
        "years": list(range(today.year, today.year - YEARS_BACK - 1, -1)),
        "sort_links": sort_links, "base_query": base,
        "data_url": f"{reverse('volunteers:statistics_data')}?org={organization.code}&year={year}",
    })


@login_required
def statistics_data(request):
    """The charts' data as JSON: the same organisation, year and scoping as the page."""
    organization, year, month = _scope(request)
    figures = selectors.figures(organization, month)
    series = selectors.year_series(organization, year)
    children = selectors.children_figures(organization, month)
    return JsonResponse({
        "organization": {"code": organization.code, "name": organization.display_name},
        "year": year,
        "month": f"{month:%Y-%m}",
        "hours_by_month": {
            "title": _("Confirmed hours by month"),
            "categories": [f"{f.month:%Y-%m}" for f in series], "kind": "bar",
            "series": [{"key": "hours", "name": _("Hours in the month"), "data": [_number(f.hours) for f in series],
                        "unit": ""}],
        },
        "stars": {
            "title": _("Registered volunteers by star level"),
            "categories": [_("No star")] + [_("%(n)d stars") % {"n": n} if n > 1 else _("One star")
                                            for n in range(1, 6)], "kind": "bar",
            "series": [{"key": "volunteers", "name": _("Volunteers"), "data": figures.star_counts(), "unit": ""}],
        },
        "share_by_child": {
            "title": _("League members registered as volunteers (%) by organisation"),
            "categories": [child.display_name for child, _f in children], "kind": "hbar",
            "links": [f"{reverse('volunteers:statistics')}?org={child.code}&year={year}" for child, _f in children],
            "series": [{"key": "share", "name": _("Registered share (%)"),
                        "data": [_number(f.registered_share) for _c, f in children], "unit": "%"}],
        },
    })
