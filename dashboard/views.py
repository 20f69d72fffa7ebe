"""Pages of the dashboard app: the start page of each role ("/"), the 工作台 of an organisation and year, its chart
data (JSON) and its Excel summary.

Who may open an organisation's 工作台: whoever sees its whole subtree (a role there or above it other than a
reporter's, which covers its own organisation only). An organisation the user cannot see answers 404, one they
see without its subtree 403 — the pages, the chart endpoints and the export alike.
"""
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from core.dates import parse_year
from core.spreadsheets import download
from orgs.choices import Role
from orgs.models import Organization
from orgs.permissions import Action, role_assignments, scopes
from plans.models import Plan

from . import charts, circular, figures, services, sheets, starts


def covers_subtree(user, organization):
    """Whether ``user`` sees every organisation below ``organization`` (the dashboard's figures add them all up)."""
    if user.is_superuser:
        return True
    return any(s.subtree and s.covers(organization.path) for s in scopes(user, Action.VIEW))


def _organization(request, ref):
    """The organisation named in the address by its code (or, failing that, its key): 404 unseen, 403 without
    its subtree."""
    visible = Organization.objects.restrict(request.user)
    organization = visible.filter(code=ref).first()
    if organization is None and ref.isascii() and ref.isdigit():
        organization = visible.filter(pk=int(ref)).first()
    if organization is None:
        raise Http404
    if not covers_subtree(request.user, organization):
        raise PermissionDenied
    return organization


def _year(request):
    value = request.GET.get("year")
    if value in (None, ""):
        return timezone.localdate().year
    try:
        return parse_year(value)
    except ValidationError as exc:
        raise BadRequest(" ".join(exc.messages)) from exc


def _current(request):
    """The organisation of the current role, when it shows a 工作台."""
    role = request.current_role
    if not role:
        raise Http404
    if not covers_subtree(request.user, role.organization):
        raise PermissionDenied
    return role.organization


@login_required
def start(request):
    """"/": the start page of the user's current role (leaders and staff: the 工作台 of its organisation)."""
    role = request.current_role
    if not role:
        return render(request, "dashboard/no_role.html")
    today = timezone.localdate()
    if role.role == Role.REPORTER:
        return render(request, "dashboard/start_reporter.html", {
            "organization": role.organization, **starts.reporter(request.user, role.organization, today)})
    if role.role == Role.ASSESSOR:
        return render(request, "dashboard/start_assessor.html", {
            "organization": role.organization, **starts.assessor(request.user, today)})
    if role.role == Role.ADMIN:
        return render(request, "dashboard/start_admin.html", {
            "organization": role.organization, **starts.administrator(request.user, role.organization)})
    return _dashboard(request, role.organization, _year(request))


@login_required
def dashboard(request, ref=None):
    """The 工作台 of an organisation (the current role's without ``ref``) and a year (``?year=``)."""
    organization = _organization(request, ref) if ref is not None else _current(request)
    return _dashboard(request, organization, _year(request))


def _dashboard(request, organization, year):
    user = request.user
    data = figures.board(organization, year, user)
    steplen = organization.steplen
    above = [organization.path[:end] for end in range(steplen, len(organization.path), steplen)]
    crumbs = [o for o in Organization.objects.filter(path__in=above).restrict(user).order_by("depth")
              if covers_subtree(user, o)]
    held = {}
    for ra in role_assignments(user):
        if ra.role != Role.REPORTER and ra.organization_id not in held:
            held[ra.organization_id] = ra.organization
    years = sorted(set(Plan.objects.restrict(user).values_list("year", flat=True).distinct())
                   | {timezone.localdate().year, year}, reverse=True)
    chart_tables = {}
    for name in charts.CHARTS:
        chart_data = charts.chart(data, name)
        chart_tables[name] = {**chart_data, "rows": charts.table_rows(chart_data)}
    return render(request, "dashboard/dashboard.html", {
        "board": data, "organization": organization, "year": year, "years": years, "crumbs": crumbs,
        "switch": list(held.values()) if len(held) > 1 else [], "charts": chart_tables,
        "grade": charts.grade_label(data["score"]["grade"]) if data["score"] else "",
        "light_order": charts.LIGHT_ORDER, "circular_months": circular.months_offered(),
    })


@login_required
def chart(request, ref, name):
    """A chart's data as JSON (the same as the table beside it on the page)."""
    organization = _organization(request, ref)
    if name not in charts.CHARTS:
        raise Http404
    data = figures.board(organization, _year(request), request.user)
    result = charts.chart(data, name)
    result.update(organization=organization.code, year=data["year"])
    return JsonResponse(result, json_dumps_params={"ensure_ascii": False})


@login_required
def dashboard_export(request, ref):
    """The dashboard's figures as an Excel summary, A4 landscape with print titles."""
    organization = _organization(request, ref)
    data = figures.board(organization, _year(request), request.user)
    name = _("dashboard-%(code)s-%(year)s.xlsx") % {"code": organization.code, "year": data["year"]}
    return download(sheets.summary(data), name)


def circular_response(request, ref, kind):
    """The 工作通报 of the organisation ``ref`` and ``?month=YYYY-MM`` as a download (page and API alike)."""
    organization = _organization(request, ref)
    try:
        month = circular.circular_month(request.GET.get("month"))
    except ValidationError as exc:
        raise BadRequest(" ".join(exc.messages)) from exc
    content, name, content_type = services.circular_file(organization, month, kind)
    return download(content, name, content_type)


@login_required
def circular_download(request, ref, kind):
    """The 工作通报 as .docx or .pdf: the stored copy while current, else made now (and stored)."""
    if kind not in ("docx", "pdf"):
        raise Http404
    return circular_response(request, ref, kind)
